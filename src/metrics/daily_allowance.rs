//! Daily free allowances, day by day: how many of each bucket's units a `free_per_day`
//! allowance covered.
//!
//! Rule (docs/models.md, "Price schedules"): a `free_per_day` allowance covers each day's
//! first units; a day under the allowance does not lend its spare units to a busy day. Days
//! are those of the quota clock ([`crate::platform::quota`]): 24 h from each reset at the
//! meter's `quota_reset` (00:00 UTC unless its service says otherwise). A day the measured
//! window holds only part of (its first and last, or all of a window shorter than a day)
//! frees that part of the allowance: `free_per_day x (its hours in the window) / 24 h`, as
//! the month projection assumes the window repeats. A day counts the units recorded
//! (measured) in it; units spread over time (a monthly fee) count at the start of each
//! bucket's piece.
//!
//! The bill then frees, per billing month, the units the allowance covered in that month
//! instead of `free_per_day x days` ([`crate::pricing::bill()`]).

use crate::engine::time::{DAY, Micros};
use crate::platform::quota::day_of;

/// One tracked meter's running day.
#[derive(Clone, Debug)]
struct DayTally {
    /// Index of the meter's column in [`DailyAllowances::covered`].
    column: usize,
    free_per_day: f64,
    reset: Micros,
    /// The measured window, `[from, to)`, for the part of a day it holds.
    from: Micros,
    to: Micros,
    day: u64,
    /// The running day's allowance and the units it has used.
    free: f64,
    used: f64,
}

impl DayTally {
    /// The allowance of day `day`: `free_per_day` times the share of its 24 h inside the
    /// measured window.
    fn allowance(&self, day: u64) -> f64 {
        let first_end = if self.reset == 0 { DAY } else { self.reset };
        let end = first_end as i128 + day as i128 * DAY as i128;
        let start = end - DAY as i128;
        let inside = (end.min(self.to as i128) - start.max(self.from as i128)).max(0);
        self.free_per_day * inside as f64 / DAY as f64
    }
}

/// The units daily allowances covered, per bucket, for the meters that have one.
#[derive(Clone, Debug, Default)]
pub struct DailyAllowances {
    /// Per meter: its tally, if it has a daily allowance.
    tallies: Vec<Option<DayTally>>,
    /// Covered units per (bucket, tracked meter).
    covered: Vec<f64>,
    columns: usize,
    buckets: usize,
}

impl DailyAllowances {
    /// No meter tracked, for `buckets` buckets.
    pub(super) fn new(buckets: usize) -> Self {
        Self {
            buckets,
            ..Self::default()
        }
    }

    /// Tracks `meter`, whose allowance frees `free_per_day` units a day, days resetting at
    /// `reset` (a time of day), over the measured window `[from, to)`.
    pub(super) fn track(
        &mut self,
        meter: usize,
        free_per_day: f64,
        reset: Micros,
        (from, to): (Micros, Micros),
    ) {
        if self.tallies.len() <= meter {
            self.tallies.resize(meter + 1, None);
        }
        let column = self.columns;
        self.columns += 1;
        let mut tally = DayTally {
            column,
            free_per_day,
            reset,
            from,
            to,
            day: 0,
            free: 0.0,
            used: 0.0,
        };
        tally.free = tally.allowance(0);
        self.tallies[meter] = Some(tally);
        // Widen every bucket's row by one column.
        let mut widened = vec![0.0; self.buckets * self.columns];
        for b in 0..self.buckets {
            let old = &self.covered[b * column..(b + 1) * column];
            widened[b * self.columns..b * self.columns + column].copy_from_slice(old);
        }
        self.covered = widened;
    }

    /// `quantity` of `meter` used at `t`, in bucket `b`: books the part its day's allowance
    /// still covers. Inline up to the check for an untracked meter.
    #[inline]
    pub(super) fn record(&mut self, t: Micros, b: usize, meter: usize, quantity: f64) {
        if let Some(Some(tally)) = self.tallies.get_mut(meter) {
            let day = day_of(tally.reset, t);
            if day != tally.day {
                tally.day = day;
                tally.free = tally.allowance(day);
                tally.used = 0.0;
            }
            let covered = quantity.min((tally.free - tally.used).max(0.0));
            tally.used += quantity;
            self.covered[b * self.columns + tally.column] += covered;
        }
    }

    /// Drops the first bucket (a recorder's warm-up bucket).
    pub(super) fn drop_first_bucket(&mut self) {
        self.covered.drain(0..self.columns.min(self.covered.len()));
        self.buckets = self.buckets.saturating_sub(1);
    }

    /// The units of `meter` its daily allowance covered in bucket `b`; `None` for a meter
    /// without one.
    pub fn covered(&self, b: usize, meter: usize) -> Option<f64> {
        let tally = self.tallies.get(meter)?.as_ref()?;
        Some(self.covered[b * self.columns + tally.column])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::HOUR;

    #[test]
    fn a_quiet_day_lends_nothing_to_a_busy_one() {
        // Meter 1 frees 100 a day, days from 00:00; one bucket per day.
        let mut d = DailyAllowances::new(2);
        d.track(1, 100.0, 0, (0, 2 * DAY));
        d.record(HOUR, 0, 1, 30.0); // day 0: 30 used, all free
        d.record(2 * HOUR, 0, 0, 999.0); // meter 0 is not tracked
        d.record(DAY, 1, 1, 150.0); // day 1: 100 of 150 free
        d.record(DAY + HOUR, 1, 1, 10.0); // none left
        assert_eq!(d.covered(0, 1), Some(30.0));
        assert_eq!(d.covered(1, 1), Some(100.0));
        assert_eq!(d.covered(0, 0), None);
    }

    #[test]
    fn days_follow_the_reset_time() {
        let mut d = DailyAllowances::new(1);
        d.track(0, 24.0, 8 * HOUR, (0, 2 * DAY));
        // The first day is 08:00 of the day before to 08:00: 8 of its hours are in the
        // window, so 8 of its 24 units are free.
        d.record(7 * HOUR, 0, 0, 10.0);
        // A whole day from 08:00: 24 free.
        d.record(8 * HOUR, 0, 0, 30.0);
        assert_eq!(d.covered(0, 0), Some(8.0 + 24.0));
    }

    #[test]
    fn a_window_shorter_than_a_day_frees_its_part_of_the_allowance() {
        // 6 h measured from 1 h in: a quarter of the day, a quarter of its 100 units.
        let mut d = DailyAllowances::new(1);
        d.track(0, 100.0, 0, (HOUR, 7 * HOUR));
        d.record(2 * HOUR, 0, 0, 40.0);
        assert_eq!(d.covered(0, 0), Some(25.0));
    }
}
