//! The raw load of a fleet as the autoscaler reads it: running integrals it differences
//! between two evaluations to get a mean over its window.
//!
//! - busy worker slots over time (slot-µs): mean concurrency = Δ / Δt;
//! - arrivals (a count): request rate = Δ / Δt;
//! - with `vcpus`, vCPUs in use (milli-vCPU-µs): mean CPU use = Δ / Δt.
//!
//! Kept exact (integers) and independent of the recorder (which measures only after the
//! warm-up and per bucket).

use crate::engine::time::Micros;

/// A level that changes at event times, and its integral since time 0 (level x µs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LevelIntegral {
    level: i64,
    area: i128,
    since: Micros,
}

impl LevelIntegral {
    /// The level changes by `delta` at `now` (not before the last change).
    #[inline]
    pub fn change(&mut self, now: Micros, delta: i64) {
        self.area += i128::from(self.level) * i128::from(now - self.since);
        self.since = now;
        self.level += delta;
    }

    /// The level now.
    pub fn level(&self) -> i64 {
        self.level
    }

    /// The integral from 0 to `now` (not before the last change), level x µs.
    pub fn area_at(&self, now: Micros) -> i128 {
        self.area + i128::from(self.level) * i128::from(now.saturating_sub(self.since))
    }
}

/// The load integrals of one fleet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FleetLoad {
    /// Worker slots in use, over all instances.
    pub busy_slots: LevelIntegral,
    /// Requests that arrived at the fleet so far.
    pub arrivals: u64,
    /// With `vcpus`: vCPUs in use over all instances, in milli-vCPUs (an instance uses
    /// min(V, its computing requests' `max_vcpus` summed)); mean CPU utilisation =
    /// Δ / (Δt x 1,000 x V x serving instances).
    pub busy_millivcpus: LevelIntegral,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_integral_is_the_area_under_the_steps() {
        // 0 until 10, 2 until 25, 1 after: area at 40 = 2 x 15 + 1 x 15 = 45.
        let mut l = LevelIntegral::default();
        l.change(10, 2);
        l.change(25, -1);
        assert_eq!(l.level(), 1);
        assert_eq!(l.area_at(25), 30);
        assert_eq!(l.area_at(40), 45);
    }
}
