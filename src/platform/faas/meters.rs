//! The meters a FaaS deployment bills, and the cost parts they belong to: the one place
//! FaaS cost parts are defined ([`crate::pricing::part`]).
//!
//! Parts, by what they meter: `requests` (per-call fees); the compute column, split by unit
//! into `GB-seconds` (or `GiB-seconds` when the price's source prices GiB-s,
//! [`FaasBilling::memory_unit`]; GB-s of calls run on provisioned capacity included),
//! `vCPU-seconds`, `GHz-seconds` and `CPU-ms`; provisioned capacity kept warm
//! (`provisioned GB-seconds`, used or not: no function's); and the platform's monthly base
//! fee (no function's). All are priced by the deployment's compute preset.

use super::{BillingBasis, FaasSpec};
use crate::platform::billing::FaasBilling;
use crate::pricing::{Attribution, CostPart, Meters, PriceSchedule};

/// Column ranks of the FaaS parts ([`crate::pricing::Column`]).
const REQUESTS_RANK: u8 = 10;
const COMPUTE_RANK: u8 = 20;
const PROVISIONED_RANK: u8 = 30;
const BASE_FEE_RANK: u8 = 80;

/// The meters a FaaS deployment bills.
#[derive(Clone, Copy, Debug)]
pub struct FaasMeters {
    pub requests: usize,
    pub gb_seconds: usize,
    /// With provisioned concurrency: configured GB-s, and GB-s of calls run on it.
    pub provisioned: Option<(usize, usize)>,
    /// vCPU-s of instance time (instance billing bases with `vcpus` and a vCPU-s price).
    pub vcpu_seconds: Option<usize>,
    /// GHz-s of calls on memory -> CPU clock tiers (`billing.ghz_seconds`).
    pub ghz_seconds: Option<usize>,
    /// CPU-ms of calls (`billing.cpu_ms`).
    pub cpu_ms: Option<usize>,
}

/// A part of the compute column, labelled `label`, paid by the calls that used it.
fn compute(label: &str) -> CostPart {
    CostPart::new(COMPUTE_RANK, "compute", label, Attribution::PerCall).priced_by("compute")
}

/// The label of memory time priced per `memory_unit`-second (`GB-seconds`, `GiB-seconds`).
fn memory_seconds(billing: &FaasBilling) -> String {
    format!("{}-seconds", billing.memory_unit)
}

impl FaasMeters {
    /// Registers the usage meters of `faas` (requests, then compute, then provisioned
    /// capacity, vCPU-s, GHz-s and CPU-ms where priced), in that order.
    pub fn register(faas: &FaasSpec, meters: &mut Meters) -> Self {
        let billing = &faas.billing;
        let requests = CostPart::new(REQUESTS_RANK, "requests", "requests", Attribution::PerCall)
            .priced_by("compute");
        let memory = compute(&memory_seconds(billing));
        let registered = Self {
            requests: meters.add(&requests, "requests", "requests", billing.requests.clone()),
            gb_seconds: meters.add(&memory, "gb_seconds", "GB-s", billing.gb_seconds.clone()),
            provisioned: match (
                &billing.provisioned_gb_seconds,
                &billing.provisioned_compute,
            ) {
                // A preset's provisioned prices stay off the bill of a deployment without
                // provisioned concurrency.
                (Some(configured), Some(used)) if faas.provisioned.is_some() => {
                    let kept = CostPart::new(
                        PROVISIONED_RANK,
                        "provisioned",
                        format!("provisioned {}", memory_seconds(billing)),
                        Attribution::Unattributed,
                    )
                    .priced_by("compute");
                    Some((
                        meters.add(&kept, "provisioned_gb_seconds", "GB-s", configured.clone()),
                        meters.add(&memory, "provisioned_compute", "GB-s", used.clone()),
                    ))
                }
                _ => None,
            },
            vcpu_seconds: vcpu_meter(faas, meters),
            ghz_seconds: billing
                .ghz_seconds
                .clone()
                .map(|price| meters.add(&compute("GHz-seconds"), "ghz_seconds", "GHz-s", price)),
            cpu_ms: billing
                .cpu_ms
                .clone()
                .map(|price| meters.add(&compute("CPU-ms"), "cpu_ms", "CPU-ms", price)),
        };
        if billing.basis != BillingBasis::Request {
            // Instance time, shared by the functions' slot time.
            meters.set_attribution(registered.gb_seconds, Attribution::SlotTime);
            if let Some(m) = registered.vcpu_seconds {
                meters.set_attribution(m, Attribution::SlotTime);
            }
        }
        registered
    }
}

/// The vCPU-s meter of a FaaS deployment billed on instance time with `vcpus`, if any.
fn vcpu_meter(faas: &FaasSpec, meters: &mut Meters) -> Option<usize> {
    let price = faas.billing.vcpu_seconds.clone()?;
    if faas.billing.basis == BillingBasis::Request || faas.vcpus.is_none() {
        return None;
    }
    Some(meters.add(&compute("vCPU-seconds"), "vcpu_seconds", "vCPU-s", price))
}

/// Registers the platform's monthly base fee of `faas`, if it has one: its own column, no
/// function's.
pub fn base_fee_meter(faas: &FaasSpec, meters: &mut Meters) -> Option<usize> {
    let usd = faas.billing.usd_per_month?;
    let part = CostPart::new(
        BASE_FEE_RANK,
        "base_fee",
        "monthly base fee",
        Attribution::Unattributed,
    )
    .priced_by("compute");
    Some(meters.add(&part, "base_fee", "months", PriceSchedule::flat(usd)))
}
