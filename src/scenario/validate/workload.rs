//! Validating the workload: functions, execution-time distributions, arrival processes and
//! backend calls.

use std::collections::BTreeSet;

use toml::Spanned;

use crate::scenario::file::*;
use crate::units::parse_memory_mb;
use crate::workload::{ArrivalProcess, DurationDist, FunctionSpec, Source as Arrivals, Workload};

use super::faas_settings::FaasKeys;
use super::{Result, Validator, toml_number};

impl Validator<'_> {
    pub(super) fn workload(&self, w: &Spanned<WorkloadFile>) -> Result<Workload> {
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
                    format!("must be greater than zero (got '{}')", f.memory.get_ref()),
                ));
            }
            let calls = self.calls(&f.calls, &path)?;
            functions.push(FunctionSpec {
                name: f.name.get_ref().clone(),
                app: f.app.clone().unwrap_or_else(|| f.name.get_ref().clone()),
                memory_mb,
                exec: self.distribution(&f.execution, &format!("{path}.execution"))?,
                calls,
                faas: self.faas_settings(&FaasKeys::of_function(f), &path)?,
            });
            processes.push(self.arrivals(&f.arrivals, &format!("{path}.arrivals"))?);
        }
        Ok(Workload {
            functions,
            source: Arrivals::Synthetic(processes),
        })
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

    /// A daily profile: finite multipliers >= 0, at least one above zero; a bad element is
    /// named by its index and located at its own column.
    fn profile(&self, p: &Spanned<Vec<Spanned<f64>>>, field: &str) -> Result<Vec<f64>> {
        let profile: Vec<f64> = p.get_ref().iter().map(|x| *x.get_ref()).collect();
        if profile.is_empty() {
            let msg =
                "is empty: give multipliers for equal slots of the day, e.g. 24 hourly values";
            return Err(self.err(p, field, msg));
        }
        if let Some((i, x)) = profile
            .iter()
            .enumerate()
            .find(|(_, x)| !x.is_finite() || **x < 0.0)
        {
            return Err(self.err(
                &p.get_ref()[i],
                format!("{field}[{i}]"),
                format!("must be a finite multiplier >= 0 (got {})", toml_number(*x)),
            ));
        }
        if profile.iter().all(|x| *x == 0.0) {
            return Err(self.err(
                p,
                field,
                format!(
                    "is all zeros ({} slots): at least one multiplier must be above zero",
                    profile.len()
                ),
            ));
        }
        Ok(profile)
    }

    pub(super) fn arrivals(&self, a: &Spanned<ArrivalFile>, path: &str) -> Result<ArrivalProcess> {
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
                let r = self.required(&f.rate, a, &field("rate"), "the mean rate over the day, e.g. rate = \"50/s\"")?;
                let p = self.required(&f.profile, a, &field("profile"), "multipliers for equal slots of the day, e.g. 24 hourly values")?;
                let profile = self.profile(p, &field("profile"))?;
                Ok(ArrivalProcess::daily(self.rate(r, &field("rate"), false)?, &profile))
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
}
