//! Validating deployments: the compute model (FaaS in [`super::faas`], a fleet in
//! [`super::fleet`], none for a client deployment) with its billing, the gateway in front
//! ([`super::gateway`]), BaaS services (with an optional monthly plan fee),
//! fixed add-ons, and that every backend call the workload makes
//! resolves on each deployment.

use toml::Spanned;

use crate::platform::baas::growth::EGRESS_QUOTA;
use crate::platform::{
    ClientSpec, ComputeSpec, DeploymentSpec, FixedCost, OperationSpec, PresetUse, ServiceSpec,
};
use crate::pricing::PriceSchedule;
use crate::scenario::file::*;
use crate::workload::Workload;

use super::{Result, Validator, toml_number};

impl Validator<'_> {
    pub(super) fn deployment(
        &self,
        d: &DeploymentFile,
        path: &str,
        workload: &Workload,
    ) -> Result<DeploymentSpec> {
        self.check_label(&d.name, &format!("{path}.name"))?;
        let compute = self.compute(&d.compute, &format!("{path}.compute"), workload)?;
        let gateway = d
            .gateway
            .as_ref()
            .map(|g| self.gateway(g, &format!("{path}.gateway")))
            .transpose()?;
        let mut services = Vec::new();
        for (i, s) in d.services.iter().enumerate() {
            services.push(self.service(s, &format!("{path}.services[{i}]"))?);
        }
        let mut fixed = Vec::new();
        for (i, f) in d.fixed.iter().enumerate() {
            let fp = format!("{path}.fixed[{i}]");
            let f = f.get_ref();
            self.check_name(&f.name, &format!("{fp}.name"))?;
            let usd = self.monthly_usd(&f.usd_per_month, &format!("{fp}.usd_per_month"))?;
            fixed.push(FixedCost {
                name: f.name.get_ref().clone(),
                usd_per_month: usd,
            });
        }
        // Every backend call of the workload must resolve on this deployment.
        for func in &workload.functions {
            for c in &func.calls {
                let service = services.iter().find(|s| s.name == c.service);
                let ok =
                    service.is_some_and(|s| s.operations.iter().any(|o| o.kind == c.operation));
                if !ok {
                    let what = if service.is_some() {
                        format!("operation '{}' of service '{}'", c.operation, c.service)
                    } else {
                        format!("service '{}'", c.service)
                    };
                    return Err(self.err(&d.name, format!("{path}.services"), format!(
                        "deployment '{}' does not define {what}, which function '{}' calls (add it to the deployment's [[deployments.services]]; a self-hosted backend can leave out the price)",
                        d.name.get_ref(), func.name
                    )));
                }
            }
        }
        let gateway_pricing = d
            .gateway
            .as_ref()
            .and_then(|g| g.get_ref().pricing.as_ref());
        let file = d.compute.get_ref();
        let named = std::iter::once(("compute".to_string(), file.pricing(), file.plan()))
            .chain(gateway_pricing.map(|p| ("gateway".to_string(), Some(p), None)))
            .chain(d.services.iter().map(|s| {
                let s = s.get_ref();
                (
                    s.name.get_ref().clone(),
                    s.pricing.as_ref(),
                    s.plan.as_ref(),
                )
            }));
        let pricing = named
            .filter_map(|(part, name, plan)| {
                let preset = crate::pricing::presets::catalogue().get(name?.get_ref())?;
                let plan = plan.map(|p| p.get_ref().as_str());
                let preset_name = match plan.or(preset.default_plan.as_deref()) {
                    Some(plan) => format!("{}/{plan}", preset.name),
                    None => preset.name.clone(),
                };
                Some(PresetUse {
                    part,
                    preset: preset_name,
                    date: preset.date.clone(),
                })
            })
            .collect();
        Ok(DeploymentSpec {
            name: d.name.get_ref().clone(),
            compute,
            gateway,
            services,
            fixed,
            pricing,
        })
    }

    pub(super) fn compute(
        &self,
        c: &Spanned<ComputeFile>,
        path: &str,
        workload: &Workload,
    ) -> Result<ComputeSpec> {
        let field = |k: &str| format!("{path}.{k}");
        let what = "the prices: name a preset (pricing = \"...\"; `serverless-sim pricing list` shows them) or write a [billing] table";
        match c.get_ref() {
            ComputeFile::Faas(f) => {
                let billing = self.required(&f.billing, c, &field("billing"), what)?;
                self.faas(c, f, billing, path, workload)
            }
            ComputeFile::Fleet(f) => {
                let billing = self.required(&f.billing, c, &field("billing"), what)?;
                self.fleet(c, f, billing, path, workload)
            }
            // No compute: nothing to configure (serde refused any key).
            ComputeFile::Client(_) => Ok(ComputeSpec::Client(ClientSpec)),
        }
    }

    pub(super) fn service(&self, s: &Spanned<ServiceFile>, path: &str) -> Result<ServiceSpec> {
        let f = s.get_ref();
        self.check_name(&f.name, &format!("{path}.name"))?;
        let default_latency = f
            .latency
            .as_ref()
            .map(|l| self.distribution(l, &format!("{path}.latency")))
            .transpose()?;
        if f.operations.is_empty() {
            return Err(self.err(
                s,
                format!("{path}.operations"),
                "missing: at least one operation kind, e.g. [...operations.read]",
            ));
        }
        let mut operations = Vec::new();
        for (kind, op) in &f.operations {
            let opath = format!("{path}.operations.{kind}");
            let o = op.get_ref();
            let latency = match (&o.latency, &default_latency) {
                (Some(l), _) => self.distribution(l, &format!("{opath}.latency"))?,
                (None, Some(d)) => d.clone(),
                (None, None) => {
                    return Err(self.err(
                        op,
                        format!("{opath}.latency"),
                        "missing: give the operation or the service a latency distribution",
                    ));
                }
            };
            let price = match &o.price {
                Some(p) => self.price(p, &format!("{opath}.price"))?,
                None => PriceSchedule::free(),
            };
            operations.push(OperationSpec {
                kind: kind.clone(),
                price,
                latency,
            });
        }
        let usd_per_month = f
            .usd_per_month
            .as_ref()
            .map(|u| self.monthly_usd(u, &format!("{path}.usd_per_month")))
            .transpose()?;
        let growth = self.growth(f, path, &operations)?;
        let mut kinds: Vec<&str> = operations.iter().map(|o| o.kind.as_str()).collect();
        let mut what = "the service's operation kinds";
        if growth.egress.is_some() {
            kinds.push(EGRESS_QUOTA);
            what = "the service's operation kinds, or its egress in bytes";
        }
        let quotas = self.quotas(&f.quota, &f.quota_reset, path, &kinds, what)?;
        let connections = self.connections(&f.connections, path)?;
        Ok(ServiceSpec {
            name: f.name.get_ref().clone(),
            operations,
            usd_per_month,
            growth,
            quotas,
            connections,
            preset: f.pricing.as_ref().map(|p| p.get_ref().clone()),
        })
    }

    /// A flat charge per month: a finite number of dollars, at least 0.
    fn monthly_usd(&self, u: &Spanned<f64>, field: &str) -> Result<f64> {
        let usd = *u.get_ref();
        if !usd.is_finite() || usd < 0.0 {
            return Err(self.err(
                u,
                field,
                format!("must be a finite number >= 0 (got {})", toml_number(usd)),
            ));
        }
        Ok(usd)
    }
}
