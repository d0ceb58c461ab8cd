//! Per-application cold-start counts and their distribution across applications.
//!
//! [`AppCounts`] holds, for one deployment, the number of invocations and of cold starts of
//! every application (an app is identified by a dense index `0..n_apps`, assigned by the
//! model). Recording is O(1) and allocation-free; memory is two counters per app.
//!
//! # The metric
//!
//! Shahrad et al., "Serverless in the Wild: Characterizing and Optimizing the Serverless
//! Workload at a Large Cloud Provider", USENIX ATC 2020, judge keep-alive policies
//! by the *application cold-start percentage*: for each application, its cold starts divided
//! by its invocations, times 100; then the distribution of that percentage across
//! applications, summarised by its third quartile (75th percentile) and plotted against the
//! wasted memory time of the policy. Looking at apps rather than at the pooled ratio keeps
//! rarely-invoked apps (which suffer the most cold starts) from being drowned by a few busy
//! ones.
//!
//! Here, for one deployment:
//! - `cold_pct(app) = 100 × cold_starts(app) / invocations(app)`;
//! - only apps with at least one invocation count (an app never invoked has no percentage);
//! - the median and the 75th percentile of those percentages use **linear interpolation
//!   between order statistics** (Hyndman and Fan's type 7, the default of R's `quantile` and
//!   NumPy's `percentile`): with the `n` percentages sorted ascending as `x[0] ≤ … ≤ x[n-1]`,
//!   the `p`-quantile is `x[k] + (h − k) × (x[k+1] − x[k])` where `h = (n − 1) × p` and
//!   `k = ⌊h⌋` (just `x[n-1]` when `k = n − 1`). For one app both are its own percentage.
//!
//! We found no quantile estimator stated in the paper; type 7 is our choice (Hyndman and
//! Fan, "Sample Quantiles in Statistical Packages", The American Statistician 50(4), 1996).

/// Invocations and cold starts of every app of one deployment.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AppCounts {
    /// `[invocations, cold starts]` per app index.
    counts: Vec<[u64; 2]>,
}

/// The distribution of per-app cold-start percentages (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AppColdStarts {
    /// Apps with at least one invocation: the sample the quantiles are taken over.
    pub apps: usize,
    /// Median of the per-app cold-start percentages (0 to 100).
    pub median_pct: f64,
    /// 75th percentile (third quartile) of the per-app cold-start percentages (0 to 100).
    pub p75_pct: f64,
}

impl AppCounts {
    /// Zero counts for apps `0..n_apps`.
    pub fn new(n_apps: usize) -> Self {
        Self {
            counts: vec![[0, 0]; n_apps],
        }
    }

    /// Number of apps tracked (including apps never invoked).
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether no app is tracked.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Counts one invocation of `app`, cold or warm.
    ///
    /// # Panics
    /// When `app` is not below the `n_apps` given to [`AppCounts::new`]: the model assigns
    /// app indices, so an index out of range is a bug, not bad input.
    #[inline]
    pub fn record(&mut self, app: u32, cold: bool) {
        let c = &mut self.counts[app as usize];
        c[0] += 1;
        c[1] += u64::from(cold);
    }

    /// Invocations of `app` (0 for an index out of range).
    pub fn invocations(&self, app: u32) -> u64 {
        self.counts.get(app as usize).map_or(0, |c| c[0])
    }

    /// Cold starts of `app` (0 for an index out of range).
    pub fn cold_starts(&self, app: u32) -> u64 {
        self.counts.get(app as usize).map_or(0, |c| c[1])
    }

    /// Adds `other`'s counts app by app (growing to the longer of the two), e.g. to combine
    /// pools or partial runs of the same deployment.
    pub fn merge(&mut self, other: &AppCounts) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), [0, 0]);
        }
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            mine[0] = mine[0].saturating_add(theirs[0]);
            mine[1] = mine[1].saturating_add(theirs[1]);
        }
    }

    /// Adds `times` copies of `other`'s counts (wrapping: exact when the result is in range).
    pub fn add_times(&mut self, other: &AppCounts, times: i64) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), [0, 0]);
        }
        let times = times as u64;
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            for k in 0..2 {
                mine[k] = mine[k].wrapping_add(theirs[k].wrapping_mul(times));
            }
        }
    }

    /// The cold-start percentage of every app with at least one invocation, in app order.
    pub fn cold_start_percents(&self) -> Vec<f64> {
        self.counts
            .iter()
            .filter(|c| c[0] > 0)
            .map(|c| 100.0 * c[1] as f64 / c[0] as f64)
            .collect()
    }

    /// Median and 75th percentile of the per-app cold-start percentages, over the apps with at
    /// least one invocation; `None` when no app was invoked.
    pub fn cold_start_percent_quantiles(&self) -> Option<AppColdStarts> {
        let mut pcts = self.cold_start_percents();
        if pcts.is_empty() {
            return None;
        }
        pcts.sort_by(f64::total_cmp);
        Some(AppColdStarts {
            apps: pcts.len(),
            median_pct: quantile_sorted(&pcts, 0.5),
            p75_pct: quantile_sorted(&pcts, 0.75),
        })
    }
}

/// The `p`-quantile (`0 ≤ p ≤ 1`) of the non-empty ascending `sorted`, by linear
/// interpolation between order statistics (type 7, see the module docs).
fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * p;
    let k = h.floor() as usize;
    match sorted.get(k + 1) {
        Some(&next) => sorted[k] + (h - k as f64) * (next - sorted[k]),
        None => sorted[k],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Apps given as (invocations, cold starts), recorded one call at a time.
    fn counts(apps: &[(u64, u64)]) -> AppCounts {
        let mut c = AppCounts::new(apps.len());
        for (app, &(calls, cold)) in apps.iter().enumerate() {
            for i in 0..calls {
                c.record(app as u32, i < cold);
            }
        }
        c
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn records_invocations_and_cold_starts_per_app() {
        let c = counts(&[(3, 1), (0, 0), (5, 5)]);
        assert_eq!((c.invocations(0), c.cold_starts(0)), (3, 1));
        assert_eq!((c.invocations(1), c.cold_starts(1)), (0, 0));
        assert_eq!((c.invocations(2), c.cold_starts(2)), (5, 5));
        assert_eq!(c.invocations(9), 0);
        assert_eq!(c.len(), 3);
    }

    #[test]
    fn no_invoked_app_has_no_distribution() {
        assert_eq!(AppCounts::new(0).cold_start_percent_quantiles(), None);
        assert_eq!(AppCounts::new(4).cold_start_percent_quantiles(), None);
    }

    #[test]
    fn one_app_is_its_own_median_and_quartile() {
        // 1 cold start in 4 calls: 25 %.
        let q = counts(&[(4, 1)]).cold_start_percent_quantiles().unwrap();
        assert_eq!(q.apps, 1);
        assert!(close(q.median_pct, 25.0) && close(q.p75_pct, 25.0), "{q:?}");
    }

    #[test]
    fn quantiles_interpolate_between_order_statistics() {
        // Per-app percentages, given out of order: 100, 0, 50, 10 (apps of 1, 7, 2, 10
        // calls). Sorted: 0, 10, 50, 100. Median: h = 3 × 0.5 = 1.5, 10 + 0.5 × 40 = 30.
        // p75: h = 3 × 0.75 = 2.25, 50 + 0.25 × 50 = 62.5.
        let c = counts(&[(1, 1), (7, 0), (2, 1), (10, 1)]);
        let q = c.cold_start_percent_quantiles().unwrap();
        assert_eq!(q.apps, 4);
        assert!(close(q.median_pct, 30.0), "{q:?}");
        assert!(close(q.p75_pct, 62.5), "{q:?}");
    }

    #[test]
    fn apps_never_invoked_are_left_out_not_counted_as_zero() {
        // 20 % and 60 % plus three silent apps: median of (20, 60) = 40, p75 = 20 + 0.75 × 40
        // = 50. Counting the silent apps as 0 % would give a median of 0.
        let c = counts(&[(0, 0), (5, 1), (0, 0), (5, 3), (0, 0)]);
        let q = c.cold_start_percent_quantiles().unwrap();
        assert_eq!(q.apps, 2);
        assert!(close(q.median_pct, 40.0) && close(q.p75_pct, 50.0), "{q:?}");
    }

    #[test]
    fn apps_weigh_equally_whatever_their_traffic() {
        // A busy app with 1 cold start in 1000 calls and two rare apps always cold: the
        // pooled ratio is 3 / 1002 ≈ 0.3 %, but the median app is 100 % cold.
        let c = counts(&[(1000, 1), (1, 1), (1, 1)]);
        let q = c.cold_start_percent_quantiles().unwrap();
        assert!(
            close(q.median_pct, 100.0) && close(q.p75_pct, 100.0),
            "{q:?}"
        );
    }

    #[test]
    fn odd_sample_median_is_the_middle_value() {
        // 75, 0, 25, 50, 100 %; sorted 0, 25, 50, 75, 100: median at h = 2 is 50, p75 at h = 3
        // is 75.
        let c = counts(&[(4, 3), (1, 0), (4, 1), (2, 1), (3, 3)]);
        let q = c.cold_start_percent_quantiles().unwrap();
        assert!(close(q.median_pct, 50.0) && close(q.p75_pct, 75.0), "{q:?}");
    }

    #[test]
    fn merge_adds_app_by_app_and_grows() {
        let mut a = counts(&[(2, 1)]);
        let b = counts(&[(3, 3), (4, 0)]);
        a.merge(&b);
        assert_eq!((a.invocations(0), a.cold_starts(0)), (5, 4));
        assert_eq!((a.invocations(1), a.cold_starts(1)), (4, 0));
        assert_eq!(a.len(), 2);
    }

    #[test]
    #[should_panic]
    fn an_app_index_out_of_range_is_a_bug() {
        AppCounts::new(2).record(2, false);
    }
}
