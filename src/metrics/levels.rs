//! Time-weighted levels: how many instances were busy, idle or starting, per time bucket.
//!
//! A level is a count that changes at event times. Its integral over each bucket
//! (count x µs) is kept, so the report can show the exact time average of every bucket, and
//! the mean over the window is exact too (the M/G/inf check relies on it).
//!
//! **Peaks.** A level's peak is the highest value it holds over an interval of time: the
//! level after *all* the changes at one instant, not a transient between two changes at the
//! same microsecond (whose order is the engine's, not the model's). So the peak of a sum of
//! levels (a sharded replay's merged deployment, [`crate::shard`]) is the peak of the summed
//! step functions, which [`LevelSet::log_busy_changes`] lets a merge rebuild.

use crate::engine::time::Micros;

/// How many levels a [`LevelSet`] integrates (one per [`super::Level`]).
pub const LEVELS: usize = 5;

/// One level's result: its integral over each bucket, its peak and its final value. Filled in
/// by [`LevelSet::finish`]; read it after the run.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LevelTrack {
    current: i64,
    peak: i64,
    bucket_len: Micros,
    window: Micros,
    /// Integral of the level over each bucket, in count x µs (exact).
    #[serde(with = "super::exact::vec_as_text")]
    area: Vec<i128>,
}

impl LevelTrack {
    /// The level at the end of the run.
    pub fn current(&self) -> i64 {
        self.current
    }

    /// The highest level seen.
    pub fn peak(&self) -> i64 {
        self.peak
    }

    /// Time-average level in bucket `b`.
    pub fn bucket_mean(&self, b: usize) -> f64 {
        let start = b as Micros * self.bucket_len;
        let len = (start + self.bucket_len).min(self.window) - start;
        self.area[b] as f64 / len as f64
    }

    /// Time-average level over the whole window.
    pub fn window_mean(&self) -> f64 {
        self.area.iter().sum::<i128>() as f64 / self.window as f64
    }

    /// Integral over the whole window, in count x seconds.
    pub fn window_integral_secs(&self) -> f64 {
        self.area.iter().sum::<i128>() as f64 / 1e6
    }
}

/// The levels of a deployment ([`super::Level`]: busy, idle and starting instances, busy
/// request slots) integrated over fixed-width buckets
/// covering `[0, window)`. Index it by `Level as usize` after [`Self::finish`].
///
/// The integral is kept forward-looking: on entering a bucket, each level is credited as if it
/// held until the bucket's end; a change of `delta` at `t` then corrects its own level by
/// `delta x (bucket end - t)`. So a change touches one level (a transfer of one instance
/// between two levels, the common case, two), in integers, exactly; only crossing into a later
/// bucket touches them all.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct LevelSet {
    current: [i64; LEVELS],
    peak: [i64; LEVELS],
    /// The bucket the last change fell in, and its end (the window's end for the last one).
    bucket: usize,
    bucket_end: Micros,
    /// True if bucket 0 is a warm-up, of its own width.
    warmup_bucket: bool,
    bucket_len: Micros,
    window: Micros,
    /// Each level's integral over each bucket (count x µs), as if the levels now held to the
    /// end of the current bucket (emptied by [`Self::finish`]: not part of a result).
    #[serde(skip)]
    area: Vec<[i128; LEVELS]>,
    tracks: [LevelTrack; LEVELS],
    /// The time of the latest changes, not yet counted in the peaks.
    pending: Micros,
    /// The busy level's net change at each instant it changed, when asked for
    /// ([`Self::log_busy_changes`]).
    busy_log: Option<Vec<(Micros, i64)>>,
}

impl LevelSet {
    /// Three levels starting at zero over `n_buckets` buckets of `bucket_len` covering `window`.
    pub fn new(bucket_len: Micros, window: Micros, n_buckets: usize) -> Self {
        Self::with_warmup(bucket_len, window, n_buckets, 0)
    }

    /// [`Self::new`] with, for a `warmup` above 0, a first bucket `[0, warmup)` (counted in
    /// `n_buckets`) and the others `bucket_len` wide from there. Leaving the warm-up bucket
    /// resets the peaks: they are the measured part's.
    pub fn with_warmup(
        bucket_len: Micros,
        window: Micros,
        n_buckets: usize,
        warmup: Micros,
    ) -> Self {
        let n_buckets = n_buckets.max(1);
        let track = || LevelTrack {
            current: 0,
            peak: 0,
            bucket_len,
            window,
            area: Vec::new(),
        };
        Self {
            current: [0; LEVELS],
            peak: [0; LEVELS],
            bucket: 0,
            bucket_end: if warmup > 0 {
                warmup
            } else {
                bucket_len.min(window)
            },
            warmup_bucket: warmup > 0,
            bucket_len,
            window,
            area: vec![[0; LEVELS]; n_buckets],
            tracks: std::array::from_fn(|_| track()),
            pending: 0,
            busy_log: None,
        }
    }

    /// Keeps the busy level's net change at every instant it changes (memory grows with the
    /// changes: for the parts of a sharded replay, whose merged peak needs them).
    pub fn log_busy_changes(&mut self) {
        self.busy_log.get_or_insert_with(Vec::new);
    }

    /// The busy level's net change at each instant it changed, in time order (times as the
    /// models gave them, before any warm-up is dropped), if logged.
    pub fn busy_changes(&self) -> Option<&[(Micros, i64)]> {
        self.busy_log.as_deref()
    }

    /// Counts the changes made before `t` in the peaks (the levels they left held over an
    /// interval).
    #[inline]
    fn settle_peaks(&mut self, t: Micros) {
        if t > self.pending {
            self.commit_peaks();
            self.pending = t;
        }
    }

    #[inline(always)]
    fn commit_peaks(&mut self) {
        for k in 0..LEVELS {
            self.peak[k] = self.peak[k].max(self.current[k]);
        }
    }

    #[inline(always)]
    fn log_busy(&mut self, t: Micros, delta: i64) {
        if self.busy_log.is_some() {
            self.log_busy_change(t, delta);
        }
    }

    #[cold]
    #[inline(never)]
    fn log_busy_change(&mut self, t: Micros, delta: i64) {
        if let Some(log) = &mut self.busy_log {
            match log.last_mut() {
                Some((last, net)) if *last == t => *net += delta,
                _ => log.push((t, delta)),
            }
        }
    }

    /// Changes level `level` by `delta` at time `t` (never earlier than the previous change).
    #[inline(always)]
    pub fn change(&mut self, level: usize, t: Micros, delta: i64) {
        self.settle_peaks(t);
        let left = self.time_left(t);
        self.area[self.bucket][level] += delta as i128 * left;
        self.current[level] += delta;
        debug_assert!(self.current[level] >= 0, "level went negative");
        if level == 0 {
            self.log_busy(t, delta);
        }
    }

    /// Moves one instance from level `from` to level `to` at time `t`.
    #[inline(always)]
    pub fn transfer(&mut self, from: usize, to: usize, t: Micros) {
        self.settle_peaks(t);
        let left = self.time_left(t);
        let area = &mut self.area[self.bucket];
        area[from] -= left;
        area[to] += left;
        self.current[from] -= 1;
        debug_assert!(self.current[from] >= 0, "level went negative");
        self.current[to] += 1;
        if from == 0 {
            self.log_busy(t, -1);
        } else if to == 0 {
            self.log_busy(t, 1);
        }
    }

    /// Moves to the bucket of `t` (clamped to the window) and returns the time from `t` to that
    /// bucket's end.
    #[inline]
    fn time_left(&mut self, t: Micros) -> i128 {
        let t = t.min(self.window);
        if t >= self.bucket_end {
            self.enter_buckets_through(t);
        }
        (self.bucket_end - t) as i128
    }

    /// Enters every bucket up to the one holding `t` (the last one for the window's end),
    /// crediting each with the levels as they are.
    #[cold]
    fn enter_buckets_through(&mut self, t: Micros) {
        while t >= self.bucket_end && self.bucket + 1 < self.area.len() {
            let start = self.bucket_end;
            if self.bucket == 0 && self.warmup_bucket {
                self.peak = self.current;
            }
            self.bucket += 1;
            self.bucket_end = (start + self.bucket_len).min(self.window);
            let len = (self.bucket_end - start) as i128;
            self.area[self.bucket] = self.current.map(|level| level as i128 * len);
        }
    }

    /// Closes the integrals at the end of the window and publishes each level's
    /// [`LevelTrack`] (once: a second call changes nothing).
    pub fn finish(&mut self) {
        if self.area.is_empty() {
            return;
        }
        self.commit_peaks();
        self.enter_buckets_through(self.window);
        for (k, track) in self.tracks.iter_mut().enumerate() {
            track.current = self.current[k];
            track.peak = self.peak[k];
            track.area = self.area.iter().map(|a| a[k]).collect();
        }
        // The per-level copies are the result now; the window is closed, so nothing indexes
        // the fused table again.
        self.area = Vec::new();
    }

    /// Adds `times` copies of `other`'s finished tracks (same buckets) to these finished ones:
    /// integrals and final levels, exactly. Peaks are not sums: the caller sets them
    /// ([`Self::set_peak`]).
    pub fn add_times(&mut self, other: &LevelSet, times: i64) {
        for (mine, theirs) in self.tracks.iter_mut().zip(&other.tracks) {
            mine.current = mine
                .current
                .wrapping_add(theirs.current.wrapping_mul(times));
            if mine.area.len() < theirs.area.len() {
                mine.area.resize(theirs.area.len(), 0);
            }
            for (a, b) in mine.area.iter_mut().zip(&theirs.area) {
                *a = a.wrapping_add(b.wrapping_mul(i128::from(times)));
            }
        }
    }

    /// Sets level `k`'s peak (of a merge, where it is not a sum).
    pub fn set_peak(&mut self, k: usize, peak: i64) {
        self.tracks[k].peak = peak;
        self.peak[k] = peak;
    }

    /// Drops the warm-up bucket `[0, warmup)` of the finished tracks: they then cover
    /// `[warmup, window)`, times counted from `warmup`.
    pub fn drop_first_bucket(&mut self, warmup: Micros) {
        for track in &mut self.tracks {
            if !track.area.is_empty() {
                track.area.remove(0);
            }
            track.window -= warmup;
        }
        self.window -= warmup;
        self.warmup_bucket = false;
    }
}

impl std::ops::Index<usize> for LevelSet {
    type Output = LevelTrack;

    /// Level `k`'s result (`Level as usize`), as of the last [`LevelSet::finish`].
    fn index(&self, k: usize) -> &LevelTrack {
        &self.tracks[k]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrates_across_bucket_boundaries() {
        // Buckets of 10 µs over a 30 µs window.
        let mut l = LevelSet::new(10, 30, 3);
        l.change(0, 5, 2); // 2 from t=5
        l.change(0, 25, -1); // 1 from t=25
        l.finish();
        let l = &l[0];
        assert_eq!(l.bucket_mean(0), 1.0); // 2 x 5 µs / 10
        assert_eq!(l.bucket_mean(1), 2.0);
        assert_eq!(l.bucket_mean(2), 1.5); // (2 x 5 + 1 x 5) / 10
        assert!((l.window_mean() - 45.0 / 30.0).abs() < 1e-12);
        assert_eq!(l.peak(), 2);
        assert_eq!(l.current(), 1);
    }

    #[test]
    fn a_warm_up_bucket_is_left_out_with_its_peak() {
        // Warm-up [0, 7), then buckets [7, 17) and [17, 27). 3 from t=2, 1 from t=12.
        let mut l = LevelSet::with_warmup(10, 27, 3, 7);
        l.change(0, 2, 3);
        l.change(0, 12, -2);
        l.finish();
        l.drop_first_bucket(7);
        let l = &l[0];
        assert_eq!(l.bucket_mean(0), 2.0); // 3 x 5 + 1 x 5 over 10
        assert_eq!(l.bucket_mean(1), 1.0);
        assert_eq!(l.window_integral_secs(), 30e-6);
        assert_eq!(l.window_mean(), 1.5);
        assert_eq!(l.peak(), 3); // held at 7, the measurement's start
    }

    #[test]
    fn a_peak_is_a_level_held_not_a_transient_inside_one_instant() {
        // One instance ends a call at t=10 as another starts one at t=10, in either order:
        // busy is 1 throughout, never 2 (nor 0). At 20 a second call really overlaps.
        for order in [[1i64, -1], [-1, 1]] {
            let mut l = LevelSet::new(10, 40, 4);
            l.log_busy_changes();
            l.change(0, 0, 1);
            l.change(0, 10, order[0]);
            l.change(0, 10, order[1]);
            l.change(0, 20, 1);
            l.change(0, 30, -2);
            l.finish();
            assert_eq!(l[0].peak(), 2, "{order:?}");
            // The log keeps each instant's net change.
            assert_eq!(
                l.busy_changes().unwrap(),
                &[(0, 1), (10, 0), (20, 1), (30, -2)]
            );
        }
        let mut l = LevelSet::new(10, 40, 4);
        l.change(0, 0, 1);
        l.change(0, 10, 1);
        l.change(0, 10, -1);
        l.finish();
        assert_eq!(l[0].peak(), 1);
    }

    #[test]
    fn finishing_twice_keeps_the_result() {
        let mut l = LevelSet::new(10, 30, 3);
        l.change(1, 5, 1);
        l.finish();
        l.finish();
        assert_eq!(l[1].window_integral_secs(), 25e-6);
    }

    #[test]
    fn ignores_time_after_the_window_and_handles_a_short_last_bucket() {
        let mut l = LevelSet::new(10, 25, 3);
        l.change(2, 0, 1);
        l.change(2, 40, -1);
        l.finish();
        assert_eq!(l[2].bucket_mean(2), 1.0); // 5 µs of 5
        assert_eq!(l[2].window_integral_secs(), 25e-6);
    }

    #[test]
    fn transfers_move_one_instance_and_keep_each_level_apart() {
        // One instance: starting over [0, 4), busy [4, 12), idle [12, 20); a second one
        // busy from 15. Buckets of 10 µs.
        let mut l = LevelSet::new(10, 20, 2);
        l.change(2, 0, 1);
        l.transfer(2, 0, 4);
        l.transfer(0, 1, 12);
        l.change(0, 15, 1);
        l.finish();
        assert_eq!(l[2].window_integral_secs(), 4e-6);
        assert_eq!(l[0].bucket_mean(0), 0.6); // busy 4..10
        assert_eq!(l[0].bucket_mean(1), 0.7); // busy 10..12 and 15..20
        assert_eq!(l[1].bucket_mean(1), 0.8); // idle 12..20
        assert_eq!((l[0].peak(), l[1].peak(), l[2].peak()), (1, 1, 1));
        assert_eq!((l[0].current(), l[1].current(), l[2].current()), (1, 1, 0));
    }
}
