//! How many requests an arrival source yields in a window, in closed form: the expected
//! count, its variance, and the highest rate the source reaches.
//!
//! - `poisson`: mean = variance = rate x window.
//! - `daily`: a non-homogeneous Poisson process, so mean = variance = the integral of
//!   rate x profile over the window (whole days, then the slots the remainder covers).
//! - `on_off`: the process starts in its stationary state, so the mean is the stationary rate
//!   x window; the variance adds the modulation's share: with switching rate
//!   g = 1/mean_on + 1/mean_off and stationary shares p (on), q (off),
//!   Var N(L) = m + 2 (on_rate - off_rate)^2 p q (L/g - (1 - e^(-gL))/g^2).
//! - `fixed_interval`: the number of ticks `offset + k x every` before the window's end
//!   (exact, no variance).
//! - `steps`: iterations of the generator that yield no request, which cost time like an
//!   event: a `daily` process draws candidates at its peak rate and keeps each with
//!   probability rate / peak (thinning), so peak x window - mean are rejected; an `on_off`
//!   process switches state 2 / (mean_on + mean_off) times a second on average (a
//!   stationary alternating renewal process: two switches per cycle), so 2 L / (mean_on +
//!   mean_off) switches in a window L, whatever its rates (periods of 1 µs switch a million
//!   times a simulated second). None for the other sources.
//! - a trace: the invocations of the selection times the rate multiplier, scaled by the share
//!   of the trace's span the window covers when the window is shorter; a fractional multiplier
//!   k + f adds the binomial variance n f (1 - f).

use crate::engine::time::{DAY, Micros, SECOND, as_secs};
use crate::workload::ArrivalProcess;
use crate::workload::trace::TraceSource;

/// The expected size of one arrival source over a window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExpectedArrivals {
    /// Expected number of requests.
    pub mean: f64,
    /// Variance of that number.
    pub variance: f64,
    /// Highest arrival rate (per second) the source reaches; for a trace, its mean rate
    /// (a trace's bursts are not known without reading it again).
    pub peak_rate: f64,
    /// Expected iterations of the generator that yield no request (rejected thinning draws,
    /// on/off switches).
    pub steps: f64,
}

/// The expected arrivals of `process` in `[0, window)`.
pub fn of_process(process: &ArrivalProcess, window: Micros) -> ExpectedArrivals {
    let l = as_secs(window);
    match process {
        ArrivalProcess::Poisson { rate } => ExpectedArrivals {
            mean: rate * l,
            variance: rate * l,
            peak_rate: *rate,
            steps: 0.0,
        },
        ArrivalProcess::Daily { rate, profile } => {
            let mean = rate * profile_integral(profile, l);
            let peak_rate = rate * profile.iter().copied().fold(0.0, f64::max);
            ExpectedArrivals {
                mean,
                variance: mean,
                peak_rate,
                steps: (peak_rate * l - mean).max(0.0),
            }
        }
        ArrivalProcess::OnOff {
            on_rate,
            off_rate,
            mean_on_s,
            mean_off_s,
        } => {
            let mean = process.mean_rate() * l;
            let p = mean_on_s / (mean_on_s + mean_off_s);
            let g = 1.0 / mean_on_s + 1.0 / mean_off_s;
            let modulation = 2.0
                * (on_rate - off_rate).powi(2)
                * p
                * (1.0 - p)
                * (l / g - (-(-g * l).exp_m1()) / (g * g));
            ExpectedArrivals {
                mean,
                variance: mean + modulation,
                peak_rate: on_rate.max(*off_rate),
                steps: 2.0 * l / (mean_on_s + mean_off_s),
            }
        }
        ArrivalProcess::FixedInterval { every_s, offset_s } => {
            let every = (every_s * SECOND as f64).round().max(1.0) as Micros;
            let offset = (offset_s * SECOND as f64).round() as Micros;
            let ticks = if offset >= window {
                0
            } else {
                (window - 1 - offset) / every + 1
            };
            ExpectedArrivals {
                mean: ticks as f64,
                variance: 0.0,
                peak_rate: 1.0 / every_s,
                steps: 0.0,
            }
        }
    }
}

/// The expected arrivals of a trace replayed over `[0, window)`: the count the loader
/// worked out after selection, the duration, `time_scale` and `rate_multiplier`
/// ([`crate::workload::trace::TraceInfo::replayed`]); a fractional multiplier keeps each
/// traced invocation's extra copy with probability `fract`, so the variance is
/// `n fract (1 - fract)`.
pub fn of_trace(trace: &TraceSource, window: Micros) -> ExpectedArrivals {
    let info = &trace.info;
    let n = info.invocations as f64;
    let f = info.shaping.rate_multiplier.fract();
    let mean = info.replayed.count;
    let span = as_secs(window.min(info.span.max(1)));
    ExpectedArrivals {
        mean,
        variance: n * f * (1.0 - f),
        peak_rate: mean / span,
        steps: 0.0,
    }
}

/// The integral over `[0, l)` seconds of a daily profile of equal slots.
fn profile_integral(profile: &[f64], l: f64) -> f64 {
    let day = as_secs(DAY);
    let slot = day / profile.len() as f64;
    let days = (l / day).floor();
    let rest = l - days * day;
    let whole_day: f64 = profile.iter().sum::<f64>() * slot;
    let partial: f64 = profile
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let start = i as f64 * slot;
            m * (rest.min(start + slot) - start).max(0.0)
        })
        .sum();
    days * whole_day + partial
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{HOUR, MINUTE};
    use crate::rng::{Purpose, Streams};
    use crate::workload::arrival::ArrivalState;
    use rand_distr::Distribution;

    #[test]
    fn poisson_is_rate_times_window() {
        let e = of_process(&ArrivalProcess::Poisson { rate: 20.0 }, HOUR);
        assert_eq!(e.mean, 72_000.0);
        assert_eq!(e.variance, 72_000.0);
        assert_eq!(e.peak_rate, 20.0);
    }

    #[test]
    fn daily_integrates_the_profile_over_whole_days_and_the_rest() {
        // Slots of 6 h at 1, 3, 0, 2 (x 10/s). A day: 10 x 6 h x (1+3+0+2) = 1,296,000.
        // 1.5 days: that plus slots 0 and 1 (6 h at 10/s and 6 h at 30/s) = 864,000.
        let p = ArrivalProcess::Daily {
            rate: 10.0,
            profile: vec![1.0, 3.0, 0.0, 2.0],
        };
        assert_eq!(of_process(&p, DAY).mean, 1_296_000.0);
        let e = of_process(&p, DAY + 12 * HOUR);
        assert_eq!(e.mean, 1_296_000.0 + 864_000.0);
        assert_eq!(e.variance, e.mean);
        assert_eq!(e.peak_rate, 30.0);
        // Candidates at the peak 30/s for 1.5 days (3,888,000) less the accepted 2,160,000.
        assert_eq!(e.steps, 3_888_000.0 - 2_160_000.0);
        // 9 h: 6 h at 10/s plus 3 h at 30/s = 216,000 + 324,000.
        assert_eq!(of_process(&p, 9 * HOUR).mean, 540_000.0);
    }

    #[test]
    fn on_off_mean_is_the_stationary_rate_and_the_variance_adds_the_modulation() {
        // on 100/s for 10 s on average, off 0/s for 30 s: p = 1/4, mean rate 25/s.
        // g = 1/10 + 1/30 = 2/15; over L = 40,000 s:
        // Var = 1e6 + 2 x 100^2 x 3/16 x (L x 7.5 - 56.25 x (1 - e^(-gL))).
        let p = ArrivalProcess::OnOff {
            on_rate: 100.0,
            off_rate: 0.0,
            mean_on_s: 10.0,
            mean_off_s: 30.0,
        };
        let e = of_process(&p, 40_000 * SECOND);
        assert_eq!(e.mean, 1_000_000.0);
        let want = 1_000_000.0 + 3_750.0 * (300_000.0 - 56.25);
        assert!((e.variance - want).abs() < 1e-3, "{} vs {want}", e.variance);
        assert_eq!(e.peak_rate, 100.0);
        // Two switches per 40 s cycle: 2,000 in 40,000 s.
        assert_eq!(e.steps, 2_000.0);
    }

    #[test]
    fn on_off_switches_match_a_simulated_renewal_process() {
        // Mean on 1 ms, off 3 ms, over 10 s: 2 x 10 / 0.004 = 5,000 switches expected. Drawn
        // here as the generator does (stationary start, exponential periods): a count over
        // 2,500 cycles has a relative sd near 1%, so 5% is about 5 sd.
        let p = ArrivalProcess::OnOff {
            on_rate: 10.0,
            off_rate: 0.0,
            mean_on_s: 1e-3,
            mean_off_s: 3e-3,
        };
        let want = of_process(&p, 10 * SECOND);
        assert_eq!(want.steps, 5_000.0);
        let mut rng = Streams::new(3, 0).stream(Purpose::Arrivals, 0);
        let exp = |rng: &mut crate::rng::SimRng| -> f64 { rand_distr::Exp1.sample(rng) };
        let mut on = rand::RngExt::random::<f64>(&mut rng) < 0.25;
        let mut t = if on { 1e-3 } else { 3e-3 } * exp(&mut rng);
        let mut switches = 0.0;
        while t < 10.0 {
            switches += 1.0;
            on = !on;
            t += if on { 1e-3 } else { 3e-3 } * exp(&mut rng);
        }
        assert!(
            (switches / want.steps - 1.0).abs() < 0.05,
            "{switches} vs {}",
            want.steps
        );
    }

    #[test]
    fn on_off_variance_matches_the_simulated_process() {
        // 400 independent windows of 400 s: mean 10,000; variance by the closed form
        // 10,000 + 3,750 x (3,000 - 56.25) = 11,049,062.5 (sd 3,324). The sample variance of
        // 400 near-normal counts has a relative sd of about sqrt(2 / 399) = 7%: 25% is 3.5 sd.
        let p = ArrivalProcess::OnOff {
            on_rate: 100.0,
            off_rate: 0.0,
            mean_on_s: 10.0,
            mean_off_s: 30.0,
        };
        let want = of_process(&p, 400 * SECOND);
        assert!(
            (want.variance - 11_049_062.5).abs() < 1e-3,
            "{}",
            want.variance
        );
        let counts: Vec<f64> = (0..400)
            .map(|seed| {
                let mut rng = Streams::new(seed, 0).stream(Purpose::Arrivals, 0);
                let mut st = ArrivalState::new(p.clone(), &mut rng);
                std::iter::from_fn(|| st.next(&mut rng, 400.0)).count() as f64
            })
            .collect();
        let n = counts.len() as f64;
        let mean = counts.iter().sum::<f64>() / n;
        let var = counts.iter().map(|c| (c - mean).powi(2)).sum::<f64>() / (n - 1.0);
        assert!(
            (mean - want.mean).abs() < 4.0 * (want.variance / n).sqrt(),
            "mean {mean} vs {}",
            want.mean
        );
        assert!(
            (var / want.variance - 1.0).abs() < 0.25,
            "variance {var} vs {}",
            want.variance
        );
    }

    #[test]
    fn fixed_interval_counts_the_ticks_before_the_end() {
        let p = |every_s, offset_s| ArrivalProcess::FixedInterval { every_s, offset_s };
        // 30 s, 90 s, ..., 3,570 s: 60 ticks.
        assert_eq!(of_process(&p(60.0, 30.0), HOUR).mean, 60.0);
        // A tick exactly at the end is outside: 0, 60, ..., 3,540 s.
        assert_eq!(of_process(&p(60.0, 0.0), HOUR).mean, 60.0);
        assert_eq!(of_process(&p(60.0, 0.0), HOUR + 1).mean, 61.0);
        // An offset at or past the end: none.
        assert_eq!(of_process(&p(60.0, 3_600.0), HOUR).mean, 0.0);
        // Every microsecond for an hour: 3.6e9.
        assert_eq!(of_process(&p(1e-6, 0.0), HOUR).mean, 3.6e9);
        assert_eq!(of_process(&p(60.0, 0.0), MINUTE).variance, 0.0);
    }
}
