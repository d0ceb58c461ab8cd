//! From the file as written to typed values: units resolved, ranges checked, names
//! cross-referenced. Every error names the field (dotted path) and its line.
//!
//! This module holds the entry point, the top-level keys (`name`, `seed`, `duration`,
//! `bucket`, `month`) and the checks every part shares (names, units, counts, required and
//! misplaced keys); one child module per part of the file:
//! `workload`, `deployment`, `price`, `trace_table`, `slo`; `window_checks`, the warnings about
//! windows too short to project to a month; `capacity_warnings`, about fleets' CPU and memory;
//! and `saturation`, the warnings about fleets offered more work than they can do.

use std::collections::BTreeSet;

use toml::Spanned;

use super::Scenario;
use super::file::*;
use super::locate::Source;
use crate::engine::time::{DAY, DEFAULT_MONTH, MAX_DURATION, MINUTE, Micros, SECOND};
use crate::error::{ScenarioError, SimError};
use crate::platform::Window;
use crate::units::{parse_duration, parse_rate};
use crate::workload::{Source as Arrivals, Workload, trace};

mod autoscale;
mod calls;
pub mod capacity_warnings;
mod deployment;
mod faas;
mod faas_cpu_billing;
mod faas_instances;
mod faas_settings;
mod fleet;
mod gateway;
mod growth;
mod keep_alive;
pub mod names;
mod price;
mod provisioned;
mod quota;
mod saturation;
mod slo;
mod trace_table;
pub mod window_checks;
mod workload;

/// Most time buckets a run may have: each costs about 100 bytes per deployment, so this
/// keeps the time series of one deployment under ~100 MB (a year at one-minute buckets is
/// 525,960).
const MAX_BUCKETS: u64 = 1_000_000;

/// Largest `load` multiplier a scenario may set.
pub const MAX_LOAD: f64 = 1e6;

/// Shortest billing month a scenario may set (`month`): 28 days, February's.
pub const MIN_MONTH: Micros = 28 * DAY;

/// Longest billing month a scenario may set (`month`): 31 days.
pub const MAX_MONTH: Micros = 31 * DAY;

/// Longest name of a scenario, service or fixed cost (they become folder names and CSV
/// column names).
const MAX_NAME_CHARS: usize = 100;

pub(super) type Result<T> = std::result::Result<T, ScenarioError>;

/// Whether `s` is safe as a single folder name on every common file system: 1 to
/// `MAX_NAME_CHARS` (100) ASCII letters, digits, `-`, `_` and `.`, not starting with `.` (which
/// rules out `.`, `..` and hidden folders).
pub fn is_safe_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_NAME_CHARS
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

/// A number as TOML writes it (`nan`, `inf`, `-inf`, else Rust's shortest round-trip form,
/// in exponent form when very small or large: `1e-18`, not eighteen zeros), for messages that
/// show the value given.
pub(super) fn toml_number(x: f64) -> String {
    if x.is_nan() {
        "nan".into()
    } else if x.is_infinite() {
        if x > 0.0 { "inf" } else { "-inf" }.into()
    } else if x != 0.0 && !(1e-4..1e16).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Validates a parsed scenario file; `default_name` names it when the file does not. A trace
/// workload is read here (its first pass), so errors may also be located in trace files.
pub fn validate(
    file: ScenarioFile,
    src: &Source,
    default_name: &str,
) -> std::result::Result<Scenario, SimError> {
    let v = Validator {
        src,
        preset_spans: preset_spans(&file),
    };
    let name = match &file.name {
        Some(n) => {
            v.check_name(n, "name")?;
            n.get_ref().clone()
        }
        None => default_name.to_string(),
    };
    let month = match &file.month {
        Some(m) => v.month(m)?,
        None => DEFAULT_MONTH,
    };
    let seed = match &file.seed {
        Some(s) if *s.get_ref() < 0 => {
            let msg = format!(
                "must be a whole number from 0 to {} (got {})",
                i64::MAX,
                s.get_ref()
            );
            return Err(v.err(s, "seed", msg).into());
        }
        Some(s) => *s.get_ref() as u64,
        None => 1,
    };
    let load = match &file.load {
        Some(l) => v.load(l)?,
        None => 1.0,
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
            let mut spec = v.trace(t, seed)?;
            // The duration cuts the replay, so counts and selection see only what replays.
            spec.horizon = match &file.duration {
                Some(d) => Some(v.positive_duration(d, "duration")?),
                None => None,
            };
            spec.shaping.rate_multiplier *= load;
            let (functions, source) = trace::load(&spec)?;
            Workload {
                functions,
                source: Arrivals::Trace(source),
            }
        }
        None => v.workload(workload)?.scaled(load),
    };
    let length = match (&file.duration, &workload.source) {
        (Some(d), _) => v.positive_duration(d, "duration")?,
        (None, Arrivals::Trace(t)) if t.info.span > MAX_DURATION => {
            return Err(v.trace_past_the_clock(trace_table, &t.info).into());
        }
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
    let buckets = length.div_ceil(bucket);
    if buckets > MAX_BUCKETS {
        let msg = format!(
            "the window would need {buckets} time buckets (more than {MAX_BUCKETS}): set a \
             wider bucket, e.g. bucket = \"{}s\"",
            length.div_ceil(MAX_BUCKETS).div_ceil(SECOND).max(1)
        );
        return Err(match &file.bucket {
            Some(b) => v.err(b, "bucket", msg),
            None => src.file_error("bucket", msg),
        }
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
        let mut spec = v.deployment(d.get_ref(), &path, &workload)?;
        // `load` sizes the whole user base: the monthly active users grow with the traffic.
        for s in &mut spec.services {
            if let Some(users) = &mut s.growth.users {
                users.monthly_active *= load;
            }
        }
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
    let warmup = match &file.warmup {
        Some(w) => {
            let warmup = v.duration(w, "warmup")?;
            if warmup >= length {
                let msg = format!(
                    "({}) must be shorter than the simulated window ({}): the measured part \
                     is what follows the warm-up",
                    crate::units::format_duration(warmup),
                    crate::units::format_duration(length)
                );
                return Err(v.err(w, "warmup", msg).into());
            }
            warmup
        }
        None => 0,
    };
    let window = Window {
        length,
        bucket,
        month,
        warmup,
    };
    let slo = v.slo(file.slo.as_ref(), &workload)?;
    let mut warnings = window_checks::window_warnings(window, &workload, &deployments);
    warnings.extend(capacity_warnings::capacity_warnings(
        &workload,
        &deployments,
    ));
    warnings.extend(saturation::saturation_warnings(
        load,
        &workload,
        &deployments,
    ));
    Ok(Scenario {
        name,
        seed,
        load,
        window,
        workload,
        deployments,
        slo,
        warnings,
    })
}

pub(super) struct Validator<'a> {
    pub(super) src: &'a Source<'a>,
    /// Spans of the `pricing = "..."` values: a value carrying one came from a preset.
    pub(super) preset_spans: Vec<std::ops::Range<usize>>,
}

/// Spans of every `pricing` value of the scenario.
fn preset_spans(file: &ScenarioFile) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    for d in &file.deployments {
        let d = d.get_ref();
        spans.extend(d.compute.get_ref().pricing().map(|p| p.span()));
        for s in &d.services {
            spans.extend(s.get_ref().pricing.as_ref().map(|p| p.span()));
        }
    }
    spans
}

impl Validator<'_> {
    /// True if `value` was merged in from a preset rather than written in the scenario.
    pub(super) fn is_from_preset<T>(&self, value: &Spanned<T>) -> bool {
        self.preset_spans.contains(&value.span())
    }

    pub(super) fn err<T>(
        &self,
        at: &Spanned<T>,
        field: impl Into<String>,
        msg: impl Into<String>,
    ) -> ScenarioError {
        self.src.error(at.span(), field, msg)
    }

    /// A name that becomes a folder or a file-name part: see [`is_safe_name`] and
    /// [`names::problem`].
    fn check_name(&self, n: &Spanned<String>, field: &str) -> Result<()> {
        let s = n.get_ref();
        if !is_safe_name(s) {
            return Err(self.err(
                n,
                field,
                format!(
                    "'{}' is not a safe folder name: use 1 to {MAX_NAME_CHARS} ASCII letters, \
                     digits, '-', '_' and '.', not starting with '.'",
                    s.escape_debug()
                ),
            ));
        }
        if let Some(problem) = names::problem(s) {
            return Err(self.err(n, field, problem));
        }
        Ok(())
    }

    /// A display name (deployments, functions): printable, see [`names::problem`].
    fn check_label(&self, n: &Spanned<String>, field: &str) -> Result<()> {
        match names::problem(n.get_ref()) {
            Some(problem) => Err(self.err(n, field, problem)),
            None => Ok(()),
        }
    }

    pub(super) fn duration(&self, d: &Spanned<String>, field: &str) -> Result<Micros> {
        parse_duration(d.get_ref()).map_err(|m| self.err(d, field, m))
    }

    pub(super) fn positive_duration(&self, d: &Spanned<String>, field: &str) -> Result<Micros> {
        let v = self.duration(d, field)?;
        if v == 0 {
            let msg = format!("must be greater than zero (got '{}')", d.get_ref());
            return Err(self.err(d, field, msg));
        }
        Ok(v)
    }

    /// The `load` multiplier: a finite number above zero, at most [`MAX_LOAD`].
    fn load(&self, l: &Spanned<f64>) -> Result<f64> {
        let x = *l.get_ref();
        if !(x > 0.0 && x <= MAX_LOAD) {
            let msg = format!(
                "must be a number above 0 and at most {MAX_LOAD} (a multiplier of every \
                 function's arrival rate and of a trace's counts; got {x})"
            );
            return Err(self.err(l, "load", msg));
        }
        Ok(x)
    }

    /// The billing month: a duration from [`MIN_MONTH`] to [`MAX_MONTH`].
    fn month(&self, m: &Spanned<String>) -> Result<Micros> {
        let month = self.duration(m, "month")?;
        if !(MIN_MONTH..=MAX_MONTH).contains(&month) {
            let msg = format!(
                "'{}' is not a month: a billing month must be from {}d to {}d long (e.g. \"730h\" \
                 as the AWS Pricing Calculator and Infracost use, \"30d\", or the default \
                 \"30.4375d\", a twelfth of 365.25 days)",
                m.get_ref(),
                MIN_MONTH / DAY,
                MAX_MONTH / DAY
            );
            return Err(self.err(m, "month", msg));
        }
        Ok(month)
    }

    fn seconds(&self, d: &Spanned<String>, field: &str) -> Result<f64> {
        Ok(self.positive_duration(d, field)? as f64 / 1e6)
    }

    fn rate(&self, r: &Spanned<String>, field: &str, allow_zero: bool) -> Result<f64> {
        let v = parse_rate(r.get_ref()).map_err(|m| self.err(r, field, m))?;
        if v == 0.0 && !allow_zero {
            let msg = format!("must be greater than zero (got '{}')", r.get_ref());
            return Err(self.err(r, field, msg));
        }
        Ok(v)
    }

    /// A whole number in `min..=max` (`max` at most `u32::MAX`, the width every count is
    /// stored in); the message gives the range and the value.
    pub(super) fn count(&self, n: &Spanned<i64>, field: &str, min: i64, max: i64) -> Result<u32> {
        let v = *n.get_ref();
        let max = max.min(i64::from(u32::MAX));
        if v < min || v > max {
            return Err(self.err(
                n,
                field,
                format!("must be a whole number from {min} to {max} (got {v})"),
            ));
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
            // A preset's price for a feature this deployment does not use is left unused.
            Some(x) if self.is_from_preset(x) => Ok(()),
            Some(x) => Err(self.err(x, field, format!("does not apply to {variant}"))),
            None => Ok(()),
        }
    }

    /// An optional choice among names: `parse` maps a name to its value; an unknown name is
    /// an error listing the `known` ones.
    pub(super) fn named<T>(
        &self,
        v: &Option<Spanned<String>>,
        field: &str,
        parse: impl Fn(&str) -> Option<T>,
        known: &str,
    ) -> Result<Option<T>> {
        let Some(s) = v else { return Ok(None) };
        parse(s.get_ref()).map(Some).ok_or_else(|| {
            self.err(
                s,
                field,
                format!("unknown value '{}' (use {known})", s.get_ref()),
            )
        })
    }
}
