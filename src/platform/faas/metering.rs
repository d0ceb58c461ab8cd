//! What FaaS compute is billed on: per request (Lambda), or per instance-time while serving
//! or always (Cloud Run request-based and instance-based billing, Azure Flex).
//!
//! `[deployments.compute.billing] basis` picks the [`BillingBasis`]:
//!
//! - `"request"` (default): each call bills its own GB-s (billed duration x billed memory),
//!   as Lambda does; nothing here runs.
//! - `"serving"`: an instance is billed while it has at least one request in flight. A
//!   *serving period* opens when its busy slots go from 0 to 1 (at its launch if it is still
//!   booting then: the boot that request waits for is billed) and closes when they fall back
//!   to 0. Overlapping requests on one instance are billed once, and so is instance time:
//!   a period that opens before the rounded end of the previous one continues it (the
//!   instance is billed for the union of its serving periods, each stretch of it rounded
//!   up, never for the same second twice).
//! - `"instance"`: an instance is billed for its whole life, from its launch to its reclaim,
//!   or to the window's end if it is still loaded then (or to when it last went idle, if it
//!   served past the window's end).
//!
//! Each billed period is rounded up to the billing `granularity` and raised to the billing
//! `minimum` (Cloud Run: 100 ms), then bills `gb_seconds` (period x the instance's billed
//! memory in GiB) and, when the instance has `vcpus`, `vcpu_seconds` (period x vCPUs). The
//! quantities are spread evenly over the period in the time series. `requests` still bills
//! every call (a Cloud Run instance-based deployment sets its price to 0), and per-call GB-s
//! are not billed under an instance basis.

use super::{FaasEvent, FaasModel};
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::platform::instances::{Instance, InstanceId, Phase};

/// What compute time is billed on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BillingBasis {
    /// Each call's own duration (Lambda).
    #[default]
    Request,
    /// Instance time while it serves at least one request (Cloud Run request-based).
    Serving,
    /// Instance time from launch to reclaim (Cloud Run instance-based).
    Instance,
}

impl BillingBasis {
    /// The names the scenario accepts, in order.
    pub const NAMES: [&'static str; 3] = ["request", "serving", "instance"];

    /// The basis called `name` in a scenario.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "request" => Some(Self::Request),
            "serving" => Some(Self::Serving),
            "instance" => Some(Self::Instance),
            _ => None,
        }
    }
}

/// Instance-time meters of one deployment (absent under `basis = "request"`).
#[derive(Clone, Debug)]
pub(super) struct InstanceMeter {
    basis: BillingBasis,
    /// vCPUs of one instance (0 when not configured: no vCPU-s billed).
    vcpus: f64,
    gb_seconds: usize,
    vcpu_seconds: Option<usize>,
    /// Per instance slot: when its current serving period opened, and up to when it has been
    /// billed (rounded up).
    serving_since: Vec<Micros>,
    billed_until: Vec<Micros>,
}

impl InstanceMeter {
    /// The meter for `basis`, or `None` when calls are billed one by one.
    pub(super) fn new(
        basis: BillingBasis,
        vcpus: Option<f64>,
        gb_seconds: usize,
        vcpu_seconds: Option<usize>,
    ) -> Option<Self> {
        (basis != BillingBasis::Request).then(|| Self {
            basis,
            vcpus: vcpus.unwrap_or(0.0),
            gb_seconds,
            vcpu_seconds,
            serving_since: Vec::new(),
            billed_until: Vec::new(),
        })
    }
}

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
        self.billed_seconds(billable) * self.pool_gb[pool]
    }

    /// Billed seconds of a call whose [`Self::billable`] duration is `billable` (rounded up to
    /// the granularity, at least the minimum): the duration its GB-s and GHz-s bill.
    pub(super) fn billed_seconds(&self, billable: Micros) -> f64 {
        self.billing.billed_duration(billable) as f64 / 1e6
    }

    /// Instance `i` has just taken a request slot at `now`: opens a serving period if it was
    /// its first.
    pub(super) fn meter_slot_taken(&mut self, i: InstanceId, now: Micros) {
        let Some(m) = &mut self.metering else { return };
        let inst = *self.instances.get(i);
        if m.basis != BillingBasis::Serving || inst.busy != 1 {
            return;
        }
        let slot = i as usize;
        if slot >= m.serving_since.len() {
            m.serving_since.resize(slot + 1, 0);
            m.billed_until.resize(slot + 1, 0);
        }
        let since = if inst.phase == Phase::Booting {
            inst.launched_at
        } else {
            now
        };
        // A gap past what was billed (or a fresh instance: reset at the stop): a new period.
        if since >= m.billed_until[slot] {
            m.serving_since[slot] = since;
            m.billed_until[slot] = since;
        }
    }

    /// Instance `i`'s last busy slot has just freed: closes its serving period.
    pub(super) fn meter_went_idle(&mut self, i: InstanceId, sim: &mut Sim<FaasEvent>) {
        let Some(m) = &mut self.metering else { return };
        if m.basis == BillingBasis::Serving {
            let slot = i as usize;
            let since = m.serving_since[slot];
            let billed = since.saturating_add(self.billing.billed_duration(sim.now() - since));
            let from = std::mem::replace(&mut m.billed_until[slot], billed);
            self.bill_span(i, from, billed, sim);
        }
    }

    /// Idle instance `i` is being reclaimed at the current time.
    pub(super) fn meter_stopped(&mut self, i: InstanceId, sim: &mut Sim<FaasEvent>) {
        let Some(m) = &mut self.metering else { return };
        if let Some(billed) = m.billed_until.get_mut(i as usize) {
            *billed = 0; // the next instance in this slot starts afresh
        }
        if m.basis == BillingBasis::Instance {
            let inst = *self.instances.get(i);
            let end = sim.now().min(life_end(&inst, sim.window()));
            self.bill_period(i, inst.launched_at, end, sim);
        }
    }

    /// Closes the books at the end of the run: instances still loaded are billed to the end
    /// of the window (instance basis).
    pub(super) fn meter_finish(&mut self, sim: &mut Sim<FaasEvent>) {
        let Some(m) = &self.metering else { return };
        if m.basis != BillingBasis::Instance {
            return;
        }
        for i in self.instances.ids() {
            let inst = *self.instances.get(i);
            if inst.phase != Phase::Stopped {
                self.bill_period(i, inst.launched_at, life_end(&inst, sim.window()), sim);
            }
        }
    }

    /// Bills instance `i` for `[from, to)`, rounded by the billing granularity and minimum.
    fn bill_period(&self, i: InstanceId, from: Micros, to: Micros, sim: &mut Sim<FaasEvent>) {
        let billed = self.billing.billed_duration(to.saturating_sub(from));
        self.bill_span(i, from, from.saturating_add(billed), sim);
    }

    /// Bills instance `i` for exactly `[from, to)` of instance time.
    fn bill_span(&self, i: InstanceId, from: Micros, to: Micros, sim: &mut Sim<FaasEvent>) {
        let Some(m) = &self.metering else { return };
        if to <= from {
            return;
        }
        let billed = (to - from) as f64 / 1e6;
        let gb = self.pool_gb[self.instances.get(i).group as usize];
        sim.rec.usage_spread(m.gb_seconds, from, to, billed * gb);
        if let Some(meter) = m.vcpu_seconds {
            sim.rec.usage_spread(meter, from, to, billed * m.vcpus);
        }
    }
}

/// Where an instance's billed life ends if it is not reclaimed first: the window's end, or
/// when it last went idle if it served past the window's end.
fn life_end(inst: &Instance, window: Micros) -> Micros {
    window.max(inst.idle_since)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basis_names_round_trip() {
        for name in BillingBasis::NAMES {
            let basis = BillingBasis::from_name(name).unwrap();
            assert_eq!(BillingBasis::NAMES[basis as usize], name);
        }
        assert_eq!(BillingBasis::from_name("instances"), None);
        assert_eq!(BillingBasis::default(), BillingBasis::Request);
    }
}
