//! What a FaaS call bills on its own (its billable duration, its GB-s under a per-request
//! basis), and the FaaS side of instance-time billing: the hooks that tell the deployment's
//! [`InstanceMeter`] (the platform component of [`crate::platform::metering`], which owns
//! the rules) when an instance takes a slot, goes idle, stops, and when the run ends.

use super::{FaasEvent, FaasModel};
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::platform::instances::InstanceId;
#[cfg(doc)]
use crate::platform::metering::InstanceMeter;

impl FaasModel {
    /// The duration, before rounding, billed to one call that held its slot for `held` after
    /// `init` of boot: the boot counts where the provider bills it.
    #[inline]
    pub(super) fn billable(&self, held: Micros, init: Micros) -> Micros {
        if self.billing.bill_init {
            held.saturating_add(init)
        } else {
            held
        }
    }

    /// GB-s billed to one call on a `pool` instance whose [`Self::billable`] duration is
    /// `billable`: zero when instance time is billed instead. Computed when the call ends,
    /// off the path that starts it: the rounding is an integer division, then a float one.
    #[inline]
    pub(super) fn call_gb_seconds(&self, pool: usize, billable: Micros) -> f64 {
        if self.metering.is_some() {
            return 0.0;
        }
        self.billed_seconds(billable) * self.pools[pool].gb
    }

    /// Billed seconds of a call whose [`Self::billable`] duration is `billable` (rounded up to
    /// the granularity, at least the minimum): the duration its GB-s and GHz-s bill.
    pub(super) fn billed_seconds(&self, billable: Micros) -> f64 {
        self.billing.billed_duration(billable) as f64 / 1e6
    }

    /// Billed GB of instance `i` (its pool's).
    fn instance_gb(&self, i: InstanceId) -> f64 {
        self.pools[self.instances.get(i).group as usize].gb
    }

    /// Instance `i` has just taken a request slot at `now`.
    pub(super) fn meter_slot_taken(&mut self, i: InstanceId, now: Micros) {
        if let Some(m) = &mut self.metering {
            m.slot_taken(i, self.instances.get(i), now);
        }
    }

    /// Instance `i`'s last busy slot has just freed.
    pub(super) fn meter_went_idle(&mut self, i: InstanceId, sim: &mut Sim<FaasEvent>) {
        let gb = self.instance_gb(i);
        if let Some(m) = &mut self.metering {
            m.went_idle(i, gb, sim.now(), &mut sim.rec);
        }
    }

    /// Idle instance `i` is being reclaimed at the current time.
    pub(super) fn meter_stopped(&mut self, i: InstanceId, sim: &mut Sim<FaasEvent>) {
        let gb = self.instance_gb(i);
        if let Some(m) = &mut self.metering {
            let times = (sim.now(), sim.window());
            m.stopped(i, self.instances.get(i), gb, times, &mut sim.rec);
        }
    }

    /// Closes the books at the end of the run: instances still running are billed to the
    /// end of the window (instance basis).
    pub(super) fn meter_finish(&mut self, sim: &mut Sim<FaasEvent>) {
        let Some(m) = &self.metering else { return };
        let window = sim.window();
        for i in self.instances.ids() {
            m.close(
                self.instances.get(i),
                self.instance_gb(i),
                window,
                &mut sim.rec,
            );
        }
    }
}
