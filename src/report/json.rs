//! `summary.json` (`run --format json`): the figures of `summary.csv`, one object per
//! deployment keyed by the CSV's column names (numbers as numbers, empty fields as `null`),
//! with what they rest on: the scenario file as run (its text; `seed` is the seed used, which
//! `--seed` may have replaced), the billing month, the presets and their price dates, the
//! run's warnings and the tool's version. Keys are sorted, so the file is byte-stable.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::summary;
use crate::engine::time::HOUR;
use crate::run::RunResult;

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
        "deployments": deployments,
    })
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
