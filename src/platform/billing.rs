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
//! up to the granularity, with a minimum (EC2 and Fargate: per second, 60 s minimum). Instance
//! time is priced per instance-hour (EC2), per instance-month prorated (Heroku, Render: the
//! bill's month, [`months_per_hour`] is the one conversion), or per vCPU-hour and GB-hour of
//! the instance's size (Fargate).

pub use super::metering::BillingBasis;
use crate::engine::time::{HOUR, Micros};
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
    /// What the memory of `gb_seconds` is priced per, as its price's source says: `GB`, or
    /// `GiB` (Cloud Run). The quantity is the same either way (memory MB / 1,024 x seconds,
    /// GiB-s for memory written in MiB); it names the cost part (`GiB-seconds`).
    pub memory_unit: &'static str,
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

/// What an always-on instance is priced on.
#[derive(Clone, Debug, PartialEq)]
pub enum InstancePrice {
    /// A price per instance-hour (EC2).
    Hours(PriceSchedule),
    /// A price per instance-month, prorated (Heroku dynos, Render plans): the quantity is
    /// instance time in billing months (the scenario's `month`).
    Months(PriceSchedule),
    /// Prices per vCPU-hour and per GB-hour of the instance's size (Fargate tasks); either
    /// may be absent (not billed).
    Size {
        vcpu_hours: Option<PriceSchedule>,
        gb_hours: Option<PriceSchedule>,
        /// vCPUs of one instance.
        vcpus: f64,
        /// Memory of one instance, GB (MB / 1024, as GB-s are counted everywhere).
        memory_gb: f64,
    },
}

/// One billable quantity of an instance: its meter name, unit, price, and how much of it one
/// instance-hour is.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceMeter {
    pub name: &'static str,
    pub unit: &'static str,
    pub schedule: PriceSchedule,
    pub per_instance_hour: f64,
}

/// Billing months of length `month` in one hour: the one conversion between instance-hours
/// and instance-months (the month the bill projects to, the scenario's `month`).
pub fn months_per_hour(month: Micros) -> f64 {
    HOUR as f64 / month as f64
}

/// How an always-on instance is metered and priced.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceBilling {
    /// What an instance's time is priced on (discounts already applied).
    pub price: InstancePrice,
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

    /// The meters an instance's time is billed on, each with its quantity per instance-hour
    /// (instance-months are months of length `month`).
    pub fn meters(&self, month: Micros) -> Vec<InstanceMeter> {
        match &self.price {
            InstancePrice::Hours(s) => vec![InstanceMeter {
                name: "instance_hours",
                unit: "instance-hours",
                schedule: s.clone(),
                per_instance_hour: 1.0,
            }],
            InstancePrice::Months(s) => vec![InstanceMeter {
                name: "instance_months",
                unit: "instance-months",
                schedule: s.clone(),
                per_instance_hour: months_per_hour(month),
            }],
            InstancePrice::Size {
                vcpu_hours,
                gb_hours,
                vcpus,
                memory_gb,
            } => {
                let mut out = Vec::with_capacity(2);
                if let Some(s) = vcpu_hours {
                    out.push(InstanceMeter {
                        name: "vcpu_hours",
                        unit: "vCPU-hours",
                        schedule: s.clone(),
                        per_instance_hour: *vcpus,
                    });
                }
                if let Some(s) = gb_hours {
                    out.push(InstanceMeter {
                        name: "gb_hours",
                        unit: "GB-hours",
                        schedule: s.clone(),
                        per_instance_hour: *memory_gb,
                    });
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{DEFAULT_MONTH, MS, SECOND};

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
            memory_unit: "GB",
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
    fn billed_duration_rounds_up_to_any_step_and_saturates() {
        // Steps of providers (none, 1 µs, 1 ms, 100 ms) and an odd one, against hand-worked
        // roundings.
        let with = |granularity, minimum| FaasBilling {
            granularity,
            minimum,
            ..azure_consumption()
        };
        let cases: [(Micros, Micros, Micros, Micros); 12] = [
            // (granularity, minimum, duration, billed)
            (0, 0, 1_234, 1_234),
            (1, 0, 1_234, 1_234),
            (MS, 0, 0, 0),
            (MS, 0, 1, 1_000),
            (MS, 0, 1_000, 1_000),
            (MS, 0, 1_001, 2_000),
            (100 * MS, 0, 100_001, 200_000),
            (100 * MS, 0, 300_000, 300_000),
            (7, 0, 15, 21),
            (MS, 100 * MS, 1_001, 100_000),
            // Past the largest multiple: saturates, never wraps.
            (MS, 0, u64::MAX - 5, u64::MAX),
            (7, 0, u64::MAX, u64::MAX),
        ];
        for (granularity, minimum, duration, billed) in cases {
            assert_eq!(
                with(granularity, minimum).billed_duration(duration),
                billed,
                "{duration} µs at step {granularity}, minimum {minimum}"
            );
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
            price: InstancePrice::Hours(PriceSchedule::flat(0.0416)),
            granularity: SECOND,
            minimum: 60 * SECOND,
        };
        assert_eq!(b.billed_lifetime(10 * SECOND), 60 * SECOND);
        assert_eq!(b.billed_lifetime(90 * SECOND + 1), 91 * SECOND);
    }

    #[test]
    fn a_month_priced_instance_counts_instance_months() {
        let b = InstanceBilling {
            price: InstancePrice::Months(PriceSchedule::flat(25.0)),
            granularity: SECOND,
            minimum: 0,
        };
        let m = b.meters(DEFAULT_MONTH);
        assert_eq!(m.len(), 1);
        assert_eq!(
            (m[0].name, m[0].unit),
            ("instance_months", "instance-months")
        );
        // The month is 30.4375 days = 730.5 hours.
        assert!((m[0].per_instance_hour - 1.0 / 730.5).abs() < 1e-15);
        assert!((months_per_hour(DEFAULT_MONTH) * 730.5 - 1.0).abs() < 1e-12);
        assert!((months_per_hour(730 * HOUR) * 730.0 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn a_size_priced_instance_counts_its_vcpus_and_gigabytes() {
        let b = InstanceBilling {
            price: InstancePrice::Size {
                vcpu_hours: Some(PriceSchedule::flat(0.04048)),
                gb_hours: Some(PriceSchedule::flat(0.004445)),
                vcpus: 0.25,
                memory_gb: 0.5,
            },
            granularity: SECOND,
            minimum: 60 * SECOND,
        };
        let m = b.meters(DEFAULT_MONTH);
        let got: Vec<_> = m
            .iter()
            .map(|m| (m.name, m.unit, m.per_instance_hour))
            .collect();
        assert_eq!(
            got,
            [
                ("vcpu_hours", "vCPU-hours", 0.25),
                ("gb_hours", "GB-hours", 0.5)
            ]
        );
        assert_eq!(m[0].schedule, PriceSchedule::flat(0.04048));
        assert_eq!(m[1].schedule, PriceSchedule::flat(0.004445));
        let only_cpu = InstanceBilling {
            price: InstancePrice::Size {
                vcpu_hours: Some(PriceSchedule::flat(1.0)),
                gb_hours: None,
                vcpus: 2.0,
                memory_gb: 4.0,
            },
            ..b
        };
        assert_eq!(only_cpu.meters(DEFAULT_MONTH).len(), 1);
    }
}
