//! The hybrid histogram keep-alive policy: per pool, learn the distribution of idle times and
//! keep an instance loaded only around the moment the next call is expected.
//!
//! Source: M. Shahrad et al., "Serverless in the Wild: Characterizing and Optimizing the
//! Serverless Workload at a Large Cloud Provider", USENIX ATC 2020, §4 ("Managing Cold Starts
//! in FaaS", the hybrid histogram policy), <https://www.usenix.org/conference/atc20/presentation/shahrad>.
//!
//! This module owns the rules only (a histogram per pool and the windows it yields); it knows
//! nothing of the engine, instances or timers.
//!
//! # Rules
//!
//! - **Idle time.** The time from the end of a pool's last execution to its next invocation,
//!   measured only when the pool had nothing in flight when that invocation arrived (the paper
//!   uses idle times rather than inter-arrival times because an instance is only reclaimable
//!   once it stops executing). The caller records one idle time per such invocation; a
//!   pool's first invocation, and one that arrives while the pool is executing, records none.
//! - **Histogram.** `range` (default 4 h) is cut into 1-minute bins; an idle time `t` goes into
//!   bin `floor(t / 1 min)`. An idle time at or beyond `range` is *out of range*: counted, never
//!   binned; [`IdleHistogram::out_of_range_share`] is its share of all recorded idle times.
//! - **Percentiles** are nearest-rank over the in-range idle times: with `n` of them, the
//!   `p`-th percentile is the first bin whose cumulative count reaches `ceil(p / 100 x n)`. The
//!   head percentile (`prewarm_percentile`, default 5) is taken at its bin's *lower* edge
//!   (rounded down to the whole minute); the tail percentile (`keep_alive_percentile`, default
//!   99) at its bin's *upper* edge (rounded up to the next whole minute).
//! - **Windows.** pre-warm = head x `prewarm_margin` (default 0.9, 10 % earlier);
//!   keep-alive = tail x `keep_alive_margin` (default 1.1, 10 % longer); both rounded to the
//!   microsecond. The keep-alive window starts where the pre-warm window ends.
//! - **Representative histogram.** The windows above are used only when all three hold:
//!   (1) at least `min_samples` in-range idle times (default 10); (2) fewer than half of all
//!   recorded idle times are out of range; (3) the coefficient of variation of the bin counts
//!   (population standard deviation over all `range / 1 min` bins divided by their mean) is at
//!   least `cv_threshold` (default 2). Otherwise the policy falls back to a fixed keep-alive of
//!   the whole `range` with no pre-warm.
//! - **Plan** ([`plan`]), when an instance goes idle at `t`: with a pre-warm window of 0 the
//!   instance stays loaded until `t + keep-alive`; otherwise it is unloaded at once, a warm
//!   instance is loaded at `t + pre-warm` and reclaimed at `t + pre-warm + keep-alive` if no
//!   call used it. Sums saturate at [`Micros::MAX`].
//!
//! # Simplifications and choices (not the paper's)
//!
//! - The paper forecasts the next idle time with an ARIMA model for applications whose idle
//!   times are mostly out of range. We do not: such a pool (rule (2) above, out-of-range share
//!   of one half or more) gets the fallback, a fixed keep-alive of `range` with no pre-warm.
//! - The paper does not give the minimum number of idle times before a histogram is trusted;
//!   `min_samples = 10` is our choice. Note that the coefficient-of-variation test alone cannot
//!   reject a tiny histogram: a single idle time in 240 bins already gives a CV of
//!   `sqrt(239) ~ 15.5`, so without a sample floor one observation would set the windows.
//!   Ten keeps the first windows from resting on one or two calls while letting a regular
//!   function leave the fallback within its first dozen calls.
//! - The percentile estimator is ours: nearest rank over the bin counts, with the head taken
//!   at its bin's lower edge and the tail at its upper edge, so both windows are whole minutes
//!   before the margins apply. (Whole-minute rounding matches the paper's 1-minute bins; the
//!   exact estimator is not pinned down here from the paper's text.)
//! - The coefficient of variation uses the population standard deviation over all bins,
//!   empty ones included; the sample standard deviation would differ by a factor
//!   `sqrt(240 / 239)`, 0.2 % at the default range.
//! - The histogram never forgets (no decay or sliding window).
//!
//! # Cost
//!
//! [`IdleHistogram::record`] is O(log bins) (a Fenwick tree update) and
//! [`IdleHistogram::windows`] O(log bins) (two Fenwick descents); neither allocates. The
//! coefficient of variation is kept incrementally from the sum and the sum of squares of the
//! bin counts. Memory: 16 bytes per bin per pool (4 KB at the default 4 h range, 675 KB at the
//! 30-day maximum).

use crate::engine::time::{DAY, MINUTE, Micros, round_non_negative};

/// Width of one histogram bin (the paper's 1-minute resolution).
pub const BIN: Micros = MINUTE;
/// The longest `range` accepted (30 days, 43,200 bins).
pub const MAX_RANGE: Micros = 30 * DAY;
/// A pool whose out-of-range share reaches this is not representative (stands in for the
/// paper's ARIMA branch, see the module doc).
pub const MOSTLY_OUT_OF_RANGE_SHARE: f64 = 0.5;

/// Parameters of the hybrid policy; [`Default`] gives the paper's values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HybridConfig {
    /// Span of the histogram: idle times at or beyond it are out of range. Whole minutes,
    /// 1 min ..= 30 days. Default 4 h.
    pub range: Micros,
    /// Head percentile that sets the pre-warm window, in (0, 100]. Default 5.
    pub prewarm_percentile: f64,
    /// Tail percentile that sets the keep-alive window, in (0, 100], above the head. Default 99.
    pub keep_alive_percentile: f64,
    /// Factor applied to the head (finite, > 0). Default 0.9.
    pub prewarm_margin: f64,
    /// Factor applied to the tail (finite, > 0). Default 1.1.
    pub keep_alive_margin: f64,
    /// In-range idle times needed before the histogram is used (>= 1). Default 10 (our choice).
    pub min_samples: u64,
    /// Lowest coefficient of variation of the bin counts for a representative histogram
    /// (finite, >= 0). Default 2.
    pub cv_threshold: f64,
}

impl Default for HybridConfig {
    fn default() -> Self {
        HybridConfig {
            range: 4 * 60 * MINUTE,
            prewarm_percentile: 5.0,
            keep_alive_percentile: 99.0,
            prewarm_margin: 0.9,
            keep_alive_margin: 1.1,
            min_samples: 10,
            cv_threshold: 2.0,
        }
    }
}

impl HybridConfig {
    /// Checks every field; the error names the field (as the scenario key would) and says what
    /// is wrong, for the caller to prefix with the file position.
    pub fn validate(&self) -> Result<(), String> {
        if self.range < BIN || self.range > MAX_RANGE || self.range % BIN != 0 {
            return Err(format!(
                "range: must be a whole number of minutes from 1 min to 30 days, got {} s",
                crate::engine::time::as_secs(self.range)
            ));
        }
        for (name, p) in [
            ("prewarm_percentile", self.prewarm_percentile),
            ("keep_alive_percentile", self.keep_alive_percentile),
        ] {
            if !(p > 0.0 && p <= 100.0) {
                return Err(format!("{name}: must be in (0, 100], got {p}"));
            }
        }
        if self.prewarm_percentile >= self.keep_alive_percentile {
            return Err(format!(
                "prewarm_percentile: must be below keep_alive_percentile ({}), got {}",
                self.keep_alive_percentile, self.prewarm_percentile
            ));
        }
        for (name, m) in [
            ("prewarm_margin", self.prewarm_margin),
            ("keep_alive_margin", self.keep_alive_margin),
        ] {
            if !(m.is_finite() && m > 0.0) {
                return Err(format!("{name}: must be a finite number above 0, got {m}"));
            }
        }
        if self.min_samples == 0 {
            return Err("min_samples: must be at least 1, got 0".to_string());
        }
        if !(self.cv_threshold.is_finite() && self.cv_threshold >= 0.0) {
            return Err(format!(
                "cv_threshold: must be a finite number >= 0, got {}",
                self.cv_threshold
            ));
        }
        Ok(())
    }

    fn bins(&self) -> usize {
        (self.range / BIN) as usize
    }
}

/// The two windows the policy derives from a pool's histogram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    /// How long after going idle a warm instance is (re)loaded; 0 = never unloaded.
    pub prewarm: Micros,
    /// How long the instance stays loaded, counted from the end of the pre-warm window.
    pub keep_alive: Micros,
    /// False when these are the fallback (prewarm 0, keep-alive = range).
    pub representative: bool,
}

impl Windows {
    /// The windows of a pool whose histogram is not representative: no pre-warm, keep-alive
    /// of the whole range.
    pub fn fallback(config: &HybridConfig) -> Windows {
        Windows {
            prewarm: 0,
            keep_alive: config.range,
            representative: false,
        }
    }
}

/// What to do with an instance that has just gone idle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdlePlan {
    /// Keep the instance loaded until this time, then reclaim it.
    KeepUntil(Micros),
    /// Unload now; load a warm instance at `load_at`; reclaim it at `keep_until` if unused.
    UnloadThenPrewarm { load_at: Micros, keep_until: Micros },
}

/// Turns windows into a plan for an instance that went idle at `idle_at`.
pub fn plan(windows: Windows, idle_at: Micros) -> IdlePlan {
    let load_at = idle_at.saturating_add(windows.prewarm);
    let keep_until = load_at.saturating_add(windows.keep_alive);
    if windows.prewarm == 0 {
        IdlePlan::KeepUntil(keep_until)
    } else {
        IdlePlan::UnloadThenPrewarm {
            load_at,
            keep_until,
        }
    }
}

/// One pool's idle-time histogram (see the module doc for the rules).
#[derive(Debug, Clone)]
pub struct IdleHistogram {
    /// Count per bin.
    counts: Vec<u64>,
    /// Fenwick tree over `counts` (1-based; index 0 unused) for cumulative counts.
    fenwick: Vec<u64>,
    /// Largest power of two not above the number of bins (start of the Fenwick descent).
    top_step: usize,
    in_range: u64,
    out_of_range: u64,
    /// Sum of the squared bin counts (for the coefficient of variation).
    sum_of_squares: u128,
}

impl IdleHistogram {
    /// An empty histogram sized for `config.range` (which must have passed `validate`).
    pub fn new(config: &HybridConfig) -> Self {
        let bins = config.bins().max(1);
        let mut top_step = 1;
        while top_step * 2 <= bins {
            top_step *= 2;
        }
        IdleHistogram {
            counts: vec![0; bins],
            fenwick: vec![0; bins + 1],
            top_step,
            in_range: 0,
            out_of_range: 0,
            sum_of_squares: 0,
        }
    }

    /// Records one idle time; at or beyond the range it is only counted as out of range.
    pub fn record(&mut self, idle: Micros) {
        let bin = idle / BIN;
        if bin >= self.counts.len() as u64 {
            self.out_of_range = self.out_of_range.saturating_add(1);
            return;
        }
        let bin = bin as usize;
        let before = self.counts[bin];
        self.counts[bin] = before + 1;
        self.sum_of_squares += 2 * u128::from(before) + 1;
        self.in_range += 1;
        let mut i = bin + 1;
        while i < self.fenwick.len() {
            self.fenwick[i] += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// Every idle time recorded, in range or not.
    pub fn samples(&self) -> u64 {
        self.in_range.saturating_add(self.out_of_range)
    }

    /// Idle times that fell into a bin.
    pub fn in_range(&self) -> u64 {
        self.in_range
    }

    /// Idle times at or beyond the range.
    pub fn out_of_range(&self) -> u64 {
        self.out_of_range
    }

    /// Out-of-range idle times over all recorded ones (0 when none was recorded).
    pub fn out_of_range_share(&self) -> f64 {
        match self.samples() {
            0 => 0.0,
            n => self.out_of_range as f64 / n as f64,
        }
    }

    /// Coefficient of variation of the bin counts (population standard deviation over all
    /// bins / mean), or `None` while no idle time is in range.
    pub fn coefficient_of_variation(&self) -> Option<f64> {
        if self.in_range == 0 {
            return None;
        }
        let ratio = self.bins() * self.sum_of_squares as f64 / self.squared_in_range();
        Some((ratio - 1.0).max(0.0).sqrt())
    }

    /// The pre-warm and keep-alive windows for this pool now (the fallback while the
    /// histogram is not representative). `config` must be the one given to [`Self::new`].
    pub fn windows(&self, config: &HybridConfig) -> Windows {
        debug_assert_eq!(
            config.bins(),
            self.counts.len(),
            "config differs from new()'s"
        );
        if !self.is_representative(config) {
            return Windows::fallback(config);
        }
        let head_bin = self.percentile_bin(config.prewarm_percentile) as Micros;
        let tail_bin = self.percentile_bin(config.keep_alive_percentile) as Micros;
        let head = (head_bin * BIN) as f64;
        let tail = ((tail_bin + 1) * BIN) as f64;
        Windows {
            prewarm: round_non_negative(head * config.prewarm_margin),
            keep_alive: round_non_negative(tail * config.keep_alive_margin),
            representative: true,
        }
    }

    fn is_representative(&self, config: &HybridConfig) -> bool {
        if self.in_range < config.min_samples.max(1) {
            return false;
        }
        if self.out_of_range_share() >= MOSTLY_OUT_OF_RANGE_SHARE {
            return false;
        }
        // CV >= t  <=>  bins x sum_sq / n^2 - 1 >= t^2, compared without a square root.
        let t = config.cv_threshold;
        self.bins() * self.sum_of_squares as f64 >= (1.0 + t * t) * self.squared_in_range()
    }

    fn bins(&self) -> f64 {
        self.counts.len() as f64
    }

    fn squared_in_range(&self) -> f64 {
        let n = self.in_range as f64;
        n * n
    }

    /// Nearest-rank percentile: the first bin whose cumulative count reaches
    /// `ceil(p / 100 x n)` (at least 1). Needs `in_range > 0`.
    fn percentile_bin(&self, percentile: f64) -> usize {
        let n = self.in_range;
        // The relative nudge keeps a product like 99.9 x 1000 / 100 = 999.000...01 (the
        // decimal percentile is not exact in binary) from rounding up to the next rank.
        let exact = percentile * n as f64 / 100.0;
        let rank = ((exact * (1.0 - 1e-12)).ceil() as u64).clamp(1, n);
        // Fenwick descent: the largest prefix whose total is below `rank`.
        let mut position = 0;
        let mut below = 0;
        let mut step = self.top_step;
        while step > 0 {
            let next = position + step;
            if next < self.fenwick.len() && below + self.fenwick[next] < rank {
                position = next;
                below += self.fenwick[next];
            }
            step /= 2;
        }
        position // 0-based bin index = 1-based prefix length
    }
}

#[cfg(test)]
mod tests;
