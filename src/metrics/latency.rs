//! Latency statistics of completed requests: exact count, mean and max, and percentiles from
//! a high-dynamic-range histogram (3 significant digits, so any percentile is within 0.1% of
//! the exact one) whose size does not grow with the number of requests.
//!
//! Nothing is ever clamped: the histogram starts by covering about 11.6 days and grows (by
//! whole powers of two, a few kB each) to hold any larger latency, up to the clock's limit,
//! so every percentile keeps its 0.1% precision. With no completed request there is no
//! latency to report: every statistic is `None`, never a made-up zero.

use hdrhistogram::Histogram;

use crate::engine::time::Micros;

/// Largest latency the histogram covers at first (about 11.6 days); it grows past that on
/// demand.
const INITIAL_HIGHEST_US: u64 = 1_000_000_000_000;

/// Latency distribution of one deployment.
#[derive(Clone, Debug)]
pub struct LatencyStats {
    hist: Histogram<u64>,
    count: u64,
    sum_us: u128,
    max_us: Micros,
}

impl Default for LatencyStats {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyStats {
    /// Empty statistics.
    pub fn new() -> Self {
        let mut hist = Histogram::new_with_bounds(1, INITIAL_HIGHEST_US, 3)
            .expect("static histogram bounds are valid");
        hist.auto(true);
        Self {
            hist,
            count: 0,
            sum_us: 0,
            max_us: 0,
        }
    }

    /// Records one latency.
    #[inline]
    pub fn record(&mut self, latency: Micros) {
        if self.hist.record(latency).is_err() {
            // Only a value the counts array cannot be sized for on this platform (beyond
            // u64 µs on 32-bit targets); never reached on 64-bit ones.
            self.hist.saturating_record(latency);
        }
        self.count += 1;
        self.sum_us += latency as u128;
        self.max_us = self.max_us.max(latency);
    }

    /// Number of latencies recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// True when no latency was recorded (no request completed).
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Exact mean (µs); `None` when empty.
    pub fn mean_us(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum_us as f64 / self.count as f64)
    }

    /// Exact maximum (µs); `None` when empty.
    pub fn max_us(&self) -> Option<Micros> {
        (self.count > 0).then_some(self.max_us)
    }

    /// The smallest latency (µs) as the histogram holds it: the lowest value of the smallest
    /// recorded value's bucket (within 0.1% of it, never above it); `None` when empty.
    pub fn min_us(&self) -> Option<Micros> {
        (self.count > 0).then(|| self.hist.min().min(self.max_us))
    }

    /// The latency (µs) at quantile `q` in [0, 1]: the exact max at q = 1; `None` when empty.
    pub fn quantile_us(&self, q: f64) -> Option<Micros> {
        if self.count == 0 {
            return None;
        }
        if q >= 1.0 {
            return Some(self.max_us);
        }
        Some(self.hist.value_at_quantile(q).min(self.max_us))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_within_a_tenth_of_a_percent() {
        let mut s = LatencyStats::new();
        for v in 1..=100_000u64 {
            s.record(v * 10);
        }
        assert_eq!(s.count(), 100_000);
        assert!((s.mean_us().unwrap() - 500_005.0).abs() < 1e-9);
        assert_eq!(s.max_us(), Some(1_000_000));
        for (q, exact) in [(0.5, 500_000.0), (0.99, 990_000.0), (0.01, 10_000.0)] {
            let got = s.quantile_us(q).unwrap() as f64;
            assert!((got - exact).abs() / exact <= 0.001, "q{q}: {got}");
        }
        assert_eq!(s.quantile_us(1.0), Some(1_000_000));
        assert_eq!(s.min_us(), Some(10));
    }

    #[test]
    fn min_is_at_most_the_smallest_value_and_within_a_tenth_of_a_percent() {
        let mut s = LatencyStats::new();
        for v in [123_456u64, 200_000, 7_000_000] {
            s.record(v);
        }
        let min = s.min_us().unwrap();
        assert!(min <= 123_456 && min as f64 >= 123_456.0 * 0.999, "{min}");
        assert!(min <= s.quantile_us(0.01).unwrap());
    }

    #[test]
    fn empty_stats_report_nothing() {
        let s = LatencyStats::new();
        assert!(s.is_empty());
        assert_eq!(s.quantile_us(0.5), None);
        assert_eq!(s.quantile_us(1.0), None);
        assert_eq!(s.mean_us(), None);
        assert_eq!(s.min_us(), None);
        assert_eq!(s.max_us(), None);
    }

    #[test]
    fn latencies_beyond_the_initial_range_keep_their_precision() {
        // A fleet at a thousandth of the reference speed: latencies of days to millennia.
        // Half the requests take 30 days (2.592e12 µs, past the first range of 1e12), the
        // other half 10^17 µs (3,169 years); the extremes of the clock too.
        let mut s = LatencyStats::new();
        for _ in 0..500 {
            s.record(2_592_000_000_000);
            s.record(100_000_000_000_000_000);
        }
        let p25 = s.quantile_us(0.25).unwrap() as f64;
        let p75 = s.quantile_us(0.75).unwrap() as f64;
        assert!((p25 / 2.592e12 - 1.0).abs() <= 0.001, "{p25}");
        assert!((p75 / 1e17 - 1.0).abs() <= 0.001, "{p75}");
        s.record(u64::MAX);
        s.record(0);
        assert_eq!(s.max_us(), Some(u64::MAX));
        assert_eq!(s.quantile_us(1.0), Some(u64::MAX));
        let p9999 = s.quantile_us(0.9999).unwrap() as f64;
        assert!((p9999 / u64::MAX as f64 - 1.0).abs() <= 0.001, "{p9999}");
        assert_eq!(s.min_us(), Some(0));
    }
}
