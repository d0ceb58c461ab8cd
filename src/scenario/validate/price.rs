//! Validating price schedules: one price (`usd` per `per` units) or volume tiers, with
//! optional free allowances per month or per day, and an optional package size (usage beyond
//! the allowance billed in whole packages).

use toml::Spanned;

use crate::pricing::{PriceSchedule, Tier};
use crate::scenario::file::*;

use super::{Result, Validator, toml_number};

impl Validator<'_> {
    pub(super) fn price(&self, p: &Spanned<PriceFile>, path: &str) -> Result<PriceSchedule> {
        let f = p.get_ref();
        let field = |k: &str| format!("{path}.{k}");
        let non_negative = |v: &Spanned<f64>, k: &str| -> Result<f64> {
            let x = *v.get_ref();
            if !x.is_finite() || x < 0.0 {
                let msg = format!("must be a finite number >= 0 (got {})", toml_number(x));
                return Err(self.err(v, field(k), msg));
            }
            Ok(x)
        };
        let positive = |v: &Spanned<f64>, k: &str, what: &str| -> Result<f64> {
            let x = *v.get_ref();
            if !x.is_finite() || x <= 0.0 {
                let msg = format!("must be a finite number > 0 (got {}){what}", toml_number(x));
                return Err(self.err(v, field(k), msg));
            }
            Ok(x)
        };
        let per = match &f.per {
            Some(v) => positive(v, "per", ": the units one usd prices")?,
            None => 1.0,
        };
        let tiers = match (&f.usd, &f.tiers) {
            (Some(_), Some(_)) => {
                return Err(self.err(p, path, "give either usd (one price) or tiers, not both"));
            }
            (None, None) => return Err(self.err(p, path, "missing: usd (one price) or tiers")),
            (Some(usd), None) => vec![Tier {
                up_to: f64::INFINITY,
                unit_price: non_negative(usd, "usd")? / per,
            }],
            (None, Some(tiers)) => {
                let mut out: Vec<Tier> = Vec::new();
                for (i, t) in tiers.iter().enumerate() {
                    let tf = format!("tiers[{i}]");
                    let t_ref = t.get_ref();
                    let unit_price = non_negative(&t_ref.usd, &format!("{tf}.usd"))? / per;
                    let last = i + 1 == tiers.len();
                    let up_to = match (&t_ref.up_to, last) {
                        (Some(u), false) => non_negative(u, &format!("{tf}.up_to"))?,
                        (None, true) => f64::INFINITY,
                        (None, false) => {
                            return Err(self.err(
                                t,
                                field(&tf),
                                "missing: up_to (only the last tier is unbounded)",
                            ));
                        }
                        (Some(u), true) => {
                            return Err(self.err(
                                u,
                                field(&format!("{tf}.up_to")),
                                "the last tier must be unbounded: remove up_to",
                            ));
                        }
                    };
                    if out.last().is_some_and(|prev| up_to <= prev.up_to) {
                        return Err(self.err(
                            t,
                            field(&format!("{tf}.up_to")),
                            "tiers must have increasing up_to",
                        ));
                    }
                    out.push(Tier { up_to, unit_price });
                }
                if out.is_empty() {
                    return Err(self.err(p, field("tiers"), "is empty"));
                }
                out
            }
        };
        let package = match &f.package {
            Some(v) => positive(v, "package", ": the units in one billed package")?,
            None => 0.0,
        };
        Ok(PriceSchedule {
            package,
            per,
            free_per_month: f
                .free_per_month
                .as_ref()
                .map(|v| non_negative(v, "free_per_month"))
                .transpose()?
                .unwrap_or(0.0),
            free_per_day: f
                .free_per_day
                .as_ref()
                .map(|v| non_negative(v, "free_per_day"))
                .transpose()?
                .unwrap_or(0.0),
            tiers,
        })
    }
}
