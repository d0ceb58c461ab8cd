//! Per-instance CPU sharing as a platform component: the vCPUs of every instance of one
//! deployment, the requests (*runs*) computing on them, and the timers that say when each
//! run is done computing. Any compute model owns one (FaaS with `vcpus`, a fleet with
//! `vcpus`); the model keeps its own table of requests in flight and hands this component
//! only instance ids, run ids and times.
//!
//! # API
//!
//! - [`InstanceCpus::new`]`(vcpus, concurrency)`: instances of `vcpus` vCPUs serving up to
//!   `concurrency` runs at once each.
//! - [`InstanceCpus::begin`]`(run, RunSpec, sim)`: run `run` (a dense id of the owner's, e.g.
//!   its index in its table of requests in flight) starts on `spec.instance` at `spec.start`
//!   (later than now when it waits for a boot): it computes `spec.work` (µs of one full
//!   vCPU), then waits `spec.wait` (backend calls, the non-CPU part), and may use at most
//!   `spec.max_vcpus` vCPUs; with `spec.timeout`, it is stopped `timeout` after its start.
//!   Work is in reference vCPUs: an owner whose vCPUs are `s` times as fast (a fleet's
//!   `speed`) passes `work / s`.
//! - The owner's event type implements [`CpuEvents`] (three variants wrapping a
//!   [`TimerTick`]); when one pops, the owner calls [`InstanceCpus::on_start`],
//!   [`InstanceCpus::on_finish`] or [`InstanceCpus::on_timeout`]. The last two return
//!   `true` when runs ended: the owner then drains them with
//!   `while let Some(end) = cpus.pop_ended(sim) { ... }` (each a [`RunEnd`]: how long the
//!   run holds its slot from its start, capped at its timeout, and whether it timed out),
//!   scheduling its own completion at [`RunEnd::end`]; the last call re-arms the instance's
//!   timer.
//! - A run id may be reused once its [`RunEnd`] was popped.
//! - [`InstanceCpus::busy_vcpu_us`]`(instance, now)`: vCPU time computed on an instance so
//!   far (for CPU utilisation: differences over a span, over `V x span`);
//!   [`InstanceCpus::computing`]`(instance)`: runs computing there now.
//!
//! # Rules
//!
//! - A run first computes, then waits. While runs of an instance with `V` vCPUs compute,
//!   each progresses at `min(max_vcpus, level)`, the level sharing `V` max-min fairly
//!   ([`SharedCpu`], one per instance, job id = the run's CPU slot on the instance): with
//!   the default cap of 1, `min(1, V / k)` for `k` runs. So two runs at once on 1 vCPU each
//!   take twice as long; on 2 vCPUs neither slows; a run with `max_vcpus = 2` alone on 2
//!   vCPUs takes half its work. A lone run on less than one vCPU is slowed too.
//! - A run that waits for a boot starts computing when its instance is ready (`start`).
//! - With a timeout, a run still computing at its deadline leaves the CPU there (the others
//!   speed up at once) and ends timed out; one that finished computing but whose wait would
//!   run past the deadline is cut at it. Either way it holds its slot up to the timeout.
//!
//! Deadlines are work timers ([`Timers::for_work`]): a request in flight waits on them, so
//! they fire past the window's end. Three families: per run its start and its timeout, per
//! instance its next CPU finish. Everything is allocated per instance slot or per run id
//! and reused; nothing per request.

use super::SharedCpu;
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::engine::timers::{TimerTick, Timers};
use crate::platform::instances::{InstanceId, NIL};

/// A run: dense id chosen by the owner.
pub type RunId = u32;

/// The owner's event type: how it wraps this component's three timer families.
pub trait CpuEvents: Copy {
    /// A run waiting for its instance's boot starts computing.
    fn cpu_start(tick: TimerTick) -> Self;
    /// An instance's CPU finishes a run's work.
    fn cpu_finish(tick: TimerTick) -> Self;
    /// A run still computing reached its timeout.
    fn cpu_timeout(tick: TimerTick) -> Self;
}

/// What a run does on its instance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RunSpec {
    pub instance: InstanceId,
    /// When it starts (now, or when its instance finishes booting).
    pub start: Micros,
    /// CPU work, in µs of one full vCPU.
    pub work: Micros,
    /// The wait that follows the work (no CPU used).
    pub wait: Micros,
    /// Most vCPUs the run can use at once (1: one thread), in [2^-20, 2^20].
    pub max_vcpus: f64,
    /// Longest it may hold its slot from `start`.
    pub timeout: Option<Micros>,
}

/// A run whose CPU part ended (it finished computing, or timed out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunEnd {
    pub run: RunId,
    pub instance: InstanceId,
    pub start: Micros,
    /// How long it holds its slot from `start`: computing plus waiting, at most its timeout.
    pub held: Micros,
    /// Whether it would have held its slot past its timeout (and was cut there).
    pub timed_out: bool,
}

impl RunEnd {
    /// When the run ends (its start plus what it held), never before `now`.
    pub fn end(&self, now: Micros) -> Micros {
        self.start.saturating_add(self.held).max(now)
    }
}

/// A run and where it stands.
#[derive(Clone, Copy, Debug)]
struct Run {
    spec: RunSpec,
    /// Its CPU slot on the instance while it computes, else [`NIL`].
    slot: u32,
}

const IDLE_RUN: Run = Run {
    spec: RunSpec {
        instance: NIL,
        start: 0,
        work: 0,
        wait: 0,
        max_vcpus: 1.0,
        timeout: None,
    },
    slot: NIL,
};

/// The CPUs of one deployment's instances and the runs computing on them.
#[derive(Clone, Debug)]
pub struct InstanceCpus {
    vcpus: f64,
    concurrency: u32,
    /// Per instance slot: its CPU.
    cpus: Vec<SharedCpu>,
    /// Per instance slot, `concurrency` entries each: a stack of free CPU slots
    /// (`free_len` of them), and which run holds each CPU slot.
    free_slots: Vec<u32>,
    free_len: Vec<u32>,
    slot_run: Vec<RunId>,
    /// Per run id.
    runs: Vec<Run>,
    /// Per run: its start and its timeout. Per instance: its next CPU finish.
    start: Timers,
    timeout: Timers,
    finish: Timers,
    /// The instance whose ended runs are being popped ([`NIL`]: none), and a timed-out run
    /// to hand out first.
    draining: InstanceId,
    pending: Option<RunEnd>,
}

impl InstanceCpus {
    /// Instances of `vcpus` vCPUs (valid per [`super::is_valid_vcpus`]), each serving up to
    /// `concurrency` runs at once.
    pub fn new(vcpus: f64, concurrency: u32) -> Self {
        Self {
            vcpus,
            concurrency: concurrency.max(1),
            cpus: Vec::new(),
            free_slots: Vec::new(),
            free_len: Vec::new(),
            slot_run: Vec::new(),
            runs: Vec::new(),
            start: Timers::for_work(),
            timeout: Timers::for_work(),
            finish: Timers::for_work(),
            draining: NIL,
            pending: None,
        }
    }

    /// vCPUs of one instance.
    pub fn vcpus(&self) -> f64 {
        self.vcpus
    }

    /// How many runs are computing on instance `i` now.
    pub fn computing(&self, i: InstanceId) -> usize {
        self.cpus.get(i as usize).map_or(0, SharedCpu::len)
    }

    /// The vCPU time computed on instance slot `i` so far, in vCPU-µs, read at `now` (not
    /// earlier than the latest event handled): its CPU's [`SharedCpu::busy_vcpu_us`]. A slot
    /// reused by a new instance keeps counting: take differences over a span.
    pub fn busy_vcpu_us(&mut self, i: InstanceId, now: Micros) -> f64 {
        self.cpus
            .get_mut(i as usize)
            .map_or(0.0, |cpu| cpu.busy_vcpu_us(now))
    }

    /// Run `run` starts as `spec` says (see the module docs).
    pub fn begin<E: CpuEvents>(&mut self, run: RunId, spec: RunSpec, sim: &mut Sim<E>) {
        if self.runs.len() <= run as usize {
            self.runs.resize(run as usize + 1, IDLE_RUN);
        }
        self.runs[run as usize] = Run { spec, slot: NIL };
        if let Some(t) = spec.timeout {
            self.timeout
                .set(run, spec.start.saturating_add(t), sim, E::cpu_timeout);
        }
        if spec.start > sim.now() {
            self.start.set(run, spec.start, sim, E::cpu_start);
        } else {
            self.compute(run, sim);
        }
    }

    /// A start timer popped: its run starts computing.
    pub fn on_start<E: CpuEvents>(&mut self, tick: TimerTick, sim: &mut Sim<E>) {
        if self.start.fire(tick, sim, E::cpu_start) {
            self.compute(tick.id, sim);
        }
    }

    /// An instance's finish timer popped: true when runs finished computing (pop them with
    /// [`Self::pop_ended`]).
    pub fn on_finish<E: CpuEvents>(&mut self, tick: TimerTick, sim: &mut Sim<E>) -> bool {
        if !self.finish.fire(tick, sim, E::cpu_finish) {
            return false;
        }
        self.draining = tick.id;
        true
    }

    /// A run's timeout popped: true when it was still computing and ends now (pop it with
    /// [`Self::pop_ended`]).
    pub fn on_timeout<E: CpuEvents>(&mut self, tick: TimerTick, sim: &mut Sim<E>) -> bool {
        if !self.timeout.fire(tick, sim, E::cpu_timeout) {
            return false;
        }
        let r = tick.id;
        let run = self.runs[r as usize];
        if run.slot == NIL {
            return false;
        }
        let now = sim.now();
        let i = run.spec.instance;
        let left = self.cpus[i as usize].remove(now, run.slot);
        self.free_cpu_slot(i, run.slot);
        self.pending = Some(if left == Some(0) {
            // It finished computing this very microsecond: only its wait can time it out.
            self.computed(r, now)
        } else {
            self.ended(r, Micros::MAX)
        });
        self.draining = i;
        true
    }

    /// The next run whose CPU part ended after [`Self::on_finish`] or [`Self::on_timeout`]
    /// returned true; `None` when there is none left (the instance's timer is then re-armed).
    pub fn pop_ended<E: CpuEvents>(&mut self, sim: &mut Sim<E>) -> Option<RunEnd> {
        let i = self.draining;
        if i == NIL {
            return None;
        }
        if let Some(end) = self.pending.take() {
            return Some(end);
        }
        let now = sim.now();
        if let Some(slot) = self.cpus[i as usize].finish(now) {
            let r = self.free_cpu_slot(i, slot);
            return Some(self.computed(r, now));
        }
        self.draining = NIL;
        self.rearm(i, sim);
        None
    }

    /// Run `r` starts computing now (its instance is ready).
    fn compute<E: CpuEvents>(&mut self, r: RunId, sim: &mut Sim<E>) {
        let spec = self.runs[r as usize].spec;
        let i = spec.instance;
        self.ensure_instance(i);
        let slot = self.take_cpu_slot(i, r);
        self.runs[r as usize].slot = slot;
        self.cpus[i as usize].add_capped(sim.now(), slot, spec.work, spec.max_vcpus);
        self.rearm(i, sim);
    }

    /// Run `r` finished computing at `now`: it holds its slot for its wait too.
    fn computed(&mut self, r: RunId, now: Micros) -> RunEnd {
        self.timeout.cancel(r);
        let spec = self.runs[r as usize].spec;
        self.ended(r, (now - spec.start).saturating_add(spec.wait))
    }

    /// Run `r` would hold its slot `held` in all: its end, cut at its timeout.
    fn ended(&self, r: RunId, held: Micros) -> RunEnd {
        let spec = self.runs[r as usize].spec;
        let timed_out = spec.timeout.is_some_and(|t| held > t);
        RunEnd {
            run: r,
            instance: spec.instance,
            start: spec.start,
            held: match spec.timeout {
                Some(t) if timed_out => t,
                _ => held,
            },
            timed_out,
        }
    }

    /// Arms instance `i`'s timer at its CPU's next finish.
    fn rearm<E: CpuEvents>(&mut self, i: InstanceId, sim: &mut Sim<E>) {
        match self.cpus[i as usize].next_finish() {
            // Never in the past: runs are popped when they finish, so `at` is not earlier
            // than now; the guard keeps the event list sound if that ever changed.
            Some((at, _)) => self.finish.set(i, at.max(sim.now()), sim, E::cpu_finish),
            None => self.finish.cancel(i),
        }
    }

    /// Sets up instance slot `i`'s CPU the first time it is used.
    fn ensure_instance(&mut self, i: InstanceId) {
        let c = self.concurrency as usize;
        while self.cpus.len() <= i as usize {
            self.cpus.push(SharedCpu::with_capacity(self.vcpus, c));
            self.free_slots.extend((0..c as u32).rev());
            self.free_len.push(c as u32);
            self.slot_run.extend(std::iter::repeat_n(NIL, c));
        }
    }

    fn take_cpu_slot(&mut self, i: InstanceId, r: RunId) -> u32 {
        let base = i as usize * self.concurrency as usize;
        let len = &mut self.free_len[i as usize];
        assert!(*len > 0, "instance {i} has no free CPU slot");
        *len -= 1;
        let slot = self.free_slots[base + *len as usize];
        self.slot_run[base + slot as usize] = r;
        slot
    }

    /// Frees CPU slot `slot` of instance `i`; returns the run that held it.
    fn free_cpu_slot(&mut self, i: InstanceId, slot: u32) -> RunId {
        let base = i as usize * self.concurrency as usize;
        let r = std::mem::replace(&mut self.slot_run[base + slot as usize], NIL);
        let len = &mut self.free_len[i as usize];
        self.free_slots[base + *len as usize] = slot;
        *len += 1;
        self.runs[r as usize].slot = NIL;
        r
    }
}

#[cfg(test)]
#[path = "sharing_tests.rs"]
mod tests;
