//! Validating the FaaS billing keys that price CPU rather than memory, and the platform's
//! monthly fee: `ghz_seconds` with its `cpu_tiers` (memory -> CPU clock, Cloud Functions
//! 1st gen), `cpu_ms` (CPU time, Cloudflare Workers) and `usd_per_month`.
//!
//! Rules: `ghz_seconds` and `cpu_tiers` come together; tiers ascend strictly by memory, each
//! with a clock > 0 GHz, and every function must fit in the largest tier. `ghz_seconds` and
//! `cpu_ms` price each call, so they need `basis = "request"` and no `vcpus` (whose
//! container-style CPU does not follow memory and is shared between calls).

use toml::Spanned;

use crate::platform::BillingBasis;
use crate::platform::billing::{CpuTier, FaasBilling};
use crate::pricing::PriceSchedule;
use crate::scenario::file::*;
use crate::units::parse_memory_mb;
use crate::workload::Workload;

use super::{Result, Validator, toml_number};

/// The validated CPU-pricing keys of one FaaS deployment.
pub(super) struct CpuBillingKeys {
    pub ghz_seconds: Option<PriceSchedule>,
    pub cpu_tiers: Vec<CpuTier>,
    pub cpu_ms: Option<PriceSchedule>,
    pub usd_per_month: Option<f64>,
}

impl Validator<'_> {
    /// The CPU-pricing keys of billing `b` of the FaaS deployment at `path`, billed on
    /// `basis`, with `vcpus` per instance if set.
    pub(super) fn faas_cpu_billing_keys(
        &self,
        b: &FaasBillingFile,
        path: &str,
        basis: BillingBasis,
        vcpus: Option<f64>,
    ) -> Result<CpuBillingKeys> {
        let bfield = |k: &str| format!("{path}.billing.{k}");
        for (key, price) in [("ghz_seconds", &b.ghz_seconds), ("cpu_ms", &b.cpu_ms)] {
            let Some(p) = price else { continue };
            if basis != BillingBasis::Request {
                let name = BillingBasis::NAMES[basis as usize];
                return Err(self.err(
                    p,
                    bfield(key),
                    format!(
                        "does not apply to basis = \"{name}\" (it prices each call: use basis = \"request\")"
                    ),
                ));
            }
            if vcpus.is_some() {
                return Err(self.err(
                    p,
                    bfield(key),
                    format!(
                        "does not apply with {path}.vcpus (instances sized by vCPUs share their CPU between calls)"
                    ),
                ));
            }
        }
        let (ghz_seconds, cpu_tiers) = match (&b.ghz_seconds, &b.cpu_tiers) {
            (None, None) => (None, Vec::new()),
            (Some(p), None) => {
                return Err(self.err(
                    p,
                    bfield("ghz_seconds"),
                    format!(
                        "needs {}, the CPU clock of each memory size, e.g. [{{ memory = \"128MB\", ghz = 0.2 }}]",
                        bfield("cpu_tiers")
                    ),
                ));
            }
            (None, Some(t)) => {
                return Err(self.err(
                    t,
                    bfield("cpu_tiers"),
                    format!(
                        "needs {}, the price per GHz-s, e.g. {{ usd = 0.00001 }}",
                        bfield("ghz_seconds")
                    ),
                ));
            }
            (Some(p), Some(t)) => (
                Some(self.price(p, &bfield("ghz_seconds"))?),
                self.cpu_tiers(t, &bfield("cpu_tiers"))?,
            ),
        };
        let usd_per_month = match &b.usd_per_month {
            Some(v) if !v.get_ref().is_finite() || *v.get_ref() < 0.0 => {
                return Err(self.err(
                    v,
                    bfield("usd_per_month"),
                    format!(
                        "must be a finite number >= 0 (got {})",
                        toml_number(*v.get_ref())
                    ),
                ));
            }
            Some(v) => Some(*v.get_ref()),
            None => None,
        };
        Ok(CpuBillingKeys {
            ghz_seconds,
            cpu_tiers,
            cpu_ms: b
                .cpu_ms
                .as_ref()
                .map(|p| self.price(p, &bfield("cpu_ms")))
                .transpose()?,
            usd_per_month,
        })
    }

    fn cpu_tiers(
        &self,
        t: &Spanned<Vec<Spanned<CpuTierFile>>>,
        path: &str,
    ) -> Result<Vec<CpuTier>> {
        if t.get_ref().is_empty() {
            return Err(self.err(t, path, "is empty: give at least one { memory, ghz }"));
        }
        let mut out: Vec<CpuTier> = Vec::new();
        for (i, tier) in t.get_ref().iter().enumerate() {
            let field = |k: &str| format!("{path}[{i}].{k}");
            let tier = tier.get_ref();
            let memory_mb = parse_memory_mb(tier.memory.get_ref())
                .map_err(|m| self.err(&tier.memory, field("memory"), m))?;
            if let Some(prev) = out.last()
                && memory_mb <= prev.memory_mb
            {
                return Err(self.err(
                    &tier.memory,
                    field("memory"),
                    format!(
                        "tiers must have increasing memory ({memory_mb} MB after {} MB)",
                        prev.memory_mb
                    ),
                ));
            }
            let ghz = *tier.ghz.get_ref();
            if !ghz.is_finite() || ghz <= 0.0 {
                return Err(self.err(
                    &tier.ghz,
                    field("ghz"),
                    format!("must be a finite number > 0 (got {})", toml_number(ghz)),
                ));
            }
            out.push(CpuTier { memory_mb, ghz });
        }
        Ok(out)
    }

    /// With CPU tiers, every function's billed memory must have a tier.
    pub(super) fn functions_fit_cpu_tiers(
        &self,
        billing: &FaasBilling,
        b: &FaasBillingFile,
        path: &str,
        workload: &Workload,
    ) -> Result<()> {
        let (Some(tiers), Some(largest)) = (&b.cpu_tiers, billing.cpu_tiers.last()) else {
            return Ok(());
        };
        for f in &workload.functions {
            let mb = billing.stepped_memory_mb(f.memory_mb);
            if billing.cpu_tier(mb).is_none() {
                return Err(self.err(
                    tiers,
                    format!("{path}.billing.cpu_tiers"),
                    format!(
                        "function '{}' is billed for {mb} MB, more than the largest tier ({} MB)",
                        f.name, largest.memory_mb
                    ),
                ));
            }
        }
        Ok(())
    }
}
