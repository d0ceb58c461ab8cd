//! Meters that grow: a service's stored data, egress and monthly active users.
//!
//! - **Storage** (`storage`): a level of stored GB, starting at `initial` and changed by every
//!   operation of a kind with a `per_<kind>` amount (a write adds, a delete removes: a
//!   negative amount); never below 0. A gauge meter `storage` (GB-months) prices its mean
//!   level over the window ([`crate::metrics::gauges`]).
//! - **Egress** (`egress`): GB sent by every operation of a kind with a `per_<kind>` amount,
//!   summed on a counter meter `egress` (GB), recorded per call and per function.
//! - **Users** (`users`): a number of monthly active users, constant over the window, on a
//!   gauge meter `monthly_active_users` (user-months), priced per MAU tier.
//!
//! All three are lines of the service's cost column. Storage and users are no function's
//! (`(unattributed)` in `functions.csv`); egress is its functions', call by call.

use crate::metrics::Recorder;
use crate::pricing::{Meters, PriceSchedule};

use super::ServiceSpec;

/// The meter name of a service's stored data (GB-months).
pub const STORAGE_METER: &str = "storage";
/// The meter name of a service's egress (GB).
pub const EGRESS_METER: &str = "egress";
/// The meter name of a service's monthly active users (user-months).
pub const USERS_METER: &str = "monthly_active_users";

/// The units of those meters: an operation kind named like one of them stays apart (its unit
/// is `operations`).
pub const STORAGE_UNIT: &str = "GB-months";
pub const EGRESS_UNIT: &str = "GB";
pub const USERS_UNIT: &str = "user-months";

/// The quota key that limits a service's egress in bytes (`quota = { egress = "5GB/month" }`):
/// each operation takes its kind's `egress.per_<kind>` bytes from it.
pub const EGRESS_QUOTA: &str = "egress";

/// Bytes in one GB: every size a scenario gives is priced in GB of 10^9 bytes.
pub const BYTES_PER_GB: f64 = 1e9;

/// A GB amount per operation of one kind.
#[derive(Clone, Debug, PartialEq)]
pub struct PerKind {
    /// The operation kind ("write", "read", ...).
    pub kind: String,
    /// GB per operation (negative: the operation removes stored data).
    pub gb: f64,
}

/// A service's stored data: its level at the window's start, how each operation kind changes
/// it, and its price per GB-month.
#[derive(Clone, Debug, PartialEq)]
pub struct StorageSpec {
    pub initial_gb: f64,
    pub per_kind: Vec<PerKind>,
    pub price: PriceSchedule,
}

/// A service's egress: GB sent per operation of each kind, and its price per GB.
#[derive(Clone, Debug, PartialEq)]
pub struct EgressSpec {
    pub per_kind: Vec<PerKind>,
    pub price: PriceSchedule,
}

/// A service's monthly active users and their price per MAU.
#[derive(Clone, Debug, PartialEq)]
pub struct UsersSpec {
    pub monthly_active: f64,
    pub price: PriceSchedule,
}

/// The growing meters of one service (all optional).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GrowthSpec {
    pub storage: Option<StorageSpec>,
    pub egress: Option<EgressSpec>,
    pub users: Option<UsersSpec>,
}

/// What one operation does to the growing meters: change a gauge's level, or add to a counter.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Effect {
    Stored { meter: usize, gb: f64 },
    Sent { meter: usize, gb: f64 },
}

/// The growing meters of a deployment's services, keyed by the meter of the operation kind
/// that moves them.
#[derive(Clone, Debug, Default)]
pub struct GrowthPlan {
    /// Per operation meter index, what one operation of it does.
    effects: Vec<Vec<Effect>>,
}

impl GrowthPlan {
    /// Registers the storage, egress and users meters of `services`; `operation_meter`
    /// answers the meter of a (service, kind) already registered.
    pub fn register(
        services: &[ServiceSpec],
        operation_meter: impl Fn(&str, &str) -> Option<usize>,
        meters: &mut Meters,
    ) -> Self {
        let mut plan = Self {
            effects: vec![Vec::new(); meters.len()],
        };
        for s in services {
            let part = s.cost_part();
            let mut add = |per_kind: &[PerKind], effect: &dyn Fn(f64) -> Effect| {
                for p in per_kind {
                    if let Some(op) = operation_meter(&s.name, &p.kind) {
                        plan.effects[op].push(effect(p.gb));
                    }
                }
            };
            if let Some(st) = &s.growth.storage {
                let meter = meters.add_gauge(
                    &part,
                    STORAGE_METER,
                    STORAGE_UNIT,
                    st.price.clone(),
                    st.initial_gb,
                );
                add(&st.per_kind, &|gb| Effect::Stored { meter, gb });
            }
            if let Some(eg) = &s.growth.egress {
                let meter = meters.add(&part, EGRESS_METER, EGRESS_UNIT, eg.price.clone());
                add(&eg.per_kind, &|gb| Effect::Sent { meter, gb });
            }
            if let Some(u) = &s.growth.users {
                meters.add_gauge(
                    &part,
                    USERS_METER,
                    USERS_UNIT,
                    u.price.clone(),
                    u.monthly_active,
                );
            }
        }
        plan
    }

    /// `count` operations of the kind metered by `op_meter` were made at `now` by a call of
    /// `function` (`measured`: it arrived after the warm-up). Stored data changes whether or
    /// not the call is measured; egress is counted for measured calls only.
    #[inline]
    pub fn record(
        &self,
        op_meter: usize,
        count: u32,
        function: u32,
        now: crate::engine::time::Micros,
        measured: bool,
        rec: &mut Recorder,
    ) {
        let Some(effects) = self.effects.get(op_meter) else {
            return;
        };
        for e in effects {
            match *e {
                Effect::Stored { meter, gb } => rec.gauge(now, meter, gb * count as f64),
                Effect::Sent { meter, gb } if measured => {
                    let sent = gb * count as f64;
                    rec.usage(now, meter, sent);
                    rec.functions.used(function, meter, sent);
                }
                Effect::Sent { .. } => {}
            }
        }
    }
}
