//! Keep-alive policies: how long an instance that has gone idle stays loaded.
//!
//! The policy seam. The FaaS model asks the policy, each time an instance goes idle (its last
//! busy slot frees), for an [`IdleDecision`]; the model owns the timers that carry the
//! decision out. Policies never see the engine. Each policy is one file; adding one is a
//! variant here and a file, nothing in the model or the other policies.
//!
//! | policy | keys | rule |
//! |---|---|---|
//! | `none` | | reclaimed as soon as it is idle: every call is a cold start |
//! | `fixed` | `idle_timeout`, `reset` | [`fixed`] |
//! | `forever` | | never reclaimed (the M/G/inf reference case) |
//!
//! Always-warm (provisioned) instances are never reclaimed by any policy while they are
//! provisioned.

pub mod fixed;

use crate::engine::time::Micros;
use crate::platform::instances::Instance;
pub use fixed::{FixedKeepAlive, Reset};

/// A keep-alive policy as configured in a deployment.
#[derive(Clone, Debug, PartialEq)]
pub enum KeepAlive {
    None,
    Fixed(FixedKeepAlive),
    Forever,
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
}

/// A policy at run time (with whatever state it learns per pool).
#[derive(Clone, Debug)]
pub struct KeepAlivePolicy {
    spec: KeepAlive,
}

impl KeepAlivePolicy {
    /// The policy `spec` for `pools` pools.
    pub fn new(spec: &KeepAlive, _pools: usize) -> Self {
        Self { spec: spec.clone() }
    }

    /// A call of `pool` arrives at `now`.
    #[inline]
    pub fn invoked(&mut self, _pool: u32, _now: Micros) {}

    /// `instance` has just gone idle at `now`.
    #[inline]
    pub fn went_idle(&mut self, instance: &Instance, now: Micros) -> IdleDecision {
        match &self.spec {
            KeepAlive::None => IdleDecision::Reclaim,
            KeepAlive::Fixed(f) => f.went_idle(instance, now),
            KeepAlive::Forever => IdleDecision::Keep,
        }
    }
}
