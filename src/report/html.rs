//! `report.html`: one self-contained page per run (and per sweep): a table of contents, the
//! summary table, every chart inline as SVG with a caption saying how to read it
//! ([`super::captions`]), the prices' presets and dates, the seed, the billing month, the
//! warnings, the scenario file as run and the tool's version. Nothing is loaded from anywhere:
//! styles are inline, charts are inline `<svg>` elements, and a Content-Security-Policy of
//! `default-src 'none'` makes the browser refuse any request the page might still try. Long
//! lines (the summary, the prices, the scenario) wrap at the page's width instead of running
//! off its right edge; only wide tables scroll, inside their own box.

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
.wide { overflow-x: auto; }
pre { background: #f7f7f7; padding: 1em; white-space: pre-wrap; overflow-wrap: anywhere; }
li, p { overflow-wrap: anywhere; }
figure { margin: 1.5em 0; } figure svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.9em; max-width: 60em; } .meta { color: #555; }
nav li { margin: 0.15em 0; }
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

/// A chart as a figure: the SVG inline, its file name and how to read it
/// ([`super::captions`]) as the caption.
///
/// # Errors
/// The chart has no caption.
pub fn figure(file_name: &str, svg: &str) -> Result<String, SimError> {
    let how = super::captions::required(file_name)?;
    // plotters' SVG starts with the <svg> element itself; drop an XML declaration if any.
    let svg = svg.trim_start_matches(|c| c != '<');
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest.split_once("?>").map_or(rest, |(_, body)| body),
        None => svg,
    };
    Ok(format!(
        "<figure id=\"{}\">{svg}<figcaption><b>{}</b>: {}</figcaption></figure>\n",
        escape(file_name),
        escape(file_name),
        escape(how)
    ))
}

/// A page's body built section by section, keeping the table of contents: each section
/// (`<h2>`, by its id) and the charts (`<figure>`, by their file names) in it.
#[derive(Default)]
pub struct Body {
    html: String,
    /// (id, title, the charts' file names) of each section.
    contents: Vec<(String, String, Vec<String>)>,
}

impl Body {
    /// Starts a section: its heading, with `id`.
    pub fn section(&mut self, id: &str, title: &str) {
        let _ = writeln!(self.html, "<h2 id=\"{id}\">{}</h2>", escape(title));
        self.contents.push((id.into(), title.into(), Vec::new()));
    }

    /// Adds `html` as it is.
    pub fn push_str(&mut self, html: &str) {
        self.html.push_str(html);
    }

    /// Adds the chart `file_name` ([`figure`]) to the current section.
    ///
    /// # Errors
    /// The chart has no caption.
    pub fn figure(&mut self, file_name: &str, svg: &str) -> Result<(), SimError> {
        self.html.push_str(&figure(file_name, svg)?);
        if let Some(section) = self.contents.last_mut() {
            section.2.push(file_name.into());
        }
        Ok(())
    }

    /// `top` (the page's heading and facts), then the table of contents (`<nav
    /// id="contents">`, linking every section and chart), then the sections.
    pub fn finish(self, top: &str) -> String {
        let mut nav = String::from("<nav id=\"contents\">\n<b>Contents</b>\n<ul>\n");
        for (id, title, charts) in &self.contents {
            let _ = write!(nav, "<li><a href=\"#{id}\">{}</a>", escape(title));
            if !charts.is_empty() {
                nav.push_str("<ul>");
                for c in charts {
                    let c = escape(c);
                    let _ = write!(nav, "<li><a href=\"#{c}\">{c}</a></li>");
                }
                nav.push_str("</ul>");
            }
            nav.push_str("</li>\n");
        }
        nav.push_str("</ul>\n</nav>\n");
        format!("{top}{nav}{}", self.html)
    }
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
    let mut top = format!(
        "<h1>{}: simulated costs and latency</h1>\n",
        escape(&run.scenario)
    );
    let _ = writeln!(
        top,
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
    let mut body = Body::default();
    body.section("sec-summary", "Summary");
    body.push_str(&format!(
        "<pre id=\"verdict\">{}</pre>\n",
        escape(&table::render(run))
    ));
    let components = summary::components(run);
    let header = summary::header(&components);
    let rows: Vec<Vec<String>> = run
        .deployments
        .iter()
        .map(|d| summary::row(d, &components, run.window.month))
        .collect();
    body.section("sec-summary-csv", "summary.csv");
    body.push_str(&html_table("summary", &header, &rows));
    body.section("sec-prices", "Prices");
    body.push_str("<ul id=\"prices\">\n");
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
        body.push_str(&format!(
            "<li>{}: {}</li>\n",
            escape(&d.name),
            escape(&presets)
        ));
    }
    body.push_str("</ul>\n");
    if !run.warnings.is_empty() {
        body.section("sec-warnings", "Warnings");
        body.push_str(&warning_list(&run.warnings));
    }
    body.section("sec-charts", "Charts");
    match charts_left_out(run) {
        Some(why) => {
            let exporters = exporters();
            let files: Vec<&str> = exporters
                .iter()
                .filter(|x| x.writes(run))
                .map(|x| x.file_name())
                .filter(|f| f.ends_with(".png"))
                .collect();
            body.push_str(&format!(
                "<p id=\"charts-left-out\">The charts are left out of this page: {}. The \
                 files {} beside it have them.</p>\n",
                escape(&why),
                escape(&files.join(", "))
            ));
        }
        None => {
            for x in exporters().iter().filter(|x| x.writes(run)) {
                if let Some(svg) = x.svg(run) {
                    body.figure(x.file_name(), &svg?)?;
                }
            }
        }
    }
    body.section("sec-scenario", "The scenario as run");
    body.push_str(&format!(
        "<pre id=\"scenario\">{}</pre>\n",
        escape(scenario_text)
    ));
    Ok(page(
        &format!("{}: serverless-sim report", run.scenario),
        &body.finish(&top),
    ))
}

/// The warnings as a list (`<ul id="warnings">`).
pub fn warning_list(warnings: &[String]) -> String {
    let mut out = String::from("<ul id=\"warnings\">\n");
    for w in warnings {
        let _ = writeln!(out, "<li>{}</li>", escape(w));
    }
    out.push_str("</ul>\n");
    out
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
        let f = figure(
            "cost.png",
            "<?xml version=\"1.0\"?>\n<svg width=\"2\"></svg>",
        )
        .unwrap();
        assert!(
            f.starts_with("<figure id=\"cost.png\">\n<svg width=\"2\">"),
            "{f}"
        );
        assert!(f.contains("<figcaption><b>cost.png</b>: One bar per deployment"));
        assert!(
            figure("x.png", "<svg></svg>").is_err(),
            "no caption, no figure"
        );
    }
}
