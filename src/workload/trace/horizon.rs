//! Where the scenario's `duration` cuts an Azure 2019 replay: how many trace minutes are (at
//! least partly) replayed, and how many invocations of a minute cut part-way replay. Both use
//! the stream's own test (a trace instant replays iff [`Clock::sim_time`] of it is below the
//! duration), so the counts `check` prints are the ones a run produces.

use super::shape::Clock;
use super::{PartialMinute, ReplayCount, Spread, TraceSpec};
use crate::engine::time::{MINUTE, Micros};

/// More minutes than any trace holds (about 1,900 years): a cut beyond it is no cut, and
/// minute arithmetic stays far from overflow whatever the time scale.
const MAX_MINUTES: u64 = 1_000_000_000;

/// How many trace minutes from `start` are (at least partly) replayed before simulated time
/// `horizon` at time scale `scale`, and whether the last of them is cut part-way.
pub(super) fn horizon_minutes(start: u64, scale: f64, horizon: Micros) -> (u64, bool) {
    let clock = Clock {
        start: (start * MINUTE) as i64,
        end: i64::MAX,
        scale,
    };
    let replays = |m: u64| clock.sim_time(((start + m) * MINUTE) as i64) < horizon;
    // A first guess from the real-valued cut, corrected by the exact test the stream uses.
    let mut m = ((horizon as f64 * scale / MINUTE as f64).ceil() as u64).min(MAX_MINUTES);
    while m > 0 && !replays(m - 1) {
        m -= 1;
    }
    while m < MAX_MINUTES && replays(m) {
        m += 1;
    }
    let partial = m > 0 && clock.sim_time(((start + m) * MINUTE - 1) as i64) >= horizon;
    (m, partial)
}

/// How many of the invocations in trace minute `minute` (`counts`: one per selected
/// function) replay before `horizon`. Exact for `even` spread and a whole rate multiplier
/// (the placement is deterministic); otherwise the expected value: each arrival falls at a
/// uniformly drawn microsecond of the minute, of which a known share replays.
pub(super) fn partial_minute(
    counts: impl Iterator<Item = u64>,
    minute: u64,
    clock: &Clock,
    horizon: Micros,
    spec: &TraceSpec,
) -> PartialMinute {
    let t0 = (minute * MINUTE) as i64;
    let replays = |offset: u64| clock.sim_time(t0 + offset as i64) < horizon;
    // Offsets are increasing in time, so the replayed ones are a prefix.
    let prefix = |len: u64, offset: &dyn Fn(u64) -> u64| {
        let (mut lo, mut hi) = (0u64, len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if replays(offset(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    };
    let share = prefix(MINUTE, &|o| o) as f64 / MINUTE as f64;
    let r = spec.shaping.rate_multiplier;
    let exact = spec.spread == Spread::Even && r.fract() == 0.0;
    let (mut traced, mut replayed) = (0u64, 0f64);
    for n in counts.filter(|&n| n > 0) {
        traced += n;
        replayed += if exact {
            let k = n * r as u64;
            let even =
                |i: u64| ((2 * u128::from(i) + 1) * u128::from(MINUTE / 2) / u128::from(k)) as u64;
            prefix(k, &even) as f64
        } else {
            n as f64 * r * share
        };
    }
    PartialMinute {
        traced,
        replayed: ReplayCount {
            count: replayed,
            exact,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::SECOND;

    #[test]
    fn minutes_reached_by_a_horizon() {
        // 90 s: minute 0 whole, minute 1 cut at 30 s; 120 s: two whole minutes.
        assert_eq!(horizon_minutes(0, 1.0, 90 * SECOND), (2, true));
        assert_eq!(horizon_minutes(5, 1.0, 120 * SECOND), (2, false));
        // Twice as fast, 45 s of simulation hold 90 s of trace.
        assert_eq!(horizon_minutes(0, 2.0, 45 * SECOND), (2, true));
        // One microsecond reaches into the first minute only.
        assert_eq!(horizon_minutes(0, 1.0, 1), (1, true));
        // An absurd time scale is capped, not overflowed.
        assert_eq!(horizon_minutes(0, 1e300, SECOND).0, MAX_MINUTES);
    }
}
