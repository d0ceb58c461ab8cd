//! Latency statistics of completed requests: exact count, mean and max, and percentiles from
//! a high-dynamic-range histogram (3 significant digits, so any percentile is within 0.1% of
//! the exact one) whose size does not grow with the number of requests.

use hdrhistogram::Histogram;

use crate::engine::time::Micros;

/// Largest latency the histogram resolves (about 11.6 days); larger values are clamped into
/// its top bucket (the exact max is still kept).
const HIGHEST_US: u64 = 1_000_000_000_000;

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
        Self {
            hist: Histogram::new_with_bounds(1, HIGHEST_US, 3)
                .expect("static histogram bounds are valid"),
            count: 0,
            sum_us: 0,
            max_us: 0,
        }
    }

    /// Records one latency.
    #[inline]
    pub fn record(&mut self, latency: Micros) {
        self.hist.saturating_record(latency);
        self.count += 1;
        self.sum_us += latency as u128;
        self.max_us = self.max_us.max(latency);
    }

    /// Number of latencies recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Exact mean (µs); 0 when empty.
    pub fn mean_us(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum_us as f64 / self.count as f64
        }
    }

    /// Exact maximum (µs).
    pub fn max_us(&self) -> Micros {
        self.max_us
    }

    /// The smallest latency (µs) as the histogram holds it: the lowest value of the smallest
    /// recorded value's bucket (within 0.1% of it, never above it); 0 when empty.
    pub fn min_us(&self) -> Micros {
        self.hist.min().min(self.max_us)
    }

    /// The latency (µs) at quantile `q` in [0, 1]; the exact max at q = 1, 0 when empty.
    pub fn quantile_us(&self, q: f64) -> Micros {
        if self.count == 0 {
            return 0;
        }
        if q >= 1.0 {
            return self.max_us;
        }
        self.hist.value_at_quantile(q).min(self.max_us)
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
        assert!((s.mean_us() - 500_005.0).abs() < 1e-9);
        assert_eq!(s.max_us(), 1_000_000);
        for (q, exact) in [(0.5, 500_000.0), (0.99, 990_000.0), (0.01, 10_000.0)] {
            let got = s.quantile_us(q) as f64;
            assert!((got - exact).abs() / exact <= 0.001, "q{q}: {got}");
        }
        assert_eq!(s.quantile_us(1.0), 1_000_000);
        assert_eq!(s.min_us(), 10);
    }

    #[test]
    fn min_is_at_most_the_smallest_value_and_within_a_tenth_of_a_percent() {
        let mut s = LatencyStats::new();
        for v in [123_456u64, 200_000, 7_000_000] {
            s.record(v);
        }
        let min = s.min_us();
        assert!(min <= 123_456 && min as f64 >= 123_456.0 * 0.999, "{min}");
        assert!(min <= s.quantile_us(0.01));
    }

    #[test]
    fn empty_stats_report_zero() {
        let s = LatencyStats::new();
        assert_eq!(s.quantile_us(0.5), 0);
        assert_eq!(s.mean_us(), 0.0);
        assert_eq!(s.min_us(), 0);
    }
}
