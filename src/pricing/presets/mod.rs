//! The catalogue of provider presets: named, sourced price sheets compiled into the binary.
//!
//! A scenario writes `pricing = "aws-lambda-x86"` under `[deployments.compute]` or in a
//! `[[deployments.services]]` entry instead of typing prices; keys written next to it override
//! the preset's ([`crate::scenario`] merges them before validation, see `scenario/presets.rs`).
//!
//! Each data file (`*.toml` beside this module, listed in [`FILES`]) holds a `[sources]`
//! table (every document a figure comes from, with the date printed on the copy and when the
//! copy was read) and a list of `[[presets]]`. A preset is a list of *params*: a scenario key
//! path, the value a user would write there, its unit, its confidence and the ids of its
//! sources. So every number carries its source by construction, and figures that could not be
//! confirmed are not in a preset at all: they are listed in its `left_out`, which
//! `serverless-sim pricing show` prints.
//!
//! Confidence marks: `confirmed` (an official copy, or at least two sources that agree) and
//! `single-source` (one secondary source). Unconfirmed figures are left out.
//!
//! A product sold as plans (Firebase Spark and Blaze, Supabase Free and Pro) is one preset with
//! `[[presets.plans]]`, each with its own params merged over the preset's ([`plans`]); a
//! product without a public price list is a preset with `unavailable` (its reason) and no
//! params, which `pricing show` explains and a scenario may not name. A product billed exactly
//! as another names it with `params_from` and carries its params ([`shared`]).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

pub mod check;
pub mod near_miss;
pub mod plans;
mod shared;

pub use plans::Plan;

/// The data files of the catalogue: (file name, text).
pub const FILES: &[(&str, &str)] = &[
    ("aws-lambda.toml", include_str!("aws-lambda.toml")),
    ("azure-functions.toml", include_str!("azure-functions.toml")),
    (
        "gcp-cloud-functions.toml",
        include_str!("gcp-cloud-functions.toml"),
    ),
    ("gcp-cloud-run.toml", include_str!("gcp-cloud-run.toml")),
    (
        "cloudflare-workers.toml",
        include_str!("cloudflare-workers.toml"),
    ),
    ("aws-api-gateway.toml", include_str!("aws-api-gateway.toml")),
    (
        "aws-lambda-function-url.toml",
        include_str!("aws-lambda-function-url.toml"),
    ),
    ("aws-dynamodb.toml", include_str!("aws-dynamodb.toml")),
    ("aws-ec2.toml", include_str!("aws-ec2.toml")),
    ("aws-fargate.toml", include_str!("aws-fargate.toml")),
    ("aws-s3.toml", include_str!("aws-s3.toml")),
    ("gcp-firestore.toml", include_str!("gcp-firestore.toml")),
    ("heroku.toml", include_str!("heroku.toml")),
    ("render.toml", include_str!("render.toml")),
    ("supabase.toml", include_str!("supabase.toml")),
    ("firebase.toml", include_str!("firebase.toml")),
    (
        "firebase-hosting.toml",
        include_str!("firebase-hosting.toml"),
    ),
    (
        "firebase-storage.toml",
        include_str!("firebase-storage.toml"),
    ),
    (
        "firebase-functions.toml",
        include_str!("firebase-functions.toml"),
    ),
    ("back4app.toml", include_str!("back4app.toml")),
    ("kinvey.toml", include_str!("kinvey.toml")),
    ("aws-appsync.toml", include_str!("aws-appsync.toml")),
];

/// Where a preset may be named.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `[deployments.compute]` with `model = "faas"`.
    Faas,
    /// `[deployments.compute]` with `model = "fleet"`.
    Fleet,
    /// A `[[deployments.services]]` entry.
    Service,
    /// `[deployments.gateway]`: the front door in front of the compute.
    Gateway,
}

impl Kind {
    /// The name written in data files and shown by `pricing list`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Faas => "faas",
            Kind::Fleet => "fleet",
            Kind::Service => "service",
            Kind::Gateway => "gateway",
        }
    }

    /// The compute `model` a preset of this kind implies, if it is a compute preset.
    pub fn model(self) -> Option<&'static str> {
        match self {
            Kind::Faas => Some("faas"),
            Kind::Fleet => Some("fleet"),
            Kind::Service | Kind::Gateway => None,
        }
    }
}

/// How sure a figure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// An official copy, or at least two sources that agree.
    Confirmed,
    /// A single secondary source.
    SingleSource,
}

impl Confidence {
    /// The name written in data files and shown by `pricing show`.
    pub fn name(self) -> &'static str {
        match self {
            Confidence::Confirmed => "confirmed",
            Confidence::SingleSource => "single-source",
        }
    }
}

/// A document figures come from.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    /// Where it is, when it is on the web.
    pub url: Option<String>,
    /// What it is, when it has no URL (a document, a repository file at a commit).
    pub document: Option<String>,
    /// The date printed on the copy seen (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`) or `"no date"`.
    pub dated: String,
    /// When our copy was read (`YYYY-MM-DD`).
    pub read: String,
}

/// One figure (or setting) of a preset: the value a scenario would write at `key`.
#[derive(Clone, Debug, Serialize)]
pub struct Param {
    /// Dotted scenario key path under the table the preset is named in.
    pub key: String,
    pub value: toml::Value,
    pub unit: String,
    pub confidence: Confidence,
    pub sources: Vec<String>,
    /// The same value as read from the data file, for merging into a scenario document.
    #[serde(skip)]
    pub(crate) document_value: Spanned<DeValue<'static>>,
}

/// A named price sheet.
#[derive(Clone, Debug, Serialize)]
pub struct Preset {
    pub name: String,
    pub kind: Kind,
    pub provider: String,
    pub product: String,
    pub region: String,
    /// When these prices were collected (`YYYY-MM-DD`).
    pub date: String,
    pub summary: String,
    pub notes: Vec<String>,
    /// Figures not included, and why.
    pub left_out: Vec<String>,
    /// Params every plan shares (all of them, for a preset without plans).
    pub params: Vec<Param>,
    /// The plans it is sold as, each merged over `params` when selected (`plan = "..."`).
    pub plans: Vec<Plan>,
    /// The plan a scenario gets without `plan`; with plans and no default, `plan` is required.
    pub default_plan: Option<String>,
    /// Why no prices can be given (no public price list): such a preset has no params and
    /// cannot be named in a scenario.
    pub unavailable: Option<String>,
    /// The preset whose params it carries where it gives none of its own ([`shared`]).
    pub params_from: Option<String>,
    /// The data file it comes from.
    pub file: &'static str,
}

/// Every preset and every source, as compiled in.
#[derive(Debug)]
pub struct Catalogue {
    presets: Vec<Preset>,
    sources: BTreeMap<String, Source>,
}

impl Catalogue {
    /// Every preset, in name order.
    pub fn presets(&self) -> &[Preset] {
        &self.presets
    }

    /// The preset called `name`.
    pub fn get(&self, name: &str) -> Option<&Preset> {
        self.presets.iter().find(|p| p.name == name)
    }

    /// The source with id `id`.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.get(id)
    }

    /// Every source, by id.
    pub fn sources(&self) -> &BTreeMap<String, Source> {
        &self.sources
    }

    /// Names close to `name`, for "did you mean": closest first by edit distance, those
    /// containing it included ([`near_miss::closest`]).
    pub fn similar(&self, name: &str) -> Vec<&str> {
        near_miss::closest(name, self.presets.iter().map(|p| p.name.as_str()))
    }
}

/// The compiled-in catalogue (parsed once).
///
/// # Panics
/// If a data file is malformed: a defect of the build, which the catalogue's tests catch
/// (`check::check_catalogue`), never something a user's input can cause.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        load(FILES).unwrap_or_else(|e| panic!("the compiled-in preset catalogue is invalid: {e}"))
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileData {
    sources: BTreeMap<String, Source>,
    presets: Vec<PresetData>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PresetData {
    name: String,
    kind: Kind,
    provider: String,
    product: String,
    region: String,
    date: String,
    summary: String,
    #[serde(default)]
    notes: Vec<String>,
    #[serde(default)]
    left_out: Vec<String>,
    #[serde(default)]
    params: Vec<ParamData>,
    #[serde(default)]
    plans: Vec<plans::PlanData>,
    default_plan: Option<String>,
    unavailable: Option<String>,
    params_from: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParamData {
    key: String,
    value: toml::Value,
    unit: String,
    confidence: Confidence,
    sources: Vec<String>,
}

/// Parses data files into a catalogue. Source ids are global: the same id in two files must
/// describe the same document.
///
/// # Errors
/// A file that does not parse, a duplicate preset name, one source id given two meanings, or a
/// `params_from` that names no fitting preset.
pub fn load(files: &[(&'static str, &'static str)]) -> Result<Catalogue, String> {
    let mut presets: Vec<Preset> = Vec::new();
    let mut sources: BTreeMap<String, Source> = BTreeMap::new();
    for &(file, text) in files {
        let data: FileData = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
        let document = DeTable::parse(text).map_err(|e| format!("{file}: {e}"))?;
        for (id, source) in data.sources {
            if let Some(known) = sources.get(&id)
                && (known.title != source.title || known.url != source.url)
            {
                return Err(format!(
                    "{file}: source {id} differs from another file's {id}"
                ));
            }
            sources.insert(id, source);
        }
        for (i, p) in data.presets.into_iter().enumerate() {
            if presets.iter().any(|q| q.name == p.name) {
                return Err(format!("{file}: preset {} is defined twice", p.name));
            }
            let params = read_params(
                p.params,
                document.get_ref(),
                &[("presets", i)],
                file,
                &p.name,
            )?;
            let plans = p
                .plans
                .into_iter()
                .enumerate()
                .map(|(k, plan)| {
                    let at = [("presets", i), ("plans", k)];
                    let label = format!("{} plan {}", p.name, plan.name);
                    Ok(Plan {
                        params: read_params(plan.params, document.get_ref(), &at, file, &label)?,
                        name: plan.name,
                        summary: plan.summary,
                        notes: plan.notes,
                        left_out: plan.left_out,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            presets.push(Preset {
                name: p.name,
                kind: p.kind,
                provider: p.provider,
                product: p.product,
                region: p.region,
                date: p.date,
                summary: p.summary,
                notes: p.notes,
                left_out: p.left_out,
                params,
                plans,
                default_plan: p.default_plan,
                unavailable: p.unavailable,
                params_from: p.params_from,
                file,
            });
        }
    }
    shared::resolve(&mut presets)?;
    presets.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Catalogue { presets, sources })
}

/// The params read from a data file, each with its value as written at `at` (a path of
/// array tables, e.g. `presets[i].plans[k]`) `.params[j].value`, for merging into scenarios.
fn read_params(
    data: Vec<ParamData>,
    document: &DeTable<'static>,
    at: &[(&str, usize)],
    file: &str,
    label: &str,
) -> Result<Vec<Param>, String> {
    data.into_iter()
        .enumerate()
        .map(|(j, param)| {
            let document_value = param_value(document, at, j)
                .ok_or_else(|| format!("{file}: {label} param {j}: no value"))?;
            Ok(Param {
                key: param.key,
                value: param.value,
                unit: param.unit,
                confidence: param.confidence,
                sources: param.sources,
                document_value,
            })
        })
        .collect()
}

/// `<at>.params[j].value` of a parsed data file, `at` a path of array tables.
fn param_value(
    document: &DeTable<'static>,
    at: &[(&str, usize)],
    j: usize,
) -> Option<Spanned<DeValue<'static>>> {
    let mut table = document;
    for (name, index) in at {
        let items = table.get(*name)?.get_ref().as_array()?;
        table = items.get(*index)?.get_ref().as_table()?;
    }
    let param = table.get("params")?.get_ref().as_array()?.get(j)?;
    param.get_ref().as_table()?.get("value").cloned()
}

/// The source `X` every test catalogue cites.
#[cfg(test)]
pub(crate) const TEST_SOURCE: &str = r#"
[sources.X]
title = "A page"
url = "https://example.com"
dated = "2026"
read = "2026-12-07"
"#;

/// The head of a test preset `name` of `kind` (its params and plans follow).
#[cfg(test)]
pub(crate) fn test_preset_head(name: &str, kind: &str) -> String {
    format!(
        r#"
[[presets]]
name = "{name}"
kind = "{kind}"
provider = "P"
product = "P"
region = "any"
date = "2026-12-07"
summary = "s"
"#
    )
}
