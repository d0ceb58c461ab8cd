//! Always-on fleets (PaaS containers, IaaS VMs): N instances with k workers each, one shared
//! FIFO queue, a queue timeout and a request timeout, billing on instance time (per instance-hour, per
//! instance-month, or per vCPU-hour and GB-hour of the instance's size: see
//! [`InstanceBilling`]).
//!
//! Rules (docs/models.md, "Always-on fleets"):
//! - A request takes a free worker if there is one, else waits in the queue. Free workers are
//!   handed out most-recently-freed first, spread over instances at the start.
//! - `queue_timeout`: a request that has waited longer than it when a worker could take it
//!   has failed, *timed out* (counted at the moment its wait exceeded the timeout), and is
//!   never started. With one FIFO queue and one timeout, expired requests are always at the
//!   front, so they are dropped as workers free up.
//! - `request_timeout`: the load balancer's total wait (queue + service, ALB's idle timeout,
//!   nginx's `proxy_read_timeout`). A request whose response takes longer fails for the
//!   client, *timed out* at `arrival + request_timeout`, and its latency is not recorded;
//!   the server does not know: the request is served as if nothing happened, its worker busy
//!   until the work ends (and requests still waiting are started even after their client
//!   gave up, unless `queue_timeout` drops them). A response at exactly the timeout is in
//!   time.
//! - The queue holds at most `queue_limit` waiting requests ([`DEFAULT_QUEUE_LIMIT`] unless
//!   the scenario says otherwise, with or without a timeout: a timeout bounds how long a
//!   request waits, not how many wait under a huge rate). A request arriving when the queue is
//!   full fails at once as *rejected* (an HTTP 503 from the load balancer); requests at the
//!   front that have already waited past the timeout are dropped (as timed out) before the
//!   queue is judged full. So the fleet's memory is bounded whatever the load.
//! - With `instance_memory` set, a request also needs its function's memory free on the
//!   instance for as long as it runs (trace workloads give each function its own size). The
//!   queue stays strictly FIFO: a request that fits nowhere yet holds back those behind it.
//! - Execution time is the function's reference time divided by the instance's speed factor,
//!   plus its backend operations; there are no per-request cold starts.
//! - Requests still queued or in service when the window ends are counted `unfinished`
//!   (and those queued, the backlog, `queued_at_end`), then run to their end. The fleet's
//!   **utilisation** is the work its requests brought (the time a worker serves each, those
//!   drained after the window included) over what its workers can do in the window
//!   (`instances x workers x window`, its measured part after a warm-up): at 100% or more its backlog grows through the window
//!   (docs/models.md, "Overload"; [`crate::report::verdict`]).
//! - Every instance runs for the whole window and on past it: the window holds exactly its
//!   share of their time. Granularity and minimum apply to lifetimes that end (autoscaled
//!   instances, a later addition), never to the open-ended lifetime of an always-on one.
//!
//! Autoscaling (boot lag, target tracking, min/max) extends this model: instances will get a
//! launch time and a state, and the billing below already works per instance lifetime.

pub mod autoscale;
pub mod balancer;

use std::collections::VecDeque;

use super::baas::BackendPlan;
use super::billing::InstanceBilling;
use crate::engine::time::{Micros, round_non_negative};
use crate::engine::{EventQueue, Model, Sim};
use crate::metrics::Level;
use crate::workload::Request;
pub use autoscale::{AutoscaleSpec, MinimumWindow, ScalingTarget};
pub use balancer::Balancer;

/// A fleet as configured in a deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetSpec {
    pub instances: u32,
    /// Requests one instance serves at once.
    pub workers_per_instance: u32,
    /// Execution-time divisor relative to the workload's reference platform (2.0 = twice as
    /// fast).
    pub speed: f64,
    /// How long a request may wait in the queue; `None` waits forever.
    pub queue_timeout: Option<Micros>,
    /// How long the client (load balancer) waits for the response, queue and service
    /// together; `None` waits forever.
    pub request_timeout: Option<Micros>,
    /// Memory of one instance (MB); `None` when memory does not limit concurrency.
    pub instance_memory_mb: Option<u32>,
    /// Most requests waiting in the queue; one more is rejected.
    pub queue_limit: u32,
    pub billing: InstanceBilling,
    /// vCPUs of one instance: requests in service share them; `None`: latency ignores CPU.
    pub vcpus: Option<f64>,
    /// Which instance a request goes to.
    pub balancer: Balancer,
    /// Autoscaling; `None`: `instances` is a fixed count.
    pub autoscale: Option<AutoscaleSpec>,
}

/// Queue limit of a fleet whose scenario does not set `queue_limit`: a million waiting
/// requests, 32 MB of queue (a request is 32 bytes, the queue's storage at most doubles it).
pub const DEFAULT_QUEUE_LIMIT: u32 = 1_000_000;

/// Bytes one waiting request takes in the queue (for the size estimate).
pub const BYTES_PER_QUEUED: u64 = std::mem::size_of::<Request>() as u64;

/// Bytes of model state one worker holds: its free-list entry and its pending completion,
/// doubled for the growth headroom of the vectors holding them (for the size estimate).
pub const BYTES_PER_WORKER: u64 =
    2 * (std::mem::size_of::<u32>() + EventQueue::<FleetEvent>::ENTRY_BYTES) as u64;

/// Events of the fleet model.
#[derive(Clone, Copy, Debug)]
pub enum FleetEvent {
    /// A worker of `instance` finished the request of `function` that arrived at `arrival`.
    Complete {
        instance: u32,
        function: u32,
        arrival: Micros,
    },
}

/// The running fleet.
pub struct FleetModel {
    spec: FleetSpec,
    backend: BackendPlan,
    /// The meters instance time is billed on: (meter index, quantity per instance-hour).
    instance_meters: Vec<(usize, f64)>,
    /// One entry per free worker, naming its instance.
    free_workers: Vec<u32>,
    /// Requests in service per instance.
    active: Vec<u32>,
    /// With an instance memory: free memory per instance and each function's need (MB).
    free_memory: Vec<u32>,
    function_memory: Vec<u32>,
    waiting: VecDeque<Request>,
    /// Time workers were given to serve requests so far (µs), for the utilisation.
    served_us: u128,
}

impl FleetModel {
    /// A fleet serving functions of the given memory sizes (MB), billing its instances'
    /// time on `instance_meters`: (meter index, quantity per instance-hour), as
    /// [`InstanceBilling::meters`] lists them.
    pub fn new(
        spec: FleetSpec,
        function_memory_mb: &[u32],
        backend: BackendPlan,
        instance_meters: Vec<(usize, f64)>,
    ) -> Self {
        let n = spec.instances;
        // Interleave so that consecutive requests go to different instances first.
        let free_workers = (0..spec.workers_per_instance)
            .flat_map(|_| (0..n).rev())
            .collect();
        Self {
            active: vec![0; n as usize],
            free_memory: vec![spec.instance_memory_mb.unwrap_or(0); n as usize],
            function_memory: function_memory_mb.to_vec(),
            spec,
            backend,
            instance_meters,
            free_workers,
            waiting: VecDeque::new(),
            served_us: 0,
        }
    }

    /// Puts `request` on a free worker of `instance`.
    fn start(&mut self, instance: u32, request: Request, sim: &mut Sim<FleetEvent>) {
        let active = &mut self.active[instance as usize];
        if *active == 0 {
            sim.rec.transfer(Level::Idle, Level::Busy, sim.now());
        }
        *active += 1;
        sim.rec.level(Level::BusySlots, sim.now(), 1);
        self.serve(instance, request, sim);
    }

    /// Runs `request` on a worker of `instance` that is already counted as active.
    fn serve(&mut self, instance: u32, request: Request, sim: &mut Sim<FleetEvent>) {
        let now = sim.now();
        let backend = self.backend.call(&request, now, &mut sim.rec);
        let exec = round_non_negative(request.exec as f64 / self.spec.speed);
        let held = exec.saturating_add(backend);
        if sim.rec.measures(request.arrival) {
            self.served_us += u128::from(held);
            sim.rec.functions.served_for(request.function, held);
        }
        sim.schedule(
            now.saturating_add(held),
            FleetEvent::Complete {
                instance,
                function: request.function,
                arrival: request.arrival,
            },
        );
    }

    /// A free worker for a request of `function`: the most recently freed one, or with an
    /// instance memory the most recently freed one on an instance with room (its memory is
    /// then taken).
    fn take_worker(&mut self, function: u32) -> Option<u32> {
        if self.spec.instance_memory_mb.is_none() {
            return self.free_workers.pop();
        }
        let need = self.function_memory[function as usize];
        let free_memory = &self.free_memory;
        let at = self
            .free_workers
            .iter()
            .rposition(|&i| free_memory[i as usize] >= need)?;
        let instance = self.free_workers.remove(at);
        self.free_memory[instance as usize] -= need;
        Some(instance)
    }

    /// Gives a worker of `instance` back, after a request of `function`.
    fn free_worker(&mut self, instance: u32, function: u32, sim: &mut Sim<FleetEvent>) {
        if self.spec.instance_memory_mb.is_some() {
            self.free_memory[instance as usize] += self.function_memory[function as usize];
        }
        let active = &mut self.active[instance as usize];
        *active -= 1;
        sim.rec.level(Level::BusySlots, sim.now(), -1);
        if *active == 0 {
            sim.rec.transfer(Level::Busy, Level::Idle, sim.now());
        }
        self.free_workers.push(instance);
    }

    /// True when `request` has waited longer than the queue timeout (and so has failed).
    fn expired(&self, request: &Request, now: Micros) -> bool {
        self.spec
            .queue_timeout
            .is_some_and(|timeout| now - request.arrival > timeout)
    }

    /// Counts `request` as timed out, at the moment its wait exceeded the timeout.
    fn count_timed_out(&self, request: &Request, sim: &mut Sim<FleetEvent>) {
        if sim.rec.measures(request.arrival) {
            sim.rec
                .timed_out(request.arrival + self.spec.queue_timeout.unwrap_or(0));
            sim.rec.functions.timed_out(request.function);
        }
    }

    /// Drops the requests at the front of the queue that have waited past the timeout
    /// (counting them as timed out); true if any was dropped. Only called when the queue is
    /// full, so the common path never looks.
    #[cold]
    fn drop_expired(&mut self, sim: &mut Sim<FleetEvent>) -> bool {
        let mut dropped = false;
        while let Some(request) = self.waiting.front() {
            if !self.expired(request, sim.now()) {
                break;
            }
            self.count_timed_out(request, sim);
            self.waiting.pop_front();
            dropped = true;
        }
        dropped
    }

    /// Starts waiting requests, in order, while the one at the front finds a worker;
    /// expired ones fail on the way.
    fn dispatch_waiting(&mut self, sim: &mut Sim<FleetEvent>) {
        while let Some(&request) = self.waiting.front() {
            if self.expired(&request, sim.now()) {
                self.waiting.pop_front();
                self.count_timed_out(&request, sim);
                continue;
            }
            let Some(instance) = self.take_worker(request.function) else {
                break;
            };
            self.waiting.pop_front();
            self.start(instance, request, sim);
        }
    }
}

impl Model for FleetModel {
    type Event = FleetEvent;

    fn start(&mut self, sim: &mut Sim<FleetEvent>) {
        sim.rec.level(Level::Idle, 0, self.spec.instances as i64);
        sim.rec.slots_per_instance = self.spec.workers_per_instance;
    }

    fn arrive(&mut self, request: Request, sim: &mut Sim<FleetEvent>) {
        // FIFO: a request may only overtake an empty queue.
        if self.waiting.is_empty()
            && let Some(instance) = self.take_worker(request.function)
        {
            return self.start(instance, request, sim);
        }
        if self.waiting.len() >= self.spec.queue_limit as usize && !self.drop_expired(sim) {
            if sim.rec.measures(request.arrival) {
                sim.rec.rejected(sim.now());
                sim.rec.functions.rejected(request.function);
            }
            return;
        }
        self.waiting.push_back(request);
    }

    fn handle(&mut self, event: FleetEvent, sim: &mut Sim<FleetEvent>) {
        let FleetEvent::Complete {
            instance,
            function,
            arrival,
        } = event;
        let now = sim.now();
        match self.spec.request_timeout {
            // The client gave up at its deadline; the work has just ended all the same.
            Some(limit) if now - arrival > limit => {
                if sim.rec.measures(arrival) {
                    sim.rec.timed_out(arrival + limit);
                    sim.rec.functions.timed_out(function);
                }
            }
            _ => {
                sim.rec.completed(now, function, now - arrival);
            }
        }
        if self.spec.instance_memory_mb.is_none() {
            // Fast path: the worker goes straight on to the next live request, still active.
            while let Some(request) = self.waiting.pop_front() {
                if !self.expired(&request, now) {
                    return self.serve(instance, request, sim);
                }
                self.count_timed_out(&request, sim);
            }
        }
        self.free_worker(instance, function, sim);
        self.dispatch_waiting(sim);
    }

    fn window_ended(&mut self, sim: &mut Sim<FleetEvent>) {
        // Requests that arrived in a warm-up are not measured, waiting or not.
        let rec = &sim.rec;
        let measured = self
            .waiting
            .iter()
            .filter(|r| rec.measures(r.arrival))
            .count();
        sim.rec.totals.queued_at_end = measured as u64;
    }

    fn finish(&mut self, sim: &mut Sim<FleetEvent>) {
        // Always-on instances are still running when the window ends: their billing period
        // has not closed, so the window holds exactly its own share of their time. Rounding
        // and the minimum apply when an instance terminates (see `InstanceBilling`), which
        // for these lies beyond the window; applying them here would bill a short window's
        // minimum as if it recurred all month.
        let window = sim.window();
        let slots = u128::from(self.spec.instances) * u128::from(self.spec.workers_per_instance);
        // Measured requests' work over the measured part of the window (after any warm-up).
        let measured = window.saturating_sub(sim.rec.measure_from());
        let capacity_us = slots * u128::from(measured);
        sim.rec.utilisation = (capacity_us > 0).then(|| self.served_us as f64 / capacity_us as f64);
        let hours = window as f64 / 3.6e9 * self.spec.instances as f64;
        for &(meter, per_hour) in &self.instance_meters {
            sim.rec.usage_spread(meter, 0, window, hours * per_hour);
        }
    }
}
