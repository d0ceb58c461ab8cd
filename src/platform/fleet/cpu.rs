//! Fleet glue to the platform's CPU sharing ([`InstanceCpus`], which owns the rules): with
//! `vcpus = V`, the requests in service on an instance share its V vCPUs.
//!
//! What the fleet adds:
//! - A request's execution time on the instance is its reference time over `speed` (a vCPU
//!   `speed` times as fast); its function's `cpu_bound` share of that (all of it by default)
//!   is CPU work, measured on one full vCPU; the rest and every backend call are the wait that
//!   follows, using no CPU.
//! - While `k` requests of an instance compute, each progresses at its share of the V vCPUs
//!   (processor sharing, at most its function's `max_vcpus`, 1 by default: a request is one
//!   thread). `workers` stays the cap on requests in service (a thread pool).
//! - The server knows no timeout (`request_timeout` is the client's): a run is never cut.
//! - The vCPUs in use on an instance are min(V, the sum of its computing requests'
//!   `max_vcpus`), integrated for the autoscaler ([`super::FleetLoad::busy_millivcpus`]).
//!
//! Without `vcpus` none of this exists and the fleet is exactly the plain model.

use super::{FleetEvent, FleetModel};
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::engine::timers::TimerTick;
use crate::platform::cpu::{CpuEvents, InstanceCpus, RunEnd, RunId, RunSpec, cpu_work};
use crate::platform::instances::InstanceId;
use crate::workload::{FunctionSpec, Request};

impl CpuEvents for FleetEvent {
    fn cpu_start(tick: TimerTick) -> Self {
        FleetEvent::CpuStart(tick)
    }
    fn cpu_finish(tick: TimerTick) -> Self {
        FleetEvent::CpuFinish(tick)
    }
    fn cpu_timeout(tick: TimerTick) -> Self {
        FleetEvent::CpuTimeout(tick)
    }
}

/// A request computing or waiting on a shared CPU.
#[derive(Clone, Copy, Debug)]
struct InFlight {
    function: u32,
    arrival: Micros,
}

/// A fleet's shared CPUs and its requests on them.
#[derive(Clone, Debug)]
pub(super) struct FleetCpu {
    cpus: InstanceCpus,
    /// Per function: CPU-bound fraction of its execution, and most vCPUs a request uses.
    cpu_bound: Vec<f64>,
    max_vcpus: Vec<f64>,
    /// Per run id, and the ids free for reuse.
    runs: Vec<InFlight>,
    free_runs: Vec<RunId>,
    /// Per instance: the sum of its computing requests' `max_vcpus`.
    demand: Vec<f64>,
}

impl FleetCpu {
    /// Shared CPUs of `vcpus` per instance of `workers` workers, or `None` without `vcpus`.
    pub(super) fn new(
        vcpus: Option<f64>,
        workers: u32,
        functions: &[FunctionSpec],
    ) -> Option<Self> {
        Some(Self {
            cpus: InstanceCpus::new(vcpus?, workers),
            cpu_bound: functions
                .iter()
                .map(|f| f.faas.cpu_bound.unwrap_or(1.0))
                .collect(),
            max_vcpus: functions
                .iter()
                .map(|f| f.faas.max_vcpus.unwrap_or(1.0))
                .collect(),
            runs: Vec::new(),
            free_runs: Vec::new(),
            demand: Vec::new(),
        })
    }

    /// vCPUs in use on instance `i` (milli-vCPUs, rounded).
    fn in_use_milli(&self, i: InstanceId) -> i64 {
        let d = self.demand.get(i as usize).copied().unwrap_or(0.0);
        (d.min(self.cpus.vcpus()) * 1e3).round() as i64
    }
}

impl FleetModel {
    /// `request` starts on a worker of `instance` now, with execution `exec` (over the speed)
    /// and `backend` of waits: its CPU-bound part computes on the shared CPU.
    pub(super) fn cpu_begin(
        &mut self,
        instance: InstanceId,
        request: &Request,
        exec: Micros,
        backend: Micros,
        sim: &mut Sim<FleetEvent>,
    ) {
        let Some(c) = &mut self.cpu else { return };
        let f = request.function as usize;
        let work = cpu_work(exec, c.cpu_bound[f], 1.0);
        let entry = InFlight {
            function: request.function,
            arrival: request.arrival,
        };
        let run = match c.free_runs.pop() {
            Some(r) => {
                c.runs[r as usize] = entry;
                r
            }
            None => {
                c.runs.push(entry);
                (c.runs.len() - 1) as RunId
            }
        };
        if c.demand.len() <= instance as usize {
            c.demand.resize(instance as usize + 1, 0.0);
        }
        let before = c.in_use_milli(instance);
        c.demand[instance as usize] += c.max_vcpus[f];
        let after = c.in_use_milli(instance);
        self.load.busy_millivcpus.change(sim.now(), after - before);
        let spec = RunSpec {
            instance,
            start: sim.now(),
            work,
            wait: (exec - work).saturating_add(backend),
            max_vcpus: c.max_vcpus[f],
            timeout: None,
        };
        c.cpus.begin(run, spec, sim);
    }

    /// One of the CPU families' timers popped: requests whose CPU part ended move on to their
    /// wait, then complete.
    pub(super) fn cpu_timer(&mut self, event: FleetEvent, sim: &mut Sim<FleetEvent>) {
        let Some(c) = &mut self.cpu else { return };
        let ended = match event {
            FleetEvent::CpuStart(tick) => {
                c.cpus.on_start(tick, sim);
                false
            }
            FleetEvent::CpuFinish(tick) => c.cpus.on_finish(tick, sim),
            FleetEvent::CpuTimeout(tick) => c.cpus.on_timeout(tick, sim),
            _ => false,
        };
        if !ended {
            return;
        }
        while let Some(end) = self.cpu.as_mut().and_then(|c| c.cpus.pop_ended(sim)) {
            self.cpu_ended(end, sim);
        }
    }

    /// Run `end.run` finished computing: frees its CPU share and schedules its completion.
    fn cpu_ended(&mut self, end: RunEnd, sim: &mut Sim<FleetEvent>) {
        let Some(c) = &mut self.cpu else { return };
        let InFlight { function, arrival } = c.runs[end.run as usize];
        c.free_runs.push(end.run);
        let i = end.instance;
        let before = c.in_use_milli(i);
        let demand = &mut c.demand[i as usize];
        *demand -= c.max_vcpus[function as usize];
        if *demand < 1e-9 {
            *demand = 0.0; // no drift from float sums once the instance stops computing
        }
        let after = c.in_use_milli(i);
        self.load.busy_millivcpus.change(sim.now(), after - before);
        if sim.rec.measures(arrival) {
            self.served_us += u128::from(end.held);
            sim.rec.functions.served_for(function, end.held);
        }
        sim.schedule(
            end.end(sim.now()),
            FleetEvent::Complete {
                instance: i,
                function,
                arrival,
            },
        );
    }
}
