//! `serverless-sim pricing list` and `pricing show <name>`: the preset catalogue, as text or
//! JSON.
//!
//! Both render to a `String` (tested, snapshot for `show`); the command prints it. `show`
//! opens with a preset's capacity when it sets any: its vCPUs per instance, its autoscaling
//! target and its balancer ([`capacity`]). A preset sold as plans lists each plan (`plan =
//! "..."`) with its own figures, notes and omissions after the shared figures; a preset
//! without a public price list says why in place of figures.

use std::fmt::Write as _;

use serde::Serialize;

use crate::pricing::presets::{Catalogue, Kind, Preset, Source};

/// How to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Serialize)]
struct ListRow<'a> {
    name: &'a str,
    kind: &'a str,
    provider: &'a str,
    product: &'a str,
    region: &'a str,
    date: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    plans: Vec<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    unavailable: bool,
}

/// Every preset: name, kind, provider, region and price date.
pub fn list(catalogue: &Catalogue, format: Format) -> String {
    let rows: Vec<ListRow> = catalogue
        .presets()
        .iter()
        .map(|p| ListRow {
            name: &p.name,
            kind: p.kind.name(),
            provider: &p.provider,
            product: &p.product,
            region: &p.region,
            date: &p.date,
            plans: p.plans.iter().map(|plan| plan.name.as_str()).collect(),
            unavailable: p.unavailable.is_some(),
        })
        .collect();
    if format == Format::Json {
        return json(&rows);
    }
    fn width<'a>(rows: &[ListRow<'a>], f: fn(&ListRow<'a>) -> &'a str, title: &str) -> usize {
        rows.iter()
            .map(|r| f(r).len())
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    }
    let (wn, wk, wp, wr) = (
        width(&rows, |r| r.name, "name"),
        width(&rows, |r| r.kind, "kind"),
        width(&rows, |r| r.provider, "provider"),
        width(&rows, |r| r.region, "region"),
    );
    let mut out = String::new();
    let mut line = |a: &str, b: &str, c: &str, d: &str, e: &str, f: &str| {
        let _ = writeln!(out, "{a:wn$}  {b:wk$}  {c:wp$}  {d:wr$}  {e:10}  {f}");
    };
    line("name", "kind", "provider", "region", "date", "product");
    for r in &rows {
        let product = match (r.plans.is_empty(), r.unavailable) {
            (_, true) => format!("{} (no prices)", r.product),
            (true, false) => r.product.to_string(),
            (false, false) => format!("{} (plans: {})", r.product, r.plans.join(", ")),
        };
        line(r.name, r.kind, r.provider, r.region, r.date, &product);
    }
    let _ = writeln!(
        out,
        "\n{} presets. `serverless-sim pricing show <name>` prints one with every figure's unit, confidence and source.",
        rows.len()
    );
    out
}

#[derive(Serialize)]
struct ShowJson<'a> {
    #[serde(flatten)]
    preset: &'a Preset,
    named_in: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    capacity: Option<String>,
    sources: Vec<SourceJson<'a>>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    id: &'a str,
    #[serde(flatten)]
    source: &'a Source,
}

/// Where a preset of `kind` is named in a scenario.
fn named_in(kind: Kind) -> &'static str {
    match kind {
        Kind::Faas => "[deployments.compute] (model = \"faas\")",
        Kind::Fleet => "[deployments.compute] (model = \"fleet\")",
        Kind::Service => "a [[deployments.services]] entry",
        Kind::Gateway => "[deployments.gateway]",
    }
}

/// The ids of the sources `preset` cites, in first-cited order.
fn cited(preset: &Preset) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    let plans = preset.plans.iter().flat_map(|plan| &plan.params);
    for id in preset.params.iter().chain(plans).flat_map(|p| &p.sources) {
        if !ids.contains(&id.as_str()) {
            ids.push(id);
        }
    }
    ids
}

/// One preset, whole: every param with its unit, confidence and sources; notes; what was left
/// out; the sources with their dates.
pub fn show(catalogue: &Catalogue, preset: &Preset, format: Format) -> String {
    let ids = cited(preset);
    if format == Format::Json {
        let sources = ids
            .iter()
            .filter_map(|id| catalogue.source(id).map(|source| SourceJson { id, source }))
            .collect();
        return json(&ShowJson {
            preset,
            named_in: named_in(preset.kind),
            capacity: capacity(preset),
            sources,
        });
    }
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", preset.name, preset.product);
    let _ = writeln!(out, "{}", preset.summary);
    let _ = writeln!(
        out,
        "kind {} (name it in {}), provider {}, region {}, prices collected {}",
        preset.kind.name(),
        named_in(preset.kind),
        preset.provider,
        preset.region,
        preset.date
    );
    if let Some(c) = capacity(preset) {
        let _ = writeln!(out, "capacity: {c}");
    }
    if let Some(reason) = &preset.unavailable {
        let _ = writeln!(out, "\nNo prices: {reason}");
    }
    if let Some(from) = &preset.params_from {
        let _ = writeln!(
            out,
            "\nBilled as {from}: its figures below are that preset's, with its sources (params_from)."
        );
    }
    if !preset.params.is_empty() {
        let title = if preset.plans.is_empty() {
            "Figures (scenario key = value)"
        } else {
            "Figures of every plan (scenario key = value)"
        };
        let _ = writeln!(out, "\n{title}:");
        figures(&mut out, &preset.params, "  ");
    }
    for plan in &preset.plans {
        let default = if preset.default_plan.as_deref() == Some(plan.name.as_str()) {
            ", the default"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "\nPlan {} (plan = \"{}\"{default}): {}",
            plan.name, plan.name, plan.summary
        );
        figures(&mut out, &plan.params, "  ");
        for (title, lines) in [("notes", &plan.notes), ("left out", &plan.left_out)] {
            if !lines.is_empty() {
                let _ = writeln!(out, "  {title}:");
                for l in lines {
                    let _ = writeln!(out, "    - {l}");
                }
            }
        }
    }
    let mut section = |title: &str, lines: &[String]| {
        if !lines.is_empty() {
            let _ = writeln!(out, "\n{title}:");
            for l in lines {
                let _ = writeln!(out, "  - {l}");
            }
        }
    };
    section("Notes", &preset.notes);
    section("Left out", &preset.left_out);
    if !ids.is_empty() {
        let _ = writeln!(out, "\nSources:");
    }
    for id in ids {
        if let Some(s) = catalogue.source(id) {
            let at = s.url.as_deref().or(s.document.as_deref()).unwrap_or("");
            let dated = if s.dated == "no date" {
                "undated".to_string()
            } else {
                format!("dated {}", s.dated)
            };
            let _ = writeln!(out, "  {id}: {} ({at}); {dated}, read {}", s.title, s.read);
        }
    }
    let _ = writeln!(
        out,
        "\nConfidence: confirmed = an official copy or two sources that agree; single-source = one secondary source. Unconfirmed figures are left out. Prices change: re-check them with the provider before relying on a result."
    );
    out
}

/// Each param as `key = value`, its unit, its confidence and sources, indented by `indent`.
fn figures(out: &mut String, params: &[crate::pricing::presets::Param], indent: &str) {
    for p in params {
        let _ = writeln!(out, "{indent}{} = {}", p.key, p.value);
        let _ = writeln!(out, "{indent}    {}", p.unit);
        let _ = writeln!(
            out,
            "{indent}    {}; source {}",
            p.confidence.name(),
            p.sources.join(", ")
        );
    }
}

/// What a preset says of its capacity, in words: vCPUs per instance (or, for a fleet, that
/// they are not stated), the autoscaling target and bounds, the balancer. `None` for a
/// preset that sets none of them and is no fleet (Lambda: capacity follows memory).
pub fn capacity(preset: &Preset) -> Option<String> {
    let value = |key: &str| {
        preset
            .params
            .iter()
            .find(|p| p.key == key)
            .map(|p| &p.value)
    };
    let float = |v: &toml::Value| v.as_float().or_else(|| v.as_integer().map(|i| i as f64));
    let number = |v: &toml::Value| float(v).map(|x| x.to_string());
    let percent = |v: &toml::Value| float(v).map(|x| format!("{}%", (x * 1e4).round() / 1e2));
    let mut parts = Vec::new();
    match value("vcpus").and_then(number) {
        Some(v) => parts.push(format!(
            "{v} vCPU{} per instance",
            if v == "1" { "" } else { "s" }
        )),
        None if preset.kind == Kind::Fleet => {
            parts.push("vCPUs not stated, so latency ignores CPU (see the notes)".to_string())
        }
        None => {}
    }
    if let Some(target) = value("autoscale.target").and_then(toml::Value::as_table) {
        let tracked = target.iter().next().map(|(metric, v)| {
            let share = percent(v).unwrap_or_else(|| v.to_string());
            match metric.as_str() {
                "cpu" => format!("CPU utilisation near {share} of the vCPUs"),
                "concurrency" => format!("requests in service near {share} of the slots"),
                other => format!("{other} near {v}"),
            }
        });
        let mut words = format!(
            "autoscaled to keep {}",
            tracked.unwrap_or_else(|| "its target".into())
        );
        if let (Some(min), Some(max)) = (
            value("autoscale.min").and_then(number),
            value("autoscale.max").and_then(number),
        ) {
            words += &format!(", {min} to {max} instances");
        }
        if let Some(w) = value("autoscale.window").and_then(toml::Value::as_str) {
            words += &format!(", averaged over {w}");
        }
        parts.push(words);
    }
    if let Some(b) = value("balancer").and_then(toml::Value::as_str) {
        parts.push(format!("balancer {b}"));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn json<T: Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{e}"));
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::presets::catalogue;

    #[test]
    fn list_has_a_row_per_preset_and_json_parses() {
        let text = list(catalogue(), Format::Text);
        for p in catalogue().presets() {
            assert!(
                text.lines().any(|l| l.starts_with(&format!("{} ", p.name))),
                "{}",
                p.name
            );
        }
        let rows: serde_json::Value =
            serde_json::from_str(&list(catalogue(), Format::Json)).unwrap();
        assert_eq!(rows.as_array().unwrap().len(), catalogue().presets().len());
        assert_eq!(rows[0]["name"], catalogue().presets()[0].name.as_str());
    }

    #[test]
    fn show_states_the_capacity_a_preset_sets() {
        let text = |name: &str| show(catalogue(), catalogue().get(name).unwrap(), Format::Text);
        assert!(text("aws-ec2-t3.small").contains("\ncapacity: 2 vCPUs per instance\n"));
        assert!(text("render-starter").contains("\ncapacity: 0.5 vCPUs per instance\n"));
        assert!(text("heroku-basic").contains("\ncapacity: vCPUs not stated, so latency"));
        assert!(!text("aws-lambda-x86").contains("capacity:"));
        let v: serde_json::Value = serde_json::from_str(&show(
            catalogue(),
            catalogue().get("aws-ec2-m5.xlarge").unwrap(),
            Format::Json,
        ))
        .unwrap();
        assert_eq!(v["capacity"], "4 vCPUs per instance");
    }

    #[test]
    fn an_autoscaling_target_and_balancer_are_said_in_words() {
        const FILE: &str = r#"
[sources.X]
title = "A page"
url = "https://example.com"
dated = "2025-01"
read = "2026-12-07"
[[presets]]
name = "p"
kind = "faas"
provider = "P"
product = "P"
region = "r"
date = "2026-12-07"
summary = "s"
params = [
  { key = "vcpus", value = 1, unit = "u", confidence = "confirmed", sources = ["X"] },
  { key = "autoscale.target", value = { cpu = 0.6 }, unit = "u", confidence = "confirmed", sources = ["X"] },
  { key = "autoscale.min", value = 0, unit = "u", confidence = "confirmed", sources = ["X"] },
  { key = "autoscale.max", value = 100, unit = "u", confidence = "confirmed", sources = ["X"] },
  { key = "autoscale.window", value = "1m", unit = "u", confidence = "confirmed", sources = ["X"] },
  { key = "balancer", value = "least_outstanding", unit = "u", confidence = "confirmed", sources = ["X"] },
]
"#;
        let c = crate::pricing::presets::load(&[("t.toml", FILE)]).unwrap();
        assert_eq!(
            capacity(c.get("p").unwrap()).unwrap(),
            "1 vCPU per instance; autoscaled to keep CPU utilisation near 60% of the vCPUs, \
             0 to 100 instances, averaged over 1m; balancer least_outstanding"
        );
    }

    #[test]
    fn show_json_carries_each_value_and_its_sources() {
        let p = catalogue().get("aws-lambda-x86").unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&show(catalogue(), p, Format::Json)).unwrap();
        let requests = v["params"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["key"] == "billing.requests")
            .unwrap();
        assert_eq!(requests["value"]["usd"], 0.2);
        assert_eq!(requests["sources"], serde_json::json!(["L1", "L7"]));
        let ids: Vec<&str> = v["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"L1") && ids.contains(&"L6"), "{ids:?}");
    }
}
