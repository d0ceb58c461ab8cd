//! Setting scenario fields by path before validation: how a sweep point (or any override)
//! changes a scenario, so an invalid value gets the same located error as one written in the
//! file.
//!
//! A path names a field as reports and errors do: dot-separated keys, a list entry by its
//! index (`deployments[1].compute.instances`, `workload.functions[0].memory`,
//! `deployments[0].compute.keep_alive.idle_timeout`, `load`). Tables on the way that the
//! scenario does not write are created; list entries must exist. The new value takes the span
//! of the value it replaces (or of the table it is added to), so a validation error points at
//! the line the scenario wrote for that field.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One field override: a path and the TOML literal to write there (`4`, `"512MB"`).
#[derive(Clone, Debug, PartialEq)]
pub struct Patch {
    pub path: String,
    pub literal: String,
}

/// One step of a path: a key, optionally followed by a list index.
struct Step<'p> {
    key: &'p str,
    index: Option<usize>,
}

fn steps(path: &str) -> Result<Vec<Step<'_>>, String> {
    path.split('.')
        .map(|part| {
            let (key, index) = match part.split_once('[') {
                None => (part, None),
                Some((key, rest)) => {
                    let digits = rest
                        .strip_suffix(']')
                        .ok_or_else(|| format!("`{part}`: an index is written name[N]"))?;
                    let index = digits
                        .parse()
                        .map_err(|_| format!("`{part}`: the index must be a whole number"))?;
                    (key, Some(index))
                }
            };
            if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(format!("`{part}` is not a field name"));
            }
            Ok(Step { key, index })
        })
        .collect()
}

/// Writes `patch` into `doc` (the whole scenario document).
///
/// # Errors
/// A path that does not parse, runs through a value that is not a table, or indexes past the
/// end of a list; or a literal that is not a TOML value. The message names the path.
pub fn apply<'i>(doc: &mut DeTable<'i>, patch: &'i Patch) -> Result<(), String> {
    let value = DeValue::parse(&patch.literal)
        .map_err(|e| {
            format!(
                "{}: `{}` is not a TOML value: {e}",
                patch.path, patch.literal
            )
        })?
        .into_inner();
    let steps = steps(&patch.path).map_err(|e| format!("{}: {e}", patch.path))?;
    let mut table = doc;
    let mut table_span = 0..0;
    for (n, step) in steps.iter().enumerate() {
        let last = n + 1 == steps.len();
        let so_far = || {
            steps[..=n]
                .iter()
                .map(|s| s.key)
                .collect::<Vec<_>>()
                .join(".")
        };
        if last && step.index.is_none() {
            let span = table
                .get(step.key)
                .map_or(table_span.clone(), |old| old.span());
            table.insert(key(step.key, &span), Spanned::new(span, value));
            return Ok(());
        }
        if !table.contains_key(step.key) {
            if step.index.is_some() {
                return Err(format!(
                    "{}: the scenario has no `{}` list",
                    patch.path,
                    so_far()
                ));
            }
            let span = table_span.clone();
            table.insert(
                key(step.key, &span),
                Spanned::new(span, DeValue::Table(DeTable::new())),
            );
        }
        let entry = table.get_mut(step.key).expect("present or just added");
        let mut slot = entry;
        if let Some(i) = step.index {
            let DeValue::Array(items) = slot.get_mut() else {
                return Err(format!("{}: `{}` is not a list", patch.path, so_far()));
            };
            let len = items.len();
            slot = items.get_mut(i).ok_or_else(|| {
                format!(
                    "{}: `{}` has {len} entr{} (indexes 0 to {})",
                    patch.path,
                    step.key,
                    if len == 1 { "y" } else { "ies" },
                    len.saturating_sub(1)
                )
            })?;
            if last {
                let span = slot.span();
                *slot = Spanned::new(span, value);
                return Ok(());
            }
        }
        table_span = slot.span();
        let DeValue::Table(next) = slot.get_mut() else {
            return Err(format!("{}: `{}` is not a table", patch.path, so_far()));
        };
        table = next;
    }
    unreachable!("a path has at least one step and the last one returns")
}

fn key<'i>(name: &str, span: &Range<usize>) -> Spanned<Cow<'i, str>> {
    Spanned::new(span.clone(), Cow::Owned(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
load = 1.0
[[deployments]]
name = "a"
[deployments.compute]
instances = 2
[[deployments]]
name = "b"
"#;

    fn patched(path: &str, literal: &str) -> Result<toml::Value, String> {
        let patch = Patch {
            path: path.into(),
            literal: literal.into(),
        };
        let mut doc = DeTable::parse(DOC).unwrap().into_inner();
        apply(&mut doc, &patch)?;
        let value: toml::Value =
            serde::Deserialize::deserialize(toml::de::Deserializer::from(Spanned::new(0..0, doc)))
                .unwrap();
        Ok(value)
    }

    #[test]
    fn replaces_adds_and_creates_tables() {
        let v = patched("deployments[0].compute.instances", "4").unwrap();
        assert_eq!(
            v["deployments"][0]["compute"]["instances"].as_integer(),
            Some(4)
        );
        let v = patched("deployments[1].compute.keep_alive.idle_timeout", "\"10m\"").unwrap();
        assert_eq!(
            v["deployments"][1]["compute"]["keep_alive"]["idle_timeout"].as_str(),
            Some("10m")
        );
        assert_eq!(v["deployments"][1]["name"].as_str(), Some("b"));
        let v = patched("load", "2.5").unwrap();
        assert_eq!(v["load"].as_float(), Some(2.5));
    }

    #[test]
    fn bad_paths_are_named() {
        for (path, needle) in [
            (
                "deployments[2].compute.instances",
                "has 2 entries (indexes 0 to 1)",
            ),
            (
                "workload.functions[0].memory",
                "no `workload.functions` list",
            ),
            ("load.x", "`load` is not a table"),
            ("deployments.name", "is not a table"),
            ("deployments[x].name", "whole number"),
            ("deployments[0", "name[N]"),
            ("a..b", "not a field name"),
        ] {
            let err = patched(path, "1").unwrap_err();
            assert!(err.starts_with(path), "{path}: {err}");
            assert!(err.contains(needle), "{path}: {err}");
        }
        assert!(
            patched("load", "1MB")
                .unwrap_err()
                .contains("not a TOML value")
        );
    }
}
