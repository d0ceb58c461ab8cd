//! `report.html`: one self-contained page per run (and per sweep): the summary table, every
//! chart inline as SVG, the prices' presets and dates, the seed, the billing month, the
//! warnings, the scenario file as run and the tool's version. Nothing is loaded from anywhere:
//! styles are inline, charts are inline `<svg>` elements, and a Content-Security-Policy of
//! `default-src 'none'` makes the browser refuse any request the page might still try.

use std::fmt::Write as _;
use std::path::Path;

use super::{exporters, summary, table};
use crate::engine::time::HOUR;
use crate::error::SimError;
use crate::run::RunResult;

/// The file name.
pub const REPORT_HTML: &str = "report.html";

/// Most deployments whose charts a run's page draws inline. A chart's SVG grows with the
/// deployments (a line, a bar and a legend entry each: about 10 KB each in the cost over
/// time chart alone) and with their time buckets, so beyond these the page leaves the charts
/// out, says so, and keeps every table complete (about 1.5 KB per deployment): the PNG files
/// beside it have the charts.
pub const MAX_CHART_DEPLOYMENTS: usize = 50;

/// Most time-series points (deployments x time buckets) a run's page draws inline: the
/// instance chart's SVG takes about 48 bytes a point and the cost over time about 8
/// (measured on 100,000 buckets), so this keeps the inline charts near 12 MB.
pub const MAX_CHART_POINTS: u64 = 200_000;

/// The page's head: title, the policy that forbids every request, and the inline styles.
const HEAD: &str = r#"<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font-family: sans-serif; color: #282828; margin: 2em auto; max-width: 1240px; padding: 0 1em; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
.wide { overflow-x: auto; } pre { background: #f7f7f7; padding: 1em; overflow-x: auto; }
figure { margin: 1.5em 0; } figure svg { max-width: 100%; height: auto; }
figcaption { color: #777; font-size: 0.85em; } .meta { color: #555; }
</style>
"#;

/// `text` with the characters HTML gives a meaning escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An HTML table of `header` and `rows`, with an `id`.
pub fn html_table(id: &str, header: &[String], rows: &[Vec<String>]) -> String {
    let mut out = format!("<div class=\"wide\"><table id=\"{id}\">\n<tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", escape(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table></div>\n");
    out
}

/// A chart as a figure: the SVG inline, its file name as the caption.
pub fn figure(file_name: &str, svg: &str) -> String {
    // plotters' SVG starts with the <svg> element itself; drop an XML declaration if any.
    let svg = svg.trim_start_matches(|c| c != '<');
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, body)| body),
        None => svg,
    };
    format!(
        "<figure id=\"{}\">{svg}<figcaption>{}</figcaption></figure>\n",
        escape(file_name),
        escape(file_name)
    )
}

/// [`figure`] with a caption after the file name, saying how to read the chart.
pub fn captioned_figure(file_name: &str, svg: &str, caption: &str) -> String {
    figure(file_name, svg).replacen(
        "</figcaption>",
        &format!(": {}</figcaption>", escape(caption)),
        1,
    )
}

/// A whole page: `title`, then `body`.
pub fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<title>{}</title>\n{HEAD}</head>\n<body>\n{body}</body>\n</html>\n",
        escape(title)
    )
}

/// The page of `run`, whose scenario file held `scenario_text`.
///
/// # Errors
/// A chart that cannot be drawn.
pub fn run_page(run: &RunResult, scenario_text: &str) -> Result<String, SimError> {
    let mut body = format!(
        "<h1>{}: simulated costs and latency</h1>\n",
        escape(&run.scenario)
    );
    let _ = writeln!(
        body,
        "<p class=\"meta\">serverless-sim {} &middot; seed {} &middot; window {} s &middot; \
         monthly figures per billing month of {} h{}</p>",
        env!("CARGO_PKG_VERSION"),
        run.seed,
        run.window.length as f64 / 1e6,
        run.window.month as f64 / HOUR as f64,
        super::format::measured_range(&run.window)
            .map(|r| format!(" &middot; measured from {r} (after the warm-up)"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        body,
        "<h2>Summary</h2>\n<pre id=\"verdict\">{}</pre>",
        escape(&table::render(run))
    );
    let components = summary::components(run);
    let header = summary::header(&components);
    let rows: Vec<Vec<String>> = run
        .deployments
        .iter()
        .map(|d| summary::row(d, &components, run.window.month))
        .collect();
    body.push_str("<h2>summary.csv</h2>\n");
    body.push_str(&html_table("summary", &header, &rows));
    body.push_str("<h2>Prices</h2>\n<ul id=\"prices\">\n");
    for d in &run.deployments {
        let presets = if d.pricing.is_empty() {
            "prices written in the scenario".to_string()
        } else {
            d.pricing
                .iter()
                .map(|p| format!("{}: {} (prices of {})", p.part, p.preset, p.date))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(body, "<li>{}: {}</li>", escape(&d.name), escape(&presets));
    }
    body.push_str("</ul>\n");
    if !run.warnings.is_empty() {
        body.push_str("<h2>Warnings</h2>\n<ul id=\"warnings\">\n");
        for w in &run.warnings {
            let _ = writeln!(body, "<li>{}</li>", escape(w));
        }
        body.push_str("</ul>\n");
    }
    body.push_str("<h2>Charts</h2>\n");
    match charts_left_out(run) {
        Some(why) => {
            let exporters = exporters();
            let files: Vec<&str> = exporters
                .iter()
                .filter(|x| x.writes(run))
                .map(|x| x.file_name())
                .filter(|f| f.ends_with(".png"))
                .collect();
            let _ = writeln!(
                body,
                "<p id=\"charts-left-out\">The charts are left out of this page: {}. The \
                 files {} beside it have them.</p>",
                escape(&why),
                escape(&files.join(", "))
            );
        }
        None => {
            for x in exporters().iter().filter(|x| x.writes(run)) {
                if let Some(svg) = x.svg(run) {
                    body.push_str(&figure(x.file_name(), &svg?));
                }
            }
        }
    }
    let _ = writeln!(
        body,
        "<h2>The scenario as run</h2>\n<pre id=\"scenario\">{}</pre>",
        escape(scenario_text)
    );
    Ok(page(
        &format!("{}: serverless-sim report", run.scenario),
        &body,
    ))
}

/// Why the page of `run` leaves its charts out ([`MAX_CHART_DEPLOYMENTS`],
/// [`MAX_CHART_POINTS`]), if it does.
pub fn charts_left_out(run: &RunResult) -> Option<String> {
    let deployments = run.deployments.len();
    let buckets = run.window.length.div_ceil(run.window.bucket.max(1));
    let points = deployments as u64 * buckets;
    if deployments > MAX_CHART_DEPLOYMENTS {
        Some(format!(
            "{deployments} deployments, more than the {MAX_CHART_DEPLOYMENTS} whose charts it \
             draws"
        ))
    } else if points > MAX_CHART_POINTS {
        Some(format!(
            "{deployments} deployments x {buckets} time buckets = {points} points, more than \
             the {MAX_CHART_POINTS} it draws"
        ))
    } else {
        None
    }
}

/// Writes `report.html` of `run` into `dir`.
///
/// # Errors
/// A chart that cannot be drawn, or the file cannot be written.
pub fn write_run_page(run: &RunResult, scenario_text: &str, dir: &Path) -> Result<(), SimError> {
    let path = dir.join(REPORT_HTML);
    let html = run_page(run, scenario_text)?;
    std::fs::write(&path, html)
        .map_err(|e| SimError::Report(format!("writing {}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::idle_run;

    /// The page of `n` idle deployments (`d0`, `d1`, ...) over `buckets` minute buckets.
    fn idle_page(n: usize, buckets: u64) -> String {
        let names: Vec<String> = (0..n).map(|i| format!("d{i}")).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        run_page(&idle_run(&names, buckets), "name = \"idle\"").expect("page")
    }

    #[test]
    fn many_deployments_leave_the_charts_out_and_keep_every_row() {
        assert_eq!(MAX_CHART_DEPLOYMENTS, 50);
        // 50 deployments: every chart inline (7), as for one.
        let fifty = idle_page(50, 1);
        assert_eq!(fifty.matches("<svg").count(), 7);
        assert!(!fifty.contains("charts-left-out"));
        // 51: none, a note saying why and where the charts are, and all 51 rows.
        let html = idle_page(51, 1);
        assert_eq!(html.matches("<svg").count(), 0);
        assert!(
            html.contains(
                "<p id=\"charts-left-out\">The charts are left out of this page: 51 \
                 deployments, more than the 50 whose charts it draws. The files cost.png, \
                 latency_cdf.png, latency_over_time.png, instances.png, cost_over_time.png, \
                 keepalive.png, cost_latency.png beside it have them.</p>"
            ),
            "{html}"
        );
        for i in 0..51 {
            assert!(html.contains(&format!("<td>d{i}</td>")), "row d{i}");
        }
        // Bounded by its tables: per deployment a row of the terminal table (about 150
        // bytes), one of summary.csv (about 400) and a price line (about 60); 1 KB each is
        // ample, plus 8 KB for the page itself. The 50 with charts take far more each.
        let bound = 8 * 1024 + 51 * 1024;
        assert!(html.len() < bound, "{} bytes, bound {bound}", html.len());
        assert!(fifty.len() > 2 * bound, "{} bytes", fifty.len());
    }

    #[test]
    fn many_time_buckets_leave_the_charts_out() {
        assert_eq!(MAX_CHART_POINTS, 200_000);
        // 2 deployments x 100,001 buckets = 200,002 points, 2 more than drawn.
        let html = idle_page(2, 100_001);
        assert_eq!(html.matches("<svg").count(), 0);
        assert!(html.contains(
            "The charts are left out of this page: 2 deployments x 100001 time buckets = \
             200002 points, more than the 200000 it draws."
        ));
        // One bucket fewer: 200,000 points, drawn.
        assert_eq!(idle_page(2, 100_000).matches("<svg").count(), 7);
    }

    #[test]
    fn escaping_and_figures() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
        let f = figure("x.png", "<?xml version=\"1.0\"?>\n<svg width=\"2\"></svg>");
        assert!(
            f.starts_with("<figure id=\"x.png\">\n<svg width=\"2\">"),
            "{f}"
        );
    }
}
