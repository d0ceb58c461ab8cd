//! One autoscaler for fleets and for FaaS deployments with `instance_concurrency` > 1:
//! target tracking as AWS target tracking and the Kubernetes HPA compute it.
//!
//! Rules (docs/models.md, "Autoscaling"):
//! - **Evaluation**: every `interval` (the first at `interval` after the start), the tracked
//!   metric is averaged over the last `window` (rounded up to whole intervals; from time 0
//!   while the run is younger). The owning model keeps two running totals
//!   ([`Integrals`]): the tracked *work* and the *instance-seconds* of its serving instances
//!   (ready, not draining). The metric is `work / (instance-seconds x per_instance)`, where
//!   `per_instance` is what one instance offers per second:
//!   - `cpu`: work = busy vCPU-seconds, per_instance = the instance's vCPUs;
//!   - `concurrency`: work = busy request-slot-seconds, per_instance = its slots;
//!   - `requests_per_instance`: work = arrivals, per_instance = 1 (a rate per instance).
//! - **Recommendation** (the HPA's algorithm, kubernetes.io/docs/tasks/run-application/
//!   horizontal-pod-autoscale/, "Algorithm details", read 2026-12): `desired = ceil(current x
//!   metric / target)`, with `current` the mean number of serving instances over the window
//!   (`instance-seconds / window`), so `desired = ceil(work / (window x per_instance x
//!   target))`; when no instance served in the window it is that same load-based count (a
//!   scale from zero). No change while `|metric / target - 1| <= 0.1` (the HPA's default
//!   tolerance, `--horizontal-pod-autoscaler-tolerance`): the recommendation is then the
//!   current desired count. AWS target tracking keeps the metric at the target in the same
//!   proportional way (docs.aws.amazon.com/autoscaling/application/userguide/
//!   application-auto-scaling-target-tracking.html).
//! - **Scale-in stabilisation** (the HPA's `behavior.scaleDown.stabilizationWindowSeconds`,
//!   default 300 s): the desired count is the *highest* recommendation of the evaluations
//!   within the last `scale_in_cooldown` (this one included). So a scale-out acts at once and
//!   a scale-in only once every recommendation of the last cooldown agrees with it.
//! - **Clamp**: the result is clamped to `[min, max]`, where `min` is raised by the `schedule`
//!   window covering the time of day (the simulation clock reads 00:00 at the window's start,
//!   as for provisioned schedules; a window with `to < from` wraps past midnight). A schedule
//!   takes effect at the first evaluation inside it.
//! - What the owner does with the desired count (launch the difference at once, drain the
//!   excess) is its own, as is recording it for the charts ([`crate::metrics::ScalingTrace`]).
//!
//! The controller has its own periodic evaluation event (housekeeping, so it never keeps a
//! run alive), generic over the owner's event type like [`crate::engine::timers::Timers`];
//! its arithmetic ([`Autoscaler::recommend`]) takes the clock and the totals as arguments,
//! so tests step it by hand.

use std::collections::VecDeque;

use crate::engine::Sim;
use crate::engine::time::{DAY, Micros};

/// What the autoscaler tracks, and the level it aims for per instance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScalingTarget {
    /// Mean CPU utilisation of the instances' vCPUs, in (0, 1].
    Cpu(f64),
    /// Mean requests in service over the instance's request slots, in (0, 1].
    Concurrency(f64),
    /// Requests per second per instance.
    RequestsPerInstance(f64),
}

impl ScalingTarget {
    /// The target level of the metric.
    pub fn level(self) -> f64 {
        match self {
            Self::Cpu(v) | Self::Concurrency(v) | Self::RequestsPerInstance(v) => v,
        }
    }
}

/// A raised minimum over part of each day (UTC), e.g. 08:00 to 20:00.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinimumWindow {
    /// Offsets from midnight; `to < from` wraps past midnight.
    pub from: Micros,
    pub to: Micros,
    pub min: u32,
}

impl MinimumWindow {
    /// True when time of day `t` (µs since midnight) is in `[from, to)`.
    fn covers(&self, t: Micros) -> bool {
        if self.from <= self.to {
            (self.from..self.to).contains(&t)
        } else {
            t >= self.from || t < self.to
        }
    }
}

/// `autoscale = { min, max, target, interval, window, boot, scale_in_cooldown, schedule }`.
#[derive(Clone, Debug, PartialEq)]
pub struct AutoscaleSpec {
    pub min: u32,
    pub max: u32,
    pub target: ScalingTarget,
    /// How often the desired count is evaluated.
    pub interval: Micros,
    /// The span the metric is averaged over at each evaluation.
    pub window: Micros,
    /// How long a new fleet instance takes before it serves (FaaS: its cold start instead).
    pub boot: Micros,
    /// The scale-in stabilisation window: the desired count is the highest recommendation
    /// made within it, so a scale-in waits until every recommendation of the last
    /// `scale_in_cooldown` agrees.
    pub scale_in_cooldown: Micros,
    pub schedule: Vec<MinimumWindow>,
}

impl AutoscaleSpec {
    /// The minimum at simulation time `t`: `min`, raised by the schedule window covering the
    /// time of day.
    pub fn min_at(&self, t: Micros) -> u32 {
        let of_day = t % DAY;
        self.schedule
            .iter()
            .filter(|w| w.covers(of_day))
            .map(|w| w.min)
            .fold(self.min, u32::max)
    }
}

/// Running totals the owning model keeps for the tracked metric (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Integrals {
    /// Busy vCPU-seconds, busy slot-seconds, or arrivals, by the target.
    pub work: f64,
    /// Seconds of serving instances (ready, not draining), summed over instances.
    pub instance_seconds: f64,
}

/// The target-tracking controller of one deployment (one per FaaS pool, one per fleet).
#[derive(Clone, Debug)]
pub struct Autoscaler {
    spec: AutoscaleSpec,
    per_instance: f64,
    /// Intervals the window spans (at least 1).
    window_intervals: usize,
    /// Totals at the start and at each evaluation, oldest first: at most
    /// `window_intervals + 1`.
    history: VecDeque<(Micros, Integrals)>,
    /// Recommendations of the evaluations within the last cooldown, oldest first.
    recent: VecDeque<(Micros, u32)>,
    desired: u32,
}

/// Rounding slack for `ceil` of a ratio that is a whole number in exact arithmetic.
const CEIL_SLACK: f64 = 1e-9;

impl Autoscaler {
    /// A controller for `spec`, whose instances each offer `per_instance` of the tracked
    /// quantity per second (vCPUs, slots, or 1 for requests per instance). It starts with
    /// `min` (raised by the schedule at time 0) desired. (A scheduled minimum above `max`
    /// wins over `max`.)
    pub fn new(spec: AutoscaleSpec, per_instance: f64) -> Self {
        let interval = spec.interval.max(1);
        let window_intervals = spec.window.div_ceil(interval).max(1) as usize;
        let desired = spec.min_at(0);
        Self {
            per_instance: per_instance.max(f64::MIN_POSITIVE),
            window_intervals,
            history: VecDeque::from([(0, Integrals::default())]),
            recent: VecDeque::new(),
            desired,
            spec,
        }
    }

    /// The spec it runs.
    pub fn spec(&self) -> &AutoscaleSpec {
        &self.spec
    }

    /// The current desired instance count.
    pub fn desired(&self) -> u32 {
        self.desired
    }

    /// Schedules the first evaluation, `interval` after now; `event` is the owner's.
    pub fn start<E: Copy>(&self, sim: &mut Sim<E>, event: E) {
        sim.schedule_housekeeping(sim.now().saturating_add(self.spec.interval.max(1)), event);
    }

    /// The evaluation event is due: computes the desired count from the owner's `totals`
    /// now, schedules the next evaluation, and returns the new desired count.
    pub fn evaluate<E: Copy>(&mut self, totals: Integrals, sim: &mut Sim<E>, event: E) -> u32 {
        let now = sim.now();
        self.start(sim, event);
        self.recommend(now, totals)
    }

    /// The desired count at `now` given the owner's running `totals` (pure arithmetic; see
    /// the module docs for the rule).
    pub fn recommend(&mut self, now: Micros, totals: Integrals) -> u32 {
        self.history.push_back((now, totals));
        while self.history.len() > self.window_intervals + 1 {
            self.history.pop_front();
        }
        // The window starts at the evaluation `window_intervals` back (or at time 0).
        let &(since, then) = self.history.front().expect("history holds now");
        let span = now.saturating_sub(since) as f64 / 1e6;
        let work = totals.work - then.work;
        let instance_seconds = totals.instance_seconds - then.instance_seconds;
        let target = self.spec.target.level();
        let load = if span > 0.0 {
            work / (span * self.per_instance * target)
        } else {
            0.0
        };
        let within_tolerance = instance_seconds > 0.0 && {
            let ratio = work / (instance_seconds * self.per_instance) / target;
            (ratio - 1.0).abs() <= 0.1
        };
        let recommendation = if within_tolerance {
            self.desired
        } else {
            (load - CEIL_SLACK).ceil().clamp(0.0, f64::from(u32::MAX)) as u32
        };
        let horizon = now.saturating_sub(self.spec.scale_in_cooldown);
        while self.recent.front().is_some_and(|&(t, _)| t < horizon) {
            self.recent.pop_front();
        }
        self.recent.push_back((now, recommendation));
        let stabilised = self.recent.iter().map(|&(_, r)| r).max().unwrap_or(0);
        let min = self.spec.min_at(now);
        self.desired = stabilised.max(min).min(self.spec.max.max(min));
        self.desired
    }
}

#[cfg(test)]
#[path = "autoscale_tests.rs"]
mod tests;
