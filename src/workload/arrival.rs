//! Synthetic arrival processes: when the requests of one function arrive.
//!
//! Each process is a small state machine that yields strictly ordered arrival times from its
//! own random stream. Times are carried in f64 seconds inside the process (continuous-time
//! processes accumulate gaps) and rounded to whole microseconds when emitted.
//!
//! A `daily` process's `rate` is its **mean** rate over a day: the profile written in the
//! scenario gives only the shape (the ratios between equal slots of the day) and is
//! normalised to mean 1 ([`ArrivalProcess::daily`]), so `rate = "50/s"` with any profile
//! means 50 requests per second on average, 4.32 million a day; the peak rate is the mean
//! times the largest normalised multiplier.

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use crate::engine::time::{Micros, from_secs};
use crate::rng::SimRng;

/// How requests of one function arrive.
#[derive(Clone, Debug, PartialEq)]
pub enum ArrivalProcess {
    /// Homogeneous Poisson process at `rate` requests per second.
    Poisson { rate: f64 },
    /// Non-homogeneous Poisson process: `rate` per second times a daily profile.
    /// `profile` splits the day into equal slots (24 values = hourly), each a multiplier;
    /// sampled by thinning against the peak rate. Built from a scenario by
    /// [`ArrivalProcess::daily`], the profile is normalised to mean 1, so `rate` is the mean
    /// rate over a day.
    Daily { rate: f64, profile: Vec<f64> },
    /// Two-state Markov-modulated Poisson process: `on_rate` during on periods, `off_rate`
    /// during off periods, with exponentially distributed period lengths (seconds).
    OnOff {
        on_rate: f64,
        off_rate: f64,
        mean_on_s: f64,
        mean_off_s: f64,
    },
    /// One request every `every_s` seconds, the first at `offset_s` (timers, cron jobs).
    FixedInterval { every_s: f64, offset_s: f64 },
}

impl ArrivalProcess {
    /// A daily process whose mean rate over a day is `mean_rate`: `shape` (multipliers of
    /// equal slots of the day, finite, >= 0, not all zero) is rescaled to mean 1, so only the
    /// ratios between slots matter (`[1, 3]` and `[0.5, 1.5]` are the same profile). Divided
    /// by its largest value first, so no sum can overflow.
    ///
    /// # Panics
    /// If `shape` is empty, or has no positive finite value (validation rejects both).
    pub fn daily(mean_rate: f64, shape: &[f64]) -> Self {
        let max = shape.iter().copied().fold(0.0, f64::max);
        assert!(
            max > 0.0 && max.is_finite(),
            "a daily profile needs a positive multiplier"
        );
        let scaled: Vec<f64> = shape.iter().map(|x| x / max).collect();
        let mean = scaled.iter().sum::<f64>() / scaled.len() as f64;
        ArrivalProcess::Daily {
            rate: mean_rate,
            profile: scaled.iter().map(|x| x / mean).collect(),
        }
    }

    /// The peak rate (requests per second): the highest rate the process reaches. For
    /// `on_off` the on rate or the off rate, whichever is higher.
    pub fn peak_rate(&self) -> f64 {
        match self {
            ArrivalProcess::Poisson { rate } => *rate,
            ArrivalProcess::Daily { rate, profile } => {
                rate * profile.iter().copied().fold(0.0, f64::max)
            }
            ArrivalProcess::OnOff {
                on_rate, off_rate, ..
            } => on_rate.max(*off_rate),
            ArrivalProcess::FixedInterval { every_s, .. } => 1.0 / every_s,
        }
    }

    /// Long-run mean rate (requests per second).
    pub fn mean_rate(&self) -> f64 {
        match self {
            ArrivalProcess::Poisson { rate } => *rate,
            ArrivalProcess::Daily { rate, profile } => {
                rate * profile.iter().sum::<f64>() / profile.len() as f64
            }
            ArrivalProcess::OnOff {
                on_rate,
                off_rate,
                mean_on_s,
                mean_off_s,
            } => (on_rate * mean_on_s + off_rate * mean_off_s) / (mean_on_s + mean_off_s),
            ArrivalProcess::FixedInterval { every_s, .. } => 1.0 / every_s,
        }
    }
}

/// The running state of one arrival process.
#[derive(Clone, Debug)]
pub struct ArrivalState {
    process: ArrivalProcess,
    /// Current time of the process, seconds.
    t: f64,
    /// OnOff: whether the process is in its on period, and when that period ends.
    on: bool,
    period_end: f64,
    /// Daily: the peak rate used for thinning.
    peak: f64,
    /// FixedInterval: ticks emitted so far.
    ticks: u64,
}

const DAY_S: f64 = 86_400.0;

impl ArrivalState {
    /// Starts `process` at time zero; draws the initial on/off state from its stationary
    /// distribution so a short window is not biased towards either state.
    pub fn new(process: ArrivalProcess, rng: &mut SimRng) -> Self {
        let mut state = Self {
            peak: match &process {
                ArrivalProcess::Daily { rate, profile } => {
                    rate * profile.iter().cloned().fold(0.0, f64::max)
                }
                _ => 0.0,
            },
            process,
            t: 0.0,
            on: false,
            period_end: 0.0,
            ticks: 0,
        };
        if let ArrivalProcess::OnOff {
            mean_on_s,
            mean_off_s,
            ..
        } = state.process
        {
            let p_on = mean_on_s / (mean_on_s + mean_off_s);
            state.on = rng.random::<f64>() < p_on;
            // Exponential periods are memoryless: the residual of the current one is
            // distributed like a whole one.
            let mean = if state.on { mean_on_s } else { mean_off_s };
            state.period_end = mean * exp1(rng);
        }
        state
    }

    /// The next arrival time (µs), or `None` once the process can produce no more before
    /// `end_s` seconds.
    pub fn next(&mut self, rng: &mut SimRng, end_s: f64) -> Option<Micros> {
        let t = match &self.process {
            ArrivalProcess::Poisson { rate } => {
                self.t += exp1(rng) / rate;
                self.t
            }
            ArrivalProcess::Daily { rate, profile } => {
                if self.peak <= 0.0 {
                    return None;
                }
                loop {
                    self.t += exp1(rng) / self.peak;
                    if self.t >= end_s {
                        break self.t;
                    }
                    let slot = ((self.t % DAY_S) / DAY_S * profile.len() as f64) as usize;
                    let r = rate * profile[slot.min(profile.len() - 1)];
                    if rng.random::<f64>() * self.peak < r {
                        break self.t;
                    }
                }
            }
            ArrivalProcess::OnOff {
                on_rate,
                off_rate,
                mean_on_s,
                mean_off_s,
            } => loop {
                let rate = if self.on { *on_rate } else { *off_rate };
                let candidate = if rate > 0.0 {
                    self.t + exp1(rng) / rate
                } else {
                    f64::INFINITY
                };
                if candidate < self.period_end {
                    self.t = candidate;
                    break candidate;
                }
                if self.period_end >= end_s {
                    return None;
                }
                // Memoryless: restart the exponential gap at the switch.
                self.t = self.period_end;
                self.on = !self.on;
                let mean = if self.on { *mean_on_s } else { *mean_off_s };
                self.period_end = self.t + mean * exp1(rng);
            },
            ArrivalProcess::FixedInterval { every_s, offset_s } => {
                // Whole microseconds from a tick counter: summing f64 gaps drifts (ten gaps
                // of 0.1 s fall short of 1 s, and an hour of 1 µs gaps drifts by thousands).
                let every = from_secs(*every_s).max(1);
                let t = from_secs(*offset_s).saturating_add(self.ticks.saturating_mul(every));
                self.ticks += 1;
                return (t < from_secs(end_s)).then_some(t);
            }
        };
        (t < end_s).then(|| from_secs(t))
    }
}

fn exp1(rng: &mut SimRng) -> f64 {
    Exp1.sample(rng)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Purpose, Streams};

    fn count(process: ArrivalProcess, end_s: f64, seed: u64) -> (usize, Vec<Micros>) {
        let mut rng = Streams::new(seed, 0).stream(Purpose::Arrivals, 0);
        let mut st = ArrivalState::new(process, &mut rng);
        let mut times = Vec::new();
        while let Some(t) = st.next(&mut rng, end_s) {
            times.push(t);
        }
        (times.len(), times)
    }

    #[test]
    fn poisson_count_is_rate_times_window() {
        let (n, times) = count(ArrivalProcess::Poisson { rate: 50.0 }, 2_000.0, 1);
        // Mean 100,000, sd ~316: 5 sd band.
        assert!((n as f64 - 100_000.0).abs() < 1_600.0, "{n}");
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn fixed_interval_is_exact() {
        let (n, times) = count(
            ArrivalProcess::FixedInterval {
                every_s: 60.0,
                offset_s: 30.0,
            },
            3_600.0,
            1,
        );
        assert_eq!(n, 60);
        assert_eq!(times[0], 30_000_000);
        assert_eq!(times[59], 3_570_000_000);
    }

    #[test]
    fn fixed_interval_does_not_drift() {
        // Ten gaps of 0.1 s summed in f64 are 0.9999999999999999 s: still inside a 1 s
        // window. Ticks counted in whole µs give exactly 10, the last at 0.9 s.
        let every = |every_s, end_s| {
            count(
                ArrivalProcess::FixedInterval {
                    every_s,
                    offset_s: 0.0,
                },
                end_s,
                1,
            )
        };
        let (n, times) = every(0.1, 1.0);
        assert_eq!(n, 10);
        assert_eq!(times[9], 900_000);
        // Every microsecond for 10 s: exactly 10^7, the last at 9,999,999 µs.
        let (n, times) = every(1e-6, 10.0);
        assert_eq!(n, 10_000_000);
        assert_eq!(times[n - 1], 9_999_999);
    }

    #[test]
    fn daily_profile_shapes_the_rate() {
        // Rate 10/s for the first half of the day, 0 for the second.
        let p = ArrivalProcess::Daily {
            rate: 10.0,
            profile: vec![1.0, 0.0],
        };
        let (n, times) = count(p, DAY_S, 3);
        assert!(times.iter().all(|&t| t < 43_200_000_000));
        assert!((n as f64 - 432_000.0).abs() < 3_500.0, "{n}");
    }

    #[test]
    fn on_off_long_run_rate_matches_its_mean() {
        let p = ArrivalProcess::OnOff {
            on_rate: 100.0,
            off_rate: 0.0,
            mean_on_s: 10.0,
            mean_off_s: 30.0,
        };
        let mean = p.mean_rate();
        assert_eq!(mean, 25.0);
        let (n, _) = count(p, 40_000.0, 5);
        let rate = n as f64 / 40_000.0;
        assert!((rate - mean).abs() / mean < 0.05, "{rate}");
    }
}
