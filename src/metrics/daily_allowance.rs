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

//!
//! The units each (day, bucket) used are kept as exact sums ([`ExactSum`]) and the covered
//! units computed from them when read: the same figures whatever order the units were
//! booked in, so a sharded replay's merged parts ([`DailyAllowances::add_times`]) free
//! exactly what one run frees.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::ExactSum;
use crate::engine::time::{DAY, Micros};
use crate::platform::quota::day_of;

/// One tracked meter's allowance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct DayTally {
    /// Index of the meter's column.
    column: usize,
    free_per_day: f64,
    reset: Micros,
    /// The measured window, `[from, to)`, for the part of a day it holds.
    from: Micros,
    to: Micros,
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

/// Units used per (day, bucket), the bucket counted from the recorder's first (a dropped
/// warm-up bucket included).
type DayBuckets = BTreeMap<(u64, usize), ExactSum>;

/// The units daily allowances covered, per bucket, for the meters that have one.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DailyAllowances {
    /// Per meter: its tally, if it has a daily allowance.
    tallies: Vec<Option<DayTally>>,
    /// Per tracked meter (column): its units per (day, bucket).
    #[serde(with = "day_buckets")]
    used: Vec<DayBuckets>,
    buckets: usize,
    /// Buckets dropped from the front (a warm-up bucket): bucket `b` is `b + dropped` in
    /// `used`.
    dropped: usize,
    /// Covered units per (bucket, column), computed from `used` when first read.
    #[serde(skip)]
    covered: OnceLock<Vec<f64>>,
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
        self.tallies[meter] = Some(DayTally {
            column: self.used.len(),
            free_per_day,
            reset,
            from,
            to,
        });
        self.used.push(DayBuckets::new());
        self.covered = OnceLock::new();
    }

    /// `quantity` of `meter` used at `t`, in bucket `b`. Inline up to the check for an
    /// untracked meter.
    #[inline]
    pub(super) fn record(&mut self, t: Micros, b: usize, meter: usize, quantity: f64) {
        if let Some(Some(tally)) = self.tallies.get(meter) {
            let day = day_of(tally.reset, t);
            self.used[tally.column]
                .entry((day, b + self.dropped))
                .or_default()
                .add(quantity);
            if self.covered.get().is_some() {
                self.covered = OnceLock::new();
            }
        }
    }

    /// Drops the first bucket (a recorder's warm-up bucket): its units still count against
    /// their day's allowance.
    pub(super) fn drop_first_bucket(&mut self) {
        self.buckets = self.buckets.saturating_sub(1);
        self.dropped += 1;
        self.covered = OnceLock::new();
    }

    /// Adds `times` copies of `other`'s units (the same meters tracked over the same
    /// buckets), exactly.
    pub(super) fn add_times(&mut self, other: &DailyAllowances, times: i64) {
        for (mine, theirs) in self.used.iter_mut().zip(&other.used) {
            for (key, units) in theirs {
                mine.entry(*key).or_default().add_times(*units, times);
            }
        }
        self.covered = OnceLock::new();
    }

    /// Whether `other` tracks the same meters alike.
    pub(super) fn same_shape(&self, other: &DailyAllowances) -> bool {
        self.tallies == other.tallies
            && self.buckets == other.buckets
            && self.dropped == other.dropped
    }

    /// The units of `meter` its daily allowance covered in bucket `b`; `None` for a meter
    /// without one.
    pub fn covered(&self, b: usize, meter: usize) -> Option<f64> {
        let tally = self.tallies.get(meter)?.as_ref()?;
        let columns = self.used.len();
        let covered = self.covered.get_or_init(|| self.compute_covered());
        Some(covered[b * columns + tally.column])
    }

    /// Each day's allowance covers its first units, bucket by bucket.
    fn compute_covered(&self) -> Vec<f64> {
        let columns = self.used.len();
        let mut covered = vec![0.0; self.buckets * columns];
        for tally in self.tallies.iter().flatten() {
            let mut day = None;
            let mut used = ExactSum::ZERO;
            let mut free = 0.0;
            for (&(d, b), &units) in &self.used[tally.column] {
                if day != Some(d) {
                    day = Some(d);
                    used = ExactSum::ZERO;
                    free = tally.allowance(d);
                }
                let part = units.value().min((free - used.value()).max(0.0));
                used.add_times(units, 1);
                if let Some(b) = b.checked_sub(self.dropped).filter(|&b| b < self.buckets) {
                    covered[b * columns + tally.column] += part;
                }
            }
        }
        covered
    }
}

/// Serde for the per-column maps as lists of `[day, bucket, units]`.
mod day_buckets {
    use super::{DayBuckets, ExactSum};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[DayBuckets], s: S) -> Result<S::Ok, S::Error> {
        let lists: Vec<Vec<(u64, usize, ExactSum)>> = v
            .iter()
            .map(|m| m.iter().map(|(&(d, b), &u)| (d, b, u)).collect())
            .collect();
        lists.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<DayBuckets>, D::Error> {
        let lists = Vec::<Vec<(u64, usize, ExactSum)>>::deserialize(d)?;
        Ok(lists
            .into_iter()
            .map(|l| l.into_iter().map(|(d, b, u)| ((d, b), u)).collect())
            .collect())
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
    fn parts_added_free_what_one_tally_frees() {
        // Two accounts' halves of the same units, booked in other orders, added: the
        // allowance covers the day's first 100 units of the total, bucket by bucket.
        let tracked = || {
            let mut d = DailyAllowances::new(3);
            d.track(0, 100.0, 0, (0, DAY));
            d
        };
        let (mut whole, mut a, mut b) = (tracked(), tracked(), tracked());
        let units = [
            (HOUR, 0, 30.0),
            (2 * HOUR, 0, 0.1),
            (9 * HOUR, 1, 50.0),
            (17 * HOUR, 2, 40.0),
        ];
        for &(t, bucket, q) in &units {
            whole.record(t, bucket, 0, q);
        }
        for (i, &(t, bucket, q)) in units.iter().enumerate().rev() {
            if i % 2 == 0 {
                a.record(t, bucket, 0, q)
            } else {
                b.record(t, bucket, 0, q)
            }
        }
        a.add_times(&b, 1);
        for bucket in 0..3 {
            assert_eq!(
                a.covered(bucket, 0),
                whole.covered(bucket, 0),
                "bucket {bucket}"
            );
        }
        // 30.1 in bucket 0, 50 in bucket 1, what is left of 100 (19.9) in bucket 2.
        assert!((whole.covered(2, 0).unwrap() - 19.9).abs() < 1e-9);
        assert_eq!(whole.covered(1, 0), Some(50.0));
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
