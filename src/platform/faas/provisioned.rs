//! Provisioned concurrency (Lambda) and minimum instances (Cloud Run): always-warm instances
//! per pool, a constant count or a daily schedule.
//!
//! Rules (`provisioned = { instances = N }` or `provisioned = { schedule = [ ... ] }` under
//! `[deployments.compute]`; schedules as in [`crate::platform::schedule`], whose clock reads
//! 00:00 at the start of the simulated window):
//! - Every pool keeps the scheduled number of always-warm instances; with
//!   `provisioned.functions = ["checkout"]`, only the pools those functions run in (a
//!   function's own pool, or its app's with `pools = "app"`) keep them, and only they are
//!   billed for them. They are loaded at the
//!   moment the level rises (ahead of traffic: no call waits for them), never reclaimed by the
//!   keep-alive policy, and serve before any on-demand instance.
//! - Traffic beyond them spills over to on-demand instances under the keep-alive policy (cold
//!   starts as usual).
//! - When the level falls from N to M, the N - M instances it removes are the idle
//!   always-warm ones first (reclaimed at once), then busy ones, which finish their calls as
//!   on-demand instances: the keep-alive policy applies to them, and calls that start on
//!   them later bill as on-demand.
//! - Billing (Lambda's provisioned meters): `provisioned_gb_seconds` bills the configured
//!   instances' memory for the whole time they are configured, used or not; calls that run
//!   on them bill `provisioned_compute` per GB-s instead of `gb_seconds`; requests bill as
//!   usual. Lambda rounds the configured time up to 5 minutes per configuration; this model
//!   bills it to the microsecond (a documented simplification).

use super::super::schedule::DailySchedule;
use super::{FaasEvent, FaasModel};
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::metrics::Level;
use crate::platform::instances::Phase;

/// How many always-warm instances each pool keeps.
#[derive(Clone, Debug, PartialEq)]
pub enum Provisioned {
    Constant(u32),
    Daily(DailySchedule),
}

impl Provisioned {
    /// Always-warm instances per pool at simulation time `t`.
    #[inline]
    pub fn level_at(&self, t: Micros) -> u32 {
        match self {
            Provisioned::Constant(n) => *n,
            Provisioned::Daily(s) => s.level_at(t),
        }
    }

    /// The next time after `t` at which the level changes.
    pub fn next_change_after(&self, t: Micros) -> Option<Micros> {
        match self {
            Provisioned::Constant(_) => None,
            Provisioned::Daily(s) => s.next_change_after(t),
        }
    }

    /// The most always-warm instances per pool at any time (for the size estimate).
    pub fn max_level(&self) -> u32 {
        match self {
            Provisioned::Constant(n) => *n,
            Provisioned::Daily(s) => s.max_level(),
        }
    }
}

/// Per pool of `pool_of` (`pools` of them): whether it keeps the provisioned instances: all
/// without a list of functions, else the pools of the functions named.
pub fn pools_kept(
    names: Option<&[String]>,
    functions: &[crate::workload::FunctionSpec],
    pool_of: &[u32],
    pools: usize,
) -> Vec<bool> {
    let Some(names) = names else {
        return vec![true; pools];
    };
    let mut kept = vec![false; pools];
    for (f, &pool) in functions.iter().zip(pool_of) {
        if names.contains(&f.name) {
            kept[pool as usize] = true;
        }
    }
    kept
}

impl FaasModel {
    /// Sets every pool's always-warm instances to the provisioned level now, and schedules
    /// the next change.
    pub(super) fn provision(&mut self, sim: &mut Sim<FaasEvent>) {
        let Some(plan) = &self.provisioned else {
            return;
        };
        let now = sim.now();
        let target = plan.level_at(now);
        let next = plan.next_change_after(now);
        self.book_provisioned(now, sim);
        self.kept_level = target;
        for pool in 0..self.pools.len() as u32 {
            if !self.pools[pool as usize].provisioned {
                continue;
            }
            let kept = self.pools[pool as usize].kept;
            for _ in kept..target {
                self.instances.launch(pool, now, now, true);
                sim.rec.level(Level::Idle, now, 1);
            }
            if kept > target {
                self.unprovision(pool, kept - target, sim);
            }
            self.pools[pool as usize].kept = target;
        }
        if let Some(t) = next {
            sim.schedule_housekeeping(t, FaasEvent::Provision);
        }
    }

    /// Returns `excess` always-warm instances of `pool` to on-demand: idle ones are
    /// reclaimed, then busy ones finish as on-demand instances.
    ///
    /// Only live (ready) instances count: a stopped slot keeps the `always_warm` flag of
    /// the instance it last held, and counting it would leave a busy instance always warm.
    fn unprovision(&mut self, pool: u32, mut excess: u32, sim: &mut Sim<FaasEvent>) {
        for busy_too in [false, true] {
            for i in self.instances.ids() {
                let inst = self.instances.get(i);
                if excess == 0
                    || inst.group != pool
                    || !inst.always_warm
                    || inst.phase != Phase::Ready
                {
                    continue;
                }
                let idle = inst.busy == 0;
                if idle == busy_too {
                    continue;
                }
                if idle {
                    self.reclaim(i, sim);
                } else {
                    self.instances.set_always_warm(i, false);
                }
                excess -= 1;
            }
        }
    }

    /// Books the provisioned memory configured since the last booking, up to `until` (within
    /// the window).
    pub(super) fn book_provisioned(&mut self, until: Micros, sim: &mut Sim<FaasEvent>) {
        let Some((meter, _)) = self.meters.provisioned else {
            return;
        };
        let until = until.min(sim.window());
        if until > self.kept_since {
            let gb: f64 = self
                .pools
                .iter()
                .filter(|p| p.provisioned)
                .map(|p| p.gb)
                .sum();
            let secs = (until - self.kept_since) as f64 / 1e6;
            let quantity = self.kept_level as f64 * gb * secs;
            sim.rec
                .usage_spread(meter, self.kept_since, until, quantity);
            self.kept_since = until;
        }
    }
}
