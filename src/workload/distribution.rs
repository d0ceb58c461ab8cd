//! Execution-time and latency distributions, sampled through their quantile functions.
//!
//! Every distribution maps a uniform `u` in (0, 1) to a duration. Sampling by quantile keeps
//! common random numbers exact: the same `u` gives the same rank in every deployment, and a
//! scaled distribution (a faster instance) keeps each request's rank.

use crate::engine::time::{Micros, from_ms};

/// The standard normal quantile z at p = 0.99, used to fit a lognormal by median and p99.
pub const Z_99: f64 = 2.326_347_874_040_841;

/// A distribution of durations, in milliseconds internally, sampled as microseconds.
#[derive(Clone, Debug, PartialEq)]
pub enum DurationDist {
    /// Always the same value (ms).
    Constant { ms: f64 },
    /// Exponential with this mean (ms).
    Exponential { mean_ms: f64 },
    /// Lognormal fitted by its median and 99th percentile (ms):
    /// mu = ln(median), sigma = ln(p99 / median) / z(0.99).
    LogNormal { median_ms: f64, sigma: f64 },
    /// Piecewise-linear inverse CDF through (probability, ms) points, probabilities strictly
    /// increasing from 0 to 1 and values non-decreasing (the Azure 2019 durations layout).
    Empirical { points: Vec<(f64, f64)> },
}

impl DurationDist {
    /// A lognormal with the given median and 99th percentile (p99 >= median > 0).
    pub fn lognormal(median_ms: f64, p99_ms: f64) -> Self {
        DurationDist::LogNormal {
            median_ms,
            sigma: (p99_ms / median_ms).ln() / Z_99,
        }
    }

    /// The value (ms) with cumulative probability `u` in (0, 1).
    pub fn quantile_ms(&self, u: f64) -> f64 {
        match self {
            DurationDist::Constant { ms } => *ms,
            DurationDist::Exponential { mean_ms } => -mean_ms * (1.0 - u).ln(),
            DurationDist::LogNormal { median_ms, sigma } => {
                median_ms * (sigma * normal_quantile(u)).exp()
            }
            DurationDist::Empirical { points } => piecewise_linear(points, u),
        }
    }

    /// A sample (µs) for the uniform `u` in (0, 1).
    #[inline]
    pub fn sample(&self, u: f64) -> Micros {
        from_ms(self.quantile_ms(u).max(0.0))
    }

    /// [`Self::sample`] of each of `units`, into `out`: the same values, computed side by
    /// side (the variant is matched once, and a lognormal's inverse normals, then its `exp`s,
    /// run in one loop each, so the CPU overlaps them).
    pub fn sample_each<const N: usize>(&self, units: &[f64; N], out: &mut [Micros; N]) {
        match self {
            DurationDist::LogNormal { median_ms, sigma } => {
                let mut z = [0.0; N];
                for (z, &u) in z.iter_mut().zip(units) {
                    *z = normal_quantile(u);
                }
                for (o, z) in out.iter_mut().zip(z) {
                    *o = from_ms((median_ms * (sigma * z).exp()).max(0.0));
                }
            }
            _ => {
                for (o, &u) in out.iter_mut().zip(units) {
                    *o = self.sample(u);
                }
            }
        }
    }

    /// The mean (ms), exact for every variant.
    pub fn mean_ms(&self) -> f64 {
        match self {
            DurationDist::Constant { ms } => *ms,
            DurationDist::Exponential { mean_ms } => *mean_ms,
            DurationDist::LogNormal { median_ms, sigma } => median_ms * (sigma * sigma / 2.0).exp(),
            DurationDist::Empirical { points } => points
                .windows(2)
                .map(|w| (w[1].0 - w[0].0) * (w[0].1 + w[1].1) / 2.0)
                .sum(),
        }
    }
}

fn piecewise_linear(points: &[(f64, f64)], u: f64) -> f64 {
    // Points are few (7 in the Azure layout): a linear scan beats a binary search.
    let mut prev = points[0];
    for &p in &points[1..] {
        if u <= p.0 {
            let span = p.0 - prev.0;
            let frac = if span > 0.0 { (u - prev.0) / span } else { 1.0 };
            return prev.1 + frac * (p.1 - prev.1);
        }
        prev = p;
    }
    prev.1
}

/// The standard normal quantile (inverse CDF) for p in (0, 1).
///
/// Acklam's rational approximation: relative error below 1.2e-9 over the whole range, far
/// below anything a latency or duration model can resolve.
#[inline]
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.02425;
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_each_gives_what_sample_gives_one_by_one() {
        let units: [f64; 9] = [1e-12, 0.001, 0.02, 0.3, 0.5, 0.7, 0.98, 0.999, 1.0 - 1e-12];
        for dist in [
            DurationDist::Constant { ms: 3.0 },
            DurationDist::Exponential { mean_ms: 20.0 },
            DurationDist::lognormal(40.0, 250.0),
            DurationDist::Empirical {
                points: vec![(0.0, 1.0), (0.5, 10.0), (1.0, 100.0)],
            },
        ] {
            let mut out = [0; 9];
            dist.sample_each(&units, &mut out);
            let one_by_one = units.map(|u| dist.sample(u));
            assert_eq!(out, one_by_one, "{dist:?}");
        }
    }

    #[test]
    fn normal_quantile_matches_tabulated_values() {
        // Values from standard normal tables.
        assert!((normal_quantile(0.5)).abs() < 1e-9);
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-8);
        assert!((normal_quantile(0.99) - Z_99).abs() < 1e-8);
        assert!((normal_quantile(0.001) + 3.090_232_306_167_814).abs() < 1e-8);
        assert!((normal_quantile(1e-9) + 5.997_807_015_007_686).abs() < 1e-7);
    }

    #[test]
    fn lognormal_hits_its_median_and_p99() {
        let d = DurationDist::lognormal(40.0, 250.0);
        assert!((d.quantile_ms(0.5) - 40.0).abs() < 1e-6);
        assert!((d.quantile_ms(0.99) - 250.0).abs() < 1e-5);
    }

    #[test]
    fn exponential_median_is_mean_ln2() {
        let d = DurationDist::Exponential { mean_ms: 100.0 };
        assert!((d.quantile_ms(0.5) - 100.0 * std::f64::consts::LN_2).abs() < 1e-9);
    }

    #[test]
    fn empirical_interpolates_between_points() {
        let d = DurationDist::Empirical {
            points: vec![(0.0, 10.0), (0.5, 20.0), (1.0, 100.0)],
        };
        assert_eq!(d.quantile_ms(0.25), 15.0);
        assert_eq!(d.quantile_ms(0.75), 60.0);
        // Mean of the piecewise-linear quantile: 0.5*15 + 0.5*60.
        assert!((d.mean_ms() - 37.5).abs() < 1e-12);
    }

    #[test]
    fn sampled_means_match_closed_forms() {
        let dists = [
            DurationDist::Exponential { mean_ms: 80.0 },
            DurationDist::lognormal(40.0, 250.0),
        ];
        for d in dists {
            let n = 200_000;
            let mean = (0..n)
                .map(|i| d.quantile_ms((i as f64 + 0.5) / n as f64))
                .sum::<f64>()
                / n as f64;
            let want = d.mean_ms();
            assert!((mean - want).abs() / want < 0.01, "{d:?}: {mean} vs {want}");
        }
    }
}
