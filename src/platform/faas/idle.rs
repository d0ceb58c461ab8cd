//! Idle instances of the FaaS model: the idle memory time they book (idle GB-s), the
//! keep-alive decision when an instance's last busy slot frees ([`super::keep_alive`]), their
//! reclaiming when it says so or their keep-alive timer is due, and the pre-warming of a
//! pool ahead of its predicted next call (hybrid keep-alive).
//!
//! A pool has at most one pending pre-warm: an instance that goes idle later replaces it
//! (the prediction is of the pool's next call, counted from its latest execution end;
//! docs/models.md, "Keep-alive").

use super::{FaasEvent, FaasModel, IdleDecision};
use crate::engine::Sim;
use crate::engine::timers::TimerTick;
use crate::metrics::Level;
use crate::platform::instances::{IdleChoice, InstanceId, Phase};

impl FaasModel {
    /// Books the memory instance `i` kept loaded since it went idle, up to `now` (within the
    /// measured part of the window).
    /// Idle time is summed per pool in integer µs and converted once, at the end.
    #[inline]
    pub(super) fn end_idle(&mut self, i: InstanceId, sim: &Sim<FaasEvent>) {
        let inst = self.instances.get(i);
        let until = sim.now().min(sim.window());
        let since = inst.idle_since.max(sim.rec.measure_from());
        if until > since {
            self.pools[inst.group as usize].idle_us += u128::from(until - since);
        }
    }

    /// Reclaims idle instance `i`.
    pub(super) fn reclaim(&mut self, i: InstanceId, sim: &mut Sim<FaasEvent>) {
        self.end_idle(i, sim);
        self.expiry.cancel(i);
        self.meter_stopped(i, sim);
        self.autoscale_stopped(i, sim.now());
        self.instances.stop(i);
        sim.rec.level(Level::Idle, sim.now(), -1);
    }

    /// Instance `i` has just gone idle: apply the keep-alive policy.
    pub(super) fn went_idle(&mut self, i: InstanceId, sim: &mut Sim<FaasEvent>) {
        let now = sim.now();
        self.meter_went_idle(i, sim);
        sim.rec.transfer(Level::Busy, Level::Idle, now);
        let inst = self.instances.get(i);
        if inst.phase == Phase::Draining {
            return self.reclaim(i, sim);
        }
        if inst.always_warm {
            return;
        }
        match self.keep_alive.went_idle(inst, now) {
            IdleDecision::Reclaim => self.reclaim(i, sim),
            IdleDecision::KeepUntil(deadline) => {
                self.expiry.set(i, deadline, sim, FaasEvent::Expire)
            }
            IdleDecision::Keep => {}
            IdleDecision::Prewarm {
                load_at,
                keep_until,
            } => {
                let pool = inst.group;
                self.reclaim(i, sim);
                self.prewarm.set(pool, load_at, sim, FaasEvent::Prewarm);
                self.pools[pool as usize].prewarm_until = keep_until;
            }
        }
    }

    /// Loads a warm instance of `pool` ahead of its predicted next call, unless one is warm.
    fn prewarm(&mut self, pool: u32, sim: &mut Sim<FaasEvent>) {
        let now = sim.now();
        if self
            .instances
            .choose_warm(pool, IdleChoice::MostRecentlyUsed, 0.5)
            .is_some()
        {
            return;
        }
        let i = self.instances.launch(pool, now, now, false);
        // Counted inside the measured window only: past its end, which pre-warm timers are
        // still handled depends on how long *other* functions' calls drain (the engine stops
        // at the horizon), so a count including them would depend on the other functions.
        sim.rec.totals.prewarms += u64::from(sim.rec.measures(now) && now < sim.window());
        sim.rec.level(Level::Idle, now, 1);
        let until = self.pools[pool as usize].prewarm_until;
        self.expiry.set(i, until, sim, FaasEvent::Expire);
    }

    /// Instance `tick.id`'s keep-alive timer is due: reclaims it if it is still idle.
    pub(super) fn keep_alive_expired(&mut self, tick: TimerTick, sim: &mut Sim<FaasEvent>) {
        if self.expiry.fire(tick, sim, FaasEvent::Expire) {
            let inst = self.instances.get(tick.id);
            if inst.phase == Phase::Ready && inst.busy == 0 && !inst.always_warm {
                self.reclaim(tick.id, sim);
            }
        }
    }

    /// Pool `tick.id`'s pre-warm timer is due: loads an instance unless one is warm.
    pub(super) fn prewarm_due(&mut self, tick: TimerTick, sim: &mut Sim<FaasEvent>) {
        if self.prewarm.fire(tick, sim, FaasEvent::Prewarm) {
            self.prewarm(tick.id, sim);
        }
    }
}
