//! What a sweep writes: `sweep.csv` (one row per point x deployment) and, for a one-parameter
//! sweep, `breakeven.csv` (the crossings) with the charts of [`super::charts`]
//! (`breakeven.png`, and `memory.png` for a memory sweep), into one report folder written like a run's (staged,
//! then put in place whole, with a manifest).
//!
//! `sweep.csv` columns: the swept parameters first (each named by its path, with its unit as
//! a suffix: `workload.functions[0].memory_mb`, `load`), then `replications, deployment, model`,
//! then every numeric column of `summary.csv` in its order (counts, latency percentiles, costs
//! per window and month, `usd_per_million_requests`, instance levels...), each as its mean over
//! the replications and `<column>_ci95`, the 95% confidence half-width (Student t; empty with one
//! replication), and last `failed_ratio` and its half-width.
//!
//! `replications.csv` (written by `run --replications N`) has `sweep.csv`'s columns, without
//! parameters: one row per deployment.
//!
//! `breakeven.csv` columns: `parameter, deployment_a, deployment_b, crossing, cheaper_below,
//! cheaper_above`: `crossing` is the parameter's value (in its unit) where the two
//! deployments' mean monthly costs are equal.

use std::path::{Path, PathBuf};

use super::breakeven::Crossing;
use super::charts;
use super::figures::{Figure, columns};
use super::{SweepResult, SweepSource, SweptParam};
use crate::error::SimError;
use crate::report::CsvFile;
use crate::report::format::{quantity, usd};
use crate::report::output::{self, Manifest};

/// The file names.
pub const SWEEP_CSV: &str = "sweep.csv";
pub const BREAKEVEN_CSV: &str = "breakeven.csv";
pub const SUMMARY_JSON: &str = "summary.json";

/// A parameter's column name: its path, and its unit as a suffix (`_mb`, `_m`, `_per_s`).
pub fn column_name(param: &SweptParam) -> String {
    let unit = param.unit();
    if unit.is_empty() {
        return param.path.clone();
    }
    let unit = match unit.strip_prefix('/') {
        Some(per) => format!("per_{per}"),
        None => unit.to_string(),
    };
    format!("{}_{}", param.path, unit.to_ascii_lowercase())
}

/// Writes `sweep.csv` into `dir`.
///
/// # Errors
/// The file cannot be written.
pub fn write_sweep_csv(result: &SweepResult, dir: &Path) -> Result<(), SimError> {
    write_figures_csv(result, &dir.join(SWEEP_CSV))
}

/// The replications of `run --replications N`: `sweep.csv`'s columns without parameters.
pub const REPLICATIONS_CSV: &str = "replications.csv";

/// Writes the figures of every point and deployment of `result` to `path` (the columns of
/// `sweep.csv`).
///
/// # Errors
/// The file cannot be written.
pub fn write_figures_csv(result: &SweepResult, path: &Path) -> Result<(), SimError> {
    let path = path.to_path_buf();
    // The columns of the first point's first deployment (every run of one scenario has the
    // same summary columns); a column some row lacks is left empty there.
    let names: Vec<String> = result
        .points
        .first()
        .and_then(|p| p.deployments.first())
        .map(|d| columns(&d.replications).into_iter().map(|c| c.0).collect())
        .unwrap_or_default();
    let mut header: Vec<String> = result.plan.params.iter().map(column_name).collect();
    header.extend(["replications", "deployment", "model"].map(String::from));
    for n in &names {
        header.push(n.clone());
        header.push(format!("{n}_ci95"));
    }
    let mut file = CsvFile::create(&path, &header)?;
    for point in &result.points {
        for d in &point.deployments {
            let mut row: Vec<String> = point.values.iter().map(|v| v.number.to_string()).collect();
            row.push(d.replications.len().to_string());
            row.push(d.name.clone());
            row.push(d.model.to_string());
            let estimates = columns(&d.replications);
            for n in &names {
                let text = |v: f64| {
                    if n.ends_with("_usd") {
                        usd(v)
                    } else {
                        quantity(v)
                    }
                };
                match estimates.iter().find(|c| &c.0 == n).and_then(|c| c.1) {
                    Some(e) => {
                        row.push(text(e.mean));
                        row.push(e.half_width.map_or(String::new(), text));
                    }
                    None => row.extend([String::new(), String::new()]),
                }
            }
            file.row(&row)?;
        }
    }
    file.finish()
}

/// Writes `breakeven.csv` into `dir` (a header only when there is no crossing).
///
/// # Errors
/// The file cannot be written.
pub fn write_breakeven_csv(
    result: &SweepResult,
    crossings: &[Crossing],
    dir: &Path,
) -> Result<(), SimError> {
    let path = dir.join(BREAKEVEN_CSV);
    let mut file = CsvFile::create(
        &path,
        [
            "parameter",
            "deployment_a",
            "deployment_b",
            "crossing",
            "cheaper_below",
            "cheaper_above",
        ],
    )?;
    let parameter = result
        .plan
        .params
        .first()
        .map(column_name)
        .unwrap_or_default();
    for c in crossings {
        file.row([
            parameter.as_str(),
            &c.deployment_a,
            &c.deployment_b,
            &format!("{}", round6(c.crossing)),
            &c.cheaper_below,
            &c.cheaper_above,
        ])?;
    }
    file.finish()
}

/// `x` to 6 significant digits (the precision of swept values).
fn round6(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(5 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// Writes `json` pretty-printed to `path`.
///
/// # Errors
/// The file cannot be written.
pub fn write_json(json: &serde_json::Value, path: &Path) -> Result<(), SimError> {
    let text = serde_json::to_string_pretty(json)
        .map_err(|e| SimError::Report(format!("encoding {}: {e}", path.display())))?;
    std::fs::write(path, text + "\n")
        .map_err(|e| SimError::Report(format!("writing {}: {e}", path.display())))
}

/// Writes the sweep's report folder at `out` (see [`output::write_folder`]), with
/// `summary.json` when `json` is given.
///
/// # Errors
/// `out` may not receive a report, or a file cannot be written; `out` is then as it was.
pub fn write_sweep_reports(
    source: &SweepSource,
    result: &SweepResult,
    crossings: &[Crossing],
    json: Option<&serde_json::Value>,
    out: &Path,
) -> Result<PathBuf, SimError> {
    let manifest = Manifest::for_sweep(&result.scenario, result.seed);
    output::write_folder(out, manifest, |dir| {
        write_sweep_csv(result, dir)?;
        if let Some(json) = json {
            write_json(json, &dir.join(SUMMARY_JSON))?;
        }
        let one = result.plan.params.len() == 1;
        if one {
            write_breakeven_csv(result, crossings, dir)?;
            charts::write_breakeven_png(result, crossings, dir)?;
            if charts::is_memory_sweep(result) {
                charts::write_memory_png(result, dir)?;
            }
        }
        write_page(source, result, crossings, dir)
    })
}

/// Reads back a CSV this module wrote: its header and rows.
fn read_csv(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>), SimError> {
    let fail = |e: &dyn std::fmt::Display| SimError::Report(format!("{}: {e}", path.display()));
    let mut reader = csv::Reader::from_path(path).map_err(|e| fail(&e))?;
    let header = reader
        .headers()
        .map_err(|e| fail(&e))?
        .iter()
        .map(String::from)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.map(|r| r.iter().map(String::from).collect()))
        .collect::<Result<_, _>>()
        .map_err(|e| fail(&e))?;
    Ok((header, rows))
}

/// Writes the sweep's `report.html` (see [`crate::report::html`]) into `dir`, where
/// `sweep.csv` (and `breakeven.csv`) are already written.
fn write_page(
    source: &SweepSource,
    result: &SweepResult,
    crossings: &[Crossing],
    dir: &Path,
) -> Result<(), SimError> {
    use crate::report::html::{REPORT_HTML, escape, figure, html_table, page};
    let mut body = format!(
        "<h1>{}: sweep</h1>\n<p class=\"meta\">serverless-sim {} &middot; seed {} &middot; {} \
         replication(s) a point</p>\n",
        escape(&result.scenario),
        env!("CARGO_PKG_VERSION"),
        result.seed,
        result.plan.replications.max(1)
    );
    body.push_str(&format!(
        "<h2>Summary</h2>\n<pre id=\"verdict\">{}</pre>\n",
        escape(&render(result, crossings))
    ));
    let (header, rows) = read_csv(&dir.join(SWEEP_CSV))?;
    body.push_str("<h2>sweep.csv</h2>\n");
    body.push_str(&html_table("sweep", &header, &rows));
    if result.plan.params.len() == 1 {
        let (header, rows) = read_csv(&dir.join(BREAKEVEN_CSV))?;
        body.push_str("<h2>breakeven.csv</h2>\n");
        body.push_str(&html_table("breakeven", &header, &rows));
        body.push_str("<h2>Charts</h2>\n");
        body.push_str(&figure(
            charts::BREAKEVEN_PNG,
            &charts::breakeven_svg(result, crossings)?,
        ));
        if charts::is_memory_sweep(result) {
            body.push_str(&figure(charts::MEMORY_PNG, &charts::memory_svg(result)?));
        }
    }
    body.push_str(&format!(
        "<h2>The scenario as run</h2>\n<p class=\"meta\">{}, with each point's parameter values \
         written in</p>\n<pre id=\"scenario\">{}</pre>\n",
        escape(&source.path.display().to_string()),
        escape(&source.text)
    ));
    let html = page(&format!("{}: serverless-sim sweep", result.scenario), &body);
    let path = dir.join(REPORT_HTML);
    std::fs::write(&path, html)
        .map_err(|e| SimError::Report(format!("writing {}: {e}", path.display())))
}

/// The terminal summary of a sweep: mean monthly cost (with its half-width) per point and
/// deployment, then the crossings.
pub fn render(result: &SweepResult, crossings: &[Crossing]) -> String {
    let mut out = String::new();
    let names: Vec<&str> = result
        .points
        .first()
        .map(|p| p.deployments.iter().map(|d| d.name.as_str()).collect())
        .unwrap_or_default();
    let point_width = 28;
    out.push_str(&format!("{:<point_width$}", "point"));
    for n in &names {
        out.push_str(&format!(" {n:>22}"));
    }
    out.push_str("  ($/month)\n");
    for p in &result.points {
        let label = if p.values.is_empty() {
            format!("{} runs", result.plan.replications.max(1))
        } else {
            p.values
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("{label:<point_width$}"));
        for d in &p.deployments {
            let cell = match Figure::MonthlyCost.estimate(&d.replications) {
                Some(e) => match e.half_width {
                    Some(h) => format!("{:.2} ± {:.2}", e.mean, h),
                    None => format!("{:.2}", e.mean),
                },
                None => "-".into(),
            };
            out.push_str(&format!(" {cell:>22}"));
        }
        out.push('\n');
    }
    if let Some(param) = result
        .plan
        .params
        .first()
        .filter(|_| result.plan.params.len() == 1)
    {
        let unit = param.unit();
        if crossings.is_empty() && names.len() >= 2 {
            out.push_str(&format!(
                "break-even: no two deployments' costs cross over {} in this range\n",
                param.path
            ));
        }
        for c in crossings {
            out.push_str(&format!(
                "break-even: {} and {} cost the same at {} = {}{unit}; {} is cheaper below, {} above\n",
                c.deployment_a,
                c.deployment_b,
                param.path,
                round6(c.crossing),
                c.cheaper_below,
                c.cheaper_above
            ));
        }
        if charts::is_memory_sweep(result) {
            out.push_str(&memory_lines(result, unit));
        }
    }
    out
}

/// For a memory sweep, each FaaS deployment's cheapest, fastest and balanced memory (see
/// [`charts::memory_choices`]).
fn memory_lines(result: &SweepResult, unit: &str) -> String {
    let mut out = String::new();
    let n = result.points[0].deployments.len();
    for d in 0..n {
        if result.points[0].deployments[d].model != "faas" {
            continue;
        }
        let figure = |f: Figure| -> Option<Vec<f64>> {
            result
                .points
                .iter()
                .map(|p| f.estimate(&p.deployments[d].replications).map(|e| e.mean))
                .collect()
        };
        let (Some(costs), Some(p95s)) = (
            figure(Figure::UsdPerMillionRequests),
            figure(Figure::LatencyP95),
        ) else {
            continue;
        };
        let Some((cheapest, fastest, balanced)) = charts::memory_choices(&costs, &p95s) else {
            continue;
        };
        let at = |i: usize| {
            format!(
                "{}{unit} (${:.2} per 1M requests, p95 {:.0} ms)",
                result.points[i].values[0].number, costs[i], p95s[i]
            )
        };
        out.push_str(&format!(
            "memory: {}: cheapest {}, fastest {}, balanced {}\n",
            result.points[0].deployments[d].name,
            at(cheapest),
            at(fastest),
            at(balanced)
        ));
    }
    out
}
