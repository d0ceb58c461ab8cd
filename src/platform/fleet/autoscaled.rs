//! Autoscaling of a fleet (`autoscale` under `[deployments.compute]`): the controller of
//! [`super::autoscale`] drives the fleet's launches and drains ([`super::lifetimes`]).
//!
//! Rules (docs/models.md, "Autoscaling"):
//! - The fleet starts with `min` instances (raised by the schedule at time 0), ready at
//!   once, like a fixed fleet's.
//! - The metric's totals: *serving instances* are the ready instances taking requests (not
//!   booting, not draining); *work* is the fleet's vCPUs in use over time (`cpu`, against
//!   the instance's `vcpus`, which validation requires: the CPU sharing's integral), its busy
//!   worker slots over time (`concurrency`, against `workers`), or its arrivals
//!   (`requests_per_instance`). Busy vCPUs and slots of draining instances are included.
//! - **Scale-out**: when the desired count exceeds the live instances (booting or serving),
//!   the difference is launched at once; each boots for `boot`, then serves.
//! - **Scale-in**: when it is below them, the excess is drained: booting instances first
//!   (the newest first), then the serving ones with the fewest requests in service (the
//!   newest first among equals; Kubernetes removes not-ready, then newer pods first). A
//!   draining instance takes no new request, finishes those it has (and those queued at it),
//!   then stops: no request is lost.

use super::{FleetEvent, FleetModel};
use crate::engine::Sim;
use crate::platform::fleet::autoscale::{AutoscaleSpec, Autoscaler, Integrals, ScalingTarget};
use crate::platform::instances::{InstanceId, Phase};

/// A fleet's autoscaler and what its metric needs beyond the fleet's load integrals.
#[derive(Clone, Debug)]
pub(super) struct FleetAutoscaling {
    scaler: Autoscaler,
    /// Serving time (s) of instances that have left service (drained), summed.
    left_service_seconds: f64,
}

impl FleetAutoscaling {
    /// The autoscaler of a fleet of instances with `workers` slots and `vcpus`.
    pub(super) fn new(spec: &AutoscaleSpec, workers: u32, vcpus: Option<f64>) -> Self {
        let per_instance = match spec.target {
            ScalingTarget::Cpu(_) => vcpus.unwrap_or(1.0),
            ScalingTarget::Concurrency(_) => f64::from(workers.max(1)),
            ScalingTarget::RequestsPerInstance(_) => 1.0,
        };
        Self {
            scaler: Autoscaler::new(spec.clone(), per_instance),
            left_service_seconds: 0.0,
        }
    }

    /// The instances the fleet starts with.
    pub(super) fn initial(&self) -> u32 {
        self.scaler.desired()
    }
}

impl FleetModel {
    /// At time 0 (after the initial instances are up): notes the initial desired count and
    /// schedules the first evaluation.
    pub(super) fn autoscale_start(&mut self, sim: &mut Sim<FleetEvent>) {
        if let Some(a) = &self.autoscaling {
            a.scaler.start(sim, FleetEvent::Autoscale);
            sim.rec.scaling.desired(0, a.scaler.desired());
        }
    }

    /// The evaluation is due: computes the desired count and launches or drains towards it.
    pub(super) fn autoscale_evaluate(&mut self, sim: &mut Sim<FleetEvent>) {
        let Some(a) = &self.autoscaling else { return };
        let now = sim.now();
        let serving_seconds = a.left_service_seconds
            + self
                .serving_instances()
                .iter()
                .map(|&i| now.saturating_sub(self.instance(i).ready_at) as f64 / 1e6)
                .sum::<f64>();
        let load = self.load();
        let work = match a.scaler.spec().target {
            // milli-vCPU-µs to vCPU-seconds.
            ScalingTarget::Cpu(_) => load.busy_millivcpus.area_at(now) as f64 / 1e9,
            ScalingTarget::Concurrency(_) => load.busy_slots.area_at(now) as f64 / 1e6,
            ScalingTarget::RequestsPerInstance(_) => load.arrivals as f64,
        };
        let totals = Integrals {
            work,
            instance_seconds: serving_seconds,
        };
        let Some(a) = &mut self.autoscaling else {
            return;
        };
        let desired = a.scaler.evaluate(totals, sim, FleetEvent::Autoscale);
        let boot = a.scaler.spec().boot;
        sim.rec.scaling.desired(now, desired);
        let counts = self.counts();
        let live = counts.booting + counts.serving;
        if desired > live {
            for _ in live..desired {
                self.launch(now, boot, sim);
            }
        } else if desired < live {
            for id in self.scale_in_order(live - desired) {
                let inst = self.instance(id);
                if inst.phase == Phase::Ready {
                    let served = now.saturating_sub(inst.ready_at) as f64 / 1e6;
                    if let Some(a) = &mut self.autoscaling {
                        a.left_service_seconds += served;
                    }
                }
                self.drain(id, sim);
            }
        }
    }

    /// The `n` instances a scale-in drains, in order: booting ones (newest first), then
    /// serving ones with the fewest requests in service (newest first among equals).
    fn scale_in_order(&self, n: u32) -> Vec<InstanceId> {
        let mut booting: Vec<InstanceId> = self
            .instances
            .ids()
            .filter(|&i| self.instance(i).phase == Phase::Booting)
            .collect();
        booting.sort_by_key(|&i| std::cmp::Reverse(self.instance(i).created));
        let mut serving: Vec<InstanceId> = self.serving_instances().to_vec();
        serving.sort_by_key(|&i| {
            let inst = self.instance(i);
            (inst.busy, std::cmp::Reverse(inst.created))
        });
        booting
            .into_iter()
            .chain(serving)
            .take(n as usize)
            .collect()
    }
}
