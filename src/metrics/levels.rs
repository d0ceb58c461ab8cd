//! Time-weighted levels: how many instances were busy, idle or starting, per time bucket.
//!
//! A level is a count that changes at event times. Its integral over each bucket
//! (count x µs) is kept, so the report can show the exact time average of every bucket, and
//! the mean over the window is exact too (the M/G/inf check relies on it).

use crate::engine::time::Micros;

/// One level integrated over fixed-width buckets covering `[0, window)`.
#[derive(Clone, Debug)]
pub struct LevelTrack {
    current: i64,
    last_change: Micros,
    /// Bucket holding `last_change`, and that bucket's end.
    bucket: usize,
    bucket_end: Micros,
    bucket_len: Micros,
    window: Micros,
    /// Integral of the level over each bucket, in count x µs.
    area: Vec<f64>,
    peak: i64,
}

impl LevelTrack {
    /// A level starting at zero over `n_buckets` buckets of `bucket_len` covering `window`.
    pub fn new(bucket_len: Micros, window: Micros, n_buckets: usize) -> Self {
        Self {
            current: 0,
            last_change: 0,
            bucket: 0,
            bucket_end: bucket_len,
            bucket_len,
            window,
            area: vec![0.0; n_buckets],
            peak: 0,
        }
    }

    /// Changes the level by `delta` at time `t` (never earlier than the previous change).
    #[inline]
    pub fn change(&mut self, t: Micros, delta: i64) {
        self.advance(t);
        self.current += delta;
        debug_assert!(self.current >= 0, "level went negative");
        self.peak = self.peak.max(self.current);
    }

    /// Integrates the current level up to `t` (clamped to the window). Walks buckets from the
    /// last change instead of dividing, so the common case (same bucket) is one comparison.
    #[inline]
    fn advance(&mut self, t: Micros) {
        let t = t.min(self.window);
        if t <= self.last_change {
            return;
        }
        let level = self.current as f64;
        while t > self.bucket_end {
            self.area[self.bucket] += level * (self.bucket_end - self.last_change) as f64;
            self.last_change = self.bucket_end;
            self.bucket += 1;
            self.bucket_end += self.bucket_len;
        }
        self.area[self.bucket] += level * (t - self.last_change) as f64;
        self.last_change = t;
    }

    /// Closes the integral at the end of the window.
    pub fn finish(&mut self) {
        self.advance(self.window);
    }

    /// The level now.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrates_across_bucket_boundaries() {
        // Buckets of 10 µs over a 30 µs window.
        let mut l = LevelTrack::new(10, 30, 3);
        l.change(5, 2); // 2 from t=5
        l.change(25, -1); // 1 from t=25
        l.finish();
        assert_eq!(l.bucket_mean(0), 1.0); // 2 x 5 µs / 10
        assert_eq!(l.bucket_mean(1), 2.0);
        assert_eq!(l.bucket_mean(2), 1.5); // (2 x 5 + 1 x 5) / 10
        assert!((l.window_mean() - 45.0 / 30.0).abs() < 1e-12);
        assert_eq!(l.peak(), 2);
    }

    #[test]
    fn ignores_time_after_the_window_and_handles_a_short_last_bucket() {
        let mut l = LevelTrack::new(10, 25, 3);
        l.change(0, 1);
        l.change(40, -1);
        l.finish();
        assert_eq!(l.bucket_mean(2), 1.0); // 5 µs of 5
        assert_eq!(l.window_integral_secs(), 25e-6);
    }
}
