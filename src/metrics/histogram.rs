//! A log-linear histogram of `u64` values: the counting structure behind every latency
//! percentile the simulator reports.
//!
//! Values are grouped into *buckets* by their power of two; each bucket is cut into `2^(p-1)`
//! equal *slots* (the values below `2^p` get one slot each). So a slot is never wider than
//! `2^-(p-1)` of the values it holds, and a percentile read from it is within that share of the
//! exact one: `p = 11` (2,048 slots for the first bucket) keeps 3 significant digits (0.1%),
//! `p = 8` about 1%. This is the layout of Gil Tene's HdrHistogram with a unit of 1; the
//! percentile rule is the same too (the highest value of the slot where the running count first
//! reaches `ceil(q x count)`), so results equal that library's to the microsecond (a test checks
//! it against the `hdrhistogram` crate).
//!
//! Recording is a leading-zero count, two shifts and one increment. The slot array grows on
//! demand to the largest value seen (to `u64::MAX` at most: 54 buckets at `p = 11`), so a
//! histogram of short latencies stays small and no value is ever clamped.

/// Counts of values by log-linear slot.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LogHistogram {
    /// `p`: the first bucket has `2^p` slots, every later bucket `2^(p-1)`.
    precision_bits: u32,
    /// `precision_bits - 1` and `2^precision_bits - 1`, kept so recording computes neither.
    half_bits: u32,
    first_bucket_mask: u64,
    counts: Vec<u64>,
    total: u64,
}

impl LogHistogram {
    /// An empty histogram whose slots are at most `2^-(precision_bits-1)` of their values wide.
    pub fn new(precision_bits: u32) -> Self {
        assert!((2..=20).contains(&precision_bits), "precision out of range");
        Self {
            precision_bits,
            half_bits: precision_bits - 1,
            first_bucket_mask: (1u64 << precision_bits) - 1,
            counts: Vec::new(),
            total: 0,
        }
    }

    /// Number of values recorded.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Forgets every value, keeping the slot array (no allocation when it is used again).
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.total = 0;
    }

    /// The slot holding `value`.
    #[inline]
    fn slot_of(&self, value: u64) -> usize {
        let half_bits = self.half_bits;
        let bucket = (63 - (value | self.first_bucket_mask).leading_zeros()) - half_bits;
        ((bucket as u64) << half_bits) as usize + (value >> bucket) as usize
    }

    /// Counts one `value`.
    #[inline]
    pub fn record(&mut self, value: u64) {
        let slot = self.slot_of(value);
        match self.counts.get_mut(slot) {
            Some(count) => *count += 1,
            None => self.grow_and_record(slot),
        }
        self.total += 1;
    }

    #[cold]
    #[inline(never)]
    fn grow_and_record(&mut self, slot: usize) {
        // To the end of the slot's bucket, so growth happens at most once per power of two.
        let half = 1usize << (self.precision_bits - 1);
        self.counts.resize((slot / half + 1) * half, 0);
        self.counts[slot] += 1;
    }

    /// The smallest value and the width of `slot`.
    fn slot_range(&self, slot: usize) -> (u64, u64) {
        let half_bits = self.precision_bits - 1;
        if slot < 1 << self.precision_bits {
            return (slot as u64, 1);
        }
        let bucket = (slot >> half_bits) as u32 - 1;
        let offset = slot as u64 - ((bucket as u64) << half_bits);
        (offset << bucket, 1 << bucket)
    }

    /// The smallest value counted in the same slot as `value`.
    pub fn lowest_equivalent(&self, value: u64) -> u64 {
        self.slot_range(self.slot_of(value)).0
    }

    /// The largest value counted in the same slot as `value`.
    pub fn highest_equivalent(&self, value: u64) -> u64 {
        let (low, width) = self.slot_range(self.slot_of(value));
        low + (width - 1)
    }

    /// The value at quantile `q` (clamped to [0, 1]): the highest value of the slot where the
    /// running count first reaches `ceil(q x total)` (at least 1), or that slot's lowest value
    /// at `q = 0`. `None` when empty.
    pub fn value_at_quantile(&self, q: f64) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        let q = q.clamp(0.0, 1.0);
        let rank = ((q * self.total as f64).ceil() as u64).max(1);
        let slot = self.slot_of_rank(rank);
        let (low, width) = self.slot_range(slot);
        Some(if q == 0.0 { low } else { low + (width - 1) })
    }

    /// The first slot where the running count from the lowest slot reaches `rank` (1 to the
    /// total). Found from whichever end is nearer, a block of slots at a time (most slots of a
    /// latency histogram are empty: every value below the fastest latency), with the same
    /// integer sums either way, so the slot is exactly the one a slot-by-slot scan finds.
    fn slot_of_rank(&self, rank: u64) -> usize {
        const BLOCK: usize = 16;
        if rank <= self.total / 2 {
            let mut running = 0u64;
            for (b, block) in self.counts.chunks(BLOCK).enumerate() {
                let sum: u64 = block.iter().sum();
                if running + sum < rank {
                    running += sum;
                    continue;
                }
                for (i, &count) in block.iter().enumerate() {
                    running += count;
                    if running >= rank {
                        return b * BLOCK + i;
                    }
                }
            }
        } else {
            // The running count reaches `rank` at slot s exactly when the counts above s sum
            // to at most `total - rank` and those from s up to more.
            let above_limit = self.total - rank;
            let mut above = 0u64;
            let tail = self.counts.len() % BLOCK;
            let (body, top) = self.counts.split_at(self.counts.len() - tail);
            let blocks = std::iter::once(top).chain(body.rchunks(BLOCK));
            let mut end = self.counts.len();
            for block in blocks {
                let start = end - block.len();
                let sum: u64 = block.iter().sum();
                if above + sum <= above_limit {
                    above += sum;
                    end = start;
                    continue;
                }
                for (i, &count) in block.iter().enumerate().rev() {
                    above += count;
                    if above > above_limit {
                        return start + i;
                    }
                }
            }
        }
        unreachable!("the counts sum to the total")
    }

    /// Adds every value of `other` (which must have the same precision).
    pub fn merge(&mut self, other: &LogHistogram) {
        assert_eq!(
            self.precision_bits, other.precision_bits,
            "precisions differ"
        );
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.total += other.total;
    }

    /// Adds `times` copies of every value of `other` (same precision); a negative `times`
    /// takes them away. Counts wrap (mod 2^64), so a result whose counts are in range is exact
    /// whatever the order of the additions.
    pub fn add_times(&mut self, other: &LogHistogram, times: i64) {
        assert_eq!(
            self.precision_bits, other.precision_bits,
            "precisions differ"
        );
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        let times = times as u64;
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine = mine.wrapping_add(theirs.wrapping_mul(times));
        }
        self.total = self.total.wrapping_add(other.total.wrapping_mul(times));
    }

    /// The slots that count something, with their counts (a sparse copy).
    pub fn nonzero(&self) -> Vec<(u32, u64)> {
        (self.counts.iter().enumerate())
            .filter(|&(_, &c)| c > 0)
            .map(|(slot, &c)| (slot as u32, c))
            .collect()
    }

    /// Adds the counts of a sparse copy ([`Self::nonzero`]) of a histogram of this precision.
    pub fn add_nonzero(&mut self, slots: &[(u32, u64)]) {
        for &(slot, count) in slots {
            let slot = slot as usize;
            if slot >= self.counts.len() {
                let half = 1usize << (self.precision_bits - 1);
                self.counts.resize((slot / half + 1) * half, 0);
            }
            self.counts[slot] += count;
            self.total += count;
        }
    }

    /// Bytes held by the slot array.
    pub fn heap_bytes(&self) -> usize {
        self.counts.capacity() * std::mem::size_of::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_values_get_a_slot_each() {
        let mut h = LogHistogram::new(11);
        for v in 0..2048 {
            assert_eq!(h.lowest_equivalent(v), v);
            assert_eq!(h.highest_equivalent(v), v);
        }
        h.record(7);
        h.record(2047);
        assert_eq!(h.value_at_quantile(0.5), Some(7));
        assert_eq!(h.value_at_quantile(1.0), Some(2047));
    }

    #[test]
    fn slots_above_the_first_bucket_double_in_width() {
        // p = 3: values 0..7 one slot each, then [8, 16) in slots of 2, [16, 32) of 4.
        let h = LogHistogram::new(3);
        assert_eq!((h.lowest_equivalent(9), h.highest_equivalent(9)), (8, 9));
        assert_eq!(
            (h.lowest_equivalent(15), h.highest_equivalent(15)),
            (14, 15)
        );
        assert_eq!(
            (h.lowest_equivalent(17), h.highest_equivalent(17)),
            (16, 19)
        );
        assert_eq!(
            (h.lowest_equivalent(31), h.highest_equivalent(31)),
            (28, 31)
        );
        assert_eq!(h.highest_equivalent(u64::MAX), u64::MAX);
    }

    #[test]
    fn the_largest_values_fit() {
        let mut h = LogHistogram::new(11);
        h.record(u64::MAX);
        h.record(0);
        assert_eq!(h.value_at_quantile(1.0), Some(u64::MAX));
        assert_eq!(h.value_at_quantile(0.0), Some(0));
        assert_eq!(h.counts.len(), 54 * 1024 + 1024);
    }

    #[test]
    fn merging_equals_recording_into_one() {
        let (mut a, mut b, mut both) = (
            LogHistogram::new(8),
            LogHistogram::new(8),
            LogHistogram::new(8),
        );
        for v in (1..5_000u64).map(|i| i * i * 37) {
            if v % 3 == 0 { &mut a } else { &mut b }.record(v);
            both.record(v);
        }
        a.merge(&b);
        assert_eq!(a.total(), both.total());
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 1.0] {
            assert_eq!(a.value_at_quantile(q), both.value_at_quantile(q));
        }
    }

    #[test]
    fn quantiles_match_the_hdrhistogram_crate() {
        // The reference: HdrHistogram at 3 significant digits, unit 1 (p = 11 here).
        use rand::RngExt;
        use rand::SeedableRng;
        let mut rng = crate::rng::SimRng::seed_from_u64(11);
        let mut mine = LogHistogram::new(11);
        let mut reference = hdrhistogram::Histogram::<u64>::new(3).unwrap();
        for _ in 0..200_000 {
            let magnitude = rng.random_range(0..63u32);
            let v = rng.random_range(0..=(1u64 << magnitude));
            mine.record(v);
            reference.record(v).unwrap();
        }
        for k in 0..=1000 {
            let q = k as f64 / 1000.0;
            assert_eq!(
                mine.value_at_quantile(q),
                Some(reference.value_at_quantile(q)),
                "q = {q}"
            );
        }
        for v in [1u64, 2047, 2048, 2049, 123_456_789, 1 << 40, u64::MAX / 3] {
            assert_eq!(mine.lowest_equivalent(v), reference.lowest_equivalent(v));
            assert_eq!(mine.highest_equivalent(v), reference.highest_equivalent(v));
        }
    }

    #[test]
    fn every_rank_is_found_in_the_slot_a_slot_by_slot_scan_finds() {
        // Sparse counts (most slots empty, a few heavy ones, some at block edges), every rank
        // from 1 to the total, against a plain running sum over the slots.
        let mut h = LogHistogram::new(4);
        for (value, times) in [(0u64, 1), (15, 3), (16, 2), (31, 1), (900, 5), (1 << 20, 4)] {
            for _ in 0..times {
                h.record(value);
            }
        }
        for rank in 1..=h.total() {
            let mut running = 0;
            let expected = h
                .counts
                .iter()
                .position(|&c| {
                    running += c;
                    running >= rank
                })
                .unwrap();
            assert_eq!(h.slot_of_rank(rank), expected, "rank {rank}");
        }
    }
}
