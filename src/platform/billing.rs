//! Metering rules: how a provider turns a run's raw durations and sizes into billable
//! quantities (the prices themselves live in [`crate::pricing`]).
//!
//! FaaS (docs/models.md, "FaaS billing"): billed duration = max(minimum, ceil(duration /
//! granularity) x granularity); billed memory = configured memory rounded up to the
//! provider's step, at least its minimum, at most its maximum; GB-s = billed seconds x billed
//! MB / 1024.
//!
//! Three further FaaS rules, each off unless its key is set:
//! - **CPU tiers** (Cloud Functions 1st gen): the provider fixes a CPU clock for each memory
//!   size. Billed memory is rounded up to the next tier's memory, and each call also bills
//!   GHz-s = billed seconds x that tier's GHz ([`FaasBilling::ghz_seconds`]).
//! - **CPU time** (Cloudflare Workers): a call bills the CPU time it used, in CPU-ms, not its
//!   wall time. Its CPU time is the CPU-bound part of its execution (its function's
//!   `cpu_bound` share of it, or all of it when `cpu_bound` is unset); waits on backend calls
//!   and the cold start are not CPU time ([`super::faas::functions`] works it out per call).
//! - **Monthly base fee** (Cloudflare Workers Paid): a flat USD a month for the deployment's
//!   FaaS, whatever the traffic; its own cost line.
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
    /// Price per GHz-s of billed execution, with the memory -> CPU clock tiers it needs
    /// (both set or both unset).
    pub ghz_seconds: Option<PriceSchedule>,
    /// Memory sizes and their CPU clocks, ascending by memory (empty: no tiers).
    pub cpu_tiers: Vec<CpuTier>,
    /// Price per CPU-ms of each call's CPU time.
    pub cpu_ms: Option<PriceSchedule>,
    /// Flat monthly fee of the deployment's FaaS (USD).
    pub usd_per_month: Option<f64>,
}

/// One memory size of a provider with fixed memory -> CPU clock tiers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CpuTier {
    pub memory_mb: u32,
    pub ghz: f64,
}

impl FaasBilling {
    /// Billed duration of a call that ran for `duration`.
    pub fn billed_duration(&self, duration: Micros) -> Micros {
        let g = self.granularity.max(1);
        duration.div_ceil(g).saturating_mul(g).max(self.minimum)
    }

    /// Billed memory (MB) of a function configured with `memory_mb`: rounded up to the step,
    /// at least the minimum, at most the maximum, then up to the next CPU tier's memory when
    /// there are tiers.
    pub fn billed_memory_mb(&self, memory_mb: u32) -> u32 {
        let mb = self.stepped_memory_mb(memory_mb);
        self.cpu_tier(mb).map_or(mb, |t| t.memory_mb)
    }

    /// `memory_mb` rounded up to the step, at least the minimum, at most the maximum: the
    /// memory whose CPU tier is looked up.
    pub fn stepped_memory_mb(&self, memory_mb: u32) -> u32 {
        let step = self.memory_step_mb.max(1);
        let mb = memory_mb
            .div_ceil(step)
            .saturating_mul(step)
            .max(self.memory_min_mb);
        self.memory_max_mb.map_or(mb, |max| mb.min(max))
    }

    /// The CPU tier a function of `memory_mb` runs in: the first whose memory is at least
    /// it. `None` without tiers, or above the largest (validation refuses such a function).
    pub fn cpu_tier(&self, memory_mb: u32) -> Option<CpuTier> {
        self.cpu_tiers
            .iter()
            .find(|t| t.memory_mb >= memory_mb)
            .copied()
    }

    /// CPU clock (GHz) billed for a function of `memory_mb`: its tier's, 0 without tiers.
    pub fn billed_ghz(&self, memory_mb: u32) -> f64 {
        self.cpu_tier(self.stepped_memory_mb(memory_mb))
            .map_or(0.0, |t| t.ghz)
    }

    /// GHz-s billed for one call of `duration` on a function of `memory_mb`.
    pub fn ghz_seconds(&self, duration: Micros, memory_mb: u32) -> f64 {
        self.billed_duration(duration) as f64 / 1e6 * self.billed_ghz(memory_mb)
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
            ghz_seconds: None,
            cpu_tiers: Vec::new(),
            cpu_ms: None,
            usd_per_month: None,
        }
    }

    /// Cloud Functions 1st gen, Tier 1: 100 ms steps, memory -> CPU clock tiers.
    fn gcf_gen1() -> FaasBilling {
        let tier = |memory_mb, ghz| CpuTier { memory_mb, ghz };
        FaasBilling {
            requests: PriceSchedule::flat(0.4e-6),
            gb_seconds: PriceSchedule::flat(0.000_002_5),
            granularity: 100 * MS,
            minimum: 0,
            memory_step_mb: 1,
            memory_min_mb: 0,
            memory_max_mb: None,
            ghz_seconds: Some(PriceSchedule::flat(0.000_01)),
            cpu_tiers: vec![
                tier(128, 0.2),
                tier(256, 0.4),
                tier(512, 0.8),
                tier(1024, 1.4),
                tier(2048, 2.4),
                tier(4096, 4.8),
                tier(8192, 4.8),
            ],
            ..azure_consumption()
        }
    }

    #[test]
    fn cpu_tiers_round_memory_up_and_bill_the_tiers_clock() {
        let b = gcf_gen1();
        assert_eq!(b.billed_memory_mb(128), 128);
        assert_eq!(b.billed_memory_mb(129), 256);
        assert_eq!(b.billed_memory_mb(1000), 1024);
        assert_eq!(b.billed_memory_mb(8192), 8192);
        assert_eq!(b.billed_ghz(600), 1.4);
        assert_eq!(b.billed_ghz(2048), 2.4);
        assert_eq!(b.cpu_tier(8193), None);
        // 260 ms bills 300 ms: at 256 MB, 0.3 x 0.4 GHz = 0.12 GHz-s and 0.3 x 0.25 = 0.075 GB-s.
        assert!((b.ghz_seconds(260 * MS, 256) - 0.12).abs() < 1e-12);
        assert!((b.gb_seconds(260 * MS, 256) - 0.075).abs() < 1e-12);
        // Without tiers nothing is billed in GHz-s and memory is unchanged.
        let plain = azure_consumption();
        assert_eq!(plain.ghz_seconds(SECOND, 1024), 0.0);
        assert_eq!(plain.billed_memory_mb(1024), 1024);
    }

    #[test]
    fn gcf_gen1_price_per_100ms_matches_the_published_table() {
        // The published price of 100 ms at each tier is GB x $0.0000025 + GHz x $0.00001,
        // per 100 ms: 128 MB -> $0.000000231, 1 GB -> $0.000001650, 8 GB -> $0.000006800.
        let b = gcf_gen1();
        let per_100ms = |mb: u32| {
            b.gb_seconds(100 * MS, mb) * 0.000_002_5 + b.ghz_seconds(100 * MS, mb) * 0.000_01
        };
        assert!((per_100ms(128) - 0.000_000_231_25).abs() < 1e-15);
        assert!((per_100ms(1024) - 0.000_001_65).abs() < 1e-15);
        assert!((per_100ms(8192) - 0.000_006_8).abs() < 1e-15);
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
