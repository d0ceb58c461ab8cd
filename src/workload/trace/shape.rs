//! Shaping a trace into requests: the selected window mapped onto simulated time (shifted to
//! start at zero, optionally compressed by a time-scale factor), the rate multiplier, and the
//! per-request randomness (sampled execution time, request key).
//!
//! Rate multiplier r = k + f (k whole, 0 <= f < 1), always deterministic for a seed:
//! - per-minute counts (Azure 2019): a minute with n invocations gets k*n + Binomial(n, f)
//!   arrivals, so r = 2 doubles every minute exactly and r = 0.5 keeps each invocation with
//!   probability one half (binomial thinning);
//! - per-invocation formats (2021, plain CSV): each invocation is replayed k times, plus once
//!   more with probability f. The copies start at the same instant with the same execution
//!   time (the trace's) but distinct request keys: "every caller does it twice".
//!
//! The draws come from the function's own `Purpose::Trace` stream, so they never shift the
//! arrival or execution-time numbers.

use rand::Rng;
use rand_distr::{Binomial, Distribution};

use crate::engine::time::Micros;
use crate::rng::{Purpose, SimRng, Streams, unit_open};
use crate::workload::{DurationDist, FunctionId, FunctionSpec, Request};

/// Maps trace time (µs since the trace's origin) to simulated time.
#[derive(Clone, Copy, Debug)]
pub struct Clock {
    /// First trace instant replayed (inclusive).
    pub start: i64,
    /// End of the replayed part of the trace (exclusive).
    pub end: i64,
    /// Trace seconds per simulated second (10 = replay ten times faster).
    pub scale: f64,
}

impl Clock {
    /// Whether trace time `t` lies inside the replayed window.
    #[inline]
    pub fn contains(&self, t: i64) -> bool {
        t >= self.start && t < self.end
    }

    /// Simulated time of trace time `t` (inside the window). Rounded down, so every instant
    /// of the window maps strictly below [`Clock::span`] and order is preserved.
    #[inline]
    pub fn sim_time(&self, t: i64) -> Micros {
        let d = (t - self.start) as u64;
        if self.scale == 1.0 {
            d
        } else {
            (d as f64 / self.scale).floor() as Micros
        }
    }

    /// Whether trace time `t` is replayed before simulated time `horizon` (the scenario's
    /// duration, if it sets one): inside the window and mapped below the horizon.
    #[inline]
    pub fn replays(&self, t: i64, horizon: Option<Micros>) -> bool {
        self.contains(t) && horizon.is_none_or(|h| self.sim_time(t) < h)
    }

    /// Length of the simulated window.
    pub fn span(&self) -> Micros {
        let d = self.end.saturating_sub(self.start).max(0) as u64;
        if self.scale == 1.0 {
            d
        } else {
            (d as f64 / self.scale).ceil() as Micros
        }
    }
}

/// The rate multiplier split into its whole and fractional parts.
#[derive(Clone, Copy, Debug)]
pub struct Multiplier {
    whole: u32,
    frac: f64,
}

impl Multiplier {
    /// A multiplier r >= 0 (validated by the scenario).
    pub fn new(r: f64) -> Self {
        let whole = r.floor();
        Self {
            whole: whole as u32,
            frac: r - whole,
        }
    }

    /// Invocations replayed for a minute that had `n` in the trace.
    pub fn scale_count(&self, n: u64, rng: &mut SimRng) -> u64 {
        let extra = if self.frac > 0.0 && n > 0 {
            // Binomial::new only fails for p outside [0, 1]; frac is in (0, 1).
            Binomial::new(n, self.frac).map_or(0, |b| b.sample(rng))
        } else {
            0
        };
        u64::from(self.whole) * n + extra
    }

    /// Copies replayed of one traced invocation.
    #[inline]
    pub fn copies(&self, rng: &mut SimRng) -> u32 {
        let extra = self.frac > 0.0 && unit_open(rng.next_u64()) < self.frac;
        self.whole + u32::from(extra)
    }
}

struct FunctionRandom {
    requests: SimRng,
    trace: SimRng,
    exec: DurationDist,
}

/// Per-function generators: execution times and keys (`Purpose::Requests`), multiplier
/// draws (`Purpose::Trace`), as in the synthetic workload.
pub struct Requests {
    functions: Vec<FunctionRandom>,
}

impl Requests {
    /// Generators for `functions`, from `streams`.
    pub fn new(functions: &[FunctionSpec], streams: Streams) -> Self {
        Self {
            functions: functions
                .iter()
                .map(|f| FunctionRandom {
                    requests: streams.stream(Purpose::Requests, f.stream_id()),
                    trace: streams.stream(Purpose::Trace, f.stream_id()),
                    exec: f.exec.clone(),
                })
                .collect(),
        }
    }

    /// The multiplier generator of `function`.
    #[inline]
    pub fn trace_rng(&mut self, function: FunctionId) -> &mut SimRng {
        &mut self.functions[function as usize].trace
    }

    /// Replaces the execution-time distribution `function`'s requests are sampled from (a
    /// 2019 trace's figure of the day being replayed).
    pub fn set_exec(&mut self, function: FunctionId, exec: DurationDist) {
        self.functions[function as usize].exec = exec;
    }

    /// A request of `function` at `arrival`: the execution time is `exec` when the trace
    /// gives it, else sampled from the function's distribution; the key is fresh.
    #[inline]
    pub fn make(&mut self, function: FunctionId, arrival: Micros, exec: Option<Micros>) -> Request {
        let f = &mut self.functions[function as usize];
        let exec = match exec {
            Some(e) => e,
            None => f.exec.sample(unit_open(f.requests.next_u64())),
        };
        Request {
            arrival,
            function,
            exec,
            key: f.requests.next_u64(),
            gateway_latency: 0,
        }
    }
}

/// One traced invocation, before shaping.
#[derive(Clone, Copy, Debug)]
pub struct Invocation {
    /// Start, µs since the trace's origin.
    pub t: i64,
    pub function: FunctionId,
    /// The traced execution time, if the trace gives one.
    pub exec: Option<Micros>,
}

/// What [`Emitter::feed`] made of an invocation.
pub enum Fed {
    /// A request to replay (more copies may be pending).
    Emit(Request),
    /// Before the window, or multiplied away: read on.
    Skip,
    /// At or after the window's end: the (sorted) trace is done.
    Done,
}

/// Turns time-ordered invocations into requests: window, multiplier copies, time scale.
pub struct Emitter {
    clock: Clock,
    multiplier: Multiplier,
    requests: Requests,
    pending: u32,
    last: Option<Invocation>,
}

impl Emitter {
    pub fn new(clock: Clock, multiplier: Multiplier, requests: Requests) -> Self {
        Self {
            clock,
            multiplier,
            requests,
            pending: 0,
            last: None,
        }
    }

    /// A pending copy of the last invocation, if any.
    #[inline]
    pub fn pending(&mut self) -> Option<Request> {
        if self.pending == 0 {
            return None;
        }
        self.pending -= 1;
        let inv = self.last?;
        Some(self.request(inv))
    }

    /// Feeds the next invocation in start order.
    #[inline]
    pub fn feed(&mut self, inv: Invocation) -> Fed {
        if inv.t >= self.clock.end {
            return Fed::Done;
        }
        if inv.t < self.clock.start {
            return Fed::Skip;
        }
        let copies = self
            .multiplier
            .copies(self.requests.trace_rng(inv.function));
        if copies == 0 {
            return Fed::Skip;
        }
        self.pending = copies - 1;
        self.last = Some(inv);
        Fed::Emit(self.request(inv))
    }

    fn request(&mut self, inv: Invocation) -> Request {
        let at = self.clock.sim_time(inv.t);
        self.requests.make(inv.function, at, inv.exec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn clock_maps_the_window_below_its_span() {
        let c = Clock {
            start: 1_000,
            end: 61_000,
            scale: 1.0,
        };
        assert_eq!(c.span(), 60_000);
        assert_eq!(c.sim_time(1_000), 0);
        assert_eq!(c.sim_time(60_999), 59_999);
        let fast = Clock { scale: 7.0, ..c };
        // 60,000 / 7 = 8571.43: the span rounds up, instants round down.
        assert_eq!(fast.span(), 8_572);
        assert_eq!(fast.sim_time(60_999), 8_571);
        assert!(!c.contains(61_000) && c.contains(1_000) && !c.contains(999));
    }

    #[test]
    fn whole_multipliers_are_exact() {
        let mut rng = SimRng::seed_from_u64(1);
        let m = Multiplier::new(3.0);
        assert_eq!(m.scale_count(17, &mut rng), 51);
        assert_eq!(m.copies(&mut rng), 3);
        assert_eq!(Multiplier::new(0.0).scale_count(17, &mut rng), 0);
    }

    #[test]
    fn fractional_multipliers_keep_the_expected_rate() {
        // 1.25 x 1,000 minutes of 40 invocations: expect 50,000, sd = sqrt(1000*40*.25*.75)
        // ~ 87; four standard deviations is a failure that should never happen.
        let mut rng = SimRng::seed_from_u64(9);
        let m = Multiplier::new(1.25);
        let total: u64 = (0..1_000).map(|_| m.scale_count(40, &mut rng)).sum();
        assert!((total as f64 - 50_000.0).abs() < 4.0 * 87.0, "{total}");
        let copies: u64 = (0..40_000).map(|_| u64::from(m.copies(&mut rng))).sum();
        assert!((copies as f64 - 50_000.0).abs() < 4.0 * 87.0, "{copies}");
    }
}
