//! Validating a FaaS compute model: cold starts (optional when every function has a runtime
//! with a default, [`super::faas_settings`]), keep-alive policy, pools, idle-instance choice,
//! per-instance concurrency, limits and reservations, scale-up rate, timeout, and its billing.

use toml::Spanned;

use crate::platform::faas::runtimes::Platform;
use crate::platform::faas::scaling::scale_rate::ScaleUpRate;
use crate::platform::fleet::{AutoscaleSpec, Balancer};
use crate::platform::{ComputeSpec, FaasBilling, FaasSpec, IdleChoice, PoolMapping};
use crate::scenario::file::*;
use crate::units::parse_memory_mb;
use crate::workload::Workload;

use super::autoscale::Model;
use super::{Result, Validator};

/// What a FaaS deployment's quota counts: calls started (each attempt of a call).
pub const INVOCATIONS_QUOTA: &str = "invocations";

/// Largest concurrency limit or reservation (they are counted in a u32).
const MAX_CONCURRENCY: i64 = u32::MAX as i64;

/// Most calls one FaaS instance may serve at once (Cloud Run allows 1,000).
const MAX_INSTANCE_CONCURRENCY: i64 = 1_000;

impl Validator<'_> {
    /// What the GB-s price `gbs` prices memory per: `GiB` when it comes from the compute
    /// preset and that preset's figure is in USD per GiB-s (its `unit`), else `GB`.
    fn memory_unit<T>(&self, c: &Spanned<ComputeFile>, gbs: &Spanned<T>) -> &'static str {
        let file = c.get_ref();
        let param = file
            .pricing()
            .filter(|_| self.is_from_preset(gbs))
            .and_then(|name| crate::pricing::presets::catalogue().get(name.get_ref()))
            .and_then(|preset| {
                let plan = file.plan().map(|p| p.get_ref().as_str());
                preset.param(plan, "billing.gb_seconds")
            });
        match param {
            Some(p) if p.unit.starts_with("USD per GiB-s") => "GiB",
            _ => "GB",
        }
    }

    /// The FaaS model of `c`, priced by `billing`.
    pub(super) fn faas(
        &self,
        c: &Spanned<ComputeFile>,
        f: &FaasFile,
        billing: &Spanned<FaasBillingFile>,
        path: &str,
        workload: &Workload,
    ) -> Result<ComputeSpec> {
        let field = |k: &str| format!("{path}.{k}");
        let bpath = field("billing");
        let billing_file = billing;
        let b = billing.get_ref();
        let bfield = |k: &str| format!("{bpath}.{k}");
        let figures = match &f.cold_start_figures {
            Some(name) => Platform::parse(name.get_ref()).ok_or_else(|| {
                self.err(
                    name,
                    field("cold_start_figures"),
                    format!(
                        "unknown platform '{}': one of {}",
                        name.get_ref(),
                        Platform::NAMES.join(", ")
                    ),
                )
            })?,
            None => Platform::default(),
        };
        if f.cold_start.is_none() {
            self.runtime_cold_starts(c, path, workload, figures)?;
        }
        let ka = self.required(
            &f.keep_alive,
            c,
            &field("keep_alive"),
            "the keep-alive policy, e.g. { policy = \"fixed\", idle_timeout = \"10m\" }",
        )?;
        let requests = self.required(
            &b.requests,
            billing,
            &bfield("requests"),
            "the per-request price, e.g. { usd = 0.20, per = 1_000_000 }",
        )?;
        let gbs = self.required(
            &b.gb_seconds,
            billing,
            &bfield("gb_seconds"),
            "the GB-s price, e.g. { usd = 0.0000166667 }",
        )?;
        let mem = |v: &Option<Spanned<String>>, k: &str, default: u32| -> Result<u32> {
            match v {
                Some(s) => parse_memory_mb(s.get_ref()).map_err(|m| self.err(s, bfield(k), m)),
                None => Ok(default),
            }
        };
        let instance_keys = self.faas_instance_keys(f, b, path)?;
        let cpu_keys =
            self.faas_cpu_billing_keys(b, path, instance_keys.basis, instance_keys.vcpus)?;
        let billing = FaasBilling {
            requests: self.price(requests, &bfield("requests"))?,
            gb_seconds: self.price(gbs, &bfield("gb_seconds"))?,
            granularity: match &b.granularity {
                Some(g) => self.positive_duration(g, &bfield("granularity"))?,
                None => 1_000,
            },
            minimum: match &b.minimum {
                Some(m) => self.duration(m, &bfield("minimum"))?,
                None => 0,
            },
            memory_step_mb: mem(&b.memory_step, "memory_step", 1)?.max(1),
            memory_min_mb: mem(&b.memory_min, "memory_min", 0)?,
            memory_max_mb: b
                .memory_max
                .as_ref()
                .map(|_| mem(&b.memory_max, "memory_max", 0))
                .transpose()?,
            bill_init: b.bill_init.unwrap_or(false),
            provisioned_gb_seconds: b
                .provisioned_gb_seconds
                .as_ref()
                .map(|p| self.price(p, &bfield("provisioned_gb_seconds")))
                .transpose()?,
            provisioned_compute: b
                .provisioned_compute
                .as_ref()
                .map(|p| self.price(p, &bfield("provisioned_compute")))
                .transpose()?,
            basis: instance_keys.basis,
            vcpu_seconds: instance_keys.vcpu_seconds,
            ghz_seconds: cpu_keys.ghz_seconds,
            cpu_tiers: cpu_keys.cpu_tiers,
            cpu_ms: cpu_keys.cpu_ms,
            usd_per_month: cpu_keys.usd_per_month,
            memory_unit: self.memory_unit(c, gbs),
        };
        if let (Some(max), Some(max_at)) = (billing.memory_max_mb, &b.memory_max)
            && max < billing.memory_min_mb
        {
            let min = billing.memory_min_mb;
            let why = format!(
                "billed memory is raised to memory_min and capped at memory_max, so every call \
                 would be billed at {max} MB whatever its memory"
            );
            // Point at the key the scenario wrote (the other may come from a preset).
            return Err(match &b.memory_min {
                Some(min_at) if self.is_from_preset(max_at) => self.err(
                    min_at,
                    bfield("memory_min"),
                    format!("is {min} MB, above memory_max ({max} MB): {why}"),
                ),
                _ => self.err(
                    max_at,
                    bfield("memory_max"),
                    format!("is {max} MB, below memory_min ({min} MB): {why}"),
                ),
            });
        }
        self.functions_fit_cpu_tiers(&billing, b, path, workload)?;
        let (provisioned, provisioned_functions) =
            self.provisioned(f, billing_file, path, workload)?;
        let instance_concurrency = f
            .instance_concurrency
            .as_ref()
            .map(|n| {
                self.count(
                    n,
                    &field("instance_concurrency"),
                    1,
                    MAX_INSTANCE_CONCURRENCY,
                )
            })
            .transpose()?
            .unwrap_or(1);
        let (balancer, autoscale) =
            self.faas_capacity(f, path, instance_concurrency, instance_keys.vcpus)?;
        if let (Some(_), Some(p)) = (&autoscale, &f.provisioned) {
            // Both would keep instances always warm: their counts would fight.
            return Err(self.err(
                p,
                field("provisioned"),
                "cannot be combined with autoscale: the autoscaler's `min` keeps that many \
                 instances warm (Cloud Run's minimum instances); write autoscale = { min = N } \
                 instead, or autoscale = false to turn a preset's autoscaling off",
            ));
        }
        Ok(ComputeSpec::Faas(FaasSpec {
            balancer,
            autoscale,
            cold_start: f
                .cold_start
                .as_ref()
                .map(|d| self.distribution(d, &field("cold_start")))
                .transpose()?,
            cold_start_figures: figures,
            keep_alive: self.keep_alive(ka, &field("keep_alive"))?,
            account_concurrency: f
                .account_concurrency
                .as_ref()
                .map(|n| self.count(n, &field("account_concurrency"), 1, MAX_CONCURRENCY))
                .transpose()?,
            function_concurrency: f
                .function_concurrency
                .as_ref()
                .map(|n| self.count(n, &field("function_concurrency"), 1, MAX_CONCURRENCY))
                .transpose()?,
            reserved_concurrency: self.reserved_concurrency(f, path, workload)?,
            provisioned_functions,
            pools: self
                .named(
                    &f.pools,
                    &field("pools"),
                    PoolMapping::from_name,
                    "function or app",
                )?
                .unwrap_or_default(),
            idle_instance: self
                .named(
                    &f.idle_instance,
                    &field("idle_instance"),
                    IdleChoice::from_name,
                    &IdleChoice::NAMES.join(", "),
                )?
                .unwrap_or_default(),
            instance_concurrency,
            timeout: f
                .timeout
                .as_ref()
                .map(|t| self.positive_duration(t, &field("timeout")))
                .transpose()?,
            billing,
            provisioned,
            vcpus: instance_keys.vcpus,
            scale_up_rate: f
                .scale_up_rate
                .as_ref()
                .map(|r| {
                    ScaleUpRate::parse(r.get_ref())
                        .map_err(|m| self.err(r, field("scale_up_rate"), m))
                })
                .transpose()?,
            quotas: self.quotas(
                &f.quota,
                &f.quota_reset,
                path,
                &[INVOCATIONS_QUOTA],
                "a FaaS deployment's calls",
            )?,
        }))
    }

    /// Reservations per function: names must be the workload's, and together they must fit
    /// in the account limit.
    fn reserved_concurrency(
        &self,
        f: &FaasFile,
        path: &str,
        workload: &Workload,
    ) -> Result<Vec<(String, u32)>> {
        let Some(map) = &f.reserved_concurrency else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for (name, n) in map.get_ref() {
            let field = format!("{path}.reserved_concurrency.{name}");
            if !workload.functions.iter().any(|func| &func.name == name) {
                return Err(self.err(
                    n,
                    field,
                    format!("no function named '{name}' in the workload"),
                ));
            }
            out.push((name.clone(), self.count(n, &field, 0, MAX_CONCURRENCY)?));
        }
        let total: u64 = out.iter().map(|&(_, r)| r as u64).sum();
        if let Some(account) = &f.account_concurrency
            && total > *account.get_ref() as u64
        {
            return Err(self.err(
                map,
                format!("{path}.reserved_concurrency"),
                format!(
                    "reserves {total} in all, more than account_concurrency ({})",
                    account.get_ref()
                ),
            ));
        }
        Ok(out)
    }

    /// The balancer and autoscaler of a FaaS deployment: both apply only when an instance
    /// serves several calls at once (`instance_concurrency` > 1; the balancer then defaults
    /// to `least_outstanding`). With one call per instance, `idle_instance` picks the warm
    /// instance, and the keys are refused (a preset's are left unused).
    fn faas_capacity(
        &self,
        f: &FaasFile,
        path: &str,
        instance_concurrency: u32,
        vcpus: Option<f64>,
    ) -> Result<(Balancer, Option<AutoscaleSpec>)> {
        let field = |k: &str| format!("{path}.{k}");
        if instance_concurrency == 1 {
            let why = "applies only with instance_concurrency > 1 (with one call per \
                       instance, idle_instance picks the warm instance and demand starts new \
                       ones)";
            if let Some(b) = f.balancer.as_ref().filter(|b| !self.is_from_preset(b)) {
                return Err(self.err(b, field("balancer"), why));
            }
            if let Some(a) = f.autoscale.as_ref().filter(|a| !self.is_from_preset(a)) {
                return Err(self.err(a, field("autoscale"), why));
            }
            return Ok((Balancer::MostRecentlyUsed, None));
        }
        let balancer = self
            .balancer(&f.balancer, &field("balancer"), Model::Faas)?
            .unwrap_or(Balancer::LeastOutstanding);
        let autoscale = f
            .autoscale
            .as_ref()
            .map(|a| self.autoscale(a, &field("autoscale"), Model::Faas, vcpus))
            .transpose()?;
        Ok((balancer, autoscale))
    }
}
