//! Selecting a compute table's model: the last step on the parsed document before the typed
//! parse.
//!
//! A scenario writes `compute = { model = "faas", ... }`; [`super::compute_file::ComputeFile`]
//! is an externally tagged serde enum, `compute = { faas = { ... } }`. Serde's internally
//! tagged enums would buffer the input and lose every span, so the document is rewritten here
//! instead: the entries move, with their spans, under a key named after the model. The new
//! key takes the span of the `model` value, the new table the span of the compute table, so
//! any later error still points at the line the scenario (or its preset) wrote.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::compute_file::MODELS;
use super::locate::Source;
use crate::error::ScenarioError;

/// Rewrites every `deployments[i].compute` of `doc` (the whole scenario document, presets
/// expanded and patches applied) to the externally tagged form.
///
/// # Errors
/// A compute that is not a table, a `model` missing, not a string or not a model's name:
/// located at the compute table or at the `model` value.
pub fn tag_compute_models(doc: &mut DeTable<'_>, src: &Source) -> Result<(), ScenarioError> {
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
        if let Some(compute) = deployment.get_mut("compute") {
            tag(compute, &format!("deployments[{d}].compute"), src)?;
        }
    }
    Ok(())
}

/// `autoscale = false` (a scenario turning off a preset's autoscaling: the scenario's value
/// wins over the preset's table when presets are expanded) removes the key; `true` is an
/// error, as autoscaling needs its settings.
fn switch_off_autoscale(
    table: &mut DeTable<'_>,
    path: &str,
    src: &Source,
) -> Result<(), ScenarioError> {
    let Some(value) = table.get("autoscale") else {
        return Ok(());
    };
    match value.get_ref() {
        DeValue::Boolean(false) => {
            table.remove("autoscale");
            Ok(())
        }
        DeValue::Boolean(true) => Err(src.error(
            value.span(),
            format!("{path}.autoscale"),
            "autoscale = true needs its settings: write a table { max = ..., target = ... } \
             (or autoscale = false to turn off a preset's autoscaling)"
                .to_string(),
        )),
        _ => Ok(()),
    }
}

/// `compute = { model = "m", rest }` becomes `compute = { m = { rest } }`.
fn tag(compute: &mut Spanned<DeValue<'_>>, path: &str, src: &Source) -> Result<(), ScenarioError> {
    let span = compute.span();
    let models = "model = \"faas\", model = \"fleet\" or model = \"client\"";
    let DeValue::Table(table) = compute.get_mut() else {
        return Err(src.error(
            span,
            path,
            format!("must be a table with {models} and the model's keys"),
        ));
    };
    let Some(model) = table.remove("model") else {
        return Err(src.error(
            span,
            format!("{path}.model"),
            format!(
                "missing: the compute model, {models} (a preset sets it: pricing = \"...\", \
                 `serverless-sim pricing list` shows them)"
            ),
        ));
    };
    let field = format!("{path}.model");
    let name = match model.get_ref() {
        DeValue::String(name) => name.to_string(),
        _ => return Err(src.error(model.span(), field, format!("must be a string: {models}"))),
    };
    if !MODELS.contains(&name.as_str()) {
        return Err(src.error(
            model.span(),
            field,
            format!("unknown compute model '{name}' (use faas, fleet or client)"),
        ));
    }
    switch_off_autoscale(table, path, src)?;
    let body = std::mem::take(table);
    let tag_key = Spanned::new(
        model.span(),
        std::borrow::Cow::Owned(name) as toml::de::DeString<'_>,
    );
    table.insert(tag_key, Spanned::new(span, DeValue::Table(body)));
    Ok(())
}
