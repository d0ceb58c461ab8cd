//! Time-weighted levels: how many instances were busy, idle or starting, per time bucket.
//!
//! A level is a count that changes at event times. Its integral over each bucket
//! (count x µs) is kept, so the report can show the exact time average of every bucket, and
//! the mean over the window is exact too (the M/G/inf check relies on it).

use crate::engine::time::Micros;

/// One level's result: its integral over each bucket, its peak and its final value. Filled in
/// by [`LevelSet::finish`]; read it after the run.
#[derive(Clone, Debug)]
pub struct LevelTrack {
    current: i64,
    peak: i64,
    bucket_len: Micros,
    window: Micros,
    /// Integral of the level over each bucket, in count x µs.
    area: Vec<f64>,
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
        self.area[b] / len as f64
    }

    /// Time-average level over the whole window.
    pub fn window_mean(&self) -> f64 {
        self.area.iter().sum::<f64>() / self.window as f64
    }

    /// Integral over the whole window, in count x seconds.
    pub fn window_integral_secs(&self) -> f64 {
        self.area.iter().sum::<f64>() / 1e6
    }
}

/// The three levels of a deployment ([`super::Level`]) integrated together over fixed-width
/// buckets covering `[0, window)`: one clock for all three, so a change (or a transfer of one
/// instance between two levels, the common case) integrates up to its time once, and the
/// common case (same bucket as the last change) is one comparison and three multiply-adds.
/// Index it by `Level as usize` after [`Self::finish`].
#[derive(Clone, Debug)]
pub struct LevelSet {
    current: [i64; 3],
    peak: [i64; 3],
    last_change: Micros,
    /// Bucket holding `last_change`, and that bucket's end.
    bucket: usize,
    bucket_end: Micros,
    bucket_len: Micros,
    window: Micros,
    /// Integral of each level over each bucket, in count x µs. Levels and times are integers,
    /// so every term is an exact integer and the sums are exact below 2^53 (about 285 years
    /// of one instance per bucket).
    area: Vec<[f64; 3]>,
    tracks: [LevelTrack; 3],
}

impl LevelSet {
    /// Three levels starting at zero over `n_buckets` buckets of `bucket_len` covering `window`.
    pub fn new(bucket_len: Micros, window: Micros, n_buckets: usize) -> Self {
        let n_buckets = n_buckets.max(1);
        let track = || LevelTrack {
            current: 0,
            peak: 0,
            bucket_len,
            window,
            area: Vec::new(),
        };
        Self {
            current: [0; 3],
            peak: [0; 3],
            last_change: 0,
            bucket: 0,
            bucket_end: bucket_len,
            bucket_len,
            window,
            area: vec![[0.0; 3]; n_buckets],
            tracks: [track(), track(), track()],
        }
    }

    /// Changes level `level` by `delta` at time `t` (never earlier than the previous change).
    #[inline]
    pub fn change(&mut self, level: usize, t: Micros, delta: i64) {
        self.advance(t);
        self.current[level] += delta;
        debug_assert!(self.current[level] >= 0, "level went negative");
        self.peak[level] = self.peak[level].max(self.current[level]);
    }

    /// Moves one instance from level `from` to level `to` at time `t`.
    #[inline]
    pub fn transfer(&mut self, from: usize, to: usize, t: Micros) {
        self.advance(t);
        self.current[from] -= 1;
        debug_assert!(self.current[from] >= 0, "level went negative");
        self.current[to] += 1;
        self.peak[to] = self.peak[to].max(self.current[to]);
    }

    /// Integrates the current levels up to `t` (clamped to the window).
    #[inline]
    fn advance(&mut self, t: Micros) {
        let t = t.min(self.window);
        if t <= self.last_change {
            return;
        }
        if t > self.bucket_end {
            self.close_buckets_before(t);
        }
        let dt = (t - self.last_change) as f64;
        let area = &mut self.area[self.bucket];
        for (a, &level) in area.iter_mut().zip(&self.current) {
            *a += level as f64 * dt;
        }
        self.last_change = t;
    }

    /// Integrates up to the end of every bucket that ends before `t`, walking bucket by bucket
    /// from the last change (no division).
    #[cold]
    fn close_buckets_before(&mut self, t: Micros) {
        while t > self.bucket_end {
            let dt = (self.bucket_end - self.last_change) as f64;
            let area = &mut self.area[self.bucket];
            for (a, &level) in area.iter_mut().zip(&self.current) {
                *a += level as f64 * dt;
            }
            self.last_change = self.bucket_end;
            self.bucket += 1;
            self.bucket_end += self.bucket_len;
        }
    }

    /// Closes the integrals at the end of the window and publishes each level's
    /// [`LevelTrack`] (once: a second call changes nothing).
    pub fn finish(&mut self) {
        if self.area.is_empty() {
            return;
        }
        self.advance(self.window);
        for (k, track) in self.tracks.iter_mut().enumerate() {
            track.current = self.current[k];
            track.peak = self.peak[k];
            track.area = self.area.iter().map(|a| a[k]).collect();
        }
        // The per-level copies are the result now; the window is closed, so nothing indexes
        // the fused table again.
        self.area = Vec::new();
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
