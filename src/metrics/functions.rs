//! Per-function counters of one deployment: what each function of the workload asked for,
//! how it fared, what it used on each per-call price meter, and how long it held a worker or
//! an instance slot.
//!
//! [`FunctionMetrics`] is sized once, before the run, for the workload's functions and the
//! deployment's meters (`functions x meters` quantities); recording is a few array updates
//! indexed by the function's dense index (its position in the workload), never an allocation
//! or a hash lookup, and there is no per-function per-bucket state. A function index beyond
//! the size given (a model run without sizing, in unit tests) is ignored.
//!
//! What is counted, per function, at the same moments the deployment's totals are:
//! - `requests` on arrival; `completed`, with its latency, when a call ends well;
//!   `cold_starts` per attempt that waited for an instance to boot, `instance_starts` per
//!   instance started (booted) for one of its calls; the failures by kind
//!   (`throttled`, `timed_out`, `rejected`, `dropped`), so that per function `failed` is their
//!   sum, as for the deployment;
//! - the latency of each completed call. With at most [`MAX_FUNCTIONS_MERGED`] functions it
//!   is kept at the deployment's precision (within 0.1%), and the deployment's distribution is
//!   the merge of the functions' ([`FunctionMetrics::merge_latency_into`], when the run ends):
//!   one histogram update per call instead of two. (With the recorder's one-look-up arrival,
//!   completion and usage records, this took the one-function FaaS benchmark from 1,393 to
//!   1,351 instructions a request.) With more, each function keeps a compact histogram (within
//!   1%) beside the deployment's, **only while the workload has at most
//!   [`MAX_FUNCTIONS_WITH_LATENCY`] functions**: a histogram takes about 15-25 kB once it has
//!   seen latencies of a few seconds, so a 10,000-function trace would hold some 190 MB of
//!   them and spend its time on cache misses (measured: 2 h of the synthetic 10,000-function
//!   Azure trace went from 26 MB and 7.0 s to 191 MB and 12.3 s). Beyond that limit no
//!   per-function latency is kept ([`FunctionMetrics::latency`] is `None`);
//! - per-call usage of a price meter (a request fee, a call's GB-s, GHz-s or CPU-ms, its
//!   backend operations): the same quantities the meter is booked, so that over the
//!   functions they add up to what the meter recorded for calls;
//! - **slot time**: for a FaaS call, from the moment it takes its instance slot (including a
//!   wait for the instance to boot) to its end; for a fleet request, the time its worker
//!   serves it (execution plus backend calls). Slot time is what instance time is split by
//!   when the report attributes costs ([`crate::report::functions`]). A FaaS call records
//!   `-start` when it takes its slot and `+end` when it ends, so no per-call state is kept;
//!   the sum is exact once every call has ended (the engine runs them all to their end).

use super::LatencyStats;
use crate::engine::time::Micros;

/// Most functions a workload may have for their latencies to be kept one by one (see the
/// module docs): at most about 25 MB of histograms per deployment.
pub const MAX_FUNCTIONS_WITH_LATENCY: usize = 1_000;

/// Most functions whose latencies are kept at the deployment's precision, the deployment's
/// distribution then being their merge (see the module docs): at most about 16 x 100-200 kB
/// of histograms.
pub const MAX_FUNCTIONS_MERGED: usize = 16;

/// Counts of one function. In C layout, so that what every call updates (slot time,
/// requests, completions, cold and instance starts) is the first 48 bytes: one cache line of
/// a `CountsLine`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[repr(C)]
pub struct FunctionCounts {
    /// Slot time in µs: a sum of ends minus starts (see the module docs).
    #[serde(with = "super::exact::as_text")]
    slot_us: i128,
    pub requests: u64,
    pub completed: u64,
    pub cold_starts: u64,
    pub instance_starts: u64,
    pub throttled: u64,
    pub timed_out: u64,
    pub rejected: u64,
    pub dropped: u64,
    pub quota_exceeded: u64,
    /// Requests that had neither completed nor failed when the window ended (see
    /// [`crate::metrics::Totals::unfinished`]).
    pub unfinished: u64,
}

/// One function's counts, starting a cache line (on the 10,000-function trace a call's
/// updates then miss once, not twice).
#[derive(Clone, Copy, Debug, Default, serde::Serialize, serde::Deserialize)]
#[repr(align(64))]
struct CountsLine(FunctionCounts);

impl FunctionCounts {
    /// Failed requests: throttled, timed out, rejected, dropped and quota exceeded.
    pub fn failed(&self) -> u64 {
        self.throttled + self.timed_out + self.rejected + self.dropped + self.quota_exceeded
    }

    /// Adds `times` copies of `other` (wrapping: exact when the result is in range).
    fn add_times(&mut self, other: &FunctionCounts, times: i64) {
        let t = times as u64;
        let add = |a: &mut u64, b: u64| *a = a.wrapping_add(b.wrapping_mul(t));
        self.slot_us = self
            .slot_us
            .wrapping_add(other.slot_us.wrapping_mul(i128::from(times)));
        add(&mut self.requests, other.requests);
        add(&mut self.completed, other.completed);
        add(&mut self.cold_starts, other.cold_starts);
        add(&mut self.instance_starts, other.instance_starts);
        add(&mut self.throttled, other.throttled);
        add(&mut self.timed_out, other.timed_out);
        add(&mut self.rejected, other.rejected);
        add(&mut self.dropped, other.dropped);
        add(&mut self.quota_exceeded, other.quota_exceeded);
        add(&mut self.unfinished, other.unfinished);
    }

    /// Slot time in seconds (see the module docs).
    pub fn slot_seconds(&self) -> f64 {
        self.slot_us.max(0) as f64 / 1e6
    }
}

/// Per-function counters, per-call meter usage and latency of one deployment.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct FunctionMetrics {
    names: Vec<String>,
    meters: usize,
    /// Counts per function.
    counts: Vec<CountsLine>,
    /// Latency per function; empty beyond [`MAX_FUNCTIONS_WITH_LATENCY`] functions, so that a
    /// completion then touches nothing of it.
    latency: Vec<LatencyStats>,
    /// Quantity per (function, meter), row-major by function.
    usage: Vec<super::ExactSum>,
    /// The functions' latencies are fine and make up the deployment's (at most
    /// [`MAX_FUNCTIONS_MERGED`] functions); cleared once merged.
    merged: bool,
}

impl FunctionMetrics {
    /// Counters for the functions named `names` (in workload order) and `meters` price
    /// meters.
    pub fn new(names: Vec<String>, meters: usize) -> Self {
        let functions = names.len();
        let merged = (1..=MAX_FUNCTIONS_MERGED).contains(&functions);
        let latency = if merged {
            vec![LatencyStats::new(); functions]
        } else if functions <= MAX_FUNCTIONS_WITH_LATENCY {
            vec![LatencyStats::compact(); functions]
        } else {
            Vec::new()
        };
        Self {
            names,
            meters,
            counts: vec![CountsLine::default(); functions],
            latency,
            usage: vec![super::ExactSum::ZERO; functions * meters],
            merged,
        }
    }

    /// Number of functions tracked.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether no function is tracked.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// The name of function `f`.
    pub fn name(&self, f: usize) -> &str {
        &self.names[f]
    }

    /// The counts of function `f`.
    pub fn counts(&self, f: usize) -> &FunctionCounts {
        &self.counts[f].0
    }

    /// The latency of `f`'s completed calls; `None` when the workload has more than
    /// [`MAX_FUNCTIONS_WITH_LATENCY`] functions.
    pub fn latency(&self, f: usize) -> Option<&LatencyStats> {
        assert!(f < self.counts.len(), "no function {f}");
        self.latency.get(f)
    }

    /// What `f`'s calls recorded on `meter`.
    pub fn usage(&self, f: usize, meter: usize) -> f64 {
        self.usage[f * self.meters + meter].value()
    }

    /// Total of `meter` over every function.
    pub fn meter_total(&self, meter: usize) -> f64 {
        (0..self.len())
            .map(|f| self.usage[f * self.meters + meter])
            .sum::<super::ExactSum>()
            .value()
    }

    #[inline]
    fn of(&mut self, f: u32) -> Option<&mut FunctionCounts> {
        self.counts.get_mut(f as usize).map(|c| &mut c.0)
    }

    /// A request of `f` arrived.
    #[inline]
    pub fn arrival(&mut self, f: u32) {
        if let Some(c) = self.of(f) {
            c.requests += 1;
        }
    }

    /// A call of `f` completed after `latency`. True when that latency is to join the
    /// deployment's by [`Self::merge_latency_into`] (so the caller records it nowhere else).
    #[inline]
    pub fn completed(&mut self, f: u32, latency: Micros) -> bool {
        match self.counts.get_mut(f as usize) {
            Some(c) => {
                c.0.completed += 1;
                if let Some(stats) = self.latency.get_mut(f as usize) {
                    stats.record(latency);
                }
                self.merged
            }
            None => false,
        }
    }

    /// Adds to `deployment` every latency [`Self::completed`] kept for it (once: later calls
    /// add nothing).
    pub fn merge_latency_into(&mut self, deployment: &mut LatencyStats) {
        if std::mem::take(&mut self.merged) {
            for stats in &self.latency {
                deployment.merge(stats);
            }
        }
    }

    /// Adds `times` copies of `other` (the same functions and meters; latencies only with a
    /// positive `times`, see [`LatencyStats::add_times`]): exact, counts wrapping.
    pub fn add_times(&mut self, other: &FunctionMetrics, times: i64) {
        assert!(
            self.names == other.names && self.meters == other.meters,
            "other functions"
        );
        for (CountsLine(mine), CountsLine(theirs)) in self.counts.iter_mut().zip(&other.counts) {
            mine.add_times(theirs, times);
        }
        for (mine, theirs) in self.latency.iter_mut().zip(&other.latency) {
            mine.add_times(theirs, times);
        }
        for (mine, theirs) in self.usage.iter_mut().zip(&other.usage) {
            mine.add_times(*theirs, times);
        }
    }

    /// The window has ended: each function's requests that have neither completed nor
    /// failed yet are counted unfinished.
    pub fn window_ended(&mut self) {
        for CountsLine(c) in &mut self.counts {
            c.unfinished = c.requests.saturating_sub(c.completed + c.failed());
        }
    }

    /// An attempt of `f` waited for an instance to boot (a cold start).
    #[inline]
    pub fn cold_start(&mut self, f: u32) {
        if let Some(c) = self.of(f) {
            c.cold_starts += 1;
        }
    }

    /// An instance was started (booted) for a call of `f`.
    #[inline]
    pub fn instance_start(&mut self, f: u32) {
        if let Some(c) = self.of(f) {
            c.instance_starts += 1;
        }
    }

    /// A call of `f` was refused at a limit.
    pub fn throttled(&mut self, f: u32) {
        if let Some(c) = self.of(f) {
            c.throttled += 1;
        }
    }

    /// A call of `f` timed out.
    pub fn timed_out(&mut self, f: u32) {
        if let Some(c) = self.of(f) {
            c.timed_out += 1;
        }
    }

    /// A request of `f` found the queue full.
    pub fn rejected(&mut self, f: u32) {
        if let Some(c) = self.of(f) {
            c.rejected += 1;
        }
    }

    /// A call of `f` was refused by a hard quota.
    pub fn quota_exceeded(&mut self, f: u32) {
        if let Some(c) = self.of(f) {
            c.quota_exceeded += 1;
        }
    }

    /// An asynchronous event of `f` was given up on.
    pub fn dropped(&mut self, f: u32) {
        if let Some(c) = self.of(f) {
            c.dropped += 1;
        }
    }

    /// A call of `f` used `quantity` of `meter`.
    #[inline]
    pub fn used(&mut self, f: u32, meter: usize, quantity: f64) {
        if let Some(q) = self.usage.get_mut(f as usize * self.meters + meter) {
            q.add(quantity);
        }
    }

    /// A call of `f` took its slot at `t`.
    #[inline]
    pub fn slot_taken(&mut self, f: u32, t: Micros) {
        if let Some(c) = self.of(f) {
            c.slot_us -= i128::from(t);
        }
    }

    /// A call of `f` gave its slot back at `t`.
    #[inline]
    pub fn slot_freed(&mut self, f: u32, t: Micros) {
        if let Some(c) = self.of(f) {
            c.slot_us += i128::from(t);
        }
    }

    /// A FaaS call of `f` ended at `t`: gives its slot back and books its request (1 on
    /// `requests_meter`) and its `gb_s` on `gb_meter`, in one update.
    #[inline]
    pub fn call_ended(
        &mut self,
        f: u32,
        t: Micros,
        requests_meter: usize,
        gb_meter: usize,
        gb_s: f64,
    ) {
        self.slot_freed(f, t);
        let row = f as usize * self.meters;
        if let Some(usage) = self.usage.get_mut(row..row + self.meters) {
            usage[requests_meter].add(1.0);
            usage[gb_meter].add(gb_s);
        }
    }

    /// A request of `f` held a worker for `span`.
    #[inline]
    pub fn served_for(&mut self, f: u32, span: Micros) {
        if let Some(c) = self.of(f) {
            c.slot_us += i128::from(span);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_function_counts_its_own_events() {
        let mut m = FunctionMetrics::new(vec!["a".into(), "b".into()], 3);
        m.arrival(0);
        m.arrival(1);
        m.arrival(1);
        m.completed(1, 2_000);
        m.cold_start(1);
        m.throttled(0);
        m.timed_out(1);
        m.rejected(1);
        m.dropped(0);
        m.quota_exceeded(0);
        m.used(1, 2, 1.5);
        m.used(1, 2, 0.5);
        m.used(0, 0, 1.0);
        m.call_ended(0, 0, 1, 2, 0.25);
        let (a, b) = (m.counts(0), m.counts(1));
        assert_eq!((a.requests, a.completed, a.failed()), (1, 0, 3));
        assert_eq!(a.quota_exceeded, 1);
        assert_eq!(
            (b.requests, b.completed, b.cold_starts, b.failed()),
            (2, 1, 1, 2)
        );
        assert_eq!(
            (a.throttled, a.dropped, b.timed_out, b.rejected),
            (1, 1, 1, 1)
        );
        assert_eq!(m.usage(1, 2), 2.0);
        assert_eq!((m.usage(0, 1), m.usage(0, 2)), (1.0, 0.25));
        assert_eq!(m.meter_total(0), 1.0);
        assert_eq!(m.latency(1).and_then(|l| l.max_us()), Some(2_000));
        assert!(m.latency(0).is_some_and(|l| l.is_empty()));
    }

    #[test]
    fn slot_time_adds_ends_minus_starts_and_served_spans() {
        let mut m = FunctionMetrics::new(vec!["a".into()], 0);
        // Two overlapping calls: [10 s, 13 s) and [11 s, 12.5 s): 4.5 s in all.
        m.slot_taken(0, 10_000_000);
        m.slot_taken(0, 11_000_000);
        m.slot_freed(0, 12_500_000);
        m.slot_freed(0, 13_000_000);
        assert_eq!(m.counts(0).slot_seconds(), 4.5);
        m.served_for(0, 500_000);
        assert_eq!(m.counts(0).slot_seconds(), 5.0);
        // Ends at the clock's limit do not overflow.
        m.slot_taken(0, 0);
        m.slot_freed(0, Micros::MAX);
        assert!((m.counts(0).slot_seconds() - (Micros::MAX as f64 / 1e6 + 5.0)).abs() < 1e3);
    }

    #[test]
    fn a_function_beyond_the_size_is_ignored() {
        let mut m = FunctionMetrics::default();
        m.arrival(3);
        m.completed(3, 1);
        m.used(3, 0, 1.0);
        assert!(m.is_empty());
    }

    #[test]
    fn latencies_are_kept_per_function_up_to_the_limit_only() {
        let names = |n: usize| (0..n).map(|i| format!("f{i}")).collect::<Vec<_>>();
        let mut m = FunctionMetrics::new(names(MAX_FUNCTIONS_WITH_LATENCY), 1);
        m.completed(7, 1_000);
        assert_eq!(m.latency(7).and_then(|l| l.max_us()), Some(1_000));
        let mut m = FunctionMetrics::new(names(MAX_FUNCTIONS_WITH_LATENCY + 1), 1);
        m.completed(7, 1_000);
        assert!(m.latency(7).is_none());
        assert_eq!(m.counts(7).completed, 1, "counted all the same");
    }
}
