//! Requests sharing an instance's vCPUs (`vcpus` with `instance_concurrency` > 1): processor
//! sharing on the CPU-bound part of each call.
//!
//! Rule:
//! - A call's execution time is CPU work measured on one full vCPU (a call is one thread),
//!   unless its function's `cpu_bound` says only that fraction is; the rest of the execution
//!   and every backend call are waiting, never CPU work.
//! - A call first computes, then waits (the non-CPU part of its execution, then its backend
//!   calls). While `k` calls of an instance with `V` vCPUs compute, each progresses at
//!   `min(1, V / k)` ([`SharedCpu`]; one per instance, job id = the call's CPU slot on the
//!   instance). So two calls at once on 1 vCPU each take twice as long; on 2 vCPUs neither
//!   slows. A lone call on less than one vCPU is slowed too (`V < 1`: rate `V`).
//! - A call that booted its instance starts computing when the instance is ready.
//! - With a `timeout`, a call still computing at its deadline leaves the CPU there (the others
//!   speed up at once) and fails as `timed_out`; one that finished computing but whose wait
//!   would run past the deadline is stopped at it. Either way it is billed up to the timeout.
//! - Without `vcpus`, or with one call per instance on at least one vCPU (where nothing can
//!   slow down), none of this runs and results are exactly those of the plain model.
//!
//! Deadlines (an instance's next CPU finish, a computing call's timeout) are work timers
//! ([`Timers::for_work`]): a call in flight waits on them, so they fire past the window's end.
//! Everything is allocated per instance slot or per running call and reused; nothing per
//! request.

use super::{FaasEvent, FaasModel};
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::engine::timers::{TimerTick, Timers};
use crate::platform::cpu::{SharedCpu, cpu_work};
use crate::platform::instances::{InstanceId, NIL};
use crate::workload::FunctionSpec;

/// A call on a shared CPU: what it still has to do.
#[derive(Clone, Copy, Debug)]
struct SharedRun {
    instance: InstanceId,
    /// When it starts on its instance (after any boot), and the boot it waited for.
    start: Micros,
    init: Micros,
    /// CPU work (µs of one full vCPU), then the wait that follows it.
    work: Micros,
    wait: Micros,
    /// Its CPU slot on the instance while it computes, else [`NIL`].
    slot: u32,
}

const IDLE_RUN: SharedRun = SharedRun {
    instance: NIL,
    start: 0,
    init: 0,
    work: 0,
    wait: 0,
    slot: NIL,
};

/// The CPUs of a deployment's instances and the calls computing on them.
#[derive(Clone, Debug)]
pub(super) struct CpuSharing {
    vcpus: f64,
    concurrency: u32,
    /// CPU-bound fraction of each function's execution time.
    cpu_bound: Vec<f64>,
    /// Per instance slot: its CPU.
    cpus: Vec<SharedCpu>,
    /// Per instance slot, `concurrency` entries each: a stack of free CPU slots
    /// (`free_len` of them), and which running call holds each CPU slot.
    free_slots: Vec<u32>,
    free_len: Vec<u32>,
    slot_run: Vec<u32>,
    /// Per running call (index into the model's running table).
    runs: Vec<SharedRun>,
    /// Per instance: its next CPU finish. Per running call: its timeout.
    finish: Timers,
    timeout: Timers,
}

impl CpuSharing {
    /// Sharing for instances of `vcpus` serving `concurrency` calls each, or `None` when no
    /// call could ever be slowed.
    pub(super) fn new(
        vcpus: Option<f64>,
        concurrency: u32,
        functions: &[FunctionSpec],
    ) -> Option<Self> {
        let vcpus = vcpus?;
        if concurrency <= 1 && vcpus >= 1.0 {
            return None;
        }
        Some(Self {
            vcpus,
            concurrency: concurrency.max(1),
            cpu_bound: functions
                .iter()
                .map(|f| f.faas.cpu_bound.unwrap_or(1.0))
                .collect(),
            cpus: Vec::new(),
            free_slots: Vec::new(),
            free_len: Vec::new(),
            slot_run: Vec::new(),
            runs: Vec::new(),
            finish: Timers::for_work(),
            timeout: Timers::for_work(),
        })
    }

    /// The CPU of instance `i`, set up the first time the slot is used.
    fn cpu(&mut self, i: InstanceId) -> &mut SharedCpu {
        let c = self.concurrency as usize;
        while self.cpus.len() <= i as usize {
            self.cpus.push(SharedCpu::with_capacity(self.vcpus, c));
            self.free_slots.extend((0..c as u32).rev());
            self.free_len.push(c as u32);
            self.slot_run.extend(std::iter::repeat_n(NIL, c));
        }
        &mut self.cpus[i as usize]
    }

    fn take_cpu_slot(&mut self, i: InstanceId, r: u32) -> u32 {
        let c = self.concurrency as usize;
        let base = i as usize * c;
        let len = &mut self.free_len[i as usize];
        debug_assert!(*len > 0, "instance {i} has no free CPU slot");
        *len -= 1;
        let slot = self.free_slots[base + *len as usize];
        self.slot_run[base + slot as usize] = r;
        slot
    }

    /// Frees CPU slot `slot` of instance `i`; returns the running call that held it.
    fn free_cpu_slot(&mut self, i: InstanceId, slot: u32) -> u32 {
        let c = self.concurrency as usize;
        let base = i as usize * c;
        let r = std::mem::replace(&mut self.slot_run[base + slot as usize], NIL);
        let len = &mut self.free_len[i as usize];
        self.free_slots[base + *len as usize] = slot;
        *len += 1;
        self.runs[r as usize].slot = NIL;
        r
    }
}

impl FaasModel {
    /// Call `r` of `function` starts on instance `i` at `start` (after `init` of boot): it
    /// computes `exec` (its CPU-bound part) on the shared CPU, then waits the rest and
    /// `backend`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn share_begin(
        &mut self,
        r: u32,
        i: InstanceId,
        function: u32,
        exec: Micros,
        backend: Micros,
        start: Micros,
        init: Micros,
        sim: &mut Sim<FaasEvent>,
    ) {
        let timeout = self.functions[function as usize].timeout;
        let Some(s) = &mut self.sharing else { return };
        let work = cpu_work(exec, s.cpu_bound[function as usize], 1.0);
        if s.runs.len() <= r as usize {
            s.runs.resize(r as usize + 1, IDLE_RUN);
        }
        s.runs[r as usize] = SharedRun {
            instance: i,
            start,
            init,
            work,
            wait: (exec - work).saturating_add(backend),
            slot: NIL,
        };
        if let Some(t) = timeout {
            s.timeout
                .set(r, start.saturating_add(t), sim, FaasEvent::CpuTimeout);
        }
        if start > sim.now() {
            sim.schedule(start, FaasEvent::CpuStart(r));
        } else {
            self.share_compute(r, sim);
        }
    }

    /// Call `r` starts computing now (its instance is ready).
    pub(super) fn share_compute(&mut self, r: u32, sim: &mut Sim<FaasEvent>) {
        let Some(s) = &mut self.sharing else { return };
        let run = s.runs[r as usize];
        let now = sim.now();
        s.cpu(run.instance);
        let slot = s.take_cpu_slot(run.instance, r);
        s.runs[r as usize].slot = slot;
        s.cpus[run.instance as usize].add(now, slot, run.work);
        self.share_rearm(run.instance, sim);
    }

    /// Arms instance `i`'s timer at its CPU's next finish.
    fn share_rearm(&mut self, i: InstanceId, sim: &mut Sim<FaasEvent>) {
        let Some(s) = &mut self.sharing else { return };
        match s.cpus[i as usize].next_finish() {
            // Never in the past: calls are popped when they finish, so `at` is not earlier
            // than now; the guard keeps the event list sound if that ever changed.
            Some((at, _)) => s
                .finish
                .set(i, at.max(sim.now()), sim, FaasEvent::CpuFinish),
            None => s.finish.cancel(i),
        }
    }

    /// Instance `tick.id`'s CPU timer is due: the calls that finished computing move on.
    pub(super) fn share_cpu_finished(&mut self, tick: TimerTick, sim: &mut Sim<FaasEvent>) {
        let Some(s) = &mut self.sharing else { return };
        if !s.finish.fire(tick, sim, FaasEvent::CpuFinish) {
            return;
        }
        let i = tick.id;
        let now = sim.now();
        while let Some(s) = &mut self.sharing
            && let Some(slot) = s.cpus[i as usize].finish(now)
        {
            let r = s.free_cpu_slot(i, slot);
            self.share_computed(r, sim);
        }
        self.share_rearm(i, sim);
    }

    /// Call `r` finished computing now: it completes after its wait, or at its timeout.
    fn share_computed(&mut self, r: u32, sim: &mut Sim<FaasEvent>) {
        let Some(s) = &mut self.sharing else { return };
        s.timeout.cancel(r);
        let run = s.runs[r as usize];
        let held = (sim.now() - run.start).saturating_add(run.wait);
        self.share_complete(r, run, held, sim);
    }

    /// Call `r` held its slot `held` in all: books its outcome and schedules its completion.
    fn share_complete(&mut self, r: u32, run: SharedRun, held: Micros, sim: &mut Sim<FaasEvent>) {
        let timeout = self.functions[self.running[r as usize].function as usize].timeout;
        let timed_out = timeout.is_some_and(|t| held > t);
        let held = match timeout {
            Some(t) if timed_out => t,
            _ => held,
        };
        let billable = self.billable(held, run.init);
        let entry = &mut self.running[r as usize];
        entry.timed_out = timed_out;
        entry.billable = billable;
        let end = run.start.saturating_add(held).max(sim.now());
        sim.schedule(end, FaasEvent::Complete(r));
    }

    /// Call `tick.id`'s timeout is due while it computes: it leaves the CPU and fails.
    pub(super) fn share_timed_out(&mut self, tick: TimerTick, sim: &mut Sim<FaasEvent>) {
        let Some(s) = &mut self.sharing else { return };
        if !s.timeout.fire(tick, sim, FaasEvent::CpuTimeout) {
            return;
        }
        let r = tick.id;
        let run = s.runs[r as usize];
        if run.slot == NIL {
            return;
        }
        let now = sim.now();
        let left = s.cpus[run.instance as usize].remove(now, run.slot);
        s.free_cpu_slot(run.instance, run.slot);
        if left == Some(0) {
            // It finished computing this very microsecond: only its wait can time it out.
            self.share_computed(r, sim);
        } else {
            self.share_complete(r, run, Micros::MAX, sim);
        }
        self.share_rearm(run.instance, sim);
    }
}
