//! The fixed keep-alive: an idle instance is reclaimed `idle_timeout` after a starting moment:
//!
//! - `reset = "on_use"` (default; what Lambda and Azure are measured to do): the moment it last
//!   went idle. Every call that reuses it restarts the clock.
//! - `reset = "never"`: the moment it *first* went idle; it goes at the first moment after its deadline when it
//!   is idle, whatever calls came in between (the default of some peer simulators). An instance
//!   that is busy at its deadline is reclaimed as soon as it next goes idle.
//!
//! An instance idle for exactly `idle_timeout` is reclaimed before a request arriving at that
//! instant (the engine runs due events before arrivals at the same time).

use super::IdleDecision;
use crate::engine::time::Micros;
use crate::platform::instances::Instance;

/// When the idle clock starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reset {
    #[default]
    OnUse,
    Never,
}

impl Reset {
    /// The rule named `name` in a scenario file.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "on_use" => Some(Self::OnUse),
            "never" => Some(Self::Never),
            _ => None,
        }
    }
}

/// `keep_alive = { policy = "fixed", idle_timeout = ..., reset = ... }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedKeepAlive {
    pub idle_timeout: Micros,
    pub reset: Reset,
}

impl FixedKeepAlive {
    /// The decision for `instance`, idle since `now`.
    #[inline]
    pub fn went_idle(&self, instance: &Instance, now: Micros) -> IdleDecision {
        let from = match self.reset {
            Reset::OnUse => now,
            Reset::Never => instance.first_idle,
        };
        let deadline = from.saturating_add(self.idle_timeout);
        if deadline <= now {
            IdleDecision::Reclaim
        } else {
            IdleDecision::KeepUntil(deadline)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::instances::Instances;

    #[test]
    fn never_counts_from_the_first_idle_moment() {
        let mut all = Instances::new(1, 1);
        let i = all.launch(0, 0, 0, false);
        all.take_slot(i);
        all.release_slot(i, 100);
        all.take_slot(i);
        all.release_slot(i, 400);
        let inst = all.get(i);
        let on_use = FixedKeepAlive {
            idle_timeout: 600,
            reset: Reset::OnUse,
        };
        let never = FixedKeepAlive {
            reset: Reset::Never,
            ..on_use
        };
        assert_eq!(on_use.went_idle(inst, 400), IdleDecision::KeepUntil(1000));
        assert_eq!(never.went_idle(inst, 400), IdleDecision::KeepUntil(700));
        assert_eq!(never.went_idle(inst, 700), IdleDecision::Reclaim);
    }
}
