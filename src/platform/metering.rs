//! Instance-time metering: what a deployment bills when compute is billed on instance time
//! (while serving, or for the instance's whole life) rather than per request. FaaS uses it
//! for Cloud Run request-based and instance-based billing and Azure Flex; a fleet can own one
//! for its instances' lifetimes. It keeps its own state, per instance slot, and records into
//! the [`Recorder`]: no engine events, no model types.
//!
//! API: [`InstanceMeter::new`] (`None` under `basis = "request"`), then, per instance slot
//! ([`InstanceId`]) of the owner's [`crate::platform::instances::Instances`]:
//! [`InstanceMeter::slot_taken`] after a request takes a slot, [`InstanceMeter::went_idle`]
//! when its last busy slot frees, [`InstanceMeter::stopped`] when it is reclaimed, and
//! [`InstanceMeter::close`] for each instance at the end of the run. `gb` is the instance's
//! billed memory in GB, given by the owner on each call; periods are rounded by
//! [`PeriodRounding`].
//!
//! What compute is billed on: per request (Lambda), or per instance-time while serving
//! or always (Cloud Run request-based and instance-based billing, Azure Flex).
//!
//! Rules. `[deployments.compute.billing] basis` picks the [`BillingBasis`]:
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

use crate::engine::time::Micros;
use crate::metrics::Recorder;
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

/// How each billed period is rounded: up to a multiple of `granularity`, at least `minimum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PeriodRounding {
    pub granularity: Micros,
    pub minimum: Micros,
}

impl PeriodRounding {
    /// The billed length of a period of `duration`: `max(minimum, ceil(duration /
    /// granularity) x granularity)`, saturating.
    pub fn billed(&self, duration: Micros) -> Micros {
        let g = self.granularity.max(1);
        duration.div_ceil(g).saturating_mul(g).max(self.minimum)
    }
}

/// Instance-time meters of one deployment (absent under `basis = "request"`).
#[derive(Clone, Debug)]
pub struct InstanceMeter {
    basis: BillingBasis,
    rounding: PeriodRounding,
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
    /// The meter for `basis`, rounding each period by `rounding`, billing GB-s on meter
    /// `gb_seconds` and, with `vcpus`, vCPU-s on `vcpu_seconds`; `None` when calls are billed
    /// one by one.
    pub fn new(
        basis: BillingBasis,
        rounding: PeriodRounding,
        vcpus: Option<f64>,
        gb_seconds: usize,
        vcpu_seconds: Option<usize>,
    ) -> Option<Self> {
        (basis != BillingBasis::Request).then(|| Self {
            basis,
            rounding,
            vcpus: vcpus.unwrap_or(0.0),
            gb_seconds,
            vcpu_seconds,
            serving_since: Vec::new(),
            billed_until: Vec::new(),
        })
    }

    /// What instance time is billed on.
    pub fn basis(&self) -> BillingBasis {
        self.basis
    }

    /// Instance `i` (now `inst`) has just taken a request slot at `now`: opens a serving
    /// period if it was its first.
    pub fn slot_taken(&mut self, i: InstanceId, inst: &Instance, now: Micros) {
        if self.basis != BillingBasis::Serving || inst.busy != 1 {
            return;
        }
        let slot = i as usize;
        if slot >= self.serving_since.len() {
            self.serving_since.resize(slot + 1, 0);
            self.billed_until.resize(slot + 1, 0);
        }
        let since = if inst.phase == Phase::Booting {
            inst.launched_at
        } else {
            now
        };
        // A gap past what was billed (or a fresh instance: reset at the stop): a new period.
        if since >= self.billed_until[slot] {
            self.serving_since[slot] = since;
            self.billed_until[slot] = since;
        }
    }

    /// Instance `i`, of `gb` billed GB, has just freed its last busy slot at `now`: closes its
    /// serving period.
    pub fn went_idle(&mut self, i: InstanceId, gb: f64, now: Micros, rec: &mut Recorder) {
        if self.basis == BillingBasis::Serving {
            let slot = i as usize;
            let since = self.serving_since[slot];
            let billed = since.saturating_add(self.rounding.billed(now - since));
            let from = std::mem::replace(&mut self.billed_until[slot], billed);
            self.bill_span(gb, from, billed, rec);
        }
    }

    /// Idle instance `i` (`inst`, of `gb` billed GB) is being reclaimed at `now`, in a run
    /// whose window ends at `window`.
    pub fn stopped(
        &mut self,
        i: InstanceId,
        inst: &Instance,
        gb: f64,
        (now, window): (Micros, Micros),
        rec: &mut Recorder,
    ) {
        if let Some(billed) = self.billed_until.get_mut(i as usize) {
            *billed = 0; // the next instance in this slot starts afresh
        }
        if self.basis == BillingBasis::Instance {
            let end = now.min(life_end(inst, window));
            self.bill_period(gb, inst.launched_at, end, rec);
        }
    }

    /// Closes the books at the end of the run for instance `inst` (of `gb` billed GB): under
    /// the instance basis one still running is billed to the end of the window (or to when
    /// it last went idle, if it served past the window's end). Stopped ones are skipped.
    pub fn close(&self, inst: &Instance, gb: f64, window: Micros, rec: &mut Recorder) {
        if self.basis == BillingBasis::Instance && inst.phase != Phase::Stopped {
            self.bill_period(gb, inst.launched_at, life_end(inst, window), rec);
        }
    }

    /// Bills `[from, to)`, rounded by the billing granularity and minimum.
    fn bill_period(&self, gb: f64, from: Micros, to: Micros, rec: &mut Recorder) {
        let billed = self.rounding.billed(to.saturating_sub(from));
        self.bill_span(gb, from, from.saturating_add(billed), rec);
    }

    /// Bills exactly `[from, to)` of instance time.
    fn bill_span(&self, gb: f64, from: Micros, to: Micros, rec: &mut Recorder) {
        if to <= from {
            return;
        }
        let billed = (to - from) as f64 / 1e6;
        rec.usage_spread(self.gb_seconds, from, to, billed * gb);
        if let Some(meter) = self.vcpu_seconds {
            rec.usage_spread(meter, from, to, billed * self.vcpus);
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
    use crate::engine::time::{MS, SECOND};
    use crate::platform::instances::Instances;

    #[test]
    fn basis_names_round_trip() {
        for name in BillingBasis::NAMES {
            let basis = BillingBasis::from_name(name).unwrap();
            assert_eq!(BillingBasis::NAMES[basis as usize], name);
        }
        assert_eq!(BillingBasis::from_name("instances"), None);
        assert_eq!(BillingBasis::default(), BillingBasis::Request);
    }

    #[test]
    fn periods_round_up_to_the_granularity_and_the_minimum() {
        // EC2: per second with a 60 s minimum; hourly. Hand-computed.
        let ec2 = PeriodRounding {
            granularity: SECOND,
            minimum: 60 * SECOND,
        };
        assert_eq!(ec2.billed(30 * SECOND), 60 * SECOND);
        assert_eq!(ec2.billed(90 * SECOND + 1), 91 * SECOND);
        let hourly = PeriodRounding {
            granularity: 3600 * SECOND,
            minimum: 0,
        };
        assert_eq!(hourly.billed(61 * 60 * SECOND), 2 * 3600 * SECOND);
    }

    fn total(rec: &Recorder, meter: usize) -> f64 {
        (0..10).map(|b| rec.usage.get(b, meter)).sum()
    }

    #[test]
    fn serving_periods_that_overlap_their_rounding_are_billed_once() {
        // A 1 GB instance, 1 s granularity: serving [0.2 s, 0.5 s) bills [0.2 s, 1.2 s); a
        // period opening at 0.9 s continues it, and closing at 1.5 s bills [1.2 s, 2.2 s):
        // 2 GB-s in all, never the same second twice.
        let rounding = PeriodRounding {
            granularity: SECOND,
            minimum: 0,
        };
        let mut m = InstanceMeter::new(BillingBasis::Serving, rounding, None, 0, None).unwrap();
        let mut rec = Recorder::new(10 * SECOND, SECOND, 1);
        let mut all = Instances::new(1, 2);
        let i = all.launch(0, 0, 0, false);
        for (from, to) in [(200 * MS, 500 * MS), (900 * MS, 1500 * MS)] {
            all.take_slot(i);
            m.slot_taken(i, all.get(i), from);
            all.release_slot(i, to);
            m.went_idle(i, 1.0, to, &mut rec);
        }
        assert!((total(&rec, 0) - 2.0).abs() < 1e-12, "{}", total(&rec, 0));
    }

    #[test]
    fn instance_lifetimes_bill_the_minimum_and_vcpu_seconds() {
        // Launched at 1 s, stopped at 31 s under a 60 s minimum: 60 s of a 0.5 GB, 2-vCPU
        // instance bill 30 GB-s and 120 vCPU-s.
        let rounding = PeriodRounding {
            granularity: SECOND,
            minimum: 60 * SECOND,
        };
        let mut m =
            InstanceMeter::new(BillingBasis::Instance, rounding, Some(2.0), 0, Some(1)).unwrap();
        let mut rec = Recorder::new(100 * SECOND, 10 * SECOND, 2);
        let mut all = Instances::new(1, 1);
        let i = all.launch(0, SECOND, SECOND, false);
        m.stopped(i, all.get(i), 0.5, (31 * SECOND, 100 * SECOND), &mut rec);
        assert!((total(&rec, 0) - 30.0).abs() < 1e-9, "{}", total(&rec, 0));
        assert!((total(&rec, 1) - 120.0).abs() < 1e-9);
        assert!(InstanceMeter::new(BillingBasis::Request, rounding, None, 0, None).is_none());
    }
}
