//! Latency over time: the median and 99th percentile of the requests that *completed* in each
//! time bucket (`timeseries.csv`'s `latency_p50_ms`, `latency_p99_ms`; the
//! `latency_over_time.png` chart).
//!
//! Requests are booked by completion time, which the engine only moves forward, so buckets
//! close one after another: a single compact histogram (the precision of
//! [`super::LatencyStats::compact`], within 1%) and the bucket's largest latency collect the
//! current bucket; when a completion lands in a later bucket, the current one's two
//! percentiles are kept (16 bytes a bucket) and the histogram is cleared, keeping its
//! storage. So recording is one bucket comparison and one histogram increment, with no
//! allocation once the histogram has grown to the largest latency, and memory is one
//! histogram plus the two figures per bucket, whatever the window. A bucket where nothing
//! completed has no latency (`None`), never a zero. Completions after the window's end land in
//! the last bucket, as every other count does.

use super::histogram::LogHistogram;
use super::latency::COMPACT_BITS;
use crate::engine::time::Micros;

/// "No latency" in the per-bucket figures (no request completed in that bucket).
const NONE: Micros = Micros::MAX;

/// One bucket's latencies, kept for a merge: its histogram's counted slots and its largest
/// latency.
pub type KeptBucket = (Vec<(u32, u64)>, Micros);

/// p50 and p99 of completed requests per time bucket.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct BucketLatency {
    /// The bucket being collected, and its latencies.
    open: usize,
    current: LogHistogram,
    /// The largest latency of the open bucket (no percentile is reported above it).
    current_max: Micros,
    /// (p50, p99) of every closed bucket, [`NONE`] where nothing completed.
    closed: Vec<(Micros, Micros)>,
    /// Every closed bucket's latencies, when kept ([`Self::keep_histograms`]): what merging
    /// sharded parts needs, as percentiles of a merge are not merges of percentiles.
    kept: Option<Vec<KeptBucket>>,
}

impl BucketLatency {
    /// Bytes one bucket's figures take (for the size estimate; the one open histogram is
    /// part of the recorder's fixed part).
    pub const BYTES_PER_BUCKET: usize = std::mem::size_of::<(Micros, Micros)>();

    /// Figures for `buckets` time buckets, none recorded yet.
    pub fn new(buckets: usize) -> Self {
        Self {
            open: 0,
            current: LogHistogram::new(COMPACT_BITS),
            current_max: 0,
            closed: vec![(NONE, NONE); buckets],
            kept: None,
        }
    }

    /// Keeps every bucket's histogram (sparse: its counted slots), for [`Self::kept`].
    pub fn keep_histograms(&mut self) {
        self.kept
            .get_or_insert_with(|| vec![(Vec::new(), 0); self.closed.len()]);
    }

    /// Every bucket's latencies (the open one's included), if kept.
    pub fn kept(&self) -> Option<Vec<KeptBucket>> {
        let mut kept = self.kept.clone()?;
        if let Some(open) = kept.get_mut(self.open) {
            *open = (self.current.nonzero(), self.current_max);
        }
        Some(kept)
    }

    /// The figures of buckets whose latencies are the sums of `parts` (each
    /// [`Self::kept`] of one part, of as many buckets).
    pub fn merged(parts: &[Vec<KeptBucket>]) -> BucketLatency {
        let buckets = parts.first().map_or(0, Vec::len);
        let mut merged = BucketLatency::new(buckets);
        for b in 0..buckets {
            let mut hist = LogHistogram::new(COMPACT_BITS);
            let mut max = 0;
            for part in parts {
                hist.add_nonzero(&part[b].0);
                max = max.max(part[b].1);
            }
            merged.closed[b] = percentiles(&hist, max);
        }
        // Every bucket is closed: none is open.
        merged.open = buckets;
        merged
    }

    /// A request completed in `bucket` (never before a bucket already recorded into) after
    /// `latency`.
    #[inline]
    pub fn record(&mut self, bucket: usize, latency: Micros) {
        if bucket != self.open {
            self.close_and_open(bucket);
        }
        self.current.record(latency);
        self.current_max = self.current_max.max(latency);
    }

    #[cold]
    #[inline(never)]
    fn close_and_open(&mut self, bucket: usize) {
        debug_assert!(bucket > self.open, "completions are booked in time order");
        if let Some(slot) = self.closed.get_mut(self.open) {
            *slot = percentiles(&self.current, self.current_max);
        }
        if let Some(kept) = self.kept.as_mut().and_then(|k| k.get_mut(self.open)) {
            *kept = (self.current.nonzero(), self.current_max);
        }
        self.current.clear();
        self.current_max = 0;
        self.open = bucket;
    }

    /// Median latency (µs) of the requests completed in `bucket`; `None` if none did.
    pub fn p50(&self, bucket: usize) -> Option<Micros> {
        self.figures(bucket).0
    }

    /// 99th-percentile latency (µs) of the requests completed in `bucket`; `None` if none did.
    pub fn p99(&self, bucket: usize) -> Option<Micros> {
        self.figures(bucket).1
    }

    fn figures(&self, bucket: usize) -> (Option<Micros>, Option<Micros>) {
        let (p50, p99) = if bucket == self.open {
            percentiles(&self.current, self.current_max)
        } else {
            self.closed.get(bucket).copied().unwrap_or((NONE, NONE))
        };
        let some = |v: Micros| (v != NONE).then_some(v);
        (some(p50), some(p99))
    }

    /// Drops bucket 0 (a warm-up bucket, in which nothing measured completes).
    pub fn drop_first_bucket(&mut self) {
        if !self.closed.is_empty() {
            self.closed.remove(0);
        }
        if let Some(kept) = self.kept.as_mut().filter(|k| !k.is_empty()) {
            kept.remove(0);
        }
        self.open = self.open.saturating_sub(1);
    }

    /// Number of buckets.
    pub fn len(&self) -> usize {
        self.closed.len()
    }

    /// True when there are no buckets.
    pub fn is_empty(&self) -> bool {
        self.closed.is_empty()
    }
}

/// (p50, p99) of the latencies counted in `hist`, whose largest is `max` (no figure is above
/// it), [`NONE`] when empty.
fn percentiles(hist: &LogHistogram, max: Micros) -> (Micros, Micros) {
    let at = |q: f64| hist.value_at_quantile(q).map_or(NONE, |v| v.min(max));
    (at(0.5), at(0.99))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_merged_parts_are_those_of_the_whole() {
        // Latencies 1..=1000 µs over 3 buckets, split between two parts by parity.
        let mut whole = BucketLatency::new(3);
        let mut parts = [BucketLatency::new(3), BucketLatency::new(3)];
        for p in &mut parts {
            p.keep_histograms();
        }
        for v in 1..=1000u64 {
            let bucket = (v / 400) as usize;
            whole.record(bucket, v);
            parts[(v % 2) as usize].record(bucket, v);
        }
        let kept: Vec<_> = parts.iter().map(|p| p.kept().unwrap()).collect();
        let merged = BucketLatency::merged(&kept);
        for b in 0..3 {
            assert_eq!(merged.p50(b), whole.p50(b), "bucket {b}");
            assert_eq!(merged.p99(b), whole.p99(b), "bucket {b}");
        }
        // Bucket 0 holds 1..=399: its median is the 200th value, within a slot's width.
        let p50 = merged.p50(0).unwrap();
        assert!((196..=204).contains(&p50), "{p50}");
    }

    #[test]
    fn each_bucket_keeps_its_own_percentiles() {
        let mut b = BucketLatency::new(4);
        // Bucket 0: 1..=100 ms: p50 50 ms, p99 99 ms (within 1%). Bucket 1: nothing.
        // Bucket 2: 1,000 x 2 s. Bucket 3 (open, never closed): one 7 ms.
        for ms in 1..=100u64 {
            b.record(0, ms * 1000);
        }
        for _ in 0..1000 {
            b.record(2, 2_000_000);
        }
        b.record(3, 7_000);
        let near = |got: Option<Micros>, want: f64| {
            let got = got.expect("a latency") as f64;
            assert!((got - want).abs() <= 0.01 * want, "{got} vs {want}");
        };
        near(b.p50(0), 50_000.0);
        near(b.p99(0), 99_000.0);
        assert_eq!((b.p50(1), b.p99(1)), (None, None));
        near(b.p50(2), 2_000_000.0);
        near(b.p99(2), 2_000_000.0);
        near(b.p50(3), 7_000.0);
        near(b.p99(3), 7_000.0);
        assert_eq!(b.p50(4), None, "past the last bucket");
        assert_eq!(b.len(), 4);
    }

    #[test]
    fn an_unused_recorder_has_no_latency_anywhere() {
        let b = BucketLatency::new(3);
        assert!((0..3).all(|i| b.p50(i).is_none() && b.p99(i).is_none()));
    }
}
