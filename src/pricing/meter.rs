//! Price meters: the billable quantities of one deployment and how each is priced.
//!
//! A deployment registers one [`Meter`] per quantity it bills (FaaS requests and GB-s, each
//! BaaS operation kind, instance-hours, each fixed add-on). Models record usage against meter
//! indices during the run; [`super::bill()`] prices the totals at the end.
//!
//! A meter is a **counter** (a quantity summed: requests, operations, egress GB) or a
//! **gauge** ([`MeterKind::Gauge`]: a level integrated over time, such as stored GB or monthly
//! active users). A gauge's recorded quantity is its level x time / month (GB-months,
//! user-months: [`crate::metrics::gauges`]), so the month projection of [`super::bill()`] makes
//! its monthly quantity the mean level over the window, and the same price schedule (free
//! allowance, tiers) prices it.

use super::schedule::PriceSchedule;

/// The cost line a meter belongs to; one `cost_<column>_usd` column in `summary.csv`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Component {
    /// Per-call request fees (FaaS invocations).
    Requests,
    /// Execution time (FaaS GB-s).
    Compute,
    /// Capacity kept warm on purpose (provisioned concurrency).
    Provisioned,
    /// Always-on instances (fleet instance-hours).
    Instances,
    /// A managed backend service, by name.
    Baas(String),
    /// The API gateway in front of the compute (per-request charges).
    Gateway,
    /// Flat monthly add-ons (load balancer, database instance...).
    Fixed,
    /// The FaaS platform's own monthly fee (Cloudflare Workers Paid: $5), whatever the
    /// traffic.
    BaseFee,
}

impl Component {
    /// The column stem: `requests`, `compute`, `baas_<service>`...
    pub fn column(&self) -> String {
        match self {
            Component::Requests => "requests".into(),
            Component::Compute => "compute".into(),
            Component::Provisioned => "provisioned".into(),
            Component::Instances => "instances".into(),
            Component::Baas(service) => format!("baas_{service}"),
            Component::Gateway => "gateway".into(),
            Component::Fixed => "fixed".into(),
            Component::BaseFee => "base_fee".into(),
        }
    }
}

/// How a meter's cost is shared among the workload's functions in `functions.csv`
/// ([`crate::report::functions`] states the rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attribution {
    /// Recorded call by call: each function pays for its own quantity.
    PerCall,
    /// Instance time: shared by each function's slot time.
    SlotTime,
    /// A fixed charge or capacity kept on purpose: no function's.
    Unattributed,
}

impl Attribution {
    /// The usual attribution of a meter of `component`: request fees, compute and backend
    /// operations per call, instance-hours by slot time, fixed lines, base fees and
    /// provisioned capacity not at all. Instance-billed FaaS compute and a service's plan fee
    /// are registered otherwise ([`Meters::set_attribution`]).
    pub fn of(component: &Component) -> Self {
        match component {
            Component::Requests | Component::Compute | Component::Baas(_) | Component::Gateway => {
                Self::PerCall
            }
            Component::Instances => Self::SlotTime,
            Component::Provisioned | Component::Fixed | Component::BaseFee => Self::Unattributed,
        }
    }
}

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
    pub component: Component,
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
    /// Registers a meter and returns its index.
    pub fn add(
        &mut self,
        component: Component,
        name: impl Into<String>,
        unit: impl Into<String>,
        schedule: PriceSchedule,
    ) -> usize {
        self.list.push(Meter {
            attribution: Attribution::of(&component),
            component,
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
        component: Component,
        name: impl Into<String>,
        unit: impl Into<String>,
        schedule: PriceSchedule,
        initial: f64,
    ) -> usize {
        let m = self.add(component, name, unit, schedule);
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
