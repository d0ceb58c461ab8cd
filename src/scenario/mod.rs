//! Scenario files: read, parse, validate.
//!
//! Two phases, as in ripgrep's flags: [`mod@file`] mirrors the TOML as written (serde, unknown
//! keys rejected, spans kept); [`validate`] turns it into a typed [`Scenario`] with units
//! resolved and cross-references checked. Nothing downstream re-parses strings. Every error
//! names the file, the line and the field. [`size`] estimates what running a validated
//! scenario will take (requests, engine events, memory) and refuses the absurd.

pub mod calls_file;
pub mod compute_file;
pub mod file;
pub mod growth_file;
pub mod locate;
pub mod model_tag;
pub mod patch;
pub mod presets;
pub mod size;
pub mod toml_message;
pub mod toml_path;
pub mod validate;

use std::path::Path;

use toml::Spanned;

use crate::error::{ScenarioError, SimError};
use crate::platform::{DeploymentSpec, Window};
use crate::workload::Workload;

/// A validated scenario, ready to run.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Report folder name.
    pub name: String,
    pub seed: u64,
    /// The multiplier applied to every arrival rate and trace count (`load`, default 1).
    pub load: f64,
    pub window: Window,
    pub workload: Workload,
    pub deployments: Vec<DeploymentSpec>,
    /// The latency objective a deployment must meet to serve the workload (`slo`; default
    /// none).
    pub slo: crate::report::slo::Slo,
    /// What the user should know before trusting the numbers (a window shorter than the
    /// workload's period, ...): printed by `check` and `run`, and written into the report.
    pub warnings: Vec<String>,
}

impl Scenario {
    /// Reads and validates the scenario file at `path` (and, for a trace workload, reads the
    /// trace's files once to check them and build the function table).
    ///
    /// # Errors
    /// The file cannot be read, is not valid TOML, has unknown keys, or holds values that do
    /// not validate ([`SimError::Scenario`], naming the file, line and field); or a trace file
    /// is unreadable or malformed ([`SimError::Trace`], naming its file, line and column).
    pub fn load(path: &Path) -> Result<Self, SimError> {
        let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
            file: path.to_path_buf(),
            line: 0,
            column: 0,
            field: "(file)".into(),
            message: format!("cannot read: {e}"),
        })?;
        Self::parse(path, &text)
    }

    /// Parses and validates scenario `text`, reporting errors against `path`.
    ///
    /// # Errors
    /// As [`Scenario::load`].
    pub fn parse(path: &Path, text: &str) -> Result<Self, SimError> {
        Self::parse_patched(path, text, &[])
    }

    /// [`Scenario::parse`] with `patches` written into the document (after its presets are
    /// expanded, before it is validated): a sweep point, or any override of a field.
    ///
    /// # Errors
    /// As [`Scenario::load`]; a patch whose path does not fit the document is an error on the
    /// `--param` field.
    pub fn parse_patched(
        path: &Path,
        text: &str,
        patches: &[patch::Patch],
    ) -> Result<Self, SimError> {
        let src = locate::Source::new(path, text);
        if let Some((span, field)) = toml_path::misplaced_list(text) {
            let written = text.get(span.clone()).unwrap_or("").replace('\n', " ");
            let shown = if written.chars().count() > 40 {
                format!("{}...", written.chars().take(40).collect::<String>())
            } else {
                written
            };
            let msg = format!(
                "must not be a list (got {shown}): write a table {{ ... }} or a single value"
            );
            return Err(src.error(span, field, msg).into());
        }
        let mut doc = toml::de::DeTable::parse(text).map_err(|e| src.toml_error(&e))?;
        presets::expand(doc.get_mut(), &src)?;
        for p in patches {
            patch::apply(doc.get_mut(), p).map_err(|message| ScenarioError {
                file: path.to_path_buf(),
                line: 0,
                column: 0,
                field: "--param".into(),
                message,
            })?;
        }
        let raw = typed(doc, &src)?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
        validate::validate(raw, &src, &stem)
    }
}

/// The scenario `text` as written (no presets expanded, nothing validated): its keys and
/// value types checked, as a keys-only check of a partial example needs.
///
/// # Errors
/// Not valid TOML, an unknown key, a value of the wrong type, or a compute table without a
/// known `model`.
pub fn read_keys(path: &Path, text: &str) -> Result<file::ScenarioFile, ScenarioError> {
    let src = locate::Source::new(path, text);
    let doc = toml::de::DeTable::parse(text).map_err(|e| src.toml_error(&e))?;
    typed(doc, &src)
}

/// The typed parse of `doc`, once every compute table is tagged by its model
/// ([`model_tag`]).
fn typed(
    mut doc: Spanned<toml::de::DeTable<'_>>,
    src: &locate::Source,
) -> Result<file::ScenarioFile, ScenarioError> {
    model_tag::tag_compute_models(doc.get_mut(), src)?;
    <file::ScenarioFile as serde::Deserialize>::deserialize(toml::de::Deserializer::from(doc))
        .map_err(|e| src.toml_error(&e))
}
