//! FaaS glue to the platform's CPU sharing ([`InstanceCpus`], which owns the rules): with
//! `vcpus` and `instance_concurrency` > 1, calls sharing an instance share its vCPUs on the
//! CPU-bound part of each call.
//!
//! What FaaS adds:
//! - A call's execution time is CPU work measured on one full vCPU, unless its function's
//!   `cpu_bound` says only that fraction is; the rest of the execution and every backend
//!   call are the wait that follows it. A call can use at most its function's `max_vcpus`
//!   (default 1: one thread) at once, so its work is `exec x cpu_bound x min(1,
//!   max_vcpus)` µs of one vCPU ([`cpu_work_capped`]), and alone on `V` vCPUs it computes
//!   at `min(max_vcpus, V)`: with `max_vcpus = 2` on 2 vCPUs, in half its reference time.
//! - A call that booted its instance starts computing when the instance is ready; its run
//!   id is its entry in the model's table of calls in flight.
//! - When a call's CPU part ends, its outcome (timed out, billed duration with its boot
//!   where the provider bills it) is booked and its completion scheduled.
//! - Without `vcpus`, or with one call per instance where no call can run slower or faster
//!   than its reference time (each function's `min(max_vcpus, V)` equals its `min(1,
//!   max_vcpus)`: with the default cap, at least one vCPU), none of this runs and results
//!   are exactly those of the plain model.

use super::{FaasEvent, FaasModel};
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::engine::timers::TimerTick;
use crate::platform::cpu::{CpuEvents, InstanceCpus, RunEnd, RunSpec, cpu_work, cpu_work_capped};
use crate::platform::instances::InstanceId;
use crate::workload::FunctionSpec;

impl CpuEvents for FaasEvent {
    fn cpu_start(tick: TimerTick) -> Self {
        FaasEvent::CpuStart(tick)
    }
    fn cpu_finish(tick: TimerTick) -> Self {
        FaasEvent::CpuFinish(tick)
    }
    fn cpu_timeout(tick: TimerTick) -> Self {
        FaasEvent::CpuTimeout(tick)
    }
}

/// A deployment's shared CPUs, and what FaaS keeps per call beside them.
#[derive(Clone, Debug)]
pub(super) struct CpuSharing {
    cpus: InstanceCpus,
    /// CPU-bound fraction of each function's execution time, and most vCPUs one of its
    /// calls can use.
    cpu_bound: Vec<f64>,
    max_vcpus: Vec<f64>,
    /// Per running call: the boot it waited for (billed where the provider bills it).
    init: Vec<Micros>,
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
        let max_vcpus: Vec<f64> = functions
            .iter()
            .map(|f| f.faas.max_vcpus.unwrap_or(1.0))
            .collect();
        let lone_at_reference = max_vcpus.iter().all(|&c| c.min(vcpus) == c.min(1.0));
        if concurrency <= 1 && lone_at_reference {
            return None;
        }
        Some(Self {
            cpus: InstanceCpus::new(vcpus, concurrency),
            cpu_bound: functions
                .iter()
                .map(|f| f.faas.cpu_bound.unwrap_or(1.0))
                .collect(),
            max_vcpus,
            init: Vec::new(),
        })
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
        let timeout = self.plans[function as usize].timeout;
        let Some(s) = &mut self.sharing else { return };
        let f = function as usize;
        // The CPU-bound part of the reference time, and the work it is (it differs only
        // for a cap below one vCPU, whose reference time was computed at that cap).
        let computing = cpu_work(exec, s.cpu_bound[f], 1.0);
        let work = cpu_work_capped(exec, s.cpu_bound[f], 1.0, s.max_vcpus[f]);
        if s.init.len() <= r as usize {
            s.init.resize(r as usize + 1, 0);
        }
        s.init[r as usize] = init;
        let spec = RunSpec {
            instance: i,
            start,
            work,
            wait: (exec - computing).saturating_add(backend),
            max_vcpus: s.max_vcpus[f],
            timeout,
        };
        s.cpus.begin(r, spec, sim);
    }

    /// A call waiting for its instance's boot starts computing.
    pub(super) fn share_started(&mut self, tick: TimerTick, sim: &mut Sim<FaasEvent>) {
        if let Some(s) = &mut self.sharing {
            s.cpus.on_start(tick, sim);
        }
    }

    /// An instance's CPU timer (`timeout = false`) or a call's timeout popped: the calls
    /// whose CPU part ended move on.
    pub(super) fn share_timer(&mut self, tick: TimerTick, timeout: bool, sim: &mut Sim<FaasEvent>) {
        let Some(s) = &mut self.sharing else { return };
        let ended = if timeout {
            s.cpus.on_timeout(tick, sim)
        } else {
            s.cpus.on_finish(tick, sim)
        };
        if !ended {
            return;
        }
        while let Some(end) = self.sharing.as_mut().and_then(|s| s.cpus.pop_ended(sim)) {
            self.share_ended(end, sim);
        }
    }

    /// Call `end.run`'s CPU part ended: books its outcome and schedules its completion.
    fn share_ended(&mut self, end: RunEnd, sim: &mut Sim<FaasEvent>) {
        let init = self
            .sharing
            .as_ref()
            .map_or(0, |s| s.init[end.run as usize]);
        let billable = self.billable(end.held, init);
        let entry = &mut self.running[end.run as usize];
        entry.timed_out = end.timed_out;
        entry.billable = billable;
        sim.schedule(end.end(sim.now()), FaasEvent::Complete(end.run));
    }
}
