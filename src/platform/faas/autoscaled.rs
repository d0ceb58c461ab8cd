//! Autoscaling of FaaS deployments with `instance_concurrency` > 1 (`autoscale` under
//! `[deployments.compute]`, Cloud Run style): the one controller of
//! [`crate::platform::fleet::autoscale`], one per pool, sets a floor of warm instances.
//!
//! Rules (docs/models.md, "Autoscaling"):
//! - Every `interval`, each pool's controller computes its desired count from the pool's
//!   metric over the `window`. The metric's totals: *serving instances* are the pool's ready
//!   instances; *work* is counted when a call starts: its CPU time on this deployment (`cpu`,
//!   against the instance's `vcpus`, 1 when unset), its slot time as started (`concurrency`:
//!   execution plus backend calls, before any CPU sharing stretches it), or one arrival
//!   (`requests_per_instance`).
//! - The desired count is a floor of **always-warm** instances, as `min` instances are on
//!   Cloud Run: they serve first, the keep-alive policy never reclaims them, and they bill as
//!   on-demand instances (this model keeps no provisioned meter for them). At time 0 the
//!   pool loads its `min` (raised by the schedule) ready at once, as provisioned instances
//!   are.
//! - **Scale-out**: the pool's live on-demand instances (ready first, then booting) become
//!   always-warm up to the desired count; if that is not enough, the difference is launched
//!   at once, each with its cold start (sampled from the pool's first function's
//!   distribution), serving when ready. Calls may take the free slots of such an instance
//!   while it boots (they wait for it, and count as cold starts).
//! - **Scale-in**: the always-warm instances beyond the desired count become on-demand: idle
//!   ones are reclaimed at once, busy ones finish their calls and are then kept or reclaimed
//!   by the keep-alive policy (as when a provisioned level falls).
//! - An instance launched by the autoscaler and returned to on-demand while it booted is
//!   reclaimed when it is ready, unless a call took one of its slots meanwhile.
//! - Demand beyond the warm instances' slots still starts on-demand instances with cold
//!   starts, and the keep-alive policy reclaims idle on-demand instances, as without
//!   autoscaling: so the pool never has fewer live instances than the floor, and may have
//!   more.
//! - `boot` is not used: a FaaS instance is ready after its cold start.

use super::{FaasEvent, FaasModel};
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::metrics::Level;
use crate::platform::fleet::autoscale::{AutoscaleSpec, Autoscaler, Integrals, ScalingTarget};
use crate::platform::instances::{InstanceId, Phase};
use crate::rng::{Draw, KeyedUniforms};

/// The autoscalers of a deployment's pools and the totals their metrics are read from.
#[derive(Clone, Debug)]
pub(super) struct PoolAutoscaling {
    target: ScalingTarget,
    scalers: Vec<Autoscaler>,
    /// Per pool: work so far (see the module docs) and instance-seconds of ready instances
    /// stopped so far (those still live are added at each evaluation).
    work: Vec<f64>,
    stopped_seconds: Vec<f64>,
    /// Per pool: always-warm instances the autoscaler holds.
    kept: Vec<u32>,
    /// Instances launched by the autoscaler (keys their cold-start draws).
    launches: u64,
}

/// Keys of the autoscaler's cold-start draws: apart from requests' keys (hashes) by a
/// fixed high tag.
const LAUNCH_KEY_TAG: u64 = 0xA5CA_1E00_0000_0000;

impl PoolAutoscaling {
    /// Autoscaling for `pools` pools under `spec`, instances of `vcpus` and `slots` slots.
    pub(super) fn new(spec: &AutoscaleSpec, pools: usize, vcpus: Option<f64>, slots: u32) -> Self {
        let per_instance = match spec.target {
            ScalingTarget::Cpu(_) => vcpus.unwrap_or(1.0),
            ScalingTarget::Concurrency(_) => f64::from(slots.max(1)),
            ScalingTarget::RequestsPerInstance(_) => 1.0,
        };
        Self {
            target: spec.target,
            scalers: vec![Autoscaler::new(spec.clone(), per_instance); pools],
            work: vec![0.0; pools],
            stopped_seconds: vec![0.0; pools],
            kept: vec![0; pools],
            launches: 0,
        }
    }

    /// The work a call of `pool` brings when it starts: its `cpu_time` or its slot time
    /// `held` (µs), or one arrival.
    #[inline]
    pub(super) fn call_started(&mut self, pool: u32, cpu_time: Micros, held: Micros) {
        self.work[pool as usize] += match self.target {
            ScalingTarget::Cpu(_) => cpu_time as f64 / 1e6,
            ScalingTarget::Concurrency(_) => held as f64 / 1e6,
            ScalingTarget::RequestsPerInstance(_) => 1.0,
        };
    }
}

impl FaasModel {
    /// At time 0: loads each pool's minimum and schedules the first evaluation.
    pub(super) fn autoscale_start(&mut self, sim: &mut Sim<FaasEvent>) {
        let Some(a) = &self.autoscaling else { return };
        let Some(first) = a.scalers.first() else {
            return; // no function, no pool
        };
        first.start(sim, FaasEvent::Autoscale);
        let floors: Vec<u32> = a.scalers.iter().map(Autoscaler::desired).collect();
        for (pool, &floor) in floors.iter().enumerate() {
            for _ in 0..floor {
                self.instances.launch(pool as u32, 0, 0, true);
                sim.rec.level(Level::Idle, 0, 1);
            }
        }
        if let Some(a) = &mut self.autoscaling {
            a.kept.copy_from_slice(&floors);
        }
        sim.rec.scaling.desired(0, floors.iter().sum());
    }

    /// Instance `i`, launched by the autoscaler, is ready with no call waiting: idle, and
    /// reclaimed at once if a scale-in returned it to on-demand while it booted.
    pub(super) fn autoscaled_ready_idle(&mut self, i: InstanceId, sim: &mut Sim<FaasEvent>) {
        sim.rec.transfer(Level::Starting, Level::Idle, sim.now());
        if !self.instances.get(i).always_warm {
            self.reclaim(i, sim);
        }
    }

    /// Ready instance `i` is stopping now: books its serving time for its pool's metric.
    #[inline]
    pub(super) fn autoscale_stopped(&mut self, i: InstanceId, now: Micros) {
        if let Some(a) = &mut self.autoscaling {
            let inst = self.instances.get(i);
            if inst.phase == Phase::Ready {
                a.stopped_seconds[inst.group as usize] +=
                    now.saturating_sub(inst.ready_at) as f64 / 1e6;
            }
        }
    }

    /// The evaluation is due: every pool's desired count is computed and applied.
    pub(super) fn autoscale_evaluate(&mut self, sim: &mut Sim<FaasEvent>) {
        let Some(a) = &self.autoscaling else { return };
        let now = sim.now();
        // Serving instance-seconds per pool: stopped ones so far, plus the live ready ones.
        let mut serving = a.stopped_seconds.clone();
        for i in self.instances.ids() {
            let inst = self.instances.get(i);
            if inst.phase == Phase::Ready {
                serving[inst.group as usize] += now.saturating_sub(inst.ready_at) as f64 / 1e6;
            }
        }
        let mut total = 0;
        for (pool, &instance_seconds) in serving.iter().enumerate() {
            let Some(a) = &mut self.autoscaling else {
                return;
            };
            let totals = Integrals {
                work: a.work[pool],
                instance_seconds,
            };
            let desired = if pool == 0 {
                a.scalers[0].evaluate(totals, sim, FaasEvent::Autoscale)
            } else {
                a.scalers[pool].recommend(now, totals)
            };
            total += desired;
            let kept = a.kept[pool];
            a.kept[pool] = desired;
            if desired > kept {
                self.keep_more(pool as u32, desired - kept, sim);
            } else if desired < kept {
                self.keep_fewer(pool as u32, kept - desired, sim);
            }
        }
        sim.rec.scaling.desired(now, total);
    }

    /// Makes `more` instances of `pool` always warm: live on-demand ones (ready first, then
    /// booting), then new ones, each with its cold start.
    fn keep_more(&mut self, pool: u32, mut more: u32, sim: &mut Sim<FaasEvent>) {
        for phase in [Phase::Ready, Phase::Booting] {
            for i in self.instances.ids() {
                let inst = self.instances.get(i);
                if more == 0 {
                    return;
                }
                if inst.group == pool && inst.phase == phase && !inst.always_warm {
                    self.instances.set_always_warm(i, true);
                    more -= 1;
                }
            }
        }
        let now = sim.now();
        let first_function = self
            .functions
            .iter()
            .position(|f| f.pool == pool)
            .unwrap_or(0);
        for _ in 0..more {
            let Some(a) = &mut self.autoscaling else {
                return;
            };
            let key = LAUNCH_KEY_TAG ^ a.launches;
            a.launches += 1;
            let unit = KeyedUniforms::new(key, Draw::ColdStart).next_unit();
            let init = self.plans[first_function].cold_start.sample(unit);
            let ready_at = now.saturating_add(init);
            let i = self.instances.launch(pool, now, ready_at, true);
            sim.rec.totals.instance_starts += u64::from(sim.rec.measures(now));
            if ready_at > now {
                sim.rec.level(Level::Starting, now, 1);
                sim.schedule(ready_at, FaasEvent::Ready(i));
            } else {
                sim.rec.level(Level::Idle, now, 1);
            }
        }
    }

    /// Returns `fewer` always-warm instances of `pool` to on-demand: idle ones are reclaimed
    /// at once, then busy or booting ones are left to the keep-alive policy.
    fn keep_fewer(&mut self, pool: u32, mut fewer: u32, sim: &mut Sim<FaasEvent>) {
        for busy_too in [false, true] {
            for i in self.instances.ids() {
                let inst = self.instances.get(i);
                let live = matches!(inst.phase, Phase::Ready | Phase::Booting);
                if fewer == 0 || inst.group != pool || !inst.always_warm || !live {
                    continue;
                }
                let idle = inst.phase == Phase::Ready && inst.busy == 0;
                if idle == busy_too {
                    continue;
                }
                if idle {
                    self.reclaim(i, sim);
                } else {
                    self.instances.set_always_warm(i, false);
                }
                fewer -= 1;
            }
        }
    }
}
