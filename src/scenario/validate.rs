//! From the file as written to typed values: units resolved, ranges checked, names
//! cross-referenced. Every error names the field (dotted path) and its line.

use std::collections::BTreeSet;

use toml::Spanned;

use super::Scenario;
use super::file::*;
use super::locate::Source;
use crate::engine::time::{MINUTE, Micros};
use crate::error::{ScenarioError, SimError};
use crate::platform::{
    ComputeSpec, DeploymentSpec, FaasBilling, FaasSpec, FixedCost, FleetSpec, InstanceBilling,
    KeepAlive, OperationSpec, ServiceSpec, Window,
};
use crate::pricing::{PriceSchedule, Tier};
use crate::units::{parse_duration, parse_memory_mb, parse_rate};
use crate::workload::{
    ArrivalProcess, BackendCalls, DurationDist, FunctionSpec, Source as Arrivals, Workload, trace,
};

type Result<T> = std::result::Result<T, ScenarioError>;

/// Validates a parsed scenario file; `default_name` names it when the file does not. A trace
/// workload is read here (its first pass), so errors may also be located in trace files.
pub fn validate(
    file: ScenarioFile,
    src: &Source,
    default_name: &str,
) -> std::result::Result<Scenario, SimError> {
    let v = Validator { src };
    let name = match &file.name {
        Some(n) => {
            v.check_name(n, "name")?;
            n.get_ref().clone()
        }
        None => default_name.to_string(),
    };
    let seed = match &file.seed {
        Some(s) if *s.get_ref() < 0 => {
            return Err(v.err(s, "seed", "must be a whole number >= 0").into());
        }
        Some(s) => *s.get_ref() as u64,
        None => 1,
    };
    let Some(workload) = &file.workload else {
        return Err(src
            .file_error(
                "workload",
                "missing: add [[workload.functions]] or a [workload.trace]",
            )
            .into());
    };
    let trace_table = workload.get_ref().trace.as_ref();
    if file.duration.is_none() && trace_table.is_none() {
        return Err(src
            .file_error(
                "duration",
                "missing: how long to simulate, e.g. duration = \"1h\"",
            )
            .into());
    }
    let workload = match trace_table {
        Some(t) => {
            if let Some(f) = workload.get_ref().functions.first() {
                return Err(v
                    .err(
                        f,
                        "workload.functions",
                        "give either [[workload.functions]] or a [workload.trace], not both",
                    )
                    .into());
            }
            let spec = v.trace(t, seed)?;
            let (functions, source) = trace::load(&spec)?;
            Workload {
                functions,
                source: Arrivals::Trace(source),
            }
        }
        None => v.workload(workload)?,
    };
    let length = match (&file.duration, &workload.source) {
        (Some(d), _) => v.positive_duration(d, "duration")?,
        (None, Arrivals::Trace(t)) if t.info.span > 0 => t.info.span,
        _ => {
            return Err(src
                .file_error(
                    "duration",
                    "missing, and the selected trace window is empty: set duration",
                )
                .into());
        }
    };
    let bucket = match &file.bucket {
        Some(b) => v.positive_duration(b, "bucket")?,
        None => MINUTE,
    };
    if let Some(b) = file.bucket.as_ref().filter(|_| bucket > length) {
        return Err(v
            .err(b, "bucket", "is longer than the simulated duration")
            .into());
    }
    if file.deployments.is_empty() {
        return Err(src
            .file_error(
                "deployments",
                "missing: add at least one [[deployments]] to simulate",
            )
            .into());
    }
    let mut names = BTreeSet::new();
    let mut deployments = Vec::new();
    for (i, d) in file.deployments.iter().enumerate() {
        let path = format!("deployments[{i}]");
        let spec = v.deployment(d.get_ref(), &path, &workload)?;
        if !names.insert(spec.name.clone()) {
            return Err(v
                .err(
                    &d.get_ref().name,
                    format!("{path}.name"),
                    "is used by another deployment",
                )
                .into());
        }
        deployments.push(spec);
    }
    Ok(Scenario {
        name,
        seed,
        window: Window { length, bucket },
        workload,
        deployments,
    })
}

pub(super) struct Validator<'a> {
    pub(super) src: &'a Source<'a>,
}

impl Validator<'_> {
    pub(super) fn err<T>(
        &self,
        at: &Spanned<T>,
        field: impl Into<String>,
        msg: impl Into<String>,
    ) -> ScenarioError {
        self.src.error(at.span(), field, msg)
    }

    fn check_name(&self, n: &Spanned<String>, field: &str) -> Result<()> {
        let s = n.get_ref();
        if s.is_empty()
            || !s
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            || s.starts_with('.')
        {
            return Err(self.err(
                n,
                field,
                format!("'{s}' must be non-empty and use only letters, digits, '-', '_' and '.'"),
            ));
        }
        Ok(())
    }

    /// A display name (deployments, functions): anything printable.
    fn check_label(&self, n: &Spanned<String>, field: &str) -> Result<()> {
        let s = n.get_ref();
        if s.trim().is_empty() || s.chars().any(char::is_control) {
            return Err(self.err(
                n,
                field,
                "must be a non-empty name without control characters",
            ));
        }
        Ok(())
    }

    pub(super) fn duration(&self, d: &Spanned<String>, field: &str) -> Result<Micros> {
        parse_duration(d.get_ref()).map_err(|m| self.err(d, field, m))
    }

    pub(super) fn positive_duration(&self, d: &Spanned<String>, field: &str) -> Result<Micros> {
        let v = self.duration(d, field)?;
        if v == 0 {
            return Err(self.err(d, field, "must be greater than zero"));
        }
        Ok(v)
    }

    fn seconds(&self, d: &Spanned<String>, field: &str) -> Result<f64> {
        Ok(self.positive_duration(d, field)? as f64 / 1e6)
    }

    fn rate(&self, r: &Spanned<String>, field: &str, allow_zero: bool) -> Result<f64> {
        let v = parse_rate(r.get_ref()).map_err(|m| self.err(r, field, m))?;
        if v == 0.0 && !allow_zero {
            return Err(self.err(r, field, "must be greater than zero"));
        }
        Ok(v)
    }

    pub(super) fn count(&self, n: &Spanned<i64>, field: &str, min: i64) -> Result<u32> {
        let v = *n.get_ref();
        if v < min || v > u32::MAX as i64 {
            return Err(self.err(n, field, format!("must be a whole number >= {min}")));
        }
        Ok(v as u32)
    }

    pub(super) fn required<'s, T>(
        &self,
        v: &'s Option<Spanned<T>>,
        at: &Spanned<impl Sized>,
        field: &str,
        what: &str,
    ) -> Result<&'s Spanned<T>> {
        v.as_ref()
            .ok_or_else(|| self.err(at, field, format!("missing: {what}")))
    }

    pub(super) fn not_for<T>(
        &self,
        v: &Option<Spanned<T>>,
        field: &str,
        variant: &str,
    ) -> Result<()> {
        match v {
            Some(x) => Err(self.err(x, field, format!("does not apply to {variant}"))),
            None => Ok(()),
        }
    }

    fn workload(&self, w: &Spanned<WorkloadFile>) -> Result<Workload> {
        let file = w.get_ref();
        if file.functions.is_empty() {
            return Err(self.err(
                w,
                "workload.functions",
                "is empty: add at least one [[workload.functions]] or a [workload.trace]",
            ));
        }
        let mut functions = Vec::new();
        let mut processes = Vec::new();
        let mut names = BTreeSet::new();
        for (i, f) in file.functions.iter().enumerate() {
            let path = format!("workload.functions[{i}]");
            let f = f.get_ref();
            self.check_label(&f.name, &format!("{path}.name"))?;
            if !names.insert(f.name.get_ref().clone()) {
                return Err(self.err(
                    &f.name,
                    format!("{path}.name"),
                    "is used by another function",
                ));
            }
            let memory_mb = parse_memory_mb(f.memory.get_ref())
                .map_err(|m| self.err(&f.memory, format!("{path}.memory"), m))?;
            if memory_mb == 0 {
                return Err(self.err(
                    &f.memory,
                    format!("{path}.memory"),
                    "must be greater than zero",
                ));
            }
            let calls = self.calls(&f.calls, &path)?;
            functions.push(FunctionSpec {
                name: f.name.get_ref().clone(),
                app: f.app.clone().unwrap_or_else(|| f.name.get_ref().clone()),
                memory_mb,
                exec: self.distribution(&f.execution, &format!("{path}.execution"))?,
                calls,
            });
            processes.push(self.arrivals(&f.arrivals, &format!("{path}.arrivals"))?);
        }
        Ok(Workload {
            functions,
            source: Arrivals::Synthetic(processes),
        })
    }

    /// Backend calls per invocation: service -> operation kind -> count (zeros dropped).
    pub(super) fn calls(&self, map: &CallsFile, path: &str) -> Result<Vec<BackendCalls>> {
        let mut calls = Vec::new();
        for (service, ops) in map {
            for (op, count) in ops {
                let n = self.count(count, &format!("{path}.calls.{service}.{op}"), 0)?;
                if n > 0 {
                    calls.push(BackendCalls {
                        service: service.clone(),
                        operation: op.clone(),
                        count: n,
                    });
                }
            }
        }
        Ok(calls)
    }

    pub(super) fn distribution(
        &self,
        d: &Spanned<DistributionFile>,
        path: &str,
    ) -> Result<DurationDist> {
        let f = d.get_ref();
        let field = |k: &str| format!("{path}.{k}");
        let dist = f.dist.get_ref().as_str();
        let variant = format!("dist = \"{dist}\"");
        match dist {
            "constant" => {
                self.not_for(&f.mean, &field("mean"), &variant)?;
                self.not_for(&f.median, &field("median"), &variant)?;
                self.not_for(&f.p99, &field("p99"), &variant)?;
                let v = self.required(
                    &f.value,
                    d,
                    &field("value"),
                    "the constant duration, e.g. value = \"20ms\"",
                )?;
                Ok(DurationDist::Constant {
                    ms: self.duration(v, &field("value"))? as f64 / 1e3,
                })
            }
            "exponential" => {
                self.not_for(&f.value, &field("value"), &variant)?;
                self.not_for(&f.median, &field("median"), &variant)?;
                self.not_for(&f.p99, &field("p99"), &variant)?;
                let m =
                    self.required(&f.mean, d, &field("mean"), "the mean, e.g. mean = \"50ms\"")?;
                Ok(DurationDist::Exponential {
                    mean_ms: self.positive_duration(m, &field("mean"))? as f64 / 1e3,
                })
            }
            "lognormal" => {
                self.not_for(&f.value, &field("value"), &variant)?;
                self.not_for(&f.mean, &field("mean"), &variant)?;
                let m = self.required(
                    &f.median,
                    d,
                    &field("median"),
                    "the median, e.g. median = \"40ms\"",
                )?;
                let p = self.required(
                    &f.p99,
                    d,
                    &field("p99"),
                    "the 99th percentile, e.g. p99 = \"250ms\"",
                )?;
                let median = self.positive_duration(m, &field("median"))? as f64 / 1e3;
                let p99 = self.positive_duration(p, &field("p99"))? as f64 / 1e3;
                if p99 < median {
                    return Err(self.err(p, field("p99"), "must not be below the median"));
                }
                Ok(DurationDist::lognormal(median, p99))
            }
            other => Err(self.err(
                &f.dist,
                field("dist"),
                format!("unknown distribution '{other}' (use constant, exponential or lognormal)"),
            )),
        }
    }

    fn arrivals(&self, a: &Spanned<ArrivalFile>, path: &str) -> Result<ArrivalProcess> {
        let f = a.get_ref();
        let field = |k: &str| format!("{path}.{k}");
        let process = f.process.get_ref().as_str();
        let variant = format!("process = \"{process}\"");
        let only = |allowed: &[&str]| -> Result<()> {
            let all: [(&str, Option<std::ops::Range<usize>>); 8] = [
                ("rate", f.rate.as_ref().map(|x| x.span())),
                ("profile", f.profile.as_ref().map(|x| x.span())),
                ("on_rate", f.on_rate.as_ref().map(|x| x.span())),
                ("off_rate", f.off_rate.as_ref().map(|x| x.span())),
                ("mean_on", f.mean_on.as_ref().map(|x| x.span())),
                ("mean_off", f.mean_off.as_ref().map(|x| x.span())),
                ("every", f.every.as_ref().map(|x| x.span())),
                ("offset", f.offset.as_ref().map(|x| x.span())),
            ];
            for (k, span) in all {
                if let Some(span) = span.filter(|_| !allowed.contains(&k)) {
                    return Err(self.src.error(
                        span,
                        field(k),
                        format!("does not apply to {variant}"),
                    ));
                }
            }
            Ok(())
        };
        match process {
            "poisson" => {
                only(&["rate"])?;
                let r = self.required(&f.rate, a, &field("rate"), "requests per unit time, e.g. rate = \"50/s\"")?;
                Ok(ArrivalProcess::Poisson { rate: self.rate(r, &field("rate"), false)? })
            }
            "daily" => {
                only(&["rate", "profile"])?;
                let r = self.required(&f.rate, a, &field("rate"), "the base rate, e.g. rate = \"50/s\"")?;
                let p = self.required(&f.profile, a, &field("profile"), "multipliers for equal slots of the day, e.g. 24 hourly values")?;
                let profile = p.get_ref().clone();
                if profile.is_empty() || profile.iter().any(|x| !x.is_finite() || *x < 0.0) || profile.iter().all(|x| *x == 0.0) {
                    return Err(self.err(p, field("profile"), "must hold non-negative multipliers, at least one above zero"));
                }
                Ok(ArrivalProcess::Daily { rate: self.rate(r, &field("rate"), false)?, profile })
            }
            "on_off" => {
                only(&["on_rate", "off_rate", "mean_on", "mean_off"])?;
                let on = self.required(&f.on_rate, a, &field("on_rate"), "the rate during bursts, e.g. on_rate = \"200/s\"")?;
                let off = self.required(&f.off_rate, a, &field("off_rate"), "the rate between bursts, e.g. off_rate = \"1/s\"")?;
                let mon = self.required(&f.mean_on, a, &field("mean_on"), "mean burst length, e.g. mean_on = \"30s\"")?;
                let moff = self.required(&f.mean_off, a, &field("mean_off"), "mean gap length, e.g. mean_off = \"5m\"")?;
                let on_rate = self.rate(on, &field("on_rate"), false)?;
                Ok(ArrivalProcess::OnOff {
                    on_rate,
                    off_rate: self.rate(off, &field("off_rate"), true)?,
                    mean_on_s: self.seconds(mon, &field("mean_on"))?,
                    mean_off_s: self.seconds(moff, &field("mean_off"))?,
                })
            }
            "fixed_interval" => {
                only(&["every", "offset"])?;
                let e = self.required(&f.every, a, &field("every"), "the interval, e.g. every = \"1m\"")?;
                let offset_s = match &f.offset {
                    Some(o) => self.duration(o, &field("offset"))? as f64 / 1e6,
                    None => 0.0,
                };
                Ok(ArrivalProcess::FixedInterval { every_s: self.seconds(e, &field("every"))?, offset_s })
            }
            other => Err(self.err(&f.process, field("process"), format!("unknown arrival process '{other}' (use poisson, daily, on_off or fixed_interval)"))),
        }
    }

    fn deployment(
        &self,
        d: &DeploymentFile,
        path: &str,
        workload: &Workload,
    ) -> Result<DeploymentSpec> {
        self.check_label(&d.name, &format!("{path}.name"))?;
        let compute = self.compute(&d.compute, &format!("{path}.compute"))?;
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
                    "must be a non-negative number",
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
        Ok(DeploymentSpec {
            name: d.name.get_ref().clone(),
            compute,
            services,
            fixed,
        })
    }

    fn compute(&self, c: &Spanned<ComputeFile>, path: &str) -> Result<ComputeSpec> {
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
            "faas" => {
                let v = "model = \"faas\"";
                self.not_for(&f.instances, &field("instances"), v)?;
                self.not_for(&f.workers, &field("workers"), v)?;
                self.not_for(&f.speed, &field("speed"), v)?;
                self.not_for(&f.timeout, &field("timeout"), v)?;
                self.not_for(&b.instance_hours, &bfield("instance_hours"), v)?;
                self.not_for(&b.discount, &bfield("discount"), v)?;
                let cold = self.required(&f.cold_start, c, &field("cold_start"), "the cold-start time distribution, e.g. { dist = \"lognormal\", median = \"250ms\", p99 = \"600ms\" }")?;
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
                        Some(s) => {
                            parse_memory_mb(s.get_ref()).map_err(|m| self.err(s, bfield(k), m))
                        }
                        None => Ok(default),
                    }
                };
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
                };
                Ok(ComputeSpec::Faas(FaasSpec {
                    cold_start: self.distribution(cold, &field("cold_start"))?,
                    keep_alive: self.keep_alive(ka, &field("keep_alive"))?,
                    account_concurrency: f
                        .account_concurrency
                        .as_ref()
                        .map(|n| self.count(n, &field("account_concurrency"), 1))
                        .transpose()?,
                    function_concurrency: f
                        .function_concurrency
                        .as_ref()
                        .map(|n| self.count(n, &field("function_concurrency"), 1))
                        .transpose()?,
                    billing,
                }))
            }
            "fleet" => {
                let v = "model = \"fleet\"";
                self.not_for(&f.cold_start, &field("cold_start"), v)?;
                self.not_for(&f.keep_alive, &field("keep_alive"), v)?;
                self.not_for(&f.account_concurrency, &field("account_concurrency"), v)?;
                self.not_for(&f.function_concurrency, &field("function_concurrency"), v)?;
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
                    Some(s) if !(s.get_ref().is_finite() && *s.get_ref() > 0.0) => {
                        return Err(self.err(
                            s,
                            field("speed"),
                            "must be a number greater than zero",
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
                            "must be a fraction in [0, 1)",
                        ));
                    }
                    Some(d) => *d.get_ref(),
                    None => 0.0,
                };
                let mut schedule = self.price(hours, &bfield("instance_hours"))?;
                for t in &mut schedule.tiers {
                    t.unit_price *= 1.0 - discount;
                }
                Ok(ComputeSpec::Fleet(FleetSpec {
                    instances: self.count(instances, &field("instances"), 1)?,
                    workers_per_instance: self.count(workers, &field("workers"), 1)?,
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

    fn keep_alive(&self, k: &Spanned<KeepAliveFile>, path: &str) -> Result<KeepAlive> {
        let f = k.get_ref();
        let field = |x: &str| format!("{path}.{x}");
        match f.policy.get_ref().as_str() {
            "none" => {
                self.not_for(&f.idle_timeout, &field("idle_timeout"), "policy = \"none\"")?;
                Ok(KeepAlive::None)
            }
            "forever" => {
                self.not_for(
                    &f.idle_timeout,
                    &field("idle_timeout"),
                    "policy = \"forever\"",
                )?;
                Ok(KeepAlive::Forever)
            }
            "fixed" => {
                let t = self.required(
                    &f.idle_timeout,
                    k,
                    &field("idle_timeout"),
                    "how long an idle instance stays warm, e.g. idle_timeout = \"10m\"",
                )?;
                Ok(KeepAlive::Fixed(self.duration(t, &field("idle_timeout"))?))
            }
            other => Err(self.err(
                &f.policy,
                field("policy"),
                format!("unknown keep-alive policy '{other}' (use none, fixed or forever)"),
            )),
        }
    }

    fn price(&self, p: &Spanned<PriceFile>, path: &str) -> Result<PriceSchedule> {
        let f = p.get_ref();
        let field = |k: &str| format!("{path}.{k}");
        let non_negative = |v: &Spanned<f64>, k: &str| -> Result<f64> {
            let x = *v.get_ref();
            if !x.is_finite() || x < 0.0 {
                return Err(self.err(v, field(k), "must be a non-negative number"));
            }
            Ok(x)
        };
        let per = match &f.per {
            Some(v) => {
                let x = non_negative(v, "per")?;
                if x == 0.0 {
                    return Err(self.err(v, field("per"), "must be greater than zero"));
                }
                x
            }
            None => 1.0,
        };
        let tiers = match (&f.usd, &f.tiers) {
            (Some(_), Some(_)) => {
                return Err(self.err(p, path, "give either usd (one price) or tiers, not both"));
            }
            (None, None) => return Err(self.err(p, path, "missing: usd (one price) or tiers")),
            (Some(usd), None) => vec![Tier {
                up_to: f64::INFINITY,
                unit_price: non_negative(usd, "usd")? / per,
            }],
            (None, Some(tiers)) => {
                let mut out: Vec<Tier> = Vec::new();
                for (i, t) in tiers.iter().enumerate() {
                    let tf = format!("tiers[{i}]");
                    let t_ref = t.get_ref();
                    let unit_price = non_negative(&t_ref.usd, &format!("{tf}.usd"))? / per;
                    let last = i + 1 == tiers.len();
                    let up_to = match (&t_ref.up_to, last) {
                        (Some(u), false) => non_negative(u, &format!("{tf}.up_to"))?,
                        (None, true) => f64::INFINITY,
                        (None, false) => {
                            return Err(self.err(
                                t,
                                field(&tf),
                                "missing: up_to (only the last tier is unbounded)",
                            ));
                        }
                        (Some(u), true) => {
                            return Err(self.err(
                                u,
                                field(&format!("{tf}.up_to")),
                                "the last tier must be unbounded: remove up_to",
                            ));
                        }
                    };
                    if out.last().is_some_and(|prev| up_to <= prev.up_to) {
                        return Err(self.err(
                            t,
                            field(&format!("{tf}.up_to")),
                            "tiers must have increasing up_to",
                        ));
                    }
                    out.push(Tier { up_to, unit_price });
                }
                if out.is_empty() {
                    return Err(self.err(p, field("tiers"), "is empty"));
                }
                out
            }
        };
        Ok(PriceSchedule {
            free_per_month: f
                .free_per_month
                .as_ref()
                .map(|v| non_negative(v, "free_per_month"))
                .transpose()?
                .unwrap_or(0.0),
            free_per_day: f
                .free_per_day
                .as_ref()
                .map(|v| non_negative(v, "free_per_day"))
                .transpose()?
                .unwrap_or(0.0),
            tiers,
        })
    }

    fn service(&self, s: &Spanned<ServiceFile>, path: &str) -> Result<ServiceSpec> {
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
