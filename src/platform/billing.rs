//! Metering rules: how a provider turns a run's raw durations and sizes into billable
//! quantities (the prices themselves live in [`crate::pricing`]).
//!
//! FaaS (docs/models.md, "FaaS billing"): billed duration = max(minimum, ceil(duration /
//! granularity) x granularity); billed memory = configured memory rounded up to the
//! provider's step, at least its minimum, at most its maximum; GB-s = billed seconds x billed
//! MB / 1024.
//!
//! Instances (docs/models.md, "Fleet billing"): lifetime from launch to termination rounded
//! up to the granularity, with a minimum (EC2 and Fargate: per second, 60 s minimum).

pub use super::faas::BillingBasis;
use crate::engine::time::Micros;
use crate::pricing::PriceSchedule;

/// How a FaaS provider meters and prices calls.
#[derive(Clone, Debug, PartialEq)]
pub struct FaasBilling {
    /// Price per request.
    pub requests: PriceSchedule,
    /// Price per GB-s of billed execution.
    pub gb_seconds: PriceSchedule,
    /// Billed duration is rounded up to a multiple of this (Lambda: 1 ms).
    pub granularity: Micros,
    /// Minimum billed duration per call (Azure Consumption: 100 ms).
    pub minimum: Micros,
    /// Billed memory is rounded up to a multiple of this (Azure Consumption: 128 MB).
    pub memory_step_mb: u32,
    /// Minimum billed memory (Azure Consumption: 128 MB).
    pub memory_min_mb: u32,
    /// Maximum billed memory, if the provider caps it (Azure Consumption: 1,536 MB).
    pub memory_max_mb: Option<u32>,
    /// Whether initialisation time is billed (Lambda since 2025-08-01).
    pub bill_init: bool,
    /// Provisioned concurrency: price per GB-s configured (used or not), and per GB-s of the
    /// calls it runs (instead of `gb_seconds`). Set when the deployment provisions.
    pub provisioned_gb_seconds: Option<PriceSchedule>,
    pub provisioned_compute: Option<PriceSchedule>,
    /// What compute time is billed on: each call's, or instance time (then `gb_seconds` prices
    /// instance GB-s, and `granularity`/`minimum` apply to each billed period).
    pub basis: BillingBasis,
    /// Price per vCPU-second of instance time (instance bases only).
    pub vcpu_seconds: Option<PriceSchedule>,
}

impl FaasBilling {
    /// Billed duration of a call that ran for `duration`.
    pub fn billed_duration(&self, duration: Micros) -> Micros {
        let g = self.granularity.max(1);
        duration.div_ceil(g).saturating_mul(g).max(self.minimum)
    }

    /// Billed memory (MB) of a function configured with `memory_mb`.
    pub fn billed_memory_mb(&self, memory_mb: u32) -> u32 {
        let step = self.memory_step_mb.max(1);
        let mb = memory_mb
            .div_ceil(step)
            .saturating_mul(step)
            .max(self.memory_min_mb);
        self.memory_max_mb.map_or(mb, |max| mb.min(max))
    }

    /// GB-s billed for one call of `duration` on a function of `memory_mb`.
    pub fn gb_seconds(&self, duration: Micros, memory_mb: u32) -> f64 {
        self.billed_duration(duration) as f64 / 1e6 * self.billed_memory_mb(memory_mb) as f64
            / 1024.0
    }
}

/// How an always-on instance is metered and priced.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceBilling {
    /// Price per instance-hour (discounts already applied).
    pub instance_hours: PriceSchedule,
    /// Lifetime is rounded up to a multiple of this (EC2: 1 s; hourly plans: 1 h).
    pub granularity: Micros,
    /// Minimum billed lifetime (EC2: 60 s).
    pub minimum: Micros,
}

impl InstanceBilling {
    /// Billed lifetime of an instance that ran for `lifetime`.
    pub fn billed_lifetime(&self, lifetime: Micros) -> Micros {
        let g = self.granularity.max(1);
        lifetime.div_ceil(g).saturating_mul(g).max(self.minimum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{MS, SECOND};

    fn azure_consumption() -> FaasBilling {
        FaasBilling {
            requests: PriceSchedule::flat(0.2e-6),
            gb_seconds: PriceSchedule::flat(0.000_016),
            granularity: MS,
            minimum: 100 * MS,
            memory_step_mb: 128,
            memory_min_mb: 128,
            memory_max_mb: Some(1536),
            bill_init: false,
            provisioned_gb_seconds: None,
            provisioned_compute: None,
            basis: BillingBasis::Request,
            vcpu_seconds: None,
        }
    }

    #[test]
    fn azure_consumption_rounds_memory_and_applies_minimums() {
        let b = azure_consumption();
        assert_eq!(b.billed_memory_mb(1), 128);
        assert_eq!(b.billed_memory_mb(129), 256);
        assert_eq!(b.billed_memory_mb(4000), 1536);
        assert_eq!(b.billed_duration(30 * MS), 100 * MS);
        assert_eq!(b.billed_duration(100 * MS + 1), 101 * MS);
        // 0.5 s at 300 MB: 384 MB billed -> 0.1875 GB-s.
        assert!((b.gb_seconds(500 * MS, 300) - 0.1875).abs() < 1e-12);
    }

    #[test]
    fn instances_bill_a_minute_minimum_then_per_second() {
        let b = InstanceBilling {
            instance_hours: PriceSchedule::flat(0.0416),
            granularity: SECOND,
            minimum: 60 * SECOND,
        };
        assert_eq!(b.billed_lifetime(10 * SECOND), 60 * SECOND);
        assert_eq!(b.billed_lifetime(90 * SECOND + 1), 91 * SECOND);
    }
}
