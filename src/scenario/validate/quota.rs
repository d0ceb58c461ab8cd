//! Validating hard quotas (`quota = { read = "50000/day" }`) and their daily reset time
//! (`quota_reset = "08:00"`): each key must name something the part counts (an operation
//! kind of the service, `invocations` on FaaS), each value parse as a quota
//! ([`crate::platform::quota::parse_quota`]), the reset be a time of day before 24:00.

use toml::Spanned;

use crate::platform::quota::{QuotaSpec, Quotas, parse_quota};
use crate::platform::schedule::parse_clock;
use crate::scenario::file::QuotaFile;

use super::{Result, Validator};

impl Validator<'_> {
    /// The quotas at `path` (`<path>.quota`, `<path>.quota_reset`), whose keys must be among
    /// `countable` (described to the user as `what`).
    pub(super) fn quotas(
        &self,
        quota: &Option<Spanned<QuotaFile>>,
        reset: &Option<Spanned<String>>,
        path: &str,
        countable: &[&str],
        what: &str,
    ) -> Result<Quotas> {
        let mut quotas = Quotas::default();
        if let Some(q) = quota {
            for (key, value) in q.get_ref() {
                let field = format!("{path}.quota.{key}");
                if !countable.contains(&key.as_str()) {
                    return Err(self.err(
                        value,
                        field,
                        format!(
                            "'{key}' is not counted here: a quota here limits {what} ({})",
                            countable.join(", ")
                        ),
                    ));
                }
                let limit = parse_quota(value.get_ref()).map_err(|m| self.err(value, &field, m))?;
                quotas.limits.push(QuotaSpec {
                    counts: key.clone(),
                    limit,
                });
            }
        }
        if let Some(r) = reset {
            let field = format!("{path}.quota_reset");
            let t = parse_clock(r.get_ref()).map_err(|m| self.err(r, &field, m))?;
            if t >= crate::engine::time::DAY {
                return Err(self.err(
                    r,
                    field,
                    "must be a time of day before 24:00 (midnight is \"00:00\")",
                ));
            }
            quotas.reset = t;
        }
        Ok(quotas)
    }
}
