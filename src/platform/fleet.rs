//! Always-on fleets (PaaS containers, IaaS VMs): N instances with k workers each, one shared
//! FIFO queue, a request timeout, billing per instance-hour.
//!
//! Rules (modeling.md, "Always-on fleets"):
//! - A request takes a free worker if there is one, else waits in the queue. Free workers are
//!   handed out most-recently-freed first, spread over instances at the start.
//! - A request that has waited longer than the timeout when a worker could take it has failed
//!   (counted at the moment its wait exceeded the timeout). With one FIFO queue and one
//!   timeout, expired requests are always at the front, so they are dropped as workers free up.
//! - Execution time is the function's reference time divided by the instance's speed factor,
//!   plus its backend operations; there are no per-request cold starts.
//! - Every instance runs for the whole window and on past it: the window holds exactly its
//!   share of their time. Granularity and minimum apply to lifetimes that end (autoscaled
//!   instances, a later addition), never to the open-ended lifetime of an always-on one.
//!
//! Autoscaling (boot lag, target tracking, min/max) extends this model: instances will get a
//! launch time and a state, and the billing below already works per instance lifetime.

use std::collections::VecDeque;

use super::baas::BackendPlan;
use super::billing::InstanceBilling;
use crate::engine::time::{Micros, round_non_negative};
use crate::engine::{Model, Sim};
use crate::metrics::Level;
use crate::workload::Request;

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
    pub timeout: Option<Micros>,
    pub billing: InstanceBilling,
}

/// Events of the fleet model.
#[derive(Clone, Copy, Debug)]
pub enum FleetEvent {
    /// A worker of `instance` finished the request that arrived at `arrival`.
    Complete { instance: u32, arrival: Micros },
}

/// The running fleet.
pub struct FleetModel {
    spec: FleetSpec,
    backend: BackendPlan,
    instance_meter: usize,
    /// One entry per free worker, naming its instance.
    free_workers: Vec<u32>,
    /// Requests in service per instance.
    active: Vec<u32>,
    waiting: VecDeque<Request>,
    peak_waiting: usize,
}

impl FleetModel {
    /// A fleet billing its instances on meter `instance_meter`.
    pub fn new(spec: FleetSpec, backend: BackendPlan, instance_meter: usize) -> Self {
        let n = spec.instances;
        // Interleave so that consecutive requests go to different instances first.
        let free_workers = (0..spec.workers_per_instance)
            .flat_map(|_| (0..n).rev())
            .collect();
        Self {
            active: vec![0; n as usize],
            spec,
            backend,
            instance_meter,
            free_workers,
            waiting: VecDeque::new(),
            peak_waiting: 0,
        }
    }

    /// The longest the queue got.
    pub fn peak_waiting(&self) -> usize {
        self.peak_waiting
    }

    /// Puts `request` on a free worker of `instance`.
    fn start(&mut self, instance: u32, request: Request, sim: &mut Sim<FleetEvent>) {
        let active = &mut self.active[instance as usize];
        if *active == 0 {
            sim.rec.level(Level::Idle, sim.now(), -1);
            sim.rec.level(Level::Busy, sim.now(), 1);
        }
        *active += 1;
        self.serve(instance, request, sim);
    }

    /// Runs `request` on a worker of `instance` that is already counted as active.
    fn serve(&mut self, instance: u32, request: Request, sim: &mut Sim<FleetEvent>) {
        let now = sim.now();
        let backend = self.backend.call(&request, now, &mut sim.rec);
        let exec = round_non_negative(request.exec as f64 / self.spec.speed);
        sim.schedule(
            now + exec + backend,
            FleetEvent::Complete {
                instance,
                arrival: request.arrival,
            },
        );
    }

    /// The next waiting request that has not timed out; expired ones fail on the way.
    fn next_waiting(&mut self, sim: &mut Sim<FleetEvent>) -> Option<Request> {
        while let Some(request) = self.waiting.pop_front() {
            match self.spec.timeout {
                Some(timeout) if sim.now() - request.arrival > timeout => {
                    sim.rec.timed_out(request.arrival + timeout);
                }
                _ => return Some(request),
            }
        }
        None
    }
}

impl Model for FleetModel {
    type Event = FleetEvent;

    fn start(&mut self, sim: &mut Sim<FleetEvent>) {
        sim.rec.level(Level::Idle, 0, self.spec.instances as i64);
    }

    fn arrive(&mut self, request: Request, sim: &mut Sim<FleetEvent>) {
        match self.free_workers.pop() {
            Some(instance) => self.start(instance, request, sim),
            None => {
                self.waiting.push_back(request);
                self.peak_waiting = self.peak_waiting.max(self.waiting.len());
            }
        }
    }

    fn handle(&mut self, event: FleetEvent, sim: &mut Sim<FleetEvent>) {
        let FleetEvent::Complete { instance, arrival } = event;
        let now = sim.now();
        sim.rec.completed(now, now - arrival);
        match self.next_waiting(sim) {
            // The worker goes straight on to the next request: still active, no idle gap.
            Some(request) => self.serve(instance, request, sim),
            None => {
                let active = &mut self.active[instance as usize];
                *active -= 1;
                if *active == 0 {
                    sim.rec.level(Level::Busy, now, -1);
                    sim.rec.level(Level::Idle, now, 1);
                }
                self.free_workers.push(instance);
            }
        }
    }

    fn finish(&mut self, sim: &mut Sim<FleetEvent>) {
        // Always-on instances are still running when the window ends: their billing period
        // has not closed, so the window holds exactly its own share of their time. Rounding
        // and the minimum apply when an instance terminates (see `InstanceBilling`), which
        // for these lies beyond the window; applying them here would bill a short window's
        // minimum as if it recurred all month.
        let window = sim.window();
        let hours = window as f64 / 3.6e9 * self.spec.instances as f64;
        sim.rec.usage_spread(self.instance_meter, 0, window, hours);
    }
}
