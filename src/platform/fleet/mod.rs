//! Always-on fleets (PaaS containers, IaaS VMs): instances with `workers` request slots each,
//! built on the instance lifecycle every compute model shares ([`Instances`]), a load
//! balancer in front ([`Balancer`]), a queue timeout and a request timeout, billing on
//! instance lifetimes (per instance-hour, per instance-month, or per vCPU-hour and GB-hour of
//! the instance's size: see [`InstanceBilling`]).
//!
//! The model is split by concept:
//! - this file: the spec, the events and the engine's entry points (arrival, completion,
//!   window end, books);
//! - [`balancer`]: which instance a request goes to;
//! - [`queues`]: the waiting requests (one shared FIFO or one per instance), their limit and
//!   timeout;
//! - [`service`]: a request on a worker (execution time, memory, completion);
//! - `cpu`: with `vcpus`, the requests in service sharing their instance's vCPUs;
//! - [`lifetimes`]: launching, booting, draining and stopping instances, and billing their
//!   lifetimes (the API the autoscaler drives);
//! - [`load`]: the raw load integrals the autoscaler reads.
//!
//! Rules (docs/models.md, "Always-on fleets"):
//! - `shared_queue` (the default): a request takes a free worker of any serving instance if
//!   there is one, else waits in the fleet's one FIFO queue. Free workers are handed out
//!   most-recently-freed first, spread over instances at the start. Other balancers send each
//!   request to one instance on arrival, where it takes a free worker or waits in that
//!   instance's own FIFO queue ([`balancer`]).
//! - `queue_timeout`: a request that has waited longer than it when a worker could take it
//!   has failed, *timed out* (counted at the moment its wait exceeded the timeout), and is
//!   never started. With FIFO queues and one timeout, expired requests are always at the
//!   front, so they are dropped as workers free up.
//! - `request_timeout`: the load balancer's total wait (queue + service, ALB's idle timeout,
//!   nginx's `proxy_read_timeout`). A request whose response takes longer fails for the
//!   client, *timed out* at `arrival + request_timeout`, and its latency is not recorded;
//!   the server does not know: the request is served as if nothing happened, its worker busy
//!   until the work ends (and requests still waiting are started even after their client
//!   gave up, unless `queue_timeout` drops them). A response at exactly the timeout is in
//!   time.
//! - The fleet holds at most `queue_limit` waiting requests in all ([`DEFAULT_QUEUE_LIMIT`]
//!   unless the scenario says otherwise), whatever the balancer: with per-instance queues the
//!   limit is on their total, so the fleet's memory is bounded whatever the load and the
//!   number of instances. A request arriving when it is reached fails at once as *rejected*
//!   (an HTTP 503 from the load balancer); requests at the fronts that have already waited
//!   past the timeout are dropped (as timed out) before the queue is judged full.
//! - Memory is the instance's (`instance_memory`), not the function's: a request needs memory
//!   free on its instance for as long as it runs only where its function sets
//!   `server_memory` (the FaaS `memory` never limits a fleet). Queues stay strictly FIFO: a
//!   request that fits nowhere yet holds back those behind it.
//! - Execution time is the function's reference time divided by the instance's speed factor,
//!   plus its backend operations; there are no per-request cold starts. With `vcpus`, the
//!   CPU-bound part of it is shared with the other requests in service on the instance
//!   (processor sharing, `cpu`); without, a request never waits for CPU.
//! - Requests still queued or in service when the window ends are counted `unfinished`
//!   (and those queued, the backlog, `queued_at_end`), then run to their end. The fleet's
//!   **utilisation** is the work its requests brought (the time a worker serves each, those
//!   drained after the window included) over what its workers can do in the measured window
//!   (`workers` x the time its instances were ready in it): at 100% or more its backlog grows
//!   through the window (docs/models.md, "Overload"; [`crate::report::verdict`]).
//! - Billing: [`lifetimes`].

pub mod autoscale;
mod autoscaled;
pub mod balancer;
mod cpu;
pub mod lifetimes;
pub mod load;
pub mod queues;
pub mod service;

use super::baas::BackendPlan;
use super::billing::InstanceBilling;
use super::instances::{InstanceId, Instances};
use crate::engine::time::Micros;
use crate::engine::timers::{TimerTick, Timers};
use crate::engine::{EventQueue, Model, Sim};
use crate::pricing::{Attribution, CostPart};
use crate::workload::{FunctionSpec, Request};
pub use autoscale::{AutoscaleSpec, MinimumWindow, ScalingTarget};
pub use balancer::Balancer;
use balancer::Router;
pub use lifetimes::InstanceCounts;
pub use load::{FleetLoad, LevelIntegral};
use queues::Queues;

/// The cost part of a fleet's instance time metered in `unit` (`instance-hours`,
/// `instance-months`, `vCPU-hours`, `GB-hours`: its label): the `instances` column, shared
/// among functions by their slot time, priced by the compute preset.
pub fn instance_part(unit: &str) -> CostPart {
    const INSTANCES_RANK: u8 = 40;
    CostPart::new(INSTANCES_RANK, "instances", unit, Attribution::SlotTime).priced_by("compute")
}

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
    /// The request of `function` that arrived at `arrival` was refused by a service's quota
    /// as it started on a worker of `instance`.
    QuotaExceeded {
        instance: u32,
        function: u32,
        arrival: Micros,
    },
    /// A booting instance's boot timer ([`lifetimes`]; timer id = instance id).
    Booted(TimerTick),
    /// The autoscaler's evaluation is due ([`autoscaled`]).
    Autoscale,
    /// The shared CPUs' timer families (`cpu`, with `vcpus`).
    CpuStart(TimerTick),
    CpuFinish(TimerTick),
    CpuTimeout(TimerTick),
}

/// The running fleet.
pub struct FleetModel {
    spec: FleetSpec,
    backend: BackendPlan,
    /// The meters instance time is billed on: (meter index, quantity per instance-hour).
    instance_meters: Vec<(usize, f64)>,
    /// The fleet's instances: one group, `workers` request slots each.
    instances: Instances,
    /// `shared_queue`: one entry per free worker of a serving instance, naming it; the most
    /// recently freed last.
    free_workers: Vec<InstanceId>,
    /// Ready instances that take new requests (not booting, not draining), in launch order:
    /// where the per-instance balancers route.
    serving: Vec<InstanceId>,
    router: Router,
    queues: Queues,
    /// With an instance memory: free memory per instance and each function's need (MB, its
    /// `server_memory`; 0 without).
    free_memory: Vec<u32>,
    function_memory: Vec<u32>,
    /// Time workers were given to serve requests so far (µs), for the utilisation.
    served_us: u128,
    /// Boot timers of booting instances (timer id = instance id).
    boots: Timers,
    books: lifetimes::Books,
    load: FleetLoad,
    /// With `autoscale`: the fleet's autoscaler ([`autoscaled`]).
    autoscaling: Option<autoscaled::FleetAutoscaling>,
    /// With `vcpus`: the instances' shared CPUs.
    cpu: Option<cpu::FleetCpu>,
}

impl FleetModel {
    /// A fleet serving `functions`, billing its instances' time on `instance_meters`:
    /// (meter index, quantity per instance-hour), as [`InstanceBilling::meters`] lists them.
    pub fn new(
        spec: FleetSpec,
        functions: &[FunctionSpec],
        backend: BackendPlan,
        instance_meters: Vec<(usize, f64)>,
    ) -> Self {
        let mut spec = spec;
        let autoscaling = spec
            .autoscale
            .as_ref()
            .map(|a| autoscaled::FleetAutoscaling::new(a, spec.workers_per_instance, spec.vcpus));
        if let Some(a) = &autoscaling {
            spec.instances = a.initial(); // the fixed start, then the autoscaler's
        }
        Self {
            autoscaling,
            cpu: cpu::FleetCpu::new(spec.vcpus, spec.workers_per_instance, functions),
            instances: Instances::new(1, spec.workers_per_instance),
            router: Router::new(spec.balancer),
            queues: Queues::new(spec.queue_limit, spec.queue_timeout),
            // A fleet checks a request's memory only where its function sets `server_memory`.
            function_memory: functions
                .iter()
                .map(|f| f.faas.server_memory_mb.unwrap_or(0))
                .collect(),
            spec,
            backend,
            instance_meters,
            free_workers: Vec::new(),
            serving: Vec::new(),
            free_memory: Vec::new(),
            served_us: 0,
            boots: Timers::for_work(),
            books: lifetimes::Books::default(),
            load: FleetLoad::default(),
        }
    }

    /// True when requests wait in one FIFO for any free worker (`shared_queue`).
    #[inline(always)]
    fn shared(&self) -> bool {
        self.spec.balancer == Balancer::SharedQueue
    }
}

impl Model for FleetModel {
    type Event = FleetEvent;

    fn start(&mut self, sim: &mut Sim<FleetEvent>) {
        sim.rec.slots_per_instance = self.spec.workers_per_instance;
        sim.rec.queue_wait = Some(Default::default());
        self.launch_fixed(sim);
        self.autoscale_start(sim);
    }

    fn arrive(&mut self, request: Request, sim: &mut Sim<FleetEvent>) {
        self.load.arrivals += 1;
        if self.shared() {
            self.arrive_shared(request, sim)
        } else {
            self.arrive_routed(request, sim)
        }
    }

    fn handle(&mut self, event: FleetEvent, sim: &mut Sim<FleetEvent>) {
        match event {
            FleetEvent::Complete {
                instance,
                function,
                arrival,
            } => self.complete(instance, function, arrival, sim),
            FleetEvent::QuotaExceeded {
                instance,
                function,
                arrival,
            } => self.quota_exceeded(instance, function, arrival, sim),
            FleetEvent::Booted(tick) => {
                if self.boots.fire(tick, sim, FleetEvent::Booted) {
                    self.booted(tick.id, sim);
                }
            }
            FleetEvent::Autoscale => self.autoscale_evaluate(sim),
            FleetEvent::CpuStart(_) | FleetEvent::CpuFinish(_) | FleetEvent::CpuTimeout(_) => {
                self.cpu_timer(event, sim)
            }
        }
    }

    fn window_ended(&mut self, sim: &mut Sim<FleetEvent>) {
        // Requests that arrived in a warm-up are not measured, waiting or not.
        let rec = &sim.rec;
        let measured = self.queues.count_where(|r| rec.measures(r.arrival));
        sim.rec.totals.queued_at_end = measured as u64;
    }

    fn finish(&mut self, sim: &mut Sim<FleetEvent>) {
        self.close_books(sim);
    }

    fn quota_uses(&self) -> Vec<crate::platform::quota::QuotaUse> {
        self.backend.quota_uses()
    }
}

#[cfg(test)]
mod driven_tests;
