//! Validating a function's FaaS settings (`invocation`, `max_retries`, `max_event_age`,
//! `timeout`, `runtime`, `cpu_bound`, `reference_memory`, `max_vcpus`, and the fleet's
//! `server_memory`), written under
//! `[[workload.functions]]` for one function or under `[workload.trace]` for all of a trace's,
//! into a [`FaasSettings`]. Whether a runtime has a default cold start is checked per FaaS
//! deployment ([`Validator::runtime_cold_starts`]), since a deployment's `cold_start` makes
//! the runtime irrelevant.

use toml::Spanned;

use super::{Result, Validator, toml_number};
use crate::platform::faas::runtimes;
use crate::platform::faas::scaling::retries::AsyncRetries;
use crate::scenario::file::{ComputeFile, FunctionFile, TraceFile};
use crate::units::parse_memory_mb;
use crate::workload::{FaasSettings, Invocation, Workload};

/// The FaaS keys of one `[[workload.functions]]` entry or of `[workload.trace]`.
pub(super) struct FaasKeys<'a> {
    invocation: &'a Option<Spanned<String>>,
    max_retries: &'a Option<Spanned<i64>>,
    max_event_age: &'a Option<Spanned<String>>,
    timeout: &'a Option<Spanned<String>>,
    runtime: &'a Option<Spanned<String>>,
    cpu_bound: &'a Option<Spanned<f64>>,
    reference_memory: &'a Option<Spanned<String>>,
    max_vcpus: &'a Option<Spanned<f64>>,
    server_memory: &'a Option<Spanned<String>>,
}

impl<'a> FaasKeys<'a> {
    pub(super) fn of_function(f: &'a FunctionFile) -> Self {
        Self {
            invocation: &f.invocation,
            max_retries: &f.max_retries,
            max_event_age: &f.max_event_age,
            timeout: &f.timeout,
            runtime: &f.runtime,
            cpu_bound: &f.cpu_bound,
            reference_memory: &f.reference_memory,
            max_vcpus: &f.max_vcpus,
            server_memory: &f.server_memory,
        }
    }

    pub(super) fn of_trace(t: &'a TraceFile) -> Self {
        Self {
            invocation: &t.invocation,
            max_retries: &t.max_retries,
            max_event_age: &t.max_event_age,
            timeout: &t.timeout,
            runtime: &t.runtime,
            cpu_bound: &t.cpu_bound,
            reference_memory: &t.reference_memory,
            max_vcpus: &t.max_vcpus,
            server_memory: &t.server_memory,
        }
    }
}

impl Validator<'_> {
    /// The settings under `path` (`workload.functions[i]` or `workload.trace`).
    pub(super) fn faas_settings(&self, k: &FaasKeys, path: &str) -> Result<FaasSettings> {
        let field = |x: &str| format!("{path}.{x}");
        let invocation = match self.named(
            k.invocation,
            &field("invocation"),
            |name| Invocation::NAMES.iter().position(|n| *n == name),
            &Invocation::NAMES.join(" or "),
        )? {
            Some(1) => Invocation::Async(self.async_retries(k, path)?),
            sync => {
                let variant = if sync.is_some() {
                    "invocation = \"sync\""
                } else {
                    "invocation = \"sync\" (the default; set invocation = \"async\")"
                };
                self.not_for(k.max_retries, &field("max_retries"), variant)?;
                self.not_for(k.max_event_age, &field("max_event_age"), variant)?;
                Invocation::Sync
            }
        };
        let runtime = match k.runtime {
            Some(r)
                if r.get_ref().trim().is_empty() || r.get_ref().chars().any(char::is_control) =>
            {
                return Err(self.err(
                    r,
                    field("runtime"),
                    format!(
                        "must be a runtime name, e.g. one of {}",
                        runtimes::RUNTIMES.join(", ")
                    ),
                ));
            }
            Some(r) => Some(r.get_ref().clone()),
            None => None,
        };
        let cpu_bound = match k.cpu_bound {
            Some(c) if !(0.0..=1.0).contains(c.get_ref()) => {
                return Err(self.err(
                    c,
                    field("cpu_bound"),
                    format!(
                        "must be a fraction from 0 to 1 (got {})",
                        toml_number(*c.get_ref())
                    ),
                ));
            }
            Some(c) => Some(*c.get_ref()),
            None => None,
        };
        let reference_memory_mb = k
            .reference_memory
            .as_ref()
            .map(|m| self.positive_memory(m, &field("reference_memory")))
            .transpose()?;
        Ok(FaasSettings {
            invocation,
            timeout: k
                .timeout
                .as_ref()
                .map(|t| self.positive_duration(t, &field("timeout")))
                .transpose()?,
            runtime,
            cpu_bound,
            reference_memory_mb,
            max_vcpus: k
                .max_vcpus
                .as_ref()
                .map(|v| self.vcpus(v, &field("max_vcpus")))
                .transpose()?,
            server_memory_mb: k
                .server_memory
                .as_ref()
                .map(|m| self.positive_memory(m, &field("server_memory")))
                .transpose()?,
        })
    }

    /// A memory size above zero, in MB.
    fn positive_memory(&self, m: &Spanned<String>, field: &str) -> Result<u32> {
        let mb = parse_memory_mb(m.get_ref()).map_err(|e| self.err(m, field, e))?;
        if mb == 0 {
            return Err(self.err(
                m,
                field,
                format!("must be greater than zero (got '{}')", m.get_ref()),
            ));
        }
        Ok(mb)
    }

    /// `max_retries` (0 to 2, default 2) and `max_event_age` (1m to 6h, default 6h).
    fn async_retries(&self, k: &FaasKeys, path: &str) -> Result<AsyncRetries> {
        let defaults = AsyncRetries::default();
        let retries = match k.max_retries {
            Some(n) => self.count(
                n,
                &format!("{path}.max_retries"),
                0,
                i64::from(crate::platform::faas::scaling::retries::MAX_RETRIES_LIMIT),
            )?,
            None => defaults.max_retries(),
        };
        let age = match k.max_event_age {
            Some(a) => {
                let field = format!("{path}.max_event_age");
                let age = self.duration(a, &field)?;
                return AsyncRetries::new(retries, age).map_err(|m| {
                    let m = m.split_once(": ").map_or(m.as_str(), |(_, rest)| rest);
                    self.err(a, field, format!("{m} (got '{}')", a.get_ref()))
                });
            }
            None => defaults.max_event_age(),
        };
        Ok(AsyncRetries::new(retries, age).expect("validated ranges"))
    }

    /// A FaaS deployment without `cold_start` takes each function's from its runtime: every
    /// function needs a runtime with a published default. The error is located at the
    /// deployment's compute table and names the function.
    pub(super) fn runtime_cold_starts(
        &self,
        c: &Spanned<ComputeFile>,
        path: &str,
        workload: &Workload,
        figures: runtimes::Platform,
    ) -> Result<()> {
        let field = format!("{path}.cold_start");
        for (i, func) in workload.functions.iter().enumerate() {
            let place = match workload.source {
                crate::workload::Source::Trace(_) => "[workload.trace]".to_string(),
                crate::workload::Source::Synthetic(_) => format!("workload.functions[{i}]"),
            };
            match &func.faas.runtime {
                None => {
                    return Err(self.err(
                        c,
                        field,
                        format!(
                            "missing, and function '{}' ({place}) has no runtime to take a \
                             default from: give this deployment a cold_start distribution, or \
                             set runtime on every function (one of {})",
                            func.name,
                            figures.runtimes().join(", ")
                        ),
                    ));
                }
                Some(r) if runtimes::cold_start_default_on(figures, r).is_none() => {
                    return Err(self.err(
                        c,
                        field,
                        format!(
                            "missing, and function '{}' ({place}) has runtime '{r}': {}",
                            func.name,
                            runtimes::unknown_runtime_message_on(figures, r)
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}
