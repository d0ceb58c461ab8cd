//! Validating hard quotas (`quota = { read = "50000/day" }`) and their daily reset time
//! (`quota_reset = "08:00"`): each key must name something the part counts (an operation
//! kind of the service, `invocations` on FaaS), each value parse as a quota
//! ([`crate::platform::quota::parse_quota`]; a service's `egress` quota is a size per period,
//! `"5GB/month"`, counted in bytes), the reset be a time of day before 24:00. A service's
//! connection cap (`connections = { limit = 100, hold = "5m" }`) needs a whole number of
//! connections of at least 1 and, to be applied, a hold above zero (without one it is left
//! out with a warning, `capacity_warnings`).

use toml::Spanned;

use crate::platform::baas::connections::ConnectionCap;
use crate::platform::baas::growth::{BYTES_PER_GB, EGRESS_QUOTA};
use crate::platform::quota::{QuotaLimit, QuotaSpec, Quotas, parse_quota};
use crate::platform::schedule::parse_clock;
use crate::scenario::file::{ConnectionsFile, QuotaFile};

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
                let limit = if key == EGRESS_QUOTA {
                    parse_bytes_quota(value.get_ref())
                } else {
                    parse_quota(value.get_ref())
                }
                .map_err(|m| self.err(value, &field, m))?;
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

    /// The connection cap at `path` (`<path>.connections`), if any.
    pub(super) fn connections(
        &self,
        file: &Option<Spanned<ConnectionsFile>>,
        path: &str,
    ) -> Result<Option<ConnectionCap>> {
        let Some(c) = file else {
            return Ok(None);
        };
        let path = format!("{path}.connections");
        let limit = self.required(
            &c.get_ref().limit,
            c,
            &format!("{path}.limit"),
            "the most connections held at once, e.g. limit = 100",
        )?;
        let units = u64::try_from(*limit.get_ref())
            .ok()
            .filter(|&n| n >= 1)
            .ok_or_else(|| {
                let msg = format!(
                    "must be a whole number of connections, at least 1 (got {})",
                    limit.get_ref()
                );
                self.err(limit, format!("{path}.limit"), msg)
            })?;
        let hold = c
            .get_ref()
            .hold
            .as_ref()
            .map(|h| self.positive_duration(h, &format!("{path}.hold")))
            .transpose()?;
        Ok(Some(ConnectionCap { limit: units, hold }))
    }
}

/// Parses a bytes quota such as `"5GB/month"` or `"1GiB/day"` into a whole number of bytes per
/// period.
fn parse_bytes_quota(text: &str) -> std::result::Result<QuotaLimit, String> {
    let form = || {
        format!(
            "'{text}' is not an egress quota: write a size per day or per month, e.g. \"5GB/month\" or \"1GiB/day\""
        )
    };
    let (size, per) = text.split_once('/').ok_or_else(form)?;
    let gb = super::growth::parse_size_gb(size, false).map_err(|m| format!("{m} ({})", form()))?;
    let bytes = (gb * BYTES_PER_GB).round();
    // The period is read as a count quota's would be: one unit per period, then the bytes.
    let period = parse_quota(&format!("1/{per}"))?.period;
    Ok(QuotaLimit {
        units: bytes as u64,
        period,
    })
}
