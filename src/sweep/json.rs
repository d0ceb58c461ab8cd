//! `summary.json` of a sweep (`sweep --format json`): every figure of `sweep.csv` with its
//! confidence half-width and whether the deployment serves the workload (`serves`: true, false,
//! or null at a point whose runs failed, which carries its `error`), the rows of
//! `breakeven.csv` (each with its `kind`), the swept parameters, the scenario file as run (its
//! text; each point's values are the parameters'), the seed and the tool's version. Keys are
//! sorted, so the file is byte-stable.

use serde_json::{Map, Value, json};

use super::breakeven::BreakEven;
use super::figures::{Figures, columns};
use super::{SweepResult, SweepSource};

/// Every figure of one deployment over its replications (the columns of `sweep.csv`), by
/// column name: `{ "mean": ..., "ci95": ... }` (`ci95` null with one replication), or null
/// where a replication has no value. `run --replications N --format json` gives the same.
pub fn figures_json(replications: &[Figures]) -> Map<String, Value> {
    columns(replications)
        .into_iter()
        .map(|(name, e)| {
            let value = match e {
                Some(e) => json!({ "mean": e.mean, "ci95": e.half_width }),
                None => Value::Null,
            };
            (name, value)
        })
        .collect()
}

/// The JSON document of a sweep.
pub fn sweep_json(source: &SweepSource, result: &SweepResult, found: &BreakEven) -> Value {
    let params: Vec<Value> = result
        .plan
        .params
        .iter()
        .map(|p| {
            json!({
                "path": p.path,
                "unit": p.unit(),
                "values": p.values.iter().map(|v| v.number).collect::<Vec<_>>(),
            })
        })
        .collect();
    let points: Vec<Value> = result
        .points
        .iter()
        .map(|p| {
            let values: serde_json::Map<String, Value> = result
                .plan
                .params
                .iter()
                .zip(&p.values)
                .map(|(param, v)| (param.path.clone(), json!(v.number)))
                .collect();
            let deployments: Vec<Value> = p
                .deployments
                .iter()
                .map(|d| {
                    json!({
                        "name": d.name,
                        "model": d.model,
                        "figures": figures_json(&d.replications),
                        "serves": d.serves(),
                        "requests": d.replications.iter().map(|f| f.requests).collect::<Vec<_>>(),
                    })
                })
                .collect();
            json!({ "values": values, "deployments": deployments, "error": p.error })
        })
        .collect();
    let mut breakeven: Vec<Value> = found
        .crossings
        .iter()
        .map(|c| {
            json!({
                "kind": "crossing",
                "deployment_a": c.deployment_a,
                "deployment_b": c.deployment_b,
                "crossing": c.crossing,
                "cheaper_below": c.cheaper_below,
                "cheaper_above": c.cheaper_above,
            })
        })
        .collect();
    breakeven.extend(found.boundaries.iter().map(|b| {
        json!({
            "kind": b.kind(),
            "deployment": b.deployment,
            "serving": b.serving,
            "not_serving": b.not_serving,
        })
    }));
    json!({
        "tool": "serverless-sim",
        "version": env!("CARGO_PKG_VERSION"),
        "command": "sweep",
        "scenario": result.scenario,
        "scenario_file": source.path.display().to_string(),
        "scenario_text": source.text,
        "seed": result.seed,
        "replications": result.plan.replications.max(1),
        "parameters": params,
        "points": points,
        "breakeven": breakeven,
        "warnings": super::warnings::merged(result),
    })
}
