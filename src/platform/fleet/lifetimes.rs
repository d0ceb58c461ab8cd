//! A fleet's instances from launch to stop, and the bill of their lifetimes: the API the
//! autoscaler drives ([`FleetModel::launch`], [`FleetModel::drain`], [`FleetModel::counts`],
//! [`FleetModel::load`]).
//!
//! Lifecycle ([`crate::platform::instances`]):
//! - A fixed fleet (`instances = N`) launches its N instances at time 0, ready at once.
//! - [`FleetModel::launch`] starts an instance that boots for `boot` (its own timer), takes no
//!   request while booting, then serves. Launches with a boot count as `instance_starts`.
//! - [`FleetModel::drain`] stops an instance from taking new requests; it finishes those in
//!   service and those already queued at it (per-instance balancers), then stops. A booting
//!   instance drained stops at once; requests queued at it go to the balancer again.
//!
//! Billing (docs/models.md, "Fleet billing"): an instance that stops inside the window bills
//! its lifetime, launch to stop, rounded up to the billing's `granularity` and at least its
//! `minimum` ([`InstanceBilling::billed_lifetime`]), spread over the lifetime. An instance
//! still running when the window ends (or stopping after it) has no closed billing period:
//! the window holds exactly its share of that instance's time, from its launch to the
//! window's end, with no rounding or minimum (applying them there would bill a short window's
//! minimum as if it recurred all month).
//!
//! [`InstanceBilling::billed_lifetime`]: crate::platform::billing::InstanceBilling::billed_lifetime

use super::{FleetEvent, FleetLoad, FleetModel};
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::metrics::Level;
use crate::platform::instances::{Instance, InstanceId, Phase};

/// How many instances a fleet has in each part of their life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InstanceCounts {
    /// Launched and not stopped (booting, serving or draining).
    pub running: u32,
    pub booting: u32,
    /// Ready and taking new requests.
    pub serving: u32,
    pub draining: u32,
}

/// What the books need beyond the instances themselves.
#[derive(Clone, Debug, Default)]
pub(super) struct Books {
    /// Launch times of instances that stopped after the window's end: billed their share of
    /// the window like those still running.
    late: Vec<Micros>,
    /// Ready time inside the measured window of instances already stopped (µs).
    ready_us: u128,
    counts: InstanceCounts,
}

impl FleetModel {
    /// Launches an instance at `now` that serves after `boot` (at once for 0); returns its id.
    pub fn launch(&mut self, now: Micros, boot: Micros, sim: &mut Sim<FleetEvent>) -> InstanceId {
        let ready_at = now.saturating_add(boot);
        let id = self.open(now, ready_at);
        if sim.rec.measures(now) {
            sim.rec.totals.instance_starts += 1;
        }
        if ready_at <= now {
            sim.rec.level(Level::Idle, now, 1);
            self.enter_service(id, sim);
        } else {
            self.books.counts.booting += 1;
            sim.rec.level(Level::Starting, now, 1);
            self.boots.set(id, ready_at, sim, FleetEvent::Booted);
        }
        id
    }

    /// Instance `id` takes no new request: it stops once it has finished the requests in
    /// service and those queued at it. Nothing happens to one already draining or stopped.
    pub fn drain(&mut self, id: InstanceId, sim: &mut Sim<FleetEvent>) {
        match self.instances.get(id).phase {
            Phase::Booting => {
                self.boots.cancel(id);
                self.books.counts.booting -= 1;
                sim.rec.level(Level::Starting, sim.now(), -1);
                self.instances.drain(id);
                self.stop(id, sim);
                // Requests that waited for it go to the balancer again.
                while let Some(request) = self.queues.pop(id, sim) {
                    self.arrive_routed(request, sim);
                }
            }
            Phase::Ready => {
                if let Some(at) = self.serving.iter().position(|&i| i == id) {
                    self.serving.remove(at);
                    self.books.counts.serving -= 1;
                }
                self.free_workers.retain(|&i| i != id);
                self.instances.drain(id);
                self.books.counts.draining += 1;
                self.stop_if_drained(id, sim);
            }
            Phase::Draining | Phase::Stopped => {}
        }
    }

    /// How many instances are booting, serving, draining.
    pub fn counts(&self) -> InstanceCounts {
        self.books.counts
    }

    /// The load integrals the autoscaler reads.
    pub fn load(&self) -> &FleetLoad {
        &self.load
    }

    /// The instances taking new requests, in launch order.
    pub fn serving_instances(&self) -> &[InstanceId] {
        &self.serving
    }

    /// Instance `id` (its phase, requests in service, launch and ready times).
    pub fn instance(&self, id: InstanceId) -> &Instance {
        self.instances.get(id)
    }

    /// The fixed fleet: `instances` instances launched at 0, ready, their free workers
    /// interleaved so that consecutive requests go to different instances first.
    pub(super) fn launch_fixed(&mut self, sim: &mut Sim<FleetEvent>) {
        let ids: Vec<InstanceId> = (0..self.spec.instances).map(|_| self.open(0, 0)).collect();
        for &id in &ids {
            sim.rec.level(Level::Idle, 0, 1);
            self.serving.push(id);
            self.books.counts.serving += 1;
        }
        if self.shared() {
            self.free_workers = (0..self.spec.workers_per_instance)
                .flat_map(|_| ids.iter().rev().copied())
                .collect();
        }
    }

    /// A new instance, launched at `now`, ready at `ready_at`.
    fn open(&mut self, now: Micros, ready_at: Micros) -> InstanceId {
        let id = self.instances.launch(0, now, ready_at, false);
        let memory = self.spec.instance_memory_mb.unwrap_or(0);
        if id as usize >= self.free_memory.len() {
            self.free_memory.resize(id as usize + 1, memory);
        }
        self.free_memory[id as usize] = memory;
        self.books.counts.running += 1;
        id
    }

    /// Booting instance `id` is ready.
    pub(super) fn booted(&mut self, id: InstanceId, sim: &mut Sim<FleetEvent>) {
        self.instances.mark_ready(id);
        self.books.counts.booting -= 1;
        sim.rec.transfer(Level::Starting, Level::Idle, sim.now());
        self.enter_service(id, sim);
    }

    /// Ready instance `id` starts taking requests: its workers join the shared pool, or it
    /// joins the balancer's instances and starts on the requests queued at it.
    fn enter_service(&mut self, id: InstanceId, sim: &mut Sim<FleetEvent>) {
        self.serving.push(id);
        self.books.counts.serving += 1;
        if self.shared() {
            let free = self.spec.workers_per_instance - self.instances.get(id).busy;
            self.free_workers
                .extend(std::iter::repeat_n(id, free as usize));
            self.dispatch_shared(sim);
        } else {
            self.dispatch_own(id, sim);
        }
    }

    /// Stops draining instance `id` if it has nothing left to do.
    pub(super) fn stop_if_drained(&mut self, id: InstanceId, sim: &mut Sim<FleetEvent>) {
        let queued = !self.shared() && !self.queues.is_empty(id);
        if self.instances.get(id).busy > 0 || queued {
            return;
        }
        self.books.counts.draining -= 1;
        sim.rec.level(Level::Idle, sim.now(), -1);
        self.stop(id, sim);
    }

    /// Stops instance `id` (idle) at now and bills its lifetime.
    fn stop(&mut self, id: InstanceId, sim: &mut Sim<FleetEvent>) {
        let Instance {
            launched_at,
            ready_at,
            ..
        } = *self.instances.get(id);
        self.instances.stop(id);
        self.books.counts.running -= 1;
        let now = sim.now();
        let (from, to) = (sim.rec.measure_from(), sim.window());
        if now > to {
            self.books.late.push(launched_at);
        } else {
            let hours = self.spec.billing.billed_lifetime(now - launched_at) as f64 / 3.6e9;
            for &(meter, per_hour) in &self.instance_meters {
                sim.rec
                    .usage_spread(meter, launched_at, now, hours * per_hour);
            }
        }
        self.books.ready_us += u128::from(now.min(to).saturating_sub(ready_at.max(from)));
    }

    /// At the end of the run: bills the window's share of every instance still running (or
    /// stopped after the window), and sets the utilisation.
    pub(super) fn close_books(&mut self, sim: &mut Sim<FleetEvent>) {
        let window = sim.window();
        let from = sim.rec.measure_from();
        let mut open: Vec<Micros> = std::mem::take(&mut self.books.late);
        let mut ready_us = self.books.ready_us;
        for id in self.instances.ids() {
            let inst = self.instances.get(id);
            if inst.phase == Phase::Stopped {
                continue;
            }
            open.push(inst.launched_at);
            ready_us += u128::from(window.saturating_sub(inst.ready_at.max(from)));
        }
        // Measured requests' work over the measured part of the window (after any warm-up).
        let capacity_us = u128::from(self.spec.workers_per_instance) * ready_us;
        sim.rec.utilisation = (capacity_us > 0).then(|| self.served_us as f64 / capacity_us as f64);
        // One spread per launch time (a fixed fleet: one for all its instances).
        open.sort_unstable();
        for group in open.chunk_by(|a, b| a == b) {
            let launched = group[0];
            if launched >= window {
                continue;
            }
            let hours = (window - launched) as f64 / 3.6e9 * group.len() as f64;
            for &(meter, per_hour) in &self.instance_meters {
                sim.rec
                    .usage_spread(meter, launched, window, hours * per_hour);
            }
        }
    }

    /// The booting instance that launched first, if any.
    pub(super) fn first_booting(&self) -> Option<InstanceId> {
        self.instances
            .ids()
            .filter(|&i| self.instances.get(i).phase == Phase::Booting)
            .min_by_key(|&i| self.instances.get(i).ready_at)
    }
}
