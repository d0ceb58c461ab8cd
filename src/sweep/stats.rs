//! Replication statistics: the mean of N independent runs and its 95% confidence half-width
//! `t(0.975, N-1) x s / sqrt(N)` (Student t, `s` the sample standard deviation).
//!
//! The t quantile is found by bisection on the t distribution's CDF, written through the
//! regularised incomplete beta function (continued fraction, modified Lentz) and a Lanczos
//! log-gamma, so no table limits the number of replications.

/// Mean and 95% confidence half-width of a set of replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    pub mean: f64,
    /// `None` with fewer than two replications (no spread to measure).
    pub half_width: Option<f64>,
}

/// The estimate of `samples` (replications of one figure); `None` when empty.
pub fn estimate(samples: &[f64]) -> Option<Estimate> {
    let n = samples.len();
    if n == 0 {
        return None;
    }
    let mean = samples.iter().sum::<f64>() / n as f64;
    if n < 2 {
        return Some(Estimate {
            mean,
            half_width: None,
        });
    }
    let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half_width = t_quantile(0.975, (n - 1) as f64) * (var / n as f64).sqrt();
    Some(Estimate {
        mean,
        half_width: Some(half_width),
    })
}

/// The `p` quantile (0.5 < p < 1) of Student's t with `dof` degrees of freedom.
pub fn t_quantile(p: f64, dof: f64) -> f64 {
    assert!(p > 0.5 && p < 1.0 && dof > 0.0, "t quantile out of range");
    let (mut lo, mut hi) = (0.0, 1.0);
    while t_cdf(hi, dof) < p {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_cdf(mid, dof) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// P(T <= t) for t >= 0.
fn t_cdf(t: f64, dof: f64) -> f64 {
    let x = dof / (dof + t * t);
    1.0 - 0.5 * incomplete_beta(x, dof / 2.0, 0.5)
}

/// The regularised incomplete beta function I_x(a, b).
fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use symmetry past it.
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

/// The continued fraction of the incomplete beta function (modified Lentz).
fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    d = if d.abs() < TINY { TINY } else { d };
    d = 1.0 / d;
    let mut f = d;
    for m in 1..500 {
        let m = m as f64;
        // Even step.
        let num = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        d = 1.0 + num * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + num / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        f *= d * c;
        // Odd step.
        let num = -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
        d = 1.0 + num * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + num / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let step = d * c;
        f *= step;
        if (step - 1.0).abs() < 1e-15 {
            break;
        }
    }
    f
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: about 15 significant digits).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEF[0];
    for (i, c) in COEF.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_printed_table() {
        // Two-sided 95% critical values as printed in statistics tables (e.g. NIST/SEMATECH
        // e-Handbook, table 1.3.6.7.2), to 3 decimals.
        for (dof, want) in [
            (1.0, 12.706),
            (2.0, 4.303),
            (4.0, 2.776),
            (9.0, 2.262),
            (19.0, 2.093),
            (29.0, 2.045),
            (100.0, 1.984),
        ] {
            let got = t_quantile(0.975, dof);
            assert!((got - want).abs() < 0.0006, "dof {dof}: {got}");
        }
        // Large dof tends to the normal quantile 1.959964.
        assert!((t_quantile(0.975, 1e6) - 1.959964).abs() < 1e-5);
    }

    #[test]
    fn ln_gamma_is_exact_on_factorials() {
        for (x, fact) in [(1.0, 1.0f64), (5.0, 24.0), (11.0, 3_628_800.0)] {
            assert!((ln_gamma(x) - fact.ln()).abs() < 1e-12, "{x}");
        }
        assert!((ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-12);
    }

    #[test]
    fn estimates_by_hand() {
        // Samples 1, 2, 3, 4: mean 2.5, s^2 = 5/3, half-width 3.182446 x sqrt(5/12).
        let e = estimate(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(e.mean, 2.5);
        let want = 3.182_446 * (5.0f64 / 12.0).sqrt();
        assert!((e.half_width.unwrap() - want).abs() < 1e-5, "{e:?}");
        assert_eq!(estimate(&[7.0]).unwrap().half_width, None);
        assert_eq!(estimate(&[]), None);
    }
}
