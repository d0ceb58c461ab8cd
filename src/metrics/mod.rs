//! The one metrics recorder every platform model writes to.
//!
//! A [`Recorder`] holds, for one deployment: totals (requests, completions, failures, cold
//! starts), per-bucket counts, time-weighted instance levels, the latency distribution (and
//! its p50 and p99 per bucket, [`bucket_latency`]), and
//! the billable quantities of every price meter per bucket ([`Usage`]). Its memory depends on
//! the window length and bucket width, never on the number of requests.
//!
//! Activity after the window's end (requests that arrived inside it and are still draining)
//! is counted in the last bucket; levels are integrated over the window only.
//!
//! **Warm-up.** A recorder made [`Recorder::with_warmup`] measures from `t0` on: a request
//! arriving before `t0` is served but counted nowhere (its arrival, completion or failure,
//! latency, cold start and per-call charges: the models ask [`Recorder::measures`] with its
//! arrival time, one compare), and time-based quantities (levels, instance time, idle memory,
//! flat fees) keep only their part from `t0`. The time before `t0` is one extra bucket in front
//! of the grid (whose buckets then start at `t0`), so a record costs no more than without a
//! warm-up; [`Recorder::finish`] drops that bucket, leaving a recorder of the measured part
//! `[t0, window)` with its times counted from `t0`.

pub mod apps;
pub mod bucket_latency;
pub mod daily_allowance;
pub mod exact;
pub mod functions;
pub mod gauges;
pub mod histogram;
pub mod latency;
pub mod levels;
pub mod scaling;

use crate::engine::time::Micros;
pub use apps::AppCounts;
pub use bucket_latency::BucketLatency;
pub use exact::ExactSum;
pub use functions::{FunctionCounts, FunctionMetrics};
pub use gauges::GaugeSet;
pub use latency::LatencyStats;
pub use levels::{LevelSet, LevelTrack};
pub use scaling::ScalingTrace;

/// Which instance level a change applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// Serving at least one request.
    Busy = 0,
    /// Warm and waiting (keep-alive) or an always-on server with nothing to do.
    Idle = 1,
    /// Initialising: a FaaS cold start or a booting server.
    Starting = 2,
    /// Request slots in use, over all instances: a fleet's busy workers (recorded by fleets,
    /// for worker utilisation; 0 for FaaS).
    BusySlots = 3,
    /// Requests waiting in a fleet's queues (0 for FaaS, which does not queue).
    Queued = 4,
}

/// Counts of one time bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BucketCounts {
    pub requests: u64,
    pub completed: u64,
    pub cold_starts: u64,
    pub failed: u64,
    /// Of the failures, those refused by a hard quota.
    pub quota_exceeded: u64,
}

/// Whole-run totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Totals {
    pub requests: u64,
    pub completed: u64,
    pub failed: u64,
    /// Attempts that waited for an instance to boot: each started a new instance or took a
    /// free slot of one still booting (FaaS).
    pub cold_starts: u64,
    /// Instances started for calls, each with a boot (FaaS); pre-warmed and provisioned
    /// instances are ready without one and are not counted.
    pub instance_starts: u64,
    /// Failures because a concurrency limit was reached (FaaS).
    pub throttled: u64,
    /// Failures because a request waited longer than the timeout (fleet).
    pub timed_out: u64,
    /// Completed requests whose end time passed the clock's range ([`Micros::MAX`], after
    /// saturating arithmetic): their latency is a lower bound (see [`crate::engine::time`]).
    pub beyond_clock: u64,
    /// Failures because the queue was full when the request arrived (fleet `queue_limit`).
    pub rejected: u64,
    /// Failures because a hard quota (a service's operations, FaaS invocations) was used up
    /// ([`crate::platform::quota`]).
    pub quota_exceeded: u64,
    /// Warm instances loaded ahead of a predicted call (hybrid keep-alive).
    pub prewarms: u64,
    /// Attempts refused because the pool could not add an instance yet (FaaS
    /// `scale_up_rate`): sync calls (also in `throttled`) and async attempts (retried).
    pub scale_up_throttled: u64,
    /// Retries scheduled for asynchronous events (FaaS `invocation = "async"`).
    pub retries: u64,
    /// Failures: asynchronous events given up on (out of retries or too old).
    pub dropped: u64,
    /// Requests that had neither completed nor failed when the window ended (still queued,
    /// booting, in service or awaiting an async retry): the engine runs them to their end
    /// afterwards, so each is also counted in `completed` or `failed`
    /// ([`Recorder::window_ended`]).
    pub unfinished: u64,
    /// Of the unfinished requests, those still waiting in a fleet's queue (not yet started)
    /// when the window ended: the fleet's backlog (0 for FaaS, which does not queue).
    pub queued_at_end: u64,
}

impl BucketCounts {
    /// Adds `times` copies of `other` (wrapping: exact when the result is in range).
    fn add_times(&mut self, other: &BucketCounts, times: i64) {
        let t = times as u64;
        let add = |a: &mut u64, b: u64| *a = a.wrapping_add(b.wrapping_mul(t));
        add(&mut self.requests, other.requests);
        add(&mut self.completed, other.completed);
        add(&mut self.cold_starts, other.cold_starts);
        add(&mut self.failed, other.failed);
        add(&mut self.quota_exceeded, other.quota_exceeded);
    }
}

impl Totals {
    /// Adds `times` copies of `other` (wrapping: exact when the result is in range).
    fn add_times(&mut self, other: &Totals, times: i64) {
        let t = times as u64;
        let add = |a: &mut u64, b: u64| *a = a.wrapping_add(b.wrapping_mul(t));
        add(&mut self.requests, other.requests);
        add(&mut self.completed, other.completed);
        add(&mut self.failed, other.failed);
        add(&mut self.cold_starts, other.cold_starts);
        add(&mut self.instance_starts, other.instance_starts);
        add(&mut self.throttled, other.throttled);
        add(&mut self.timed_out, other.timed_out);
        add(&mut self.beyond_clock, other.beyond_clock);
        add(&mut self.rejected, other.rejected);
        add(&mut self.quota_exceeded, other.quota_exceeded);
        add(&mut self.prewarms, other.prewarms);
        add(&mut self.scale_up_throttled, other.scale_up_throttled);
        add(&mut self.retries, other.retries);
        add(&mut self.dropped, other.dropped);
        add(&mut self.unfinished, other.unfinished);
        add(&mut self.queued_at_end, other.queued_at_end);
    }
}

/// Billable quantities per (bucket, meter).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Usage {
    meters: usize,
    /// Exact sums ([`ExactSum`]): a sharded replay's merged usage is one run's to the bit.
    values: Vec<ExactSum>,
    /// What the meters with a `free_per_day` allowance had free, day by day.
    pub daily: daily_allowance::DailyAllowances,
}

impl Usage {
    fn new(buckets: usize, meters: usize) -> Self {
        Self {
            meters,
            values: vec![ExactSum::ZERO; buckets * meters],
            daily: daily_allowance::DailyAllowances::new(buckets),
        }
    }

    /// Quantity of `meter` in bucket `b`.
    pub fn get(&self, b: usize, meter: usize) -> f64 {
        self.values[b * self.meters + meter].value()
    }

    /// Number of meters.
    pub fn meters(&self) -> usize {
        self.meters
    }

    /// Adds `times` copies of `other` (the same buckets and meters), exactly.
    fn add_times(&mut self, other: &Usage, times: i64) {
        for (mine, theirs) in self.values.iter_mut().zip(&other.values) {
            mine.add_times(*theirs, times);
        }
        self.daily.add_times(&other.daily, times);
    }

    /// Total quantity of `meter` over all buckets.
    pub fn total(&self, meter: usize) -> f64 {
        self.values
            .iter()
            .skip(meter)
            .step_by(self.meters)
            .copied()
            .sum::<ExactSum>()
            .value()
    }
}

/// Everything measured about one deployment during one run.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Recorder {
    bucket_len: Micros,
    window: Micros,
    /// Where measurement starts (the warm-up's end; 0 without one, and after [`Self::finish`]).
    measure_from: Micros,
    /// 1 while the grid has a warm-up bucket `[0, measure_from)` in front, else 0.
    first: usize,
    /// Cache of the last bucket looked up: its index and time range.
    #[serde(skip)]
    cached: (usize, Micros, Micros),
    pub totals: Totals,
    pub buckets: Vec<BucketCounts>,
    /// Busy, idle and starting instances (index by `Level as usize`; read after [`Self::finish`]).
    pub levels: LevelSet,
    pub latency: LatencyStats,
    /// p50 and p99 of the requests completed in each bucket.
    pub bucket_latency: BucketLatency,
    pub usage: Usage,
    /// Levels integrated into `usage` over time (stored GB, monthly active users; set by the
    /// deployment before the run, empty otherwise: [`gauges`]).
    pub gauges: GaugeSet,
    /// Memory kept warm by idle FaaS instances inside the window (GB-s): what keep-alive
    /// costs the provider, and what provisioned concurrency would bill.
    pub idle_gb_seconds: f64,
    /// `idle_gb_seconds` as an exact sum of the pools' terms (set by the FaaS model; read into
    /// `idle_gb_seconds` by [`Self::finish`]), so that sharded parts merge exactly.
    pub idle_gb: ExactSum,
    /// Idle times a learning keep-alive policy recorded, and how many fell beyond its range
    /// (hybrid keep-alive; zero otherwise).
    pub idle_times: u64,
    pub idle_times_out_of_range: u64,
    /// Invocations and cold starts per app (FaaS; sized by the model at its start).
    pub apps: AppCounts,
    /// Request slots per instance (a fleet's workers, a FaaS instance's concurrency): what
    /// [`Level::BusySlots`] is measured against. 1 unless the model sets it.
    pub slots_per_instance: u32,
    /// Per-function counts, usage and latency (sized by the deployment before the run).
    pub functions: FunctionMetrics,
    /// A fleet's utilisation: the work its requests brought (the time a worker serves each,
    /// drained ones included) over what its workers can do in the window (instances x
    /// workers x window); `None` for FaaS, which scales out instead of queueing.
    pub utilisation: Option<f64>,
    /// A fleet's queue waits: from a request's arrival to its taking a worker, for measured
    /// requests that started (`None` for FaaS, which does not queue).
    pub queue_wait: Option<LatencyStats>,
    /// An autoscaled deployment's desired instance count and scale events (empty otherwise).
    pub scaling: ScalingTrace,
}

impl Recorder {
    /// A recorder for a window of `window` µs cut into buckets of `bucket_len` µs, pricing
    /// `meters` billable quantities.
    pub fn new(window: Micros, bucket_len: Micros, meters: usize) -> Self {
        Self::with_warmup(window, bucket_len, meters, 0)
    }

    /// [`Self::new`], measuring only from `warmup` (`< window`) on (see the module docs).
    pub fn with_warmup(window: Micros, bucket_len: Micros, meters: usize, warmup: Micros) -> Self {
        debug_assert!(
            warmup < window.max(1),
            "the warm-up must end inside the window"
        );
        let first = usize::from(warmup > 0);
        let n = first + (window - warmup).div_ceil(bucket_len).max(1) as usize;
        Self {
            bucket_len,
            window,
            measure_from: warmup,
            first,
            cached: (0, 0, 0),
            totals: Totals::default(),
            buckets: vec![BucketCounts::default(); n],
            levels: LevelSet::with_warmup(bucket_len, window, n, warmup),
            latency: LatencyStats::new(),
            bucket_latency: BucketLatency::new(n),
            usage: Usage::new(n, meters),
            gauges: GaugeSet::default(),
            idle_gb_seconds: 0.0,
            idle_gb: ExactSum::ZERO,
            idle_times: 0,
            idle_times_out_of_range: 0,
            apps: AppCounts::default(),
            slots_per_instance: 1,
            functions: FunctionMetrics::default(),
            utilisation: None,
            queue_wait: None,
            scaling: ScalingTrace::default(),
        }
    }

    /// The bucket holding time `t` (the last one for times at or after the window's end; the
    /// warm-up bucket for times before the warm-up's end).
    pub fn bucket_of(&self, t: Micros) -> usize {
        if t < self.measure_from {
            return 0;
        }
        (self.first + ((t - self.measure_from) / self.bucket_len) as usize)
            .min(self.buckets.len() - 1)
    }

    /// Where bucket `b` starts.
    fn bucket_start(&self, b: usize) -> Micros {
        if b < self.first {
            0
        } else {
            self.measure_from + (b - self.first) as Micros * self.bucket_len
        }
    }

    /// True if a request arriving at `arrival` is measured (it arrived after the warm-up).
    #[inline(always)]
    pub fn measures(&self, arrival: Micros) -> bool {
        arrival >= self.measure_from
    }

    /// Where measurement starts (the warm-up's end); 0 after [`Self::finish`], whose times
    /// count from there.
    pub fn measure_from(&self) -> Micros {
        self.measure_from
    }

    /// [`Self::bucket_of`], answered from a one-entry cache when `t` falls in the bucket
    /// looked up last (nearly always: time moves forward in small steps).
    #[inline]
    fn bucket(&mut self, t: Micros) -> usize {
        let (b, start, end) = self.cached;
        if t >= start && t < end {
            return b;
        }
        self.bucket_miss(t)
    }

    #[cold]
    fn bucket_miss(&mut self, t: Micros) -> usize {
        let b = self.bucket_of(t);
        let start = self.bucket_start(b);
        let end = if b + 1 == self.buckets.len() {
            Micros::MAX
        } else {
            self.bucket_start(b + 1)
        };
        self.cached = (b, start, end);
        b
    }

    /// Bucket width.
    pub fn bucket_len(&self) -> Micros {
        self.bucket_len
    }

    /// Window length.
    pub fn window(&self) -> Micros {
        self.window
    }

    /// A request of `function` arrived at `t` (the deployment's and the function's counts;
    /// nothing during the warm-up).
    #[inline]
    pub fn arrival(&mut self, t: Micros, function: u32) {
        if !self.measures(t) {
            return;
        }
        let b = self.bucket(t);
        self.buckets[b].requests += 1;
        self.totals.requests += 1;
        self.functions.arrival(function);
    }

    /// A request of `function` completed at `t` after `latency`: the deployment's, the
    /// function's and the bucket's counts and latency, with one bucket look-up (nothing for a
    /// request that arrived during the warm-up).
    #[inline(always)]
    pub fn completed(&mut self, t: Micros, function: u32, latency: Micros) {
        if !self.measures(t.saturating_sub(latency)) {
            return;
        }
        let b = self.bucket(t);
        self.buckets[b].completed += 1;
        self.totals.completed += 1;
        if t == Micros::MAX {
            self.totals.beyond_clock += 1;
        }
        if !self.functions.completed(function, latency) {
            self.latency.record(latency);
        }
        self.bucket_latency.record(b, latency);
    }

    /// An attempt waited for an instance to boot (a cold start).
    #[inline]
    pub fn cold_start(&mut self, t: Micros) {
        let b = self.bucket(t);
        self.buckets[b].cold_starts += 1;
        self.totals.cold_starts += 1;
    }

    /// A request was refused at a concurrency limit.
    pub fn throttled(&mut self, t: Micros) {
        self.failed(t);
        self.totals.throttled += 1;
    }

    /// A request waited longer than its timeout.
    pub fn timed_out(&mut self, t: Micros) {
        self.failed(t);
        self.totals.timed_out += 1;
    }

    /// A request found the queue full.
    pub fn rejected(&mut self, t: Micros) {
        self.failed(t);
        self.totals.rejected += 1;
    }

    /// A request was refused by a hard quota.
    pub fn quota_exceeded(&mut self, t: Micros) {
        self.failed(t);
        self.totals.quota_exceeded += 1;
        let b = self.bucket(t);
        self.buckets[b].quota_exceeded += 1;
    }

    /// An asynchronous event was given up on.
    pub fn dropped(&mut self, t: Micros) {
        self.failed(t);
        self.totals.dropped += 1;
    }

    fn failed(&mut self, t: Micros) {
        let b = self.bucket(t);
        self.buckets[b].failed += 1;
        self.totals.failed += 1;
    }

    /// An instance level changed by `delta` at `t`.
    #[inline]
    pub fn level(&mut self, level: Level, t: Micros, delta: i64) {
        self.levels.change(level as usize, t, delta);
    }

    /// One instance moved from level `from` to level `to` at `t`.
    #[inline]
    pub fn transfer(&mut self, from: Level, to: Level, t: Micros) {
        self.levels.transfer(from as usize, to as usize, t);
    }

    /// Frees the first units of each day of `meter` with its daily allowance,
    /// `free_per_day`, days starting at time of day `reset` ([`daily_allowance`]).
    pub fn track_daily_allowance(&mut self, meter: usize, free_per_day: f64, reset: Micros) {
        self.usage
            .daily
            .track(meter, free_per_day, reset, (self.measure_from, self.window));
    }

    /// `quantity` of `meter` was used at `t`.
    #[inline]
    pub fn usage(&mut self, t: Micros, meter: usize, quantity: f64) {
        let b = self.bucket(t);
        self.usage.values[b * self.usage.meters + meter].add(quantity);
        self.usage.daily.record(t, b, meter, quantity);
    }

    /// A FaaS call of `function` ended at `t`: books its request (1 on `requests_meter`) and
    /// its `gb_s` on `gb_meter`, for the deployment and for the function (which also gets its
    /// slot back: [`FunctionMetrics::call_ended`]), with one bucket look-up.
    #[inline]
    pub fn call_ended(
        &mut self,
        t: Micros,
        function: u32,
        requests_meter: usize,
        gb_meter: usize,
        gb_s: f64,
    ) {
        let b = self.bucket(t);
        let row = b * self.usage.meters;
        if let Some(usage) = self.usage.values.get_mut(row..row + self.usage.meters) {
            usage[requests_meter].add(1.0);
            usage[gb_meter].add(gb_s);
        }
        self.usage.daily.record(t, b, requests_meter, 1.0);
        self.usage.daily.record(t, b, gb_meter, gb_s);
        self.functions
            .call_ended(function, t, requests_meter, gb_meter, gb_s);
    }

    /// `quantity` of `meter` was used evenly over `[from, to)` (clamped to the window); a
    /// span that is empty after clamping books it all in the bucket of `from`.
    pub fn usage_spread(&mut self, meter: usize, from: Micros, to: Micros, quantity: f64) {
        let to = to.min(self.window);
        if to <= from {
            self.usage(from, meter, quantity);
            return;
        }
        let per_us = quantity / (to - from) as f64;
        let mut t = from;
        while t < to {
            let b = self.bucket(t);
            let end = self.bucket_start(b + 1).min(to);
            let piece = per_us * (end - t) as f64;
            self.usage.values[b * self.usage.meters + meter].add(piece);
            self.usage.daily.record(t, b, meter, piece);
            t = end;
        }
    }

    /// The window has just ended (the engine calls this once, before any event past the
    /// window's end): every request that has neither completed nor failed yet is counted
    /// `unfinished`, for the deployment and per function.
    pub fn window_ended(&mut self) {
        let t = &mut self.totals;
        t.unfinished = t.requests.saturating_sub(t.completed + t.failed);
        self.functions.window_ended();
    }

    /// Whether `other` (finished) covers the same buckets and meters alike, so that
    /// [`Self::add_times`] can add it.
    pub fn same_shape(&self, other: &Recorder) -> bool {
        self.bucket_len == other.bucket_len
            && self.window == other.window
            && self.buckets.len() == other.buckets.len()
            && self.usage.meters == other.usage.meters
            && self.usage.values.len() == other.usage.values.len()
            && self.usage.daily.same_shape(&other.usage.daily)
            && self.functions.len() == other.functions.len()
            && self.apps.len() == other.apps.len()
    }

    /// Adds `times` copies of the finished recorder `other` (of the same shape,
    /// [`Self::same_shape`]; a negative `times` takes copies away, then `other` must hold no
    /// latency): every count, integral and billable quantity, exactly (integers, and
    /// [`ExactSum`]s). What is not a sum is left alone for the caller: level peaks, the
    /// per-bucket percentiles, a fleet's utilisation and queue waits, gauges and an
    /// autoscaler's trace.
    pub fn add_times(&mut self, other: &Recorder, times: i64) {
        let t = times as u64;
        self.totals.add_times(&other.totals, times);
        for (mine, theirs) in self.buckets.iter_mut().zip(&other.buckets) {
            mine.add_times(theirs, times);
        }
        self.levels.add_times(&other.levels, times);
        self.latency.add_times(&other.latency, times);
        self.usage.add_times(&other.usage, times);
        self.idle_gb.add_times(other.idle_gb, times);
        self.idle_gb_seconds = self.idle_gb.value();
        self.idle_times = self
            .idle_times
            .wrapping_add(other.idle_times.wrapping_mul(t));
        self.idle_times_out_of_range = self
            .idle_times_out_of_range
            .wrapping_add(other.idle_times_out_of_range.wrapping_mul(t));
        self.apps.add_times(&other.apps, times);
        self.functions.add_times(&other.functions, times);
    }

    /// Closes the level integrals at the end of the window, and completes the deployment's
    /// latency with the functions' where they keep it ([`FunctionMetrics::merge_latency_into`]).
    /// A recorder with a warm-up then drops its warm-up bucket and counts times from the
    /// warm-up's end: its window is the measured part.
    pub fn finish(&mut self) {
        self.idle_gb_seconds = self.idle_gb.value();
        self.close_gauges();
        self.levels.finish();
        self.functions.merge_latency_into(&mut self.latency);
        if self.first == 1 {
            self.buckets.remove(0);
            self.levels.drop_first_bucket(self.measure_from);
            self.bucket_latency.drop_first_bucket();
            self.usage.values.drain(0..self.usage.meters);
            self.usage.daily.drop_first_bucket();
            self.scaling.drop_before(self.measure_from);
            self.window -= self.measure_from;
            self.measure_from = 0;
            self.first = 0;
            self.cached = (0, 0, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_spread_splits_by_overlap() {
        let mut r = Recorder::new(30, 10, 1);
        r.usage_spread(0, 5, 30, 5.0);
        assert_eq!(r.usage.get(0, 0), 1.0);
        assert_eq!(r.usage.get(1, 0), 2.0);
        assert_eq!(r.usage.get(2, 0), 2.0);
        assert_eq!(r.usage.total(0), 5.0);
    }

    #[test]
    fn the_deployment_latency_is_every_completion_whoever_keeps_it() {
        // 1 and 16 functions: the functions keep fine histograms that make up the
        // deployment's; 17 and 1,001: the deployment keeps its own. Also a function the
        // recorder was not sized for. The same exact figures either way, percentiles within
        // 0.1% of the sorted values.
        for functions in [1usize, 16, 17, 1_001] {
            let mut r = Recorder::new(1_000_000, 1_000, 1);
            r.functions =
                FunctionMetrics::new((0..functions).map(|i| format!("f{i}")).collect(), 1);
            let mut exact = Vec::new();
            for i in 0..20_000u64 {
                let latency = 1_000 + (i * 7_919) % 900_000;
                let f = if i == 77 {
                    5_000
                } else {
                    (i % functions as u64) as u32
                };
                r.completed(i * 10, f, latency);
                exact.push(latency);
            }
            r.finish();
            r.finish();
            exact.sort_unstable();
            let n = exact.len();
            assert_eq!(r.latency.count(), n as u64, "{functions} functions");
            let mean = exact.iter().sum::<u64>() as f64 / n as f64;
            assert!((r.latency.mean_us().unwrap() - mean).abs() < 1e-6);
            assert_eq!(r.latency.min_us(), Some(exact[0]));
            assert_eq!(r.latency.max_us(), Some(exact[n - 1]));
            for q in [0.5, 0.99] {
                let want = exact[(q * n as f64).ceil() as usize - 1] as f64;
                let got = r.latency.quantile_us(q).unwrap() as f64;
                assert!(
                    (got - want).abs() <= want / 1_000.0,
                    "q{q}: {got} vs {want}"
                );
            }
            if functions <= 16 {
                // The function's own percentiles are as fine as the deployment's.
                let mut own: Vec<u64> = (0..20_000u64)
                    .filter(|&i| i != 77 && i % functions as u64 == 0)
                    .map(|i| 1_000 + (i * 7_919) % 900_000)
                    .collect();
                own.sort_unstable();
                let want = own[(0.99 * own.len() as f64).ceil() as usize - 1] as f64;
                let got = r.functions.latency(0).unwrap().quantile_us(0.99).unwrap() as f64;
                assert!((got - want).abs() <= want / 1_000.0, "{got} vs {want}");
            }
        }
    }

    #[test]
    fn late_events_land_in_the_last_bucket() {
        let mut r = Recorder::new(30, 10, 1);
        r.completed(1_000, 0, 5);
        assert_eq!(r.buckets[2].completed, 1);
        assert_eq!(r.totals.completed, 1);
    }
}
