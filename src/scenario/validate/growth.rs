//! Validating a service's growing meters: `storage` (initial level, `per_<kind>` change,
//! price per GB-month), `egress` (`per_<kind>` GB sent, price per GB) and `users`
//! (`monthly_active`, price per MAU). Every key is optional: no `initial` is 0 GB stored, no
//! `per_<kind>` leaves the level where it starts, no `monthly_active` is 0 users, no `price` is
//! free; so a preset may carry only the prices and the scenario adds its sizes and users. Sizes are decimal (`KB` = 1,000 bytes, `GB` = 10^9) or
//! binary (`KiB` = 1,024 bytes, `GiB` = 2^30), and are priced in GB of 10^9 bytes.

use toml::Spanned;

use crate::platform::OperationSpec;
use crate::platform::baas::growth::{
    BYTES_PER_GB, EgressSpec, GrowthSpec, PerKind, StorageSpec, UsersSpec,
};
use crate::pricing::PriceSchedule;
use crate::scenario::file::{PriceFile, ServiceFile};
use crate::scenario::growth_file::PerKindFile;

use super::{Result, Validator, toml_number};

/// Parses a data size such as `"2KB"`, `"-2KB"`, `"1.5GiB"` into GB of 10^9 bytes; a leading
/// `-` (a size removed) is allowed where `signed`.
pub(super) fn parse_size_gb(text: &str, signed: bool) -> std::result::Result<f64, String> {
    let t = text.trim();
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) if signed => (true, rest),
        Some(_) => return Err(format!("'{text}' is negative: a size must be >= 0")),
        None => (false, t),
    };
    let end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(body.len());
    let (number, unit) = body.split_at(end);
    let n: f64 = number
        .replace('_', "")
        .parse()
        .map_err(|_| format!("'{text}' does not start with a number"))?;
    let bytes = match unit.trim() {
        "B" => 1.0,
        "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "TB" => 1e12,
        "KiB" => 1024.0,
        "MiB" => 1024.0_f64.powi(2),
        "GiB" => 1024.0_f64.powi(3),
        "TiB" => 1024.0_f64.powi(4),
        "" => return Err(format!("'{text}' has no unit: write e.g. \"{text}KB\"")),
        other => {
            return Err(format!(
                "unknown size unit '{other}' in '{text}' (use B, KB, MB, GB, TB or KiB, MiB, \
                 GiB, TiB)"
            ));
        }
    };
    let gb = n * bytes / BYTES_PER_GB;
    if !gb.is_finite() {
        return Err(format!("'{text}' is not a finite size"));
    }
    Ok(if negative { -gb } else { gb })
}

impl Validator<'_> {
    /// The growing meters of service `f` at `path`, whose operation kinds are `operations`.
    pub(super) fn growth(
        &self,
        f: &ServiceFile,
        path: &str,
        operations: &[OperationSpec],
    ) -> Result<GrowthSpec> {
        let storage = match &f.storage {
            Some(s) => {
                let spath = format!("{path}.storage");
                let file = &s.get_ref().0;
                let initial_gb = match &file.initial {
                    Some(i) => self.size(i, &format!("{spath}.initial"), false)?,
                    None => 0.0,
                };
                Some(StorageSpec {
                    initial_gb,
                    per_kind: self.per_kind(file, &spath, operations)?,
                    price: self.level_price(&file.price, &spath, "GB-months")?,
                })
            }
            None => None,
        };
        let egress = match &f.egress {
            Some(e) => {
                let epath = format!("{path}.egress");
                let file = &e.get_ref().0;
                let per_kind = self.per_kind(file, &epath, operations)?;
                if let Some(p) = per_kind.iter().find(|p| p.gb < 0.0) {
                    let at = &file.per[&p.kind];
                    let field = format!("{epath}.per_{}", p.kind);
                    return Err(self.err(at, field, "is negative: egress is data sent, >= 0"));
                }
                let price = match &file.price {
                    Some(p) => self.price(p, &format!("{epath}.price"))?,
                    None => PriceSchedule::free(),
                };
                Some(EgressSpec { per_kind, price })
            }
            None => None,
        };
        let users = match &f.users {
            Some(u) => {
                let upath = format!("{path}.users");
                let file = u.get_ref();
                // No `monthly_active` (a preset's price alone): 0 users.
                let n = file.monthly_active.as_ref().map_or(0.0, |m| *m.get_ref());
                if let Some(m) = &file.monthly_active
                    && (!n.is_finite() || n < 0.0)
                {
                    let msg = format!("must be a finite number >= 0 (got {})", toml_number(n));
                    let field = format!("{upath}.monthly_active");
                    return Err(self.err(m, field, msg));
                }
                Some(UsersSpec {
                    monthly_active: n,
                    price: self.level_price(&file.price, &upath, "user-months")?,
                })
            }
            None => None,
        };
        Ok(GrowthSpec {
            storage,
            egress,
            users,
        })
    }

    /// The `per_<kind>` sizes of `file`, each kind an operation of the service.
    fn per_kind(
        &self,
        file: &PerKindFile,
        path: &str,
        operations: &[OperationSpec],
    ) -> Result<Vec<PerKind>> {
        let mut out = Vec::new();
        for (kind, size) in &file.per {
            let field = format!("{path}.per_{kind}");
            if !operations.iter().any(|o| &o.kind == kind) {
                let kinds: Vec<&str> = operations.iter().map(|o| o.kind.as_str()).collect();
                return Err(self.err(
                    size,
                    field,
                    format!(
                        "the service has no operation kind '{kind}' (its kinds: {})",
                        kinds.join(", ")
                    ),
                ));
            }
            out.push(PerKind {
                kind: kind.clone(),
                gb: self.size(size, &field, true)?,
            });
        }
        Ok(out)
    }

    fn size(&self, s: &Spanned<String>, field: &str, signed: bool) -> Result<f64> {
        parse_size_gb(s.get_ref(), signed).map_err(|msg| self.err(s, field, msg))
    }

    /// The price of a level (`path.price`), free when absent; a level is billed per month,
    /// so a daily allowance is refused.
    fn level_price(
        &self,
        p: &Option<Spanned<PriceFile>>,
        path: &str,
        per: &str,
    ) -> Result<PriceSchedule> {
        let Some(p) = p else {
            return Ok(PriceSchedule::free());
        };
        let field = format!("{path}.price");
        if let Some(d) = &p.get_ref().free_per_day {
            return Err(self.err(
                d,
                format!("{field}.free_per_day"),
                format!(
                    "a level is billed by the month (in {per}): give its allowance as \
                     free_per_month"
                ),
            ));
        }
        self.price(p, &field)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size_gb;

    #[test]
    fn sizes_are_decimal_or_binary_and_signed_only_where_allowed() {
        assert_eq!(parse_size_gb("2KB", false), Ok(2e-6));
        assert_eq!(parse_size_gb("-2KB", true), Ok(-2e-6));
        assert_eq!(parse_size_gb("200MB", false), Ok(0.2));
        assert_eq!(parse_size_gb("1_000 B", false), Ok(1e-6));
        assert_eq!(parse_size_gb("1GiB", false), Ok(1.073_741_824));
        assert_eq!(parse_size_gb("2KiB", false), Ok(2.048e-6));
        assert_eq!(parse_size_gb("10GB", false), Ok(10.0));
        assert!(
            parse_size_gb("-2KB", false)
                .unwrap_err()
                .contains("negative")
        );
        assert!(parse_size_gb("2", false).unwrap_err().contains("no unit"));
        assert!(
            parse_size_gb("2kb", false)
                .unwrap_err()
                .contains("unknown size unit")
        );
        assert!(parse_size_gb("KB", false).unwrap_err().contains("number"));
    }
}
