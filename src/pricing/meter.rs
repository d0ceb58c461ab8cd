//! Price meters: the billable quantities of one deployment and how each is priced.
//!
//! A deployment registers one [`Meter`] per quantity it bills (FaaS requests and GB-s, each
//! BaaS operation kind, instance-hours, each fixed add-on), each in the cost part
//! ([`super::part::CostPart`]) its builder names. Models record usage against meter
//! indices during the run; [`super::bill()`] prices the totals at the end.
//!
//! A meter is a **counter** (a quantity summed: requests, operations, egress GB) or a
//! **gauge** ([`MeterKind::Gauge`]: a level integrated over time, such as stored GB or monthly
//! active users). A gauge's recorded quantity is its level x time / month (GB-months,
//! user-months: [`crate::metrics::gauges`]), so the month projection of [`super::bill()`] makes
//! its monthly quantity the mean level over the window, and the same price schedule (free
//! allowance, tiers) prices it.

use super::part::{Attribution, CostPart};
use super::schedule::PriceSchedule;

/// What a meter's quantity is: a sum of amounts, or a level integrated over time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MeterKind {
    /// A quantity summed over the window (requests, operations, GB sent).
    Counter,
    /// A level held over time, starting at `initial` (its level unit: GB, users) at the
    /// window's start; its quantity is level x time / month.
    Gauge { initial: f64 },
}

/// One billable quantity and its price.
#[derive(Clone, Debug, PartialEq)]
pub struct Meter {
    /// The cost part it belongs to ([`super::part`]).
    pub part: CostPart,
    /// What is counted, e.g. `gb_seconds`, `read`, `instance_hours`, `load_balancer`.
    pub name: String,
    /// Unit of the quantity, e.g. `GB-s`, `requests`, `operations`, `instance-hours`, `months`.
    pub unit: String,
    pub schedule: PriceSchedule,
    /// How its cost is shared among functions.
    pub attribution: Attribution,
    /// A counter or a gauge.
    pub kind: MeterKind,
    /// UTC time of day at which its days start, for a `free_per_day` allowance (the quota
    /// clock of its service, `quota_reset`; 00:00 unless set).
    pub day_reset: crate::engine::time::Micros,
}

/// The meters of one deployment, indexed by registration order.
#[derive(Clone, Debug, Default)]
pub struct Meters {
    pub list: Vec<Meter>,
}

impl Meters {
    /// Registers a meter of `part` (shared among functions as the part says) and returns
    /// its index.
    pub fn add(
        &mut self,
        part: &CostPart,
        name: impl Into<String>,
        unit: impl Into<String>,
        schedule: PriceSchedule,
    ) -> usize {
        self.list.push(Meter {
            attribution: part.attribution,
            part: part.clone(),
            day_reset: 0,
            name: name.into(),
            unit: unit.into(),
            schedule,
            kind: MeterKind::Counter,
        });
        self.list.len() - 1
    }

    /// Registers a gauge meter starting at level `initial` (billed per `unit`, a level x
    /// month: `GB-months`), shared among no function, and returns its index.
    pub fn add_gauge(
        &mut self,
        part: &CostPart,
        name: impl Into<String>,
        unit: impl Into<String>,
        schedule: PriceSchedule,
        initial: f64,
    ) -> usize {
        let m = self.add(part, name, unit, schedule);
        self.list[m].kind = MeterKind::Gauge { initial };
        self.list[m].attribution = Attribution::Unattributed;
        m
    }

    /// Changes how meter `index`'s cost is shared among functions.
    pub fn set_attribution(&mut self, index: usize, attribution: Attribution) {
        self.list[index].attribution = attribution;
    }

    /// Starts meter `index`'s days (for a daily free allowance) at time of day `reset`.
    pub fn set_day_reset(&mut self, index: usize, reset: crate::engine::time::Micros) {
        self.list[index].day_reset = reset;
    }

    /// Number of meters.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// True when nothing is billed.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}
