//! Keep-alive policies: how long an instance that has gone idle stays loaded.
//!
//! The policy seam. The FaaS model tells the policy when a pool starts and ends executions,
//! and asks it, each time an instance goes idle (its last busy slot frees), for an
//! [`IdleDecision`]; the model owns the timers that carry the decision out. Policies never see
//! the engine. Each policy is one file; adding one is a variant here and a file, nothing in
//! the model or the other policies.
//!
//! | policy | keys | rule |
//! |---|---|---|
//! | `none` | | reclaimed as soon as it is idle: every call is a cold start |
//! | `fixed` | `idle_timeout`, `reset` | [`fixed`] |
//! | `forever` | | never reclaimed (the M/G/inf reference case) |
//! | `hybrid` | `range`, `prewarm_percentile`, `keep_alive_percentile`, `prewarm_margin`, `keep_alive_margin`, `min_samples`, `cv_threshold` | [`hybrid`] (Shahrad et al., ATC 2020) |
//!
//! Always-warm (provisioned) instances are never reclaimed by any policy while they are
//! provisioned.

pub mod fixed;
pub mod hybrid;

use crate::engine::time::Micros;
use crate::platform::instances::Instance;
pub use fixed::{FixedKeepAlive, Reset};
pub use hybrid::HybridConfig;
use hybrid::{IdleHistogram, IdlePlan};

/// A keep-alive policy as configured in a deployment.
#[derive(Clone, Debug, PartialEq)]
pub enum KeepAlive {
    None,
    Fixed(FixedKeepAlive),
    Forever,
    Hybrid(HybridConfig),
}

/// What happens to an instance that has just gone idle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdleDecision {
    /// Reclaim it now.
    Reclaim,
    /// Keep it until this time, then reclaim it if it is still idle.
    KeepUntil(Micros),
    /// Keep it loaded for as long as the run lasts.
    Keep,
    /// Reclaim it now, load a warm instance of its pool at `load_at` (a pre-warm), and
    /// reclaim that one at `keep_until` if no call used it.
    Prewarm { load_at: Micros, keep_until: Micros },
}

/// What a hybrid policy learns per pool.
#[derive(Clone, Debug)]
struct PoolHistory {
    histogram: IdleHistogram,
    in_flight: u32,
    /// End of the pool's last execution (`None` before the first).
    last_end: Option<Micros>,
}

/// A policy at run time, with whatever state it learns per pool.
#[derive(Clone, Debug)]
pub struct KeepAlivePolicy {
    spec: KeepAlive,
    /// Hybrid only: one history per pool.
    pools: Vec<PoolHistory>,
}

impl KeepAlivePolicy {
    /// The policy `spec` for `pools` pools.
    pub fn new(spec: &KeepAlive, pools: usize) -> Self {
        let pools = match spec {
            KeepAlive::Hybrid(config) => vec![
                PoolHistory {
                    histogram: IdleHistogram::new(config),
                    in_flight: 0,
                    last_end: None,
                };
                pools
            ],
            _ => Vec::new(),
        };
        Self {
            spec: spec.clone(),
            pools,
        }
    }

    /// An execution of `pool` starts at `now` (a call that passed the limits).
    #[inline]
    pub fn started(&mut self, pool: u32, now: Micros) {
        if let Some(p) = self.pools.get_mut(pool as usize) {
            if p.in_flight == 0
                && let Some(end) = p.last_end
            {
                p.histogram.record(now.saturating_sub(end));
            }
            p.in_flight += 1;
        }
    }

    /// An execution of `pool` ended at `now`.
    #[inline]
    pub fn ended(&mut self, pool: u32, now: Micros) {
        if let Some(p) = self.pools.get_mut(pool as usize) {
            p.in_flight -= 1;
            p.last_end = Some(now);
        }
    }

    /// `instance` has just gone idle at `now`.
    #[inline]
    pub fn went_idle(&mut self, instance: &Instance, now: Micros) -> IdleDecision {
        match &self.spec {
            KeepAlive::None => IdleDecision::Reclaim,
            KeepAlive::Fixed(f) => f.went_idle(instance, now),
            KeepAlive::Forever => IdleDecision::Keep,
            KeepAlive::Hybrid(config) => {
                let windows = self.pools[instance.group as usize]
                    .histogram
                    .windows(config);
                match hybrid::plan(windows, now) {
                    IdlePlan::KeepUntil(t) => IdleDecision::KeepUntil(t),
                    IdlePlan::UnloadThenPrewarm {
                        load_at,
                        keep_until,
                    } => IdleDecision::Prewarm {
                        load_at,
                        keep_until,
                    },
                }
            }
        }
    }

    /// Idle times recorded and how many were beyond the histogram's range (hybrid; zeros
    /// for the other policies).
    pub fn idle_times(&self) -> (u64, u64) {
        self.pools.iter().fold((0, 0), |(n, out), p| {
            (n + p.histogram.samples(), out + p.histogram.out_of_range())
        })
    }
}
