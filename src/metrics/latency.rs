//! Latency statistics of completed requests: exact count, mean, min and max, and percentiles
//! from a log-linear histogram ([`LogHistogram`]) whose size does not grow with the number of
//! requests.
//!
//! Two precisions: [`LatencyStats::new`] keeps 3 significant digits (any percentile within
//! 0.1% of the exact one; the deployment-wide figures), [`LatencyStats::compact`] about 1%
//! (a few kB; for the many small breakdowns, per function or per time bucket). Nothing is ever
//! clamped: the histogram grows to hold any latency up to the clock's limit, keeping its
//! precision. With no completed request there is no latency to report: every statistic is
//! `None`, never a made-up zero.

use super::histogram::LogHistogram;
use crate::engine::time::Micros;

/// Histogram precision of [`LatencyStats::new`]: slots at most 1/1,024 of their values wide.
const FINE_BITS: u32 = 11;
/// Histogram precision of [`LatencyStats::compact`]: slots at most 1/128 of their values wide.
pub(super) const COMPACT_BITS: u32 = 8;

/// Latency distribution of one deployment (or one function, or one time bucket).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LatencyStats {
    hist: LogHistogram,
    #[serde(with = "super::exact::as_text")]
    sum_us: u128,
    min_us: Micros,
    max_us: Micros,
}

impl Default for LatencyStats {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyStats {
    /// Empty statistics with percentiles within 0.1%.
    pub fn new() -> Self {
        Self::with_precision(FINE_BITS)
    }

    /// Empty statistics with percentiles within 0.8% and a small footprint (about 15 kB for
    /// latencies up to a few seconds).
    pub fn compact() -> Self {
        Self::with_precision(COMPACT_BITS)
    }

    fn with_precision(bits: u32) -> Self {
        Self {
            hist: LogHistogram::new(bits),
            sum_us: 0,
            min_us: Micros::MAX,
            max_us: 0,
        }
    }

    /// Records one latency.
    #[inline]
    pub fn record(&mut self, latency: Micros) {
        self.hist.record(latency);
        self.sum_us += latency as u128;
        self.min_us = self.min_us.min(latency);
        self.max_us = self.max_us.max(latency);
    }

    /// Adds every latency of `other` (of the same precision).
    pub fn merge(&mut self, other: &LatencyStats) {
        self.hist.merge(&other.hist);
        self.sum_us += other.sum_us;
        self.min_us = self.min_us.min(other.min_us);
        self.max_us = self.max_us.max(other.max_us);
    }

    /// Adds `times` copies of `other` (a negative `times` takes them away: `other` must then
    /// hold no latency, as minima and maxima cannot be taken away).
    pub fn add_times(&mut self, other: &LatencyStats, times: i64) {
        if other.is_empty() {
            return;
        }
        assert!(times > 0, "latencies cannot be taken away");
        self.hist.add_times(&other.hist, times);
        self.sum_us = self
            .sum_us
            .wrapping_add(other.sum_us.wrapping_mul(times as u128));
        self.min_us = self.min_us.min(other.min_us);
        self.max_us = self.max_us.max(other.max_us);
    }

    /// Forgets every latency, keeping the precision and the histogram's storage (so a
    /// statistic reused for one time bucket after another allocates nothing once grown).
    pub fn clear(&mut self) {
        self.hist.clear();
        self.sum_us = 0;
        self.min_us = Micros::MAX;
        self.max_us = 0;
    }

    /// Number of latencies recorded.
    pub fn count(&self) -> u64 {
        self.hist.total()
    }

    /// True when no latency was recorded (no request completed).
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    /// Exact mean (µs); `None` when empty.
    pub fn mean_us(&self) -> Option<f64> {
        (!self.is_empty()).then(|| self.sum_us as f64 / self.count() as f64)
    }

    /// Exact maximum (µs); `None` when empty.
    pub fn max_us(&self) -> Option<Micros> {
        (!self.is_empty()).then_some(self.max_us)
    }

    /// Exact minimum (µs); `None` when empty.
    pub fn min_us(&self) -> Option<Micros> {
        (!self.is_empty()).then_some(self.min_us)
    }

    /// The latency (µs) at quantile `q` in [0, 1], never above the exact max; the exact min at
    /// q = 0 and the exact max at q = 1; `None` when empty.
    pub fn quantile_us(&self, q: f64) -> Option<Micros> {
        if q <= 0.0 {
            return self.min_us();
        }
        if q >= 1.0 {
            return self.max_us();
        }
        Some(self.hist.value_at_quantile(q)?.min(self.max_us))
    }

    /// Bytes held by the histogram.
    pub fn heap_bytes(&self) -> usize {
        self.hist.heap_bytes()
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
    fn min_is_exact() {
        let mut s = LatencyStats::new();
        for v in [123_456u64, 200_000, 7_000_000] {
            s.record(v);
        }
        assert_eq!(s.min_us(), Some(123_456));
        assert_eq!(s.quantile_us(0.0), Some(123_456));
        assert!(123_456 <= s.quantile_us(0.01).unwrap());
    }

    #[test]
    fn compact_stats_are_within_one_percent_and_small() {
        let mut s = LatencyStats::compact();
        for v in 1..=100_000u64 {
            s.record(v * 20); // 20 µs to 2 s
        }
        for (q, exact) in [(0.5, 1_000_000.0), (0.99, 1_980_000.0), (0.01, 20_000.0)] {
            let got = s.quantile_us(q).unwrap() as f64;
            assert!((got - exact).abs() / exact <= 1.0 / 128.0, "q{q}: {got}");
        }
        assert!(s.heap_bytes() <= 16 * 1024, "{} bytes", s.heap_bytes());
    }

    #[test]
    fn merged_stats_equal_one_recording() {
        let (mut a, mut b, mut all) = (
            LatencyStats::compact(),
            LatencyStats::compact(),
            LatencyStats::compact(),
        );
        for v in [5u64, 90, 4_000, 12_345_678, 7] {
            a.record(v);
            all.record(v);
        }
        for v in [3u64, 70_000] {
            b.record(v);
            all.record(v);
        }
        a.merge(&b);
        assert_eq!(a.count(), 7);
        assert_eq!(a.mean_us(), all.mean_us());
        assert_eq!(a.min_us(), Some(3));
        assert_eq!(a.max_us(), Some(12_345_678));
        assert_eq!(a.quantile_us(0.5), all.quantile_us(0.5));
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
