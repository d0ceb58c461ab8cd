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
    for x in exporters() {
        if let Some(svg) = x.svg(run) {
            body.push_str(&figure(x.file_name(), &svg?));
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
