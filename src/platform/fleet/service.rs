//! A request on a fleet's worker: where it starts (a free worker of the shared pool, or of
//! the instance its balancer chose), how long it holds the worker (execution time over the
//! instance's speed, plus its backend calls), the instance memory it needs, and what its end
//! frees.
//!
//! A request refused by a service's hard quota when it starts fails at once as
//! `quota_exceeded` (its worker is free again at the same instant, [`FleetEvent::QuotaExceeded`]).
//!
//! A request's **queue wait** is the time from its arrival to taking a worker; it is recorded
//! apart from its latency (`queue_wait_mean_ms`, `queue_wait_p99_ms`).

use super::{FleetEvent, FleetModel};
use crate::engine::Sim;
use crate::engine::time::{Micros, round_non_negative};
use crate::metrics::Level;
use crate::platform::instances::{InstanceId, Phase};
use crate::workload::Request;

/// The shared queue's index in [`super::Queues`].
const SHARED: u32 = 0;

impl FleetModel {
    /// `shared_queue`: a request takes a free worker, or waits in the one FIFO queue.
    #[inline]
    pub(super) fn arrive_shared(&mut self, request: Request, sim: &mut Sim<FleetEvent>) {
        // FIFO: a request may only overtake an empty queue.
        if self.queues.is_empty(SHARED)
            && let Some(instance) = self.take_worker(request.function)
        {
            return self.start(instance, request, sim);
        }
        self.queues.push(SHARED, request, sim);
    }

    /// Per-instance balancers: the request goes to the instance the balancer picks, takes a
    /// free worker there if nothing waits before it, else waits in that instance's queue.
    #[inline]
    pub(super) fn arrive_routed(&mut self, request: Request, sim: &mut Sim<FleetEvent>) {
        let Some(instance) = self.route(&request) else {
            // No instance serving (all booting or draining): the request waits at the one
            // that will be ready first; with none booting either, nothing can serve it.
            match self.first_booting() {
                Some(instance) => {
                    self.queues.push(instance, request, sim);
                }
                None => self.queues.reject(&request, sim),
            }
            return;
        };
        if self.queues.is_empty(instance) && self.take_slot_on(instance, request.function) {
            return self.start(instance, request, sim);
        }
        self.queues.push(instance, request, sim);
    }

    /// The instance the balancer sends `request` to, among the serving ones.
    #[inline]
    fn route(&mut self, request: &Request) -> Option<InstanceId> {
        let instances = &self.instances;
        let queues = &self.queues;
        self.router.pick(&self.serving, request.key, |i| {
            instances.get(i).busy as usize + queues.len(i)
        })
    }

    /// Puts `request` on a free worker of `instance` (already taken, with its memory).
    pub(super) fn start(
        &mut self,
        instance: InstanceId,
        request: Request,
        sim: &mut Sim<FleetEvent>,
    ) {
        if self.instances.get(instance).busy == 0 {
            sim.rec.transfer(Level::Idle, Level::Busy, sim.now());
        }
        self.instances.take_slot(instance);
        sim.rec.level(Level::BusySlots, sim.now(), 1);
        self.load.busy_slots.change(sim.now(), 1);
        self.serve(instance, request, sim);
    }

    /// Runs `request` on a worker of `instance` that is already counted as busy.
    fn serve(&mut self, instance: InstanceId, request: Request, sim: &mut Sim<FleetEvent>) {
        let now = sim.now();
        let measured = sim.rec.measures(request.arrival);
        if measured && let Some(waits) = &mut sim.rec.queue_wait {
            waits.record(now - request.arrival);
        }
        let Ok(backend) = self.backend.try_call(&request, now, &mut sim.rec) else {
            // Refused by a service's quota: the worker answers the error at once.
            let (function, arrival) = (request.function, request.arrival);
            return sim.schedule(
                now,
                FleetEvent::QuotaExceeded {
                    instance,
                    function,
                    arrival,
                },
            );
        };
        let exec = round_non_negative(request.exec as f64 / self.spec.speed);
        if self.cpu.is_some() {
            return self.cpu_begin(instance, &request, exec, backend, sim);
        }
        let held = exec.saturating_add(backend);
        if measured {
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

    /// `shared_queue`: a free worker for a request of `function`: the most recently freed
    /// one, or with an instance memory the most recently freed one on an instance with room
    /// (its memory is then taken).
    fn take_worker(&mut self, function: u32) -> Option<InstanceId> {
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

    /// Per-instance balancers: takes a worker of `instance` for a request of `function` if
    /// it has one free (and the memory); true if taken.
    fn take_slot_on(&mut self, instance: InstanceId, function: u32) -> bool {
        if self.instances.get(instance).busy >= self.spec.workers_per_instance {
            return false;
        }
        if self.spec.instance_memory_mb.is_some() {
            let need = self.function_memory[function as usize];
            let free = &mut self.free_memory[instance as usize];
            if *free < need {
                return false;
            }
            *free -= need;
        }
        true
    }

    /// A request of `function` that arrived at `arrival` ended on `instance`.
    pub(super) fn complete(
        &mut self,
        instance: InstanceId,
        function: u32,
        arrival: Micros,
        sim: &mut Sim<FleetEvent>,
    ) {
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
        self.worker_done(instance, function, sim);
    }

    /// The request of `function` that arrived at `arrival` was refused by a service's quota
    /// when it started on `instance` (at now): it fails as `quota_exceeded`, the worker
    /// goes on.
    pub(super) fn quota_exceeded(
        &mut self,
        instance: InstanceId,
        function: u32,
        arrival: Micros,
        sim: &mut Sim<FleetEvent>,
    ) {
        if sim.rec.measures(arrival) {
            sim.rec.quota_exceeded(sim.now());
            sim.rec.functions.quota_exceeded(function);
        }
        self.worker_done(instance, function, sim);
    }

    /// A worker of `instance` is done with a request of `function`: it takes the next
    /// request waiting for it, or is freed.
    fn worker_done(&mut self, instance: InstanceId, function: u32, sim: &mut Sim<FleetEvent>) {
        let draining = self.instances.get(instance).phase == Phase::Draining;
        if self.shared() {
            if self.spec.instance_memory_mb.is_none() && !draining {
                // Fast path: the worker goes straight on to the next live request, still busy.
                if let Some(request) = self.queues.pop_live(SHARED, sim) {
                    return self.serve(instance, request, sim);
                }
            }
            self.free_worker(instance, function, sim);
            self.dispatch_shared(sim);
        } else {
            if self.spec.instance_memory_mb.is_none() {
                if let Some(request) = self.queues.pop_live(instance, sim) {
                    return self.serve(instance, request, sim);
                }
            }
            self.free_worker(instance, function, sim);
            self.dispatch_own(instance, sim);
        }
        if draining {
            self.stop_if_drained(instance, sim);
        }
    }

    /// Gives a worker of `instance` back, after a request of `function` (to the shared pool
    /// unless the instance is draining).
    fn free_worker(&mut self, instance: InstanceId, function: u32, sim: &mut Sim<FleetEvent>) {
        if self.spec.instance_memory_mb.is_some() {
            self.free_memory[instance as usize] += self.function_memory[function as usize];
        }
        sim.rec.level(Level::BusySlots, sim.now(), -1);
        self.load.busy_slots.change(sim.now(), -1);
        if self.instances.release_slot(instance, sim.now()) {
            sim.rec.transfer(Level::Busy, Level::Idle, sim.now());
        }
        if self.shared() && self.instances.get(instance).phase == Phase::Ready {
            self.free_workers.push(instance);
        }
    }

    /// `shared_queue`: starts waiting requests, in order, while the one at the front finds a
    /// worker; expired ones fail on the way.
    pub(super) fn dispatch_shared(&mut self, sim: &mut Sim<FleetEvent>) {
        while let Some(request) = self.queues.drop_expired_front(SHARED, sim) {
            let Some(instance) = self.take_worker(request.function) else {
                break;
            };
            self.queues.pop(SHARED, sim);
            self.start(instance, request, sim);
        }
    }

    /// Per-instance balancers: starts the requests waiting at `instance`, in order, while the
    /// one at the front finds a worker there; expired ones fail on the way.
    pub(super) fn dispatch_own(&mut self, instance: InstanceId, sim: &mut Sim<FleetEvent>) {
        while let Some(request) = self.queues.drop_expired_front(instance, sim) {
            if !self.take_slot_on(instance, request.function) {
                break;
            }
            self.queues.pop(instance, sim);
            self.start(instance, request, sim);
        }
    }
}
