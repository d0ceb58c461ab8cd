//! What becomes of a call the platform cannot run, or whose execution fails: the scale-up
//! rate limit, synchronous throttles, and asynchronous retries.
//!
//! Rules:
//! - **Scale-up rate** (`scale_up_rate`, [`super::scaling::scale_rate`]): per pool, a call
//!   that needs a *new* instance takes a token; without one it is refused. A call that finds
//!   a warm instance, or a free slot of one still booting, needs no token: warm starts are
//!   never limited. Every refusal counts in `scale_up_throttled` (sync calls and async
//!   attempts alike).
//! - **Synchronous** calls (the default): a refusal (concurrency limit or scale-up rate) is a
//!   throttle (429): counted in `throttled` and `failed`, never retried. A timed-out
//!   execution counts in `timed_out` and `failed`.
//! - **Asynchronous** calls (`invocation = "async"`, [`super::scaling::retries`]): a refused
//!   attempt is tried again after 1 s, 2 s, 4 s, ... (at most 5 min apart); a timed-out one
//!   after 1 min, then 2 min, at most `max_retries` times. A retry that would come later
//!   than `max_event_age` after the event's first arrival does not happen: the event is
//!   dropped, counted in `dropped` and `failed` (not in `throttled` or `timed_out`, which
//!   count synchronous outcomes only). Each scheduled retry counts in `retries`.
//!   So `failed = throttled + timed_out + rejected + dropped`, one outcome per request.
//! - Every attempt is a real start: it counts as a cold start if it waits for an instance
//!   to boot (so `cold_starts` and the per-app counts are per attempt, and `cold_start_ratio`, per
//!   request, can exceed what one attempt each would give), is billed (a request and its GB-s, up to the timeout for a timed-out one), and draws its
//!   cold start and backend latencies afresh from the key of its attempt
//!   ([`crate::rng::attempt_key`]).
//! - The **latency** of an asynchronous call that completes is measured from its *first*
//!   arrival to the end of the attempt that succeeds, so it includes the time spent waiting
//!   for retries: the delay its caller's event sees.
//!
//! Pending events are held in a side table indexed by `u32` (`AsyncEvents`), reused
//! through a free list, so [`super::FaasEvent`] stays small and the steady state allocates
//! nothing. An event enters the table when it first needs a retry (or starts an execution
//! that will time out) and leaves it when it completes or is dropped.

use super::scaling::retries::{AsyncRetries, Failure, next_attempt};
use super::scaling::scale_rate::{ScaleUpLimiter, ScaleUpRate};
use super::{FaasEvent, FaasModel};
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::platform::instances::IdleChoice;
use crate::rng::attempt_key;
use crate::workload::{FunctionSpec, Request};

/// "No entry in the side table": the attempt is a first attempt with nothing to retry yet.
pub(super) const NO_EVENT: u32 = u32::MAX;

/// Why an attempt was refused before it started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Refusal {
    /// A concurrency limit (account, per-function or reserved) was reached.
    Concurrency,
    /// The pool may not add an instance yet (scale-up rate).
    ScaleUp,
    /// A hard quota (invocations, or a service's operations) is used up: the call fails at
    /// once as `quota_exceeded`, an asynchronous event too (it is not retried).
    Quota,
}

/// An asynchronous event between attempts.
#[derive(Clone, Copy, Debug)]
struct AsyncEvent {
    /// The request as it first arrived (its arrival and key).
    request: Request,
    /// Attempts started or refused so far.
    attempts: u32,
    /// Timed-out executions so far.
    errors: u32,
    /// Refused attempts so far.
    throttles: u32,
}

/// The retry settings of every function and the table of pending asynchronous events.
#[derive(Clone, Debug, Default)]
pub(super) struct AsyncEvents {
    /// Per function: its retry settings, `None` for a synchronous function.
    settings: Vec<Option<AsyncRetries>>,
    events: Vec<AsyncEvent>,
    free: Vec<u32>,
}

impl AsyncEvents {
    pub(super) fn new(functions: &[FunctionSpec]) -> Self {
        Self {
            settings: functions
                .iter()
                .map(|f| f.faas.invocation.retries().copied())
                .collect(),
            events: Vec::new(),
            free: Vec::new(),
        }
    }

    /// True when `function` is invoked asynchronously.
    #[inline]
    pub(super) fn is_async(&self, function: u32) -> bool {
        self.settings[function as usize].is_some()
    }

    /// The entry of `request`'s event: `id` if it has one, else a new one.
    fn entry(&mut self, request: &Request, id: u32) -> u32 {
        if id != NO_EVENT {
            return id;
        }
        let event = AsyncEvent {
            request: *request,
            attempts: 1,
            errors: 0,
            throttles: 0,
        };
        match self.free.pop() {
            Some(i) => {
                self.events[i as usize] = event;
                i
            }
            None => {
                self.events.push(event);
                (self.events.len() - 1) as u32
            }
        }
    }

    /// Entry `id` is finished with (completed or dropped).
    pub(super) fn release(&mut self, id: u32) {
        if id != NO_EVENT {
            self.free.push(id);
        }
    }

    /// The next attempt of event `id`: its request, keyed for that attempt.
    fn next_request(&mut self, id: u32) -> Request {
        let e = &mut self.events[id as usize];
        let retry = e.attempts;
        e.attempts += 1;
        Request {
            key: attempt_key(e.request.key, retry),
            ..e.request
        }
    }

    /// Records a failure of event `id` at `now`; when to try again, or `None` to drop it.
    fn failed(&mut self, id: u32, kind: Failure, now: Micros) -> Option<Micros> {
        let e = &mut self.events[id as usize];
        let count = match kind {
            Failure::FunctionError => {
                e.errors += 1;
                e.errors
            }
            Failure::Throttled => {
                e.throttles += 1;
                e.throttles
            }
        };
        let settings = self.settings[e.request.function as usize]
            .as_ref()
            .expect("only asynchronous events are tracked");
        next_attempt(kind, count, e.request.arrival, now, settings)
    }
}

/// One scale-up limiter per pool, or none without a `scale_up_rate`.
#[derive(Clone, Debug, Default)]
pub(super) struct ScaleUpGate {
    pools: Vec<ScaleUpLimiter>,
}

impl ScaleUpGate {
    pub(super) fn new(rate: Option<ScaleUpRate>, pools: usize) -> Self {
        Self {
            pools: rate.map_or_else(Vec::new, |r| vec![r.limiter(); pools]),
        }
    }
}

impl FaasModel {
    /// True when the call to `pool` at `now` needs a new instance and the scale-up rate
    /// refuses one (the token is taken when it allows it).
    #[inline]
    pub(super) fn scale_up_refused(&mut self, pool: u32, now: Micros) -> bool {
        if self.scale_up.pools.is_empty()
            || self
                .instances
                .choose_warm(pool, IdleChoice::MostRecentlyUsed, 0.5)
                .is_some()
            || self.instances.booting_with_room(pool).is_some()
        {
            return false;
        }
        !self.scale_up.pools[pool as usize].try_start(now)
    }

    /// `request` (event `id` of the side table, or [`NO_EVENT`]) was refused at `now`.
    #[cold]
    pub(super) fn refuse(
        &mut self,
        request: &Request,
        id: u32,
        why: Refusal,
        sim: &mut Sim<FaasEvent>,
    ) {
        let now = sim.now();
        let measured = sim.rec.measures(request.arrival);
        if why == Refusal::Quota {
            self.async_events.release(id);
            if measured {
                sim.rec.functions.quota_exceeded(request.function);
                sim.rec.quota_exceeded(now);
            }
            return;
        }
        if why == Refusal::ScaleUp && measured {
            sim.rec.totals.scale_up_throttled += 1;
        }
        if !self.async_events.is_async(request.function) {
            if measured {
                sim.rec.functions.throttled(request.function);
                sim.rec.throttled(now);
            }
            return;
        }
        let id = self.async_events.entry(request, id);
        let next = self.async_events.failed(id, Failure::Throttled, now);
        self.retry_or_drop(id, next, sim);
    }

    /// The entry an attempt of `request` that will time out keeps for its retry: `id`, or a
    /// new entry for an asynchronous first attempt; [`NO_EVENT`] for a synchronous call.
    pub(super) fn keep_for_retry(&mut self, request: &Request, id: u32) -> u32 {
        if self.async_events.is_async(request.function) {
            self.async_events.entry(request, id)
        } else {
            NO_EVENT
        }
    }

    /// An execution of `function`'s event `id` ([`NO_EVENT`] for a synchronous call, which
    /// arrived at `arrival`) timed out at `now`.
    pub(super) fn execution_failed(
        &mut self,
        id: u32,
        function: u32,
        arrival: Micros,
        sim: &mut Sim<FaasEvent>,
    ) {
        let now = sim.now();
        if id == NO_EVENT {
            if sim.rec.measures(arrival) {
                sim.rec.functions.timed_out(function);
                sim.rec.timed_out(now);
            }
            return;
        }
        let next = self.async_events.failed(id, Failure::FunctionError, now);
        self.retry_or_drop(id, next, sim);
    }

    fn retry_or_drop(&mut self, id: u32, next: Option<Micros>, sim: &mut Sim<FaasEvent>) {
        let request = self.async_events.events[id as usize].request;
        let measured = sim.rec.measures(request.arrival);
        match next {
            Some(at) => {
                sim.rec.totals.retries += u64::from(measured);
                sim.schedule(at, FaasEvent::Retry(id));
            }
            None => {
                if measured {
                    sim.rec.dropped(sim.now());
                    sim.rec.functions.dropped(request.function);
                }
                self.async_events.release(id);
            }
        }
    }

    /// The retry of event `id` is due: try it again.
    pub(super) fn retry(&mut self, id: u32, sim: &mut Sim<FaasEvent>) {
        let request = self.async_events.next_request(id);
        self.try_start(request, id, sim);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{MINUTE, SECOND};
    use crate::workload::{DurationDist, FaasSettings, Invocation};

    fn functions() -> Vec<FunctionSpec> {
        let f = |name: &str, invocation| FunctionSpec {
            name: name.into(),
            app: "a".into(),
            memory_mb: 128,
            exec: DurationDist::Constant { ms: 1.0 },
            calls: Vec::new(),
            faas: FaasSettings {
                invocation,
                ..Default::default()
            },
        };
        vec![
            f("sync", Invocation::Sync),
            f("async", Invocation::Async(AsyncRetries::default())),
        ]
    }

    fn request(function: u32, key: u64) -> Request {
        Request {
            arrival: 5 * SECOND,
            function,
            exec: 1000,
            key,
        }
    }

    #[test]
    fn each_retry_is_keyed_by_its_attempt_and_keeps_the_first_arrival() {
        let mut e = AsyncEvents::new(&functions());
        assert!(!e.is_async(0) && e.is_async(1));
        let id = e.entry(&request(1, 42), NO_EVENT);
        assert_eq!(e.entry(&request(1, 42), id), id, "an entry is reused");
        let first = e.next_request(id);
        let second = e.next_request(id);
        assert_eq!(first.key, attempt_key(42, 1));
        assert_eq!(second.key, attempt_key(42, 2));
        assert_ne!(first.key, second.key);
        assert_eq!((first.arrival, second.arrival), (5 * SECOND, 5 * SECOND));
        assert_eq!((first.exec, first.function), (1000, 1));
    }

    #[test]
    fn throttles_and_errors_are_counted_apart() {
        let mut e = AsyncEvents::new(&functions());
        let id = e.entry(&request(1, 7), NO_EVENT);
        // Throttles at 5 s and 6 s: waits of 1 s then 2 s.
        assert_eq!(
            e.failed(id, Failure::Throttled, 5 * SECOND),
            Some(6 * SECOND)
        );
        assert_eq!(
            e.failed(id, Failure::Throttled, 6 * SECOND),
            Some(8 * SECOND)
        );
        // Throttles do not use up the two retries after errors: 1 min, 2 min, then none.
        assert_eq!(e.failed(id, Failure::FunctionError, 0), Some(MINUTE));
        assert_eq!(e.failed(id, Failure::FunctionError, 0), Some(2 * MINUTE));
        assert_eq!(e.failed(id, Failure::FunctionError, 0), None);
    }

    #[test]
    fn released_entries_are_reused() {
        let mut e = AsyncEvents::new(&functions());
        let a = e.entry(&request(1, 1), NO_EVENT);
        let b = e.entry(&request(1, 2), NO_EVENT);
        assert_ne!(a, b);
        e.release(a);
        e.release(NO_EVENT);
        let c = e.entry(&request(1, 3), NO_EVENT);
        assert_eq!(c, a);
        // The reused entry starts afresh: its first error waits 1 min.
        assert_eq!(e.failed(c, Failure::FunctionError, 0), Some(MINUTE));
        assert_eq!(e.next_request(c).key, attempt_key(3, 1));
    }
}
