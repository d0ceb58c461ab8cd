//! Plans: one product sold under several named bundles of fee, included usage and what
//! happens past it (Firebase Spark and Blaze, Supabase Free and Pro).
//!
//! A preset may list `[[presets.plans]]`, each with a name, a summary, its own notes and
//! `left_out`, and params. A scenario selects one with `plan = "spark"` next to
//! `pricing = "<preset>"`; the selected plan's params are merged over the preset's own (a plan
//! param replaces the preset's param at the same key, or at a key above or below it), and the
//! result is merged into the scenario as any preset's params are. A preset with plans may name
//! a `default_plan`, used when `plan` is not written; without one, `plan` is required.

use serde::{Deserialize, Serialize};

use super::{Param, ParamData, Preset};

/// One plan of a preset.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    pub name: String,
    pub summary: String,
    pub notes: Vec<String>,
    /// Figures of this plan not included, and why.
    pub left_out: Vec<String>,
    /// Merged over the preset's params when the plan is selected.
    pub params: Vec<Param>,
}

/// A plan as written in a data file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanData {
    pub(crate) name: String,
    pub(crate) summary: String,
    #[serde(default)]
    pub(crate) notes: Vec<String>,
    #[serde(default)]
    pub(crate) left_out: Vec<String>,
    #[serde(default)]
    pub(crate) params: Vec<ParamData>,
}

/// True when `a` and `b` are the same dotted key or one lies under the other.
pub(super) fn overlaps(a: &str, b: &str) -> bool {
    let under = |x: &str, y: &str| x.strip_prefix(y).is_some_and(|rest| rest.starts_with('.'));
    a == b || under(a, b) || under(b, a)
}

impl Preset {
    /// The plan called `name`.
    pub fn plan(&self, name: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.name == name)
    }

    /// The param at `key` a scenario gets with plan `plan` selected: the plan's own, else the
    /// preset's.
    pub fn param(&self, plan: Option<&str>, key: &str) -> Option<&Param> {
        let own = plan
            .and_then(|name| self.plan(name))
            .and_then(|p| p.params.iter().find(|param| param.key == key));
        own.or_else(|| self.params.iter().find(|param| param.key == key))
    }

    /// The names of its plans, comma-separated, in the data file's order.
    pub fn plan_names(&self) -> String {
        let names: Vec<&str> = self.plans.iter().map(|p| p.name.as_str()).collect();
        names.join(", ")
    }

    /// The plan a scenario selects by writing `written` (`None`: no `plan` key).
    ///
    /// # Errors
    /// A message (for the scenario's located error) when the preset has no plans but one is
    /// written, when the written plan is unknown (naming the known ones), or when the preset
    /// requires a plan and none is written.
    pub fn select_plan(&self, written: Option<&str>) -> Result<Option<&Plan>, String> {
        match (written, self.plans.is_empty()) {
            (None, true) => Ok(None),
            (Some(name), true) => Err(format!(
                "'{}' has no plans, so `plan = \"{name}\"` cannot be selected (remove `plan`)",
                self.name
            )),
            (Some(name), false) => self.plan(name).map(Some).ok_or_else(|| {
                format!(
                    "unknown plan '{name}' of '{}'; its plans: {} (`serverless-sim pricing show {}` describes them)",
                    self.name,
                    self.plan_names(),
                    self.name
                )
            }),
            (None, false) => match &self.default_plan {
                Some(default) => Ok(self.plan(default)),
                None => Err(format!(
                    "'{}' is sold as plans: choose one with `plan = \"...\"` next to `pricing` ({})",
                    self.name,
                    self.plan_names()
                )),
            },
        }
    }

    /// The params a scenario gets with `plan` selected: the plan's, then the preset's own
    /// wherever the plan does not give the same key (or one above or below it).
    pub fn params_with<'a>(&'a self, plan: Option<&'a Plan>) -> Vec<&'a Param> {
        let Some(plan) = plan else {
            return self.params.iter().collect();
        };
        let shared = self
            .params
            .iter()
            .filter(|p| !plan.params.iter().any(|q| overlaps(&p.key, &q.key)));
        plan.params.iter().chain(shared).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::load;
    use super::*;

    /// A service preset `p` with plans `free` (the default) and `paid`.
    fn file() -> &'static str {
        let text = format!(
            "{}{}default_plan = \"free\"{}",
            super::super::TEST_SOURCE,
            super::super::test_preset_head("p", "service"),
            PLANS
        );
        Box::leak(text.into_boxed_str())
    }

    const PLANS: &str = r#"
params = [
  { key = "operations.read.price", value = { usd = 1.0 }, unit = "u", confidence = "confirmed", sources = ["X"] },
  { key = "operations.write.price", value = { usd = 2.0 }, unit = "u", confidence = "confirmed", sources = ["X"] },
]
[[presets.plans]]
name = "free"
summary = "nothing billed"
params = [
  { key = "operations.read", value = { price = { usd = 0.0 } }, unit = "u", confidence = "confirmed", sources = ["X"] },
]
[[presets.plans]]
name = "paid"
summary = "a fee"
params = [
  { key = "usd_per_month", value = 5.0, unit = "u", confidence = "confirmed", sources = ["X"] },
]

[[presets]]
name = "q"
kind = "service"
provider = "P"
product = "P"
region = "any"
date = "2026-12-07"
summary = "s"
params = [
  { key = "usd_per_month", value = 5.0, unit = "u", confidence = "confirmed", sources = ["X"] },
]
[[presets.plans]]
name = "only"
summary = "one"
"#;

    fn keys(preset: &Preset, plan: Option<&Plan>) -> Vec<String> {
        preset
            .params_with(plan)
            .iter()
            .map(|p| format!("{}={}", p.key, p.value))
            .collect()
    }

    #[test]
    fn a_plan_replaces_the_params_at_its_keys_and_keeps_the_rest() {
        let c = load(&[("t.toml", file())]).unwrap();
        let p = c.get("p").unwrap();
        assert_eq!(
            keys(p, p.plan("free")),
            vec![
                "operations.read={ price = { usd = 0.0 } }",
                "operations.write.price={ usd = 2.0 }"
            ]
        );
        assert_eq!(keys(p, p.plan("paid")).len(), 3);
        // The values for merging are read from the plan's own place in the file.
        let value = |plan: &str| p.plan(plan).unwrap().params[0].document_value.get_ref();
        assert!(value("paid").as_float().is_some());
        assert!(value("free").as_table().unwrap().contains_key("price"));
    }

    #[test]
    fn selection_uses_the_default_requires_a_plan_without_one_and_names_the_known_plans() {
        let c = load(&[("t.toml", file())]).unwrap();
        let (p, q) = (c.get("p").unwrap(), c.get("q").unwrap());
        assert_eq!(p.select_plan(None).unwrap().unwrap().name, "free");
        assert_eq!(p.select_plan(Some("paid")).unwrap().unwrap().name, "paid");
        assert_eq!(
            p.select_plan(Some("pro")).unwrap_err(),
            "unknown plan 'pro' of 'p'; its plans: free, paid (`serverless-sim pricing show p` describes them)"
        );
        assert!(
            q.select_plan(None)
                .unwrap_err()
                .contains("choose one with `plan")
        );
        assert_eq!(q.select_plan(Some("only")).unwrap().unwrap().name, "only");
        let single =
            load(&[("t.toml", file().split("[[presets.plans]]").next().unwrap())]).unwrap();
        let single = single.get("p").unwrap();
        assert!(single.select_plan(None).unwrap().is_none());
        assert!(
            single
                .select_plan(Some("free"))
                .unwrap_err()
                .contains("has no plans")
        );
    }

    #[test]
    fn overlapping_keys_are_the_same_key_or_one_under_the_other() {
        assert!(overlaps("a.b", "a.b"));
        assert!(overlaps("a", "a.b"));
        assert!(overlaps("a.b.c", "a.b"));
        assert!(!overlaps("a.bc", "a.b"));
        assert!(!overlaps("a.b", "a.c"));
    }
}
