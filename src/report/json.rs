//! `summary.json` (`run --format json`): the figures of `summary.csv`, one object per
//! deployment keyed by the CSV's column names (numbers as numbers, empty fields as `null`),
//! with what they rest on: the scenario file as run (its text; `seed` is the seed used, which
//! `--seed` may have replaced), the billing month, the presets and their price dates, the
//! run's warnings and the tool's version. Keys are sorted, so the file is byte-stable.
//!
//! The verdict too: each deployment's `serves` (whether it serves the workload,
//! [`super::verdict`]) and `not_served` (why not, as the terminal says it; `null` when it
//! does), the `slo` it was judged by (limits in ms, `null` without one) and the `cheapest`
//! deployment's name (`null` when none serves the workload).
//!
//! With `run --replications N` (N > 1), [`with_replications`] adds `"replications": N` and,
//! to each deployment, `"replications"`: every column of `replications.csv` by name as
//! `{ "mean": ..., "ci95": ... }`, as `sweep --format json` gives its figures.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::slo::{Objective, Slo};
use super::summary;
use super::verdict::{not_served, verdict};
use crate::engine::time::{HOUR, as_ms};
use crate::run::RunResult;
use crate::sweep::SweepResult;
use crate::sweep::json::figures_json;

/// A CSV field as JSON: a number where it is one, `null` where empty, else the text.
fn field(text: &str) -> Value {
    if text.is_empty() {
        return Value::Null;
    }
    if let Ok(i) = text.parse::<i64>() {
        return json!(i);
    }
    match text.parse::<f64>() {
        Ok(x) if x.is_finite() => json!(x),
        _ => json!(text),
    }
}

/// The JSON document of `run`, whose scenario file is `path` holding `text`.
pub fn summary_json(run: &RunResult, path: &Path, text: &str) -> Value {
    let components = summary::components(run);
    let header = summary::header(&components);
    let deployments: Vec<Value> = run
        .deployments
        .iter()
        .map(|d| {
            let row = summary::row(d, &components, run.window.month);
            let mut figures: Map<String, Value> = header
                .iter()
                .zip(&row)
                .map(|(k, v)| (k.clone(), field(v)))
                .collect();
            let presets: Vec<Value> = d
                .pricing
                .iter()
                .map(|p| json!({ "part": p.part, "preset": p.preset, "price_date": p.date }))
                .collect();
            figures.insert("presets".into(), Value::Array(presets));
            let why = not_served(d, &run.slo);
            figures.insert("serves".into(), json!(why.is_none()));
            figures.insert(
                "not_served".into(),
                why.map_or(Value::Null, |w| json!(w.to_string())),
            );
            Value::Object(figures)
        })
        .collect();
    json!({
        "tool": "serverless-sim",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "run",
        "scenario": run.scenario,
        "scenario_file": path.display().to_string(),
        "scenario_text": text,
        "seed": run.seed,
        "month_hours": run.window.month as f64 / HOUR as f64,
        "measured_from_hours": run.window.warmup as f64 / HOUR as f64,
        "measured_to_hours": run.window.length as f64 / HOUR as f64,
        "warnings": run.warnings,
        "slo": slo_json(&run.slo),
        "cheapest": verdict(run).cheapest.map(|d| d.name.clone()),
        "deployments": deployments,
    })
}

/// The scenario's `slo` as limits in ms by percentile (`{ "p99_ms": 300.0, "functions": {
/// "checkout": { "p99_ms": 150.0 } } }`); `null` without one.
fn slo_json(slo: &Slo) -> Value {
    if slo.is_empty() {
        return Value::Null;
    }
    let limits = |objectives: &[Objective]| -> Map<String, Value> {
        objectives
            .iter()
            .map(|o| (format!("{}_ms", o.percentile.name()), json!(as_ms(o.limit))))
            .collect()
    };
    let mut out = limits(&slo.overall);
    let functions: Map<String, Value> = slo
        .functions
        .iter()
        .map(|f| (f.name.clone(), Value::Object(limits(&f.objectives))))
        .collect();
    if !functions.is_empty() {
        out.insert("functions".into(), Value::Object(functions));
    }
    Value::Object(out)
}

/// `json` (a [`summary_json`] document) with the estimates of `replications`, the one-point
/// sweep `run --replications N` ran: `"replications"` at the top (the count) and in every
/// deployment (its figures' means and 95% half-widths), matched by deployment name.
pub fn with_replications(mut json: Value, replications: &SweepResult) -> Value {
    let runs = replications.plan.replications.max(1);
    let Some(point) = replications.points.first() else {
        return json;
    };
    json["replications"] = json!(runs);
    if let Some(deployments) = json["deployments"].as_array_mut() {
        for d in deployments {
            let name = d["deployment"].as_str().unwrap_or_default().to_owned();
            if let Some(runs) = point.deployments.iter().find(|r| r.name == name) {
                d["replications"] = Value::Object(figures_json(&runs.replications));
            }
        }
    }
    json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_their_type() {
        assert_eq!(field(""), Value::Null);
        assert_eq!(field("2315995"), json!(2_315_995));
        assert_eq!(field("76.390000"), json!(76.39));
        assert_eq!(field("faas"), json!("faas"));
    }
}
