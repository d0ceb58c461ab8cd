//! Integrity checks of the preset catalogue: every figure has a source, every source a date.
//!
//! The catalogue's tests run [`check_catalogue`] on the compiled-in files and on broken
//! examples, so a preset number without a source, or a source without a date, fails the build's
//! tests rather than reaching a user.

use super::{Catalogue, Preset};

/// Every problem found in `catalogue`, one line each (empty: all good).
pub fn check_catalogue(catalogue: &Catalogue) -> Vec<String> {
    let mut problems = Vec::new();
    for (id, source) in catalogue.sources() {
        if source.title.trim().is_empty() {
            problems.push(format!("source {id}: no title"));
        }
        if source.url.is_none() && source.document.is_none() {
            problems.push(format!("source {id}: neither a url nor a document"));
        }
        if source.dated != "no date" && !is_partial_date(&source.dated) {
            problems.push(format!(
                "source {id}: dated = {:?} is not YYYY, YYYY-MM, YYYY-MM-DD or \"no date\"",
                source.dated
            ));
        }
        if !is_full_date(&source.read) {
            problems.push(format!(
                "source {id}: read = {:?} is not YYYY-MM-DD",
                source.read
            ));
        }
    }
    for preset in catalogue.presets() {
        check_preset(catalogue, preset, &mut problems);
    }
    problems
}

fn check_preset(catalogue: &Catalogue, preset: &Preset, problems: &mut Vec<String>) {
    let name = &preset.name;
    let well_formed = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if !well_formed {
        problems.push(format!(
            "preset {name:?}: names are lowercase letters, digits, '-' and '.'"
        ));
    }
    if !is_full_date(&preset.date) {
        problems.push(format!(
            "preset {name}: date {:?} is not YYYY-MM-DD",
            preset.date
        ));
    }
    for (label, text) in [
        ("provider", &preset.provider),
        ("product", &preset.product),
        ("region", &preset.region),
        ("summary", &preset.summary),
    ] {
        if text.trim().is_empty() {
            problems.push(format!("preset {name}: no {label}"));
        }
    }
    match &preset.unavailable {
        Some(reason) => {
            if reason.trim().is_empty() {
                problems.push(format!("preset {name}: unavailable gives no reason"));
            }
            if !preset.params.is_empty() || !preset.plans.is_empty() {
                problems.push(format!(
                    "preset {name}: an unavailable preset has no params and no plans"
                ));
            }
            if preset.left_out.is_empty() {
                problems.push(format!(
                    "preset {name}: an unavailable preset says in left_out what was looked for"
                ));
            }
        }
        None if preset.params.is_empty() && preset.plans.is_empty() => {
            problems.push(format!("preset {name}: no params"));
        }
        None => {}
    }
    check_params(catalogue, name, &preset.params, problems);
    check_plans(catalogue, preset, problems);
}

/// Plan names are well formed and distinct, the default plan exists, and each plan has a
/// summary and well-formed, sourced params.
fn check_plans(catalogue: &Catalogue, preset: &Preset, problems: &mut Vec<String>) {
    let name = &preset.name;
    for (i, plan) in preset.plans.iter().enumerate() {
        let label = format!("{name} plan {}", plan.name);
        let well_formed = !plan.name.is_empty()
            && plan
                .name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !well_formed {
            problems.push(format!(
                "preset {name}: plan {:?}: names are lowercase letters, digits and '-'",
                plan.name
            ));
        }
        if preset.plans[..i].iter().any(|p| p.name == plan.name) {
            problems.push(format!(
                "preset {name}: plan {} is defined twice",
                plan.name
            ));
        }
        if plan.summary.trim().is_empty() {
            problems.push(format!("preset {label}: no summary"));
        }
        check_params(catalogue, &label, &plan.params, problems);
    }
    if let Some(default) = &preset.default_plan
        && preset.plan(default).is_none()
    {
        problems.push(format!(
            "preset {name}: default_plan {default:?} is not one of its plans"
        ));
    }
}

/// Every param has a dotted key, a unit and known sources; no key is given twice (or a key
/// under it); no number is negative. `name` labels the problems.
fn check_params(
    catalogue: &Catalogue,
    name: &str,
    params: &[super::Param],
    problems: &mut Vec<String>,
) {
    for param in params {
        let key = &param.key;
        if key.is_empty() || key.split('.').any(str::is_empty) {
            problems.push(format!(
                "preset {name}: param key {key:?} is not a dotted path"
            ));
        }
        if param.unit.trim().is_empty() {
            problems.push(format!("preset {name}: {key} has no unit"));
        }
        if param.sources.is_empty() {
            problems.push(format!("preset {name}: {key} has no source"));
        }
        for id in &param.sources {
            if catalogue.source(id).is_none() {
                problems.push(format!("preset {name}: {key} cites unknown source {id}"));
            }
        }
        if params
            .iter()
            .filter(|p| p.key == *key || p.key.starts_with(&format!("{key}.")))
            .count()
            > 1
        {
            problems.push(format!(
                "preset {name}: {key} is given twice (or a key under it)"
            ));
        }
        if has_negative_number(&param.value) {
            problems.push(format!("preset {name}: {key} holds a negative number"));
        }
    }
}

fn has_negative_number(value: &toml::Value) -> bool {
    match value {
        toml::Value::Integer(i) => *i < 0,
        toml::Value::Float(f) => *f < 0.0 || f.is_nan(),
        toml::Value::Array(items) => items.iter().any(has_negative_number),
        toml::Value::Table(table) => table.values().any(has_negative_number),
        _ => false,
    }
}

/// `YYYY-MM-DD` with a plausible month and day.
fn is_full_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3 && is_partial_date(text)
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn is_partial_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str, len: usize, lo: u32, hi: u32| {
        s.len() == len
            && s.chars().all(|c| c.is_ascii_digit())
            && s.parse::<u32>().is_ok_and(|n| (lo..=hi).contains(&n))
    };
    match parts.as_slice() {
        [y] => number(y, 4, 1990, 2100),
        [y, m] => number(y, 4, 1990, 2100) && number(m, 2, 1, 12),
        [y, m, d] => number(y, 4, 1990, 2100) && number(m, 2, 1, 12) && number(d, 2, 1, 31),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{FILES, catalogue, load};
    use super::*;

    #[test]
    fn the_compiled_in_catalogue_has_a_source_and_a_date_for_every_figure() {
        let problems = check_catalogue(catalogue());
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(catalogue().presets().len() >= FILES.len());
    }

    const SOURCE: &str = r#"
[sources.X]
title = "A page"
url = "https://example.com"
dated = "2025-01"
read = "2026-09-20"
"#;

    fn problems_of(presets: &str, sources: &str) -> Vec<String> {
        let text: &'static str = Box::leak(format!("{sources}\n{presets}").into_boxed_str());
        let catalogue = load(&[("t.toml", text)]).expect("parses");
        check_catalogue(&catalogue)
    }

    const GOOD: &str = r#"
[[presets]]
name = "p"
kind = "faas"
provider = "P"
product = "P"
region = "r"
date = "2026-09-20"
summary = "s"
[[presets.params]]
key = "billing.requests"
value = { usd = 0.2, per = 1_000_000 }
unit = "USD per 1M"
confidence = "confirmed"
sources = ["X"]
"#;

    #[test]
    fn a_good_preset_passes() {
        assert_eq!(problems_of(GOOD, SOURCE), Vec::<String>::new());
    }

    #[test]
    fn a_figure_without_a_source_fails() {
        let p = problems_of(&GOOD.replace(r#"sources = ["X"]"#, "sources = []"), SOURCE);
        assert_eq!(p, vec!["preset p: billing.requests has no source"]);
        let p = problems_of(&GOOD.replace(r#"["X"]"#, r#"["Y"]"#), SOURCE);
        assert_eq!(p, vec!["preset p: billing.requests cites unknown source Y"]);
    }

    #[test]
    fn a_source_or_preset_without_a_date_fails() {
        let p = problems_of(
            GOOD,
            &SOURCE.replace(r#"read = "2026-09-20""#, r#"read = """#),
        );
        assert_eq!(p, vec![r#"source X: read = "" is not YYYY-MM-DD"#]);
        let p = problems_of(GOOD, &SOURCE.replace(r#""2025-01""#, r#""Jan 2025""#));
        assert_eq!(p.len(), 1, "{p:?}");
        let p = problems_of(
            &GOOD.replace(r#"date = "2026-09-20""#, r#"date = "2026""#),
            SOURCE,
        );
        assert_eq!(p, vec![r#"preset p: date "2026" is not YYYY-MM-DD"#]);
    }

    #[test]
    fn plans_are_checked_like_params_and_the_default_must_exist() {
        let plan = "default_plan = \"b\"\n[[presets.plans]]\nname = \"a\"\nsummary = \"\"\n\
                    [[presets.plans.params]]\nkey = \"usd_per_month\"\nvalue = 1.0\n\
                    unit = \"u\"\nconfidence = \"confirmed\"\nsources = [\"Y\"]\n";
        let text = GOOD.replace("summary = \"s\"\n", &format!("summary = \"s\"\n{plan}"));
        let p = problems_of(&text, SOURCE);
        assert_eq!(
            p,
            vec![
                "preset p plan a: no summary",
                "preset p plan a: usd_per_month cites unknown source Y",
                "preset p: default_plan \"b\" is not one of its plans",
            ]
        );
    }

    #[test]
    fn an_unavailable_preset_has_a_reason_no_params_and_says_what_was_looked_for() {
        let text = GOOD.replace(
            "summary = \"s\"\n",
            "summary = \"s\"\nunavailable = \"no list\"\n",
        );
        let p = problems_of(&text, SOURCE);
        assert!(
            p.iter().any(|l| l.contains("has no params and no plans")),
            "{p:?}"
        );
        assert!(p.iter().any(|l| l.contains("says in left_out")), "{p:?}");
    }

    #[test]
    fn duplicate_keys_and_negative_prices_fail() {
        let twice = format!(
            "{GOOD}\n[[presets.params]]\nkey = \"billing.requests.usd\"\nvalue = 1.0\n\
             unit = \"u\"\nconfidence = \"confirmed\"\nsources = [\"X\"]\n"
        );
        let p = problems_of(&twice, SOURCE);
        assert!(p.iter().any(|l| l.contains("given twice")), "{p:?}");
        let p = problems_of(&GOOD.replace("usd = 0.2", "usd = -0.2"), SOURCE);
        assert_eq!(
            p,
            vec!["preset p: billing.requests holds a negative number"]
        );
    }
}
