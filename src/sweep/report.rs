//! What a sweep writes: `sweep.csv` (one row per point x deployment) and, for a one-parameter
//! sweep, `breakeven.csv` (the crossings) with the charts of [`super::charts`]
//! (`breakeven.png`, `latency.png`, and `memory.png` for a memory sweep), into one report
//! folder written like a run's (staged, then put in place whole, with a manifest).
//!
//! `sweep.csv` columns: the swept parameters first (each named by its path, with its unit as
//! a suffix: `workload.functions[0].memory_mb`, `load`), then `replications, deployment, model,
//! serves`, then every numeric column of `summary.csv` in its order (counts, latency
//! percentiles, costs per window and month, `usd_per_million_requests`, instance levels...),
//! each as its mean over the replications and `<column>_ci95`, the 95% confidence half-width
//! (Student t; empty with one replication), then `failed_ratio` and its half-width, and last
//! `error`. `serves` is `yes` when the deployment serves the workload at that point in every
//! replication (`run`'s verdict rule), `no` otherwise; at a point whose runs failed it and
//! every figure are empty and `error` says why.
//!
//! `replications.csv` (written by `run --replications N`) has `sweep.csv`'s columns, without
//! parameters: one row per deployment.
//!
//! `breakeven.csv` columns: `kind, parameter, deployment_a, deployment_b, crossing,
//! cheaper_below, cheaper_above, serving, not_serving, marker`. A row of kind `crossing` fills the
//! first seven: `crossing` is the parameter's value (in its unit) where the two deployments'
//! mean monthly costs are equal (both serving the workload). A row of kind `stops_serving` or
//! `starts_serving` names one deployment (`deployment_a`) and fills `serving` and
//! `not_serving`: the two values nearest the boundary where it was seen to serve the workload
//! and not to ([`super::serving`]). `marker` is the row's number on `breakeven.png` (empty for
//! `starts_serving`, which is not drawn; see [`super::breakeven_chart::numbered`]).

use std::path::{Path, PathBuf};

use super::breakeven::BreakEven;
use super::figures::columns;
pub use super::render::render;
use super::render::round6;
use super::{SweepResult, SweepSource, SweptParam};
use super::{charts, memory, memory_chart};
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
    header.extend(["replications", "deployment", "model", "serves"].map(String::from));
    for n in &names {
        header.push(n.clone());
        header.push(format!("{n}_ci95"));
    }
    header.push("error".into());
    let mut file = CsvFile::create(&path, &header)?;
    for point in &result.points {
        for d in &point.deployments {
            let mut row: Vec<String> = point.values.iter().map(|v| v.number.to_string()).collect();
            row.push(d.replications.len().to_string());
            row.push(d.name.clone());
            row.push(d.model.to_string());
            row.push(match d.serves() {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            });
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
            row.push(point.error.clone().unwrap_or_default());
            file.row(&row)?;
        }
    }
    file.finish()
}

/// Writes `breakeven.csv` into `dir`: crossings, then service boundaries (a header only when
/// there is neither).
///
/// # Errors
/// The file cannot be written.
pub fn write_breakeven_csv(
    result: &SweepResult,
    found: &BreakEven,
    dir: &Path,
) -> Result<(), SimError> {
    let path = dir.join(BREAKEVEN_CSV);
    let mut file = CsvFile::create(
        &path,
        [
            "kind",
            "parameter",
            "deployment_a",
            "deployment_b",
            "crossing",
            "cheaper_below",
            "cheaper_above",
            "serving",
            "not_serving",
            "marker",
        ],
    )?;
    let parameter = result
        .plan
        .params
        .first()
        .map(column_name)
        .unwrap_or_default();
    let (crossing_marks, boundary_marks) = charts::marker_numbers(result, found);
    for (c, mark) in found.crossings.iter().zip(crossing_marks) {
        file.row([
            "crossing",
            parameter.as_str(),
            &c.deployment_a,
            &c.deployment_b,
            &format!("{}", round6(c.crossing)),
            &c.cheaper_below,
            &c.cheaper_above,
            "",
            "",
            &mark.to_string(),
        ])?;
    }
    for (b, mark) in found.boundaries.iter().zip(boundary_marks) {
        file.row([
            b.kind(),
            parameter.as_str(),
            &b.deployment,
            "",
            "",
            "",
            "",
            &format!("{}", round6(b.serving)),
            &format!("{}", round6(b.not_serving)),
            &mark.map_or(String::new(), |m| m.to_string()),
        ])?;
    }
    file.finish()
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
    found: &BreakEven,
    json: Option<&serde_json::Value>,
    out: &Path,
) -> Result<PathBuf, SimError> {
    let warnings = super::warnings::merged(result);
    let manifest = Manifest::for_sweep(&result.scenario, result.seed, &warnings);
    output::write_folder(out, manifest, |dir| {
        write_sweep_csv(result, dir)?;
        if let Some(json) = json {
            write_json(json, &dir.join(SUMMARY_JSON))?;
        }
        let one = result.plan.params.len() == 1;
        if one {
            write_breakeven_csv(result, found, dir)?;
            charts::write_breakeven_png(result, found, dir)?;
            charts::write_latency_png(result, dir)?;
            if memory::is_memory_sweep(result) {
                memory_chart::write_memory_png(result, dir)?;
            }
        }
        write_page(source, result, found, dir)
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
/// `sweep.csv` (and `breakeven.csv`) are already written: a table of contents, the summary,
/// the warnings, where each deployment does not serve the workload and what that means,
/// `sweep.csv`, the crossings (`breakeven.csv`), the charts with their captions and the
/// scenario.
fn write_page(
    source: &SweepSource,
    result: &SweepResult,
    found: &BreakEven,
    dir: &Path,
) -> Result<(), SimError> {
    use crate::report::html::{Body, REPORT_HTML, escape, html_table, page, warning_list};
    let top = format!(
        "<h1>{}: sweep</h1>\n<p class=\"meta\">serverless-sim {} &middot; seed {} &middot; {} \
         replication(s) a point</p>\n",
        escape(&result.scenario),
        env!("CARGO_PKG_VERSION"),
        result.seed,
        result.plan.replications.max(1)
    );
    let mut body = Body::default();
    body.section("sec-summary", "Summary");
    body.push_str(&format!(
        "<pre id=\"verdict\">{}</pre>\n",
        escape(&super::render::render_all(result, found))
    ));
    let warnings = super::warnings::merged(result);
    if !warnings.is_empty() {
        body.section("sec-warnings", "Warnings");
        body.push_str(&warning_list(&warnings));
    }
    body.section(
        "sec-not-serving",
        "Where a deployment does not serve the workload",
    );
    body.push_str(&not_serving_html(result));
    let (header, rows) = read_csv(&dir.join(SWEEP_CSV))?;
    body.section("sec-sweep-csv", "sweep.csv");
    body.push_str(&html_table("sweep", &header, &rows));
    if result.plan.params.len() == 1 {
        let (header, rows) = read_csv(&dir.join(BREAKEVEN_CSV))?;
        body.section(
            "sec-breakeven",
            "Crossings and service boundaries (breakeven.csv)",
        );
        body.push_str(
            "<p class=\"meta\">A crossing is where two deployments' mean monthly costs are \
             equal (both serving the workload), with which is cheaper on each side; a \
             boundary is where a deployment starts or stops serving the workload, between the \
             two nearest values seen serving it and not.</p>\n",
        );
        body.push_str(&html_table("breakeven", &header, &rows));
        body.section("sec-charts", "Charts");
        body.figure(
            charts::BREAKEVEN_PNG,
            &charts::breakeven_svg(result, found)?,
        )?;
        body.figure(charts::LATENCY_PNG, &charts::latency_svg(result)?)?;
        if memory::is_memory_sweep(result) {
            body.figure(memory_chart::MEMORY_PNG, &memory_chart::memory_svg(result)?)?;
        }
    }
    body.section("sec-scenario", "The scenario as run");
    body.push_str(&format!(
        "<p class=\"meta\">{}, with each point's parameter values written in</p>\n\
         <pre id=\"scenario\">{}</pre>\n",
        escape(&source.path.display().to_string()),
        escape(&source.text)
    ));
    let html = page(
        &format!("{}: serverless-sim sweep", result.scenario),
        &body.finish(&top),
    );
    let path = dir.join(REPORT_HTML);
    std::fs::write(&path, html)
        .map_err(|e| SimError::Report(format!("writing {}: {e}", path.display())))
}

/// What the failure marks mean (the summary's `*`, the charts' hollow markers, `serves =
/// no`, `error`), then where each deployment does not serve the workload and why (`<ul
/// id="not-serving">`), or that every deployment serves it at every point.
fn not_serving_html(result: &SweepResult) -> String {
    use crate::report::html::escape;
    let mut out = format!(
        "<p>A deployment <b>does not serve the workload</b> at a point when, in some \
         replication, more than 1% of its requests failed, it was overloaded (requests left \
         unfinished), none completed, or it missed the scenario's slo: the rule of a run's \
         verdict. It is then not compared there: no crossing is read and no memory size \
         chosen at that point. It is marked <code>{}</code> in the summary, <code>serves = \
         no</code> in sweep.csv and drawn hollow in the charts (a hollow ring or marker, its \
         line broken there). A point whose runs failed has its error in sweep.csv's \
         <code>error</code> column and no figures.</p>\n",
        super::render::NOT_SERVING_MARK
    );
    let lines = super::render::not_serving_summary(result);
    if lines.is_empty() {
        out.push_str(
            "<p id=\"not-serving\">Every deployment serves the workload at every point.</p>\n",
        );
    } else {
        out.push_str("<ul id=\"not-serving\">\n");
        for line in lines.lines() {
            out.push_str(&format!("<li>{}</li>\n", escape(line)));
        }
        out.push_str("</ul>\n");
    }
    out
}
