//! Provisioned concurrency (Lambda) and minimum instances (Cloud Run): always-warm instances
//! per pool, a constant count or a daily schedule.
//!
//! Rules (`provisioned = { instances = N }` or `provisioned = { schedule = [ ... ] }` under
//! `[deployments.compute]`; schedules as in [`crate::platform::schedule`], whose clock reads
//! 00:00 at the start of the simulated window):
//! - Every pool keeps the scheduled number of always-warm instances. They are loaded at the
//!   moment the level rises (ahead of traffic: no call waits for them), never reclaimed by the
//!   keep-alive policy, and serve before any on-demand instance.
//! - Traffic beyond them spills over to on-demand instances under the keep-alive policy (cold
//!   starts as usual).
//! - When the level falls, idle always-warm instances are reclaimed at once; busy ones finish
//!   their calls as on-demand instances (the keep-alive policy then applies to them).
//! - Billing (Lambda's provisioned meters): `provisioned_gb_seconds` bills the configured
//!   instances' memory for the whole time they are configured, used or not; calls that run
//!   on them bill `provisioned_compute` per GB-s instead of `gb_seconds`; requests bill as
//!   usual. Lambda rounds the configured time up to 5 minutes per configuration; this model
//!   bills it to the microsecond (a documented simplification).

use super::super::schedule::DailySchedule;
use crate::engine::time::Micros;

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
