//! Presets that carry another preset's figures: `params_from = "<preset>"`.
//!
//! A product billed exactly as another (Cloud Functions for Firebase is billed as Google
//! Cloud Functions) names that preset instead of copying its params, so both keep one copy of
//! each figure and its sources. Rules, exactly:
//!
//! - The preset gets every param of the named preset whose key it does not give itself (a
//!   param of its own replaces the other's at the same key, or at a key above or below it,
//!   as a plan's params replace a preset's, [`super::plans`]).
//! - The named preset must exist, be of the same kind, have no plans and take no
//!   `params_from` of its own (one level, so what a preset carries is read in one place).
//! - The params keep their sources, so `pricing show` and the integrity checks see them as
//!   the preset's own.

use super::Preset;
use super::plans::overlaps;

/// Gives every preset with `params_from` the named preset's params it does not override.
///
/// # Errors
/// A named preset that does not exist, is of another kind, has plans or takes
/// `params_from` itself.
pub(super) fn resolve(presets: &mut [Preset]) -> Result<(), String> {
    for i in 0..presets.len() {
        let Some(from) = presets[i].params_from.clone() else {
            continue;
        };
        let name = &presets[i].name;
        let file = presets[i].file;
        let base = presets
            .iter()
            .find(|p| p.name == from)
            .ok_or_else(|| format!("{file}: {name}: params_from names no preset '{from}'"))?;
        let problem = if base.kind != presets[i].kind {
            Some("is of another kind")
        } else if !base.plans.is_empty() {
            Some("is sold as plans")
        } else if base.params_from.is_some() {
            Some("takes params_from itself")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(format!(
                "{file}: {name}: params_from '{from}' {problem} (name a preset of the same kind, without plans or params_from)"
            ));
        }
        let own = &presets[i].params;
        let taken: Vec<_> = base
            .params
            .iter()
            .filter(|p| !own.iter().any(|q| overlaps(&p.key, &q.key)))
            .cloned()
            .collect();
        presets[i].params.extend(taken);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::load;

    fn file(base_kind: &str, from: &str) -> String {
        use super::super::{TEST_SOURCE, test_preset_head};
        format!(
            r#"{TEST_SOURCE}{}params = [
  {{ key = "billing.requests", value = {{ usd = 0.4 }}, unit = "u", confidence = "confirmed", sources = ["X"] }},
  {{ key = "billing.granularity", value = "100ms", unit = "u", confidence = "confirmed", sources = ["X"] }},
]
{}params_from = "{from}"
params = [
  {{ key = "billing.granularity", value = "1ms", unit = "u", confidence = "confirmed", sources = ["X"] }},
]
"#,
            test_preset_head("base", base_kind),
            test_preset_head("billed-as-base", "faas"),
        )
    }

    #[test]
    fn a_preset_takes_the_named_preset_s_params_it_does_not_give_itself() {
        let text: &'static str = Box::leak(file("faas", "base").into_boxed_str());
        let c = load(&[("t.toml", text)]).unwrap();
        let p = c.get("billed-as-base").unwrap();
        let params: Vec<String> = p
            .params
            .iter()
            .map(|q| format!("{}={}", q.key, q.value))
            .collect();
        assert_eq!(
            params,
            vec![
                "billing.granularity=\"1ms\"",
                "billing.requests={ usd = 0.4 }"
            ]
        );
        assert_eq!(p.params_from.as_deref(), Some("base"));
    }

    #[test]
    fn an_unknown_or_other_kind_preset_is_refused() {
        let text: &'static str = Box::leak(file("faas", "nothing").into_boxed_str());
        assert_eq!(
            load(&[("t.toml", text)]).unwrap_err(),
            "t.toml: billed-as-base: params_from names no preset 'nothing'"
        );
        let text: &'static str = Box::leak(file("service", "base").into_boxed_str());
        assert!(
            load(&[("t.toml", text)])
                .unwrap_err()
                .contains("params_from 'base' is of another kind"),
        );
    }
}
