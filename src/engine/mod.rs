//! The discrete-event engine: one loop that feeds a request stream and a future-event list to
//! a platform model.
//!
//! The engine knows nothing about FaaS or fleets. A [`Model`] reacts to arrivals and to its
//! own scheduled events; the engine owns the clock, the [`EventQueue`] and the
//! [`Recorder`], and decides what happens next:
//!
//! 1. Look at the next request of the stream, the earliest request on its way from the
//!    front door ([`stage`]: a gateway's latency) and the earliest pending event.
//! 2. Handle whichever is earliest; on a tie the pending event goes first, so a server that
//!    finishes at `t` is free for a request arriving at `t`, then a hand-over, then a new
//!    arrival. A new arrival is counted, then passes the deployment's [`Stage`], which admits
//!    it (at once, or after a delay) or refuses it.
//! 3. When the stream is exhausted, drain the remaining events, then let the model close its
//!    books at the end of the window ([`Model::finish`]).
//!
//! Events are *work* (a request in flight: a completion, a retry) or *housekeeping* (a
//! keep-alive timer, a scheduled capacity change, a policy tick: [`Sim::schedule_housekeeping`],
//! [`timers::Timers`]). The run ends at the **horizon**: once the stream is exhausted, no work
//! is pending and the next event is housekeeping at or after the window's end, the remaining
//! housekeeping is dropped. So a periodic event cannot keep a run alive, and a timer that would
//! fire after the last request drained changes nothing the report measures (levels, idle memory
//! and instance lifetimes are booked up to the window's end by [`Model::finish`]). Housekeeping
//! interleaved with draining work still runs in order, so a retry after the window's end meets
//! the instances a real platform would have kept.
//!
//! Requests are pulled one at a time, never materialised; the event list holds only what the
//! model has in flight.

mod heap;
pub mod progress;
mod queue;
pub mod stage;
pub mod time;
pub mod timers;

use crate::error::SimError;
use crate::metrics::Recorder;
use crate::workload::{Request, RequestStream};
pub use progress::Progress;
pub use queue::EventQueue;
pub use stage::{Admission, Direct, Stage};
use time::Micros;

/// What a model can touch while handling something: the clock, the event list, the recorder.
pub struct Sim<E> {
    now: Micros,
    window: Micros,
    queue: EventQueue<E>,
    /// Work events pending (housekeeping excluded).
    work_pending: u64,
    /// Everything measured so far.
    pub rec: Recorder,
}

impl<E: Copy> Sim<E> {
    /// A simulation of `window` µs recording into `rec`.
    pub fn new(window: Micros, rec: Recorder) -> Self {
        Self {
            now: 0,
            window,
            queue: EventQueue::new(),
            work_pending: 0,
            rec,
        }
    }

    /// The current time.
    #[inline]
    pub fn now(&self) -> Micros {
        self.now
    }

    /// The end of the simulated window (arrivals stop there; in-flight work drains after).
    pub fn window(&self) -> Micros {
        self.window
    }

    /// Schedules work `event` (a request in flight) at absolute time `at` (not in the past).
    #[inline]
    pub fn schedule(&mut self, at: Micros, event: E) {
        debug_assert!(at >= self.now, "event scheduled in the past");
        self.work_pending += 1;
        self.queue.push_marked(at, event, false);
    }

    /// Schedules housekeeping `event` at `at` (not in the past): a timer or periodic event
    /// that is dropped if it falls past the run's horizon (see the module docs).
    #[inline]
    pub fn schedule_housekeeping(&mut self, at: Micros, event: E) {
        debug_assert!(at >= self.now, "event scheduled in the past");
        self.queue.push_marked(at, event, true);
    }

    /// Pending events (stale timers included), for tests of memory bounds.
    pub fn pending_events(&self) -> usize {
        self.queue.len()
    }

    /// Test helper for a component's own tests: pops the next event, moves the clock to it
    /// and returns it (work and housekeeping alike).
    #[cfg(test)]
    pub(crate) fn step(&mut self) -> Option<E> {
        let (at, event, housekeeping) = self.queue.pop_marked()?;
        if !housekeeping {
            self.work_pending -= 1;
        }
        self.now = at;
        Some(event)
    }
}

/// A platform model driven by the engine.
pub trait Model {
    /// The model's own events: small `Copy` values naming what happens (ids, not objects).
    type Event: Copy;

    /// Called once at time zero, before the first request (e.g. always-on instances come up).
    fn start(&mut self, _sim: &mut Sim<Self::Event>) {}

    /// A request arrives at `sim.now()` (the engine has already counted it).
    fn arrive(&mut self, request: Request, sim: &mut Sim<Self::Event>);

    /// A scheduled event is due at `sim.now()`.
    fn handle(&mut self, event: Self::Event, sim: &mut Sim<Self::Event>);

    /// The window has just ended (`sim.now()` is its end): called once, before any event past
    /// it, after the recorder counted the requests still unfinished. A model notes here what
    /// it holds at that moment (a fleet its queue).
    fn window_ended(&mut self, _sim: &mut Sim<Self::Event>) {}

    /// All work has drained; close the books at the end of the window (bill what is still
    /// running, e.g. always-on instances).
    fn finish(&mut self, sim: &mut Sim<Self::Event>);

    /// What the model's hard quotas saw over the run (its compute's and its services'), read
    /// once the run is over; none by default.
    fn quota_uses(&self) -> Vec<crate::platform::quota::QuotaUse> {
        Vec::new()
    }
}

/// Runs `model` over every request of `stream`, returning what was recorded; arrivals are
/// added to `progress` in batches of [`progress::PUBLISH_EVERY`]. Every request passes
/// `stage` at its arrival ([`stage`]); an admitted one reaches the model after the stage's
/// delay.
///
/// # Errors
/// Whatever the stream reports (a trace that turns out malformed part-way through).
pub fn run<M: Model, S: Stage>(
    model: &mut M,
    stage: &mut S,
    stream: &mut RequestStream,
    mut sim: Sim<M::Event>,
    progress: &Progress,
) -> Result<Recorder, SimError> {
    model.start(&mut sim);
    let mut next = stream.next_request()?;
    // Requests admitted by the stage and still on their way to the model, by hand-over time.
    let mut in_transit: EventQueue<Request> = EventQueue::new();
    // Arrivals not yet published to `progress`.
    let mut unpublished: u64 = 0;
    // Whether the window's end has been passed (arrivals all fall inside the window, so it is
    // passed while draining or handing over, after the stream is exhausted).
    let mut window_ended = false;
    loop {
        let event_time = sim.queue.peek_time();
        let transit_time = in_transit.peek_time();
        let arrival_time = next.map(|r| r.arrival);
        // The earliest of the three; on a tie a pending event goes first, then a hand-over,
        // then a new arrival.
        let step = match (event_time, transit_time, arrival_time) {
            (Some(t), x, y) if x.is_none_or(|x| t <= x) && y.is_none_or(|y| t <= y) => {
                if x.is_none() && y.is_none() && sim.work_pending == 0 && t >= sim.window {
                    break; // the horizon: only housekeeping past the window is left
                }
                Step::Event(t)
            }
            (_, Some(x), y) if y.is_none_or(|y| x <= y) => Step::HandOver(x),
            (_, _, Some(y)) => Step::Arrival(y),
            _ => break,
        };
        let t = match step {
            Step::Event(t) | Step::HandOver(t) | Step::Arrival(t) => t,
        };
        if t > sim.window && !window_ended {
            window_ended = true;
            end_window(model, &mut sim);
        }
        match step {
            Step::Event(_) => handle_next(model, &mut sim),
            Step::HandOver(_) => {
                if let Some((at, req)) = in_transit.pop() {
                    sim.now = at;
                    model.arrive(req, &mut sim);
                }
            }
            Step::Arrival(_) => {
                let Some(mut req) = next else { break };
                debug_assert!(req.arrival >= sim.now, "request stream out of order");
                sim.now = req.arrival;
                sim.rec.arrival(req.arrival, req.function);
                match stage.admit(&req, sim.now, &mut sim.rec) {
                    Admission::After(0) => model.arrive(req, &mut sim),
                    Admission::After(delay) => {
                        req.gateway_latency = delay;
                        in_transit.push(req.arrival.saturating_add(delay), req);
                    }
                    Admission::Refused => {}
                }
                unpublished += 1;
                if unpublished == progress::PUBLISH_EVERY {
                    progress.add(unpublished);
                    unpublished = 0;
                }
                next = stream.next_request()?;
            }
        }
    }
    if !window_ended {
        end_window(model, &mut sim);
    }
    progress.add(unpublished);
    sim.now = sim.now.max(sim.window);
    model.finish(&mut sim);
    sim.rec.finish();
    Ok(sim.rec)
}

/// What the engine's loop does next, at the time it carries.
#[derive(Clone, Copy)]
enum Step {
    /// Handle the earliest pending event.
    Event(Micros),
    /// Hand the earliest admitted request over to the model.
    HandOver(Micros),
    /// Take the next request of the stream through the stage.
    Arrival(Micros),
}

/// For unit tests driving a model by hand: handles every event due up to `t`, then sets the
/// clock to `t` (not earlier than now).
#[cfg(test)]
pub(crate) fn run_until<M: Model>(model: &mut M, sim: &mut Sim<M::Event>, t: Micros) {
    while sim.queue.peek_time().is_some_and(|due| due <= t) {
        handle_next(model, sim);
    }
    sim.now = sim.now.max(t);
}

/// Counts what is unfinished at the window's end, at that moment.
#[cold]
fn end_window<M: Model>(model: &mut M, sim: &mut Sim<M::Event>) {
    sim.now = sim.now.max(sim.window);
    sim.rec.window_ended();
    model.window_ended(sim);
}

#[inline]
fn handle_next<M: Model>(model: &mut M, sim: &mut Sim<M::Event>) {
    if let Some((t, event, housekeeping)) = sim.queue.pop_marked() {
        sim.work_pending -= u64::from(!housekeeping);
        sim.now = t;
        model.handle(event, sim);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Streams;
    use crate::workload::{ArrivalProcess, DurationDist, FunctionSpec, Source, Workload};

    /// Ticks every second forever (housekeeping) and keeps each request 5 s (work).
    #[derive(Default)]
    struct Ticker {
        ticks_before_end: u32,
        ticks_after_end: u32,
        done: Vec<Micros>,
    }

    #[derive(Clone, Copy)]
    enum Ev {
        Tick,
        Done,
    }

    impl Model for Ticker {
        type Event = Ev;
        fn start(&mut self, sim: &mut Sim<Ev>) {
            sim.schedule_housekeeping(0, Ev::Tick);
        }
        fn arrive(&mut self, _request: Request, sim: &mut Sim<Ev>) {
            sim.schedule(sim.now() + 5 * time::SECOND, Ev::Done);
        }
        fn handle(&mut self, event: Ev, sim: &mut Sim<Ev>) {
            match event {
                Ev::Tick => {
                    if sim.now() < sim.window() {
                        self.ticks_before_end += 1;
                    } else {
                        self.ticks_after_end += 1;
                    }
                    sim.schedule_housekeeping(sim.now() + time::SECOND, Ev::Tick);
                }
                Ev::Done => self.done.push(sim.now()),
            }
        }
        fn finish(&mut self, _sim: &mut Sim<Ev>) {}
    }

    /// One function `f`, a 1 ms call every 4 s from 3 s.
    fn every_4s_from_3s() -> Workload {
        Workload {
            functions: vec![FunctionSpec {
                name: "f".into(),
                app: "f".into(),
                memory_mb: 128,
                exec: DurationDist::Constant { ms: 1.0 },
                calls: Vec::new(),
                faas: Default::default(),
            }],
            source: Source::Synthetic(vec![ArrivalProcess::FixedInterval {
                every_s: 4.0,
                offset_s: 3.0,
            }]),
        }
    }

    #[test]
    fn periodic_housekeeping_stops_at_the_horizon_but_runs_while_work_drains() {
        // One call every 4 s from 3 s in a 10 s window: calls at 3 and 7 s, done at 8 and
        // 12 s. Ticks at 0..=9 s run inside the window (10), ticks at 10 and 11 s run while
        // the call finishing at 12 s drains (2 after the end). The tick at 12 s was scheduled
        // after that completion, so it pops after it, when only housekeeping past the window
        // is left: it is dropped and the run ends.
        let workload = every_4s_from_3s();
        let window = 10 * time::SECOND;
        let mut stream = workload.open(Streams::new(1, 0), window).unwrap();
        let mut model = Ticker::default();
        let rec = Recorder::new(window, window, 0);
        run(
            &mut model,
            &mut Direct,
            &mut stream,
            Sim::new(window, rec),
            &Progress::new(),
        )
        .unwrap();
        assert_eq!(model.done, vec![8 * time::SECOND, 12 * time::SECOND]);
        assert_eq!(model.ticks_before_end, 10);
        assert_eq!(model.ticks_after_end, 2);
    }

    /// Records what reaches it: (now, the request's arrival, its gateway latency), and how
    /// many requests it had seen when the window ended.
    #[derive(Default)]
    struct Recording {
        seen: Vec<(Micros, Micros, Micros)>,
        seen_at_window_end: Option<usize>,
    }

    impl Model for Recording {
        type Event = ();
        fn arrive(&mut self, request: Request, sim: &mut Sim<()>) {
            self.seen
                .push((sim.now(), request.arrival, request.gateway_latency));
        }
        fn handle(&mut self, _event: (), _sim: &mut Sim<()>) {}
        fn window_ended(&mut self, _sim: &mut Sim<()>) {
            self.seen_at_window_end = Some(self.seen.len());
        }
        fn finish(&mut self, _sim: &mut Sim<()>) {}
    }

    /// Delays the request arriving at `at` by `delay`; refuses the one at `refuse`.
    struct Front {
        at: Micros,
        delay: Micros,
        refuse: Micros,
    }

    impl Stage for Front {
        fn admit(&mut self, request: &Request, _now: Micros, _rec: &mut Recorder) -> Admission {
            match request.arrival {
                t if t == self.refuse => Admission::Refused,
                t if t == self.at => Admission::After(self.delay),
                _ => Admission::After(0),
            }
        }
    }

    /// Runs [`Recording`] behind `front` on calls at 3, 7 and 11 s of a 14 s window.
    fn behind(mut front: Front) -> (Recording, Recorder) {
        let workload = every_4s_from_3s();
        let window = 14 * time::SECOND;
        let mut stream = workload.open(Streams::new(1, 0), window).unwrap();
        let mut model = Recording::default();
        let rec = Recorder::new(window, window, 0);
        let sim = Sim::new(window, rec);
        let rec = run(&mut model, &mut front, &mut stream, sim, &Progress::new()).unwrap();
        (model, rec)
    }

    #[test]
    fn a_delayed_request_is_handed_over_before_an_arrival_at_the_same_time() {
        // The call at 3 s is delayed 4 s: it reaches the model at 7 s, before the call
        // arriving at 7 s; the call at 11 s is refused and never reaches it.
        let s = time::SECOND;
        let (model, rec) = behind(Front {
            at: 3 * s,
            delay: 4 * s,
            refuse: 11 * s,
        });
        assert_eq!(model.seen, vec![(7 * s, 3 * s, 4 * s), (7 * s, 7 * s, 0)]);
        assert_eq!(rec.totals.requests, 3);
    }

    #[test]
    fn a_hand_over_past_the_window_comes_after_the_window_ends() {
        // The call at 11 s is delayed 5 s, to 16 s: the window (14 s) ends first, with it
        // still unfinished.
        let s = time::SECOND;
        let (model, rec) = behind(Front {
            at: 11 * s,
            delay: 5 * s,
            refuse: 0,
        });
        assert_eq!(model.seen.last(), Some(&(16 * s, 11 * s, 5 * s)));
        assert_eq!(model.seen_at_window_end, Some(2));
        assert_eq!(rec.totals.unfinished, 3);
    }
}
