//! The per-call path of the FaaS model: an attempt's admission and placement on an instance
//! ([`FaasModel::try_start`]: limits, scale-up gate, warm slot, booting slot or cold start),
//! its start ([`FaasModel::begin`]: execution time, timeout, what it bills), and its end
//! ([`FaasModel::complete`]: usage recorded, slot freed). The rules are the module doc's
//! ([`super`]); the table of calls in flight is [`Running`], reused through a free list.

use super::{FaasEvent, FaasModel, invocation};
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::metrics::Level;
use crate::platform::instances::{InstanceId, NIL, WarmBalancer};
use crate::rng::{Draw, KeyedUniforms};
use crate::workload::Request;

/// A call in flight: what its end needs, in 32 bytes (meters only some deployments bill
/// are kept aside, in [`super::cpu_meters`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct Running {
    pub(super) arrival: Micros,
    /// The duration its GB-s bill on, before rounding ([`FaasModel::billable`]).
    pub(super) billable: Micros,
    pub(super) instance: InstanceId,
    pub(super) function: u32,
    /// The asynchronous event a timed-out call retries ([`invocation::NO_EVENT`] if none).
    pub(super) event: u32,
    pub(super) timed_out: bool,
    /// Whether it runs on an always-warm instance: with provisioned concurrency its GB-s
    /// then bill on the provisioned-compute meter ([`FaasModel::gb_meters`]).
    pub(super) always_warm: bool,
}

impl FaasModel {
    /// An attempt of `request` (first, or a retry of asynchronous event `event`) at now.
    pub(super) fn try_start(&mut self, request: Request, event: u32, sim: &mut Sim<FaasEvent>) {
        let now = sim.now();
        let function = request.function;
        let state = &self.functions[function as usize];
        let pool = state.pool;
        if self.limits.at_limit(&state.limit) {
            return self.refuse(&request, event, invocation::Refusal::Concurrency, sim);
        }
        if !self.quotas_allow(function, now) {
            return self.refuse(&request, event, invocation::Refusal::Quota, sim);
        }
        if self.scale_up_refused(pool, now) {
            return self.refuse(&request, event, invocation::Refusal::ScaleUp, sim);
        }
        self.take_quotas(function, now);
        self.limits
            .start(&mut self.functions[function as usize].limit);
        let measured = sim.rec.measures(request.arrival);
        if measured {
            sim.rec.functions.slot_taken(function, now);
        }
        self.keep_alive.started(pool, now);
        self.prewarm.cancel(pool);
        let draws = self.idle_instance.is_random()
            || self.balancer.as_ref().is_some_and(WarmBalancer::uses_draw);
        let unit = if draws {
            KeyedUniforms::new(request.key, Draw::IdleChoice).next_unit()
        } else {
            0.5
        };
        let warm = match &mut self.balancer {
            None => self.instances.choose_warm(pool, self.idle_instance, unit),
            Some(b) => b.pick(&self.instances, pool, unit),
        };
        let (i, start, init) = match warm {
            Some(i) => {
                if self.instances.get(i).busy == 0 {
                    self.end_idle(i, sim);
                    self.expiry.cancel(i);
                    sim.rec.transfer(Level::Idle, Level::Busy, now);
                }
                self.instances.take_slot(i);
                if measured {
                    sim.rec.apps.record(self.pools[pool as usize].app, false);
                }
                (i, now, 0)
            }
            None => self.place_cold(pool, &request, sim),
        };
        // One call site, so that `begin` is inlined here.
        self.begin(i, &request, start, init, event, sim);
    }

    /// Places `request`, which found no warm slot in `pool`, on a slot of an instance still
    /// booting, else on a new instance (a cold start): the instance, when the call starts,
    /// and the boot time it waited (its init).
    fn place_cold(
        &mut self,
        pool: u32,
        request: &Request,
        sim: &mut Sim<FaasEvent>,
    ) -> (InstanceId, Micros, Micros) {
        let now = sim.now();
        if sim.rec.measures(request.arrival) {
            sim.rec.cold_start(now);
            sim.rec.functions.cold_start(request.function);
            sim.rec.apps.record(self.pools[pool as usize].app, true);
        }
        if let Some(i) = self.instances.booting_with_room(pool) {
            self.instances.take_slot(i);
            let ready_at = self.instances.get(i).ready_at;
            return (i, ready_at, ready_at - now);
        }
        let init = self.plans[request.function as usize]
            .cold_start
            .sample(KeyedUniforms::new(request.key, Draw::ColdStart).next_unit());
        let ready_at = now.saturating_add(init);
        let i = self.instances.launch(pool, now, ready_at, false);
        sim.rec.totals.instance_starts += 1;
        sim.rec.functions.instance_start(request.function);
        self.instances.take_slot(i);
        if ready_at > now {
            sim.rec.level(Level::Starting, now, 1);
            sim.schedule(ready_at, FaasEvent::Ready(i));
        } else {
            sim.rec.level(Level::Busy, now, 1);
        }
        (i, ready_at, init)
    }

    /// Starts `request` on a slot of instance `i` at `start` (after `init` of cold start, which
    /// is billed where the provider bills it); `event` is its asynchronous event, if any.
    #[inline]
    fn begin(
        &mut self,
        i: InstanceId,
        request: &Request,
        start: Micros,
        init: Micros,
        event: u32,
        sim: &mut Sim<FaasEvent>,
    ) {
        let backend = if self.calls_backend {
            self.backend.call(request, start, &mut sim.rec)
        } else {
            0
        };
        let state = &self.functions[request.function as usize];
        let plan = &state.run;
        let held = plan.exec(request.exec).saturating_add(backend);
        let timed_out = held > plan.time_limit;
        if let Some(a) = &mut self.autoscaling {
            a.call_started(state.pool, plan.cpu_time(request.exec), held);
        }
        let held = held.min(plan.time_limit);
        // On a shared CPU a call may still time out later: keep its event until it ends.
        let event = if timed_out || self.sharing.is_some() {
            self.keep_for_retry(request, event)
        } else {
            self.async_events.release(event);
            invocation::NO_EVENT
        };
        self.meter_slot_taken(i, sim.now());
        let inst = self.instances.get(i);
        let pool = inst.group as usize;
        let run = Running {
            instance: i,
            function: request.function,
            arrival: request.arrival,
            billable: self.billable(held, init),
            timed_out,
            always_warm: inst.always_warm,
            event,
        };
        let r = self.free_running;
        if let Some(slot) = self.running.get_mut(r as usize) {
            self.free_running = slot.instance;
            *slot = run;
        } else {
            self.running.push(run);
            // The free list was empty (NIL), so the new entry is the last one.
            debug_assert_eq!(r, NIL);
        }
        let r = if r == NIL {
            (self.running.len() - 1) as u32
        } else {
            r
        };
        if self.cpu_meters.is_some() {
            self.bill_cpu_meters(r, request, pool, held, init);
        }
        if self.sharing.is_some() {
            let (f, exec) = (request.function, request.exec);
            return self.share_begin(r, i, f, exec, backend, start, init, sim);
        }
        sim.schedule(start.saturating_add(held), FaasEvent::Complete(r));
    }

    /// Books what running call `r` (`request`, on a `pool` instance, holding its slot `held`
    /// after `init` of boot) bills on the CPU meters: GHz-s on its billed duration, and its
    /// CPU time, which a timeout cuts at the deadline (a call computes first, then waits).
    fn bill_cpu_meters(
        &mut self,
        r: u32,
        request: &Request,
        pool: usize,
        held: Micros,
        init: Micros,
    ) {
        let Some(meters) = &self.cpu_meters else {
            return;
        };
        let ghz_s = if meters.bills_ghz_seconds() {
            self.billed_seconds(self.billable(held, init)) * self.pools[pool].ghz
        } else {
            0.0
        };
        let cpu_time = if meters.bills_cpu_ms() {
            self.functions[request.function as usize]
                .run
                .cpu_time(request.exec)
                .min(held)
        } else {
            0
        };
        if let Some(meters) = &mut self.cpu_meters {
            meters.started(r, ghz_s, cpu_time);
        }
    }

    /// Running call `r` ended at now: records its usage, frees its entry and its slot, and
    /// hands the instance to the keep-alive policy if that was its last busy slot.
    #[inline]
    pub(super) fn complete(&mut self, r: u32, sim: &mut Sim<FaasEvent>) {
        let now = sim.now();
        let run = self.running[r as usize];
        // Freed: its `instance` field links the free list.
        self.running[r as usize].instance = self.free_running;
        self.free_running = r;
        let f = run.function;
        if run.timed_out {
            self.execution_failed(run.event, f, run.arrival, sim);
        } else {
            self.async_events.release(run.event);
            sim.rec.completed(now, f, now - run.arrival);
        }
        let pool = self.instances.get(run.instance).group;
        let gb_meter = self.gb_meters[run.always_warm as usize];
        if sim.rec.measures(run.arrival) {
            let gb_s = self.call_gb_seconds(pool as usize, run.billable);
            sim.rec
                .call_ended(now, f, self.meters.requests, gb_meter, gb_s);
            if let Some(m) = &self.cpu_meters {
                m.ended(r, f, sim);
            }
        }
        self.limits
            .end(&mut self.functions[run.function as usize].limit);
        self.keep_alive.ended(pool, now);
        if self.instances.release_slot(run.instance, now) {
            self.went_idle(run.instance, sim);
        }
    }
}
