//! Expands `pricing = "<preset>"` in a scenario document before it is validated.
//!
//! A preset may be named under `[deployments.compute]` (FaaS and fleet presets), under
//! `[deployments.gateway]` (gateway presets) and in a `[[deployments.services]]` entry
//! (service presets). Its params are merged into that table:
//!
//! - keys the scenario writes win;
//! - tables of *settings* (the compute table, `billing`, `operations`, `operations.<kind>`)
//!   merge key by key, so a scenario may override one price and keep the rest;
//! - tables that are *one value* are replaced whole: prices (any table with `usd` or
//!   `tiers`), distributions (`cold_start`, `latency`), `keep_alive`, `provisioned`, an
//!   autoscaling `target` (one metric: `{ cpu = 0.6 }` replaces `{ concurrency = 0.7 }`,
//!   while the rest of `autoscale` merges key by key). Writing
//!   `billing.gb_seconds = { usd = 0.00002 }` drops the preset's tiers and free allowance for
//!   GB-s, rather than mixing a flat price with tiers.
//!
//! Values taken from a preset carry the span of the `pricing = "..."` value, so an error about
//! one points at the line that named the preset.
//!
//! `plan = "<name>"` beside `pricing` selects one of the preset's plans: the plan's params are
//! merged over the preset's own (see `pricing/presets/plans.rs`) before they meet the
//! scenario's keys. An unknown plan, a plan the preset does not have, a missing plan where the
//! preset requires one, `plan` without `pricing`, and a preset without a price list
//! (`unavailable`) are errors located at the key.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::locate::Source;
use crate::error::ScenarioError;
use crate::pricing::presets::{Kind, Plan, Preset, catalogue};

/// Keys whose table is one value, replaced whole by a scenario's own key.
const WHOLE_VALUES: &[&str] = &[
    "target",
    "cold_start",
    "latency",
    "execution",
    "keep_alive",
    "provisioned",
    "price",
];

/// Expands every `pricing` key of `doc` (the whole scenario document).
///
/// # Errors
/// An unknown preset name, a preset named where its kind does not belong, or a `pricing`
/// value that is not a string: located at the `pricing` value.
pub fn expand(doc: &mut DeTable<'_>, src: &Source) -> Result<(), ScenarioError> {
    let Some(deployments) = doc.get_mut("deployments") else {
        return Ok(());
    };
    let DeValue::Array(deployments) = deployments.get_mut() else {
        return Ok(()); // the typed parse reports the wrong shape
    };
    for (d, deployment) in deployments.iter_mut().enumerate() {
        let DeValue::Table(deployment) = deployment.get_mut() else {
            continue;
        };
        if let Some(compute) = deployment.get_mut("compute")
            && let DeValue::Table(compute) = compute.get_mut()
        {
            let path = format!("deployments[{d}].compute");
            apply(compute, &path, &[Kind::Faas, Kind::Fleet], src)?;
        }
        if let Some(gateway) = deployment.get_mut("gateway")
            && let DeValue::Table(gateway) = gateway.get_mut()
        {
            let path = format!("deployments[{d}].gateway");
            apply(gateway, &path, &[Kind::Gateway], src)?;
        }
        if let Some(services) = deployment.get_mut("services")
            && let DeValue::Array(services) = services.get_mut()
        {
            for (s, service) in services.iter_mut().enumerate() {
                if let DeValue::Table(service) = service.get_mut() {
                    let path = format!("deployments[{d}].services[{s}]");
                    apply(service, &path, &[Kind::Service], src)?;
                }
            }
        }
    }
    Ok(())
}

/// Merges the preset `table` names (if any) into it.
fn apply(
    table: &mut DeTable<'_>,
    path: &str,
    allowed: &[Kind],
    src: &Source,
) -> Result<(), ScenarioError> {
    let plan = table
        .get("plan")
        .map(|p| (p.span(), p.get_ref().as_str().map(str::to_owned)));
    let Some(pricing) = table.get("pricing") else {
        if let Some((span, _)) = plan {
            let msg = "selects a plan of the preset named by `pricing`, but this entry names none (add `pricing = \"...\"`, or remove `plan`)";
            return Err(src.error(span, format!("{path}.plan"), msg));
        }
        return Ok(());
    };
    let span = pricing.span();
    let field = format!("{path}.pricing");
    let Some(name) = pricing.get_ref().as_str() else {
        return Err(src.error(span, &field, "must be a preset name (a string)"));
    };
    let Some(preset) = catalogue().get(name) else {
        let similar = catalogue().similar(name);
        let hint = if similar.is_empty() {
            String::new()
        } else {
            format!("; similar: {}", similar.join(", "))
        };
        let msg =
            format!("unknown preset '{name}' (`serverless-sim pricing list` shows them all{hint})");
        return Err(src.error(span, &field, msg));
    };
    if !allowed.contains(&preset.kind) {
        let wanted: Vec<&str> = allowed.iter().map(|k| k.name()).collect();
        let msg = format!(
            "'{name}' is a {} preset; here a {} preset is needed",
            preset.kind.name(),
            wanted.join(" or ")
        );
        return Err(src.error(span, &field, msg));
    }
    if let (Some(model), Some(written)) = (preset.kind.model(), table.get("model"))
        && written.get_ref().as_str().is_some_and(|m| m != model)
    {
        let msg = format!(
            "'{name}' is a {model} preset, but this compute says model = {:?}",
            written.get_ref().as_str().unwrap_or_default()
        );
        return Err(src.error(written.span(), format!("{path}.model"), msg));
    }
    if let Some(reason) = &preset.unavailable {
        let msg = format!(
            "'{name}' has no prices to simulate: {reason} (`serverless-sim pricing show {name}` says what was looked for)"
        );
        return Err(src.error(span, &field, msg));
    }
    let written = match plan {
        Some((plan_span, None)) => {
            let msg = "must be a plan name (a string)";
            return Err(src.error(plan_span, format!("{path}.plan"), msg));
        }
        Some((plan_span, Some(plan))) => Some((plan_span, plan)),
        None => None,
    };
    let selected = preset
        .select_plan(written.as_ref().map(|(_, p)| p.as_str()))
        .map_err(|msg| match written.clone() {
            Some((plan_span, _)) => src.error(plan_span, format!("{path}.plan"), msg),
            None => src.error(span.clone(), &field, msg),
        })?;
    let values = preset_table(preset, selected, &span);
    merge(table, values);
    Ok(())
}

/// The preset's params (under `plan`, if one is selected) as one table of scenario keys,
/// every span set to `span`.
fn preset_table(preset: &Preset, plan: Option<&Plan>, span: &Range<usize>) -> DeTable<'static> {
    let mut root = DeTable::new();
    if let Some(model) = preset.kind.model() {
        root.insert(
            key("model", span),
            Spanned::new(span.clone(), DeValue::String(Cow::Borrowed(model))),
        );
    }
    for param in preset.params_with(plan) {
        let mut parts = param.key.split('.').peekable();
        let mut at = &mut root;
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                at.insert(key(part, span), respan(param.document_value.clone(), span));
                break;
            }
            let slot = at
                .entry(key(part, span))
                .or_insert_with(|| Spanned::new(span.clone(), DeValue::Table(DeTable::new())));
            let DeValue::Table(next) = slot.get_mut() else {
                break; // a key given both as a value and as a table: the catalogue check refuses it
            };
            at = next;
        }
    }
    root
}

fn key(name: &str, span: &Range<usize>) -> Spanned<DeString<'static>> {
    Spanned::new(span.clone(), Cow::Owned(name.to_owned()))
}

/// `value` with every span inside it (keys included) set to `span`.
fn respan(value: Spanned<DeValue<'static>>, span: &Range<usize>) -> Spanned<DeValue<'static>> {
    let inner = match value.into_inner() {
        DeValue::Table(table) => DeValue::Table(
            table
                .into_iter()
                .map(|(k, v)| (key(k.get_ref(), span), respan(v, span)))
                .collect(),
        ),
        DeValue::Array(mut items) => {
            for item in items.iter_mut() {
                *item = respan(item.clone(), span);
            }
            DeValue::Array(items)
        }
        other => other,
    };
    Spanned::new(span.clone(), inner)
}

/// Adds `preset`'s keys to `table` where the scenario has not written them; recurses into
/// tables of settings on both sides.
fn merge<'i>(table: &mut DeTable<'i>, preset: DeTable<'i>) {
    for (k, v) in preset {
        match table.get_mut(k.get_ref().as_ref()) {
            None => {
                table.insert(k, v);
            }
            Some(written) => {
                let name: &str = k.get_ref();
                if let (DeValue::Table(mine), DeValue::Table(theirs)) =
                    (written.get_mut(), v.into_inner())
                    && is_settings(name, mine)
                    && is_settings(name, &theirs)
                {
                    merge(mine, theirs);
                }
            }
        }
    }
}

/// True for a table of settings (merged key by key), false for a table that is one value.
fn is_settings(name: &str, table: &DeTable<'_>) -> bool {
    !WHOLE_VALUES.contains(&name)
        && !["usd", "tiers", "dist", "policy"]
            .iter()
            .any(|k| table.contains_key(*k))
}
