//! Validating deployments: the compute model (FaaS in [`super::faas`], or a fleet) with its
//! billing, BaaS services, fixed add-ons, and that every backend call the workload makes
//! resolves on each deployment.

use toml::Spanned;

use crate::platform::fleet::DEFAULT_QUEUE_LIMIT;
use crate::platform::{
    ComputeSpec, DeploymentSpec, FixedCost, FleetSpec, InstanceBilling, OperationSpec, PresetUse,
    ServiceSpec,
};
use crate::pricing::PriceSchedule;
use crate::scenario::file::*;
use crate::units::parse_memory_mb;
use crate::workload::Workload;

use super::{Result, Validator, toml_number};

/// Slowest and fastest fleet speed factor: a thousand times slower or faster than the
/// workload's reference platform (beyond that the factor is a typo, and `1e-18` would stretch
/// a millisecond past the clock's range).
const MIN_SPEED: f64 = 0.001;
const MAX_SPEED: f64 = 1000.0;

/// Most workers a fleet may have in all (each is a slot in memory while the run lasts).
const MAX_FLEET_WORKERS: u64 = 10_000_000;

impl Validator<'_> {
    pub(super) fn deployment(
        &self,
        d: &DeploymentFile,
        path: &str,
        workload: &Workload,
    ) -> Result<DeploymentSpec> {
        self.check_label(&d.name, &format!("{path}.name"))?;
        let compute = self.compute(&d.compute, &format!("{path}.compute"), workload)?;
        let mut services = Vec::new();
        for (i, s) in d.services.iter().enumerate() {
            services.push(self.service(s, &format!("{path}.services[{i}]"))?);
        }
        let mut fixed = Vec::new();
        for (i, f) in d.fixed.iter().enumerate() {
            let fp = format!("{path}.fixed[{i}]");
            let f = f.get_ref();
            self.check_name(&f.name, &format!("{fp}.name"))?;
            let usd = *f.usd_per_month.get_ref();
            if !usd.is_finite() || usd < 0.0 {
                return Err(self.err(
                    &f.usd_per_month,
                    format!("{fp}.usd_per_month"),
                    format!("must be a finite number >= 0 (got {})", toml_number(usd)),
                ));
            }
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
        let named = std::iter::once(("compute".to_string(), &d.compute.get_ref().pricing)).chain(
            d.services
                .iter()
                .map(|s| (s.get_ref().name.get_ref().clone(), &s.get_ref().pricing)),
        );
        let pricing = named
            .filter_map(|(part, name)| {
                let preset = crate::pricing::presets::catalogue().get(name.as_ref()?.get_ref())?;
                Some(PresetUse {
                    part,
                    preset: preset.name.clone(),
                    date: preset.date.clone(),
                })
            })
            .collect();
        Ok(DeploymentSpec {
            name: d.name.get_ref().clone(),
            compute,
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
        let f = c.get_ref();
        let field = |k: &str| format!("{path}.{k}");
        let billing = self.required(
            &f.billing,
            c,
            &field("billing"),
            "the prices, a [billing] table (named presets come later)",
        )?;
        let bpath = field("billing");
        let b = billing.get_ref();
        let bfield = |k: &str| format!("{bpath}.{k}");
        match f.model.get_ref().as_str() {
            "faas" => self.faas(c, billing, path, workload),
            "fleet" => {
                let v = "model = \"fleet\"";
                self.not_for(&f.cold_start, &field("cold_start"), v)?;
                self.not_for(&f.keep_alive, &field("keep_alive"), v)?;
                self.not_for(&f.account_concurrency, &field("account_concurrency"), v)?;
                self.not_for(&f.function_concurrency, &field("function_concurrency"), v)?;
                self.not_for(&f.reserved_concurrency, &field("reserved_concurrency"), v)?;
                self.not_for(&f.pools, &field("pools"), v)?;
                self.not_for(&f.idle_instance, &field("idle_instance"), v)?;
                self.not_for(&f.instance_concurrency, &field("instance_concurrency"), v)?;
                self.not_for(&f.provisioned, &field("provisioned"), v)?;
                self.not_for(
                    &b.provisioned_gb_seconds,
                    &bfield("provisioned_gb_seconds"),
                    v,
                )?;
                self.not_for(&b.provisioned_compute, &bfield("provisioned_compute"), v)?;
                self.not_for(&f.vcpus, &field("vcpus"), v)?;
                self.not_for(&b.basis, &bfield("basis"), v)?;
                self.not_for(&b.vcpu_seconds, &bfield("vcpu_seconds"), v)?;
                self.not_for(&b.ghz_seconds, &bfield("ghz_seconds"), v)?;
                self.not_for(&b.cpu_tiers, &bfield("cpu_tiers"), v)?;
                self.not_for(&b.cpu_ms, &bfield("cpu_ms"), v)?;
                self.not_for(&b.usd_per_month, &bfield("usd_per_month"), v)?;
                self.not_for(&f.scale_up_rate, &field("scale_up_rate"), v)?;
                self.not_for(&b.requests, &bfield("requests"), v)?;
                self.not_for(&b.gb_seconds, &bfield("gb_seconds"), v)?;
                self.not_for(&b.memory_step, &bfield("memory_step"), v)?;
                self.not_for(&b.memory_min, &bfield("memory_min"), v)?;
                self.not_for(&b.memory_max, &bfield("memory_max"), v)?;
                if b.bill_init.is_some() {
                    return Err(self.err(
                        billing,
                        bfield("bill_init"),
                        "does not apply to model = \"fleet\"",
                    ));
                }
                let instances = self.required(
                    &f.instances,
                    c,
                    &field("instances"),
                    "how many always-on instances, e.g. instances = 2",
                )?;
                let workers = self.required(
                    &f.workers,
                    c,
                    &field("workers"),
                    "concurrent requests per instance, e.g. workers = 8",
                )?;
                let speed = match &f.speed {
                    Some(s) if !(MIN_SPEED..=MAX_SPEED).contains(s.get_ref()) => {
                        return Err(self.err(
                            s,
                            field("speed"),
                            format!(
                                "must be a number from {MIN_SPEED} to {MAX_SPEED} (got {}): \
                                 the execution-time divisor relative to the reference platform",
                                toml_number(*s.get_ref())
                            ),
                        ));
                    }
                    Some(s) => *s.get_ref(),
                    None => 1.0,
                };
                let hours = self.required(
                    &b.instance_hours,
                    billing,
                    &bfield("instance_hours"),
                    "the price per instance-hour, e.g. { usd = 0.0416 }",
                )?;
                let discount = match &b.discount {
                    Some(d) if !(0.0..1.0).contains(d.get_ref()) => {
                        return Err(self.err(
                            d,
                            bfield("discount"),
                            format!(
                                "must be a fraction from 0 up to (not including) 1 (got {})",
                                toml_number(*d.get_ref())
                            ),
                        ));
                    }
                    Some(d) => *d.get_ref(),
                    None => 0.0,
                };
                let mut schedule = self.price(hours, &bfield("instance_hours"))?;
                for t in &mut schedule.tiers {
                    t.unit_price *= 1.0 - discount;
                }
                let n_instances =
                    self.count(instances, &field("instances"), 1, MAX_FLEET_WORKERS as i64)?;
                let n_workers =
                    self.count(workers, &field("workers"), 1, MAX_FLEET_WORKERS as i64)?;
                if n_instances as u64 * n_workers as u64 > MAX_FLEET_WORKERS {
                    return Err(self.err(
                        workers,
                        field("workers"),
                        format!(
                            "instances x workers must be at most {MAX_FLEET_WORKERS} (got {n_instances} x {n_workers} = {})",
                            n_instances as u64 * n_workers as u64
                        ),
                    ));
                }
                let instance_memory_mb = match &f.instance_memory {
                    Some(m) => {
                        Some(self.instance_memory(m, &field("instance_memory"), workload)?)
                    }
                    None => None,
                };
                let queue_limit = match &f.queue_limit {
                    Some(q) => self.count(q, &field("queue_limit"), 1, u32::MAX as i64)?,
                    None => DEFAULT_QUEUE_LIMIT,
                };
                Ok(ComputeSpec::Fleet(FleetSpec {
                    instance_memory_mb,
                    queue_limit,
                    instances: n_instances,
                    workers_per_instance: n_workers,
                    speed,
                    timeout: f
                        .timeout
                        .as_ref()
                        .map(|t| self.positive_duration(t, &field("timeout")))
                        .transpose()?,
                    billing: InstanceBilling {
                        instance_hours: schedule,
                        granularity: match &b.granularity {
                            Some(g) => self.positive_duration(g, &bfield("granularity"))?,
                            None => 1_000_000,
                        },
                        minimum: match &b.minimum {
                            Some(m) => self.duration(m, &bfield("minimum"))?,
                            None => 0,
                        },
                    },
                }))
            }
            other => Err(self.err(
                &f.model,
                field("model"),
                format!("unknown compute model '{other}' (use faas or fleet)"),
            )),
        }
    }

    /// An instance memory size, which every function must fit in.
    fn instance_memory(
        &self,
        m: &Spanned<String>,
        field: &str,
        workload: &Workload,
    ) -> Result<u32> {
        let mb = parse_memory_mb(m.get_ref()).map_err(|e| self.err(m, field, e))?;
        if let Some(f) = workload.functions.iter().find(|f| f.memory_mb > mb) {
            return Err(self.err(
                m,
                field,
                format!(
                    "function '{}' needs {} MB, more than an instance has ({mb} MB): it could never run",
                    f.name, f.memory_mb
                ),
            ));
        }
        Ok(mb)
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
        Ok(ServiceSpec {
            name: f.name.get_ref().clone(),
            operations,
        })
    }
}
