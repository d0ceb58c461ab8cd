//! The scenario tables of a service's growing meters, as written:
//! `storage = { initial = "200MB", per_write = "2KB", per_delete = "-2KB", price = { ... } }`,
//! `egress = { per_read = "4KB", price = { ... } }` and
//! `users = { monthly_active = 20000, price = { ... } }`.
//!
//! `per_<kind>` names any operation kind of the service, so `storage` and `egress` are read
//! key by key (a derived struct could not take keys it does not list); every other key is
//! refused by name, as `deny_unknown_fields` does.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use toml::Spanned;

use super::file::PriceFile;

/// A table of `per_<kind>` sizes and a `price`, plus `initial` where `allow_initial`.
#[derive(Debug, Default)]
pub struct PerKindFile {
    /// The stored level at the window's start (`storage` only).
    pub initial: Option<Spanned<String>>,
    /// Operation kind (the key without `per_`) -> its size per operation.
    pub per: BTreeMap<String, Spanned<String>>,
    pub price: Option<Spanned<PriceFile>>,
}

/// `storage = { initial, per_<kind>..., price }`.
#[derive(Debug)]
pub struct StorageFile(pub PerKindFile);

/// `egress = { per_<kind>..., price }`.
#[derive(Debug)]
pub struct EgressFile(pub PerKindFile);

/// `users = { monthly_active, price }`; without `monthly_active` the level is 0 users, so a
/// preset may carry the price per MAU and the scenario adds its users.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsersFile {
    pub monthly_active: Option<Spanned<f64>>,
    pub price: Option<Spanned<PriceFile>>,
}

struct PerKindVisitor {
    allow_initial: bool,
}

impl<'de> Visitor<'de> for PerKindVisitor {
    type Value = PerKindFile;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.allow_initial {
            f.write_str("a table of initial, per_<operation kind> sizes and price")
        } else {
            f.write_str("a table of per_<operation kind> sizes and price")
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PerKindFile, A::Error> {
        let mut out = PerKindFile::default();
        while let Some(key) = map.next_key::<String>()? {
            if key == "price" {
                out.price = Some(map.next_value()?);
            } else if key == "initial" && self.allow_initial {
                out.initial = Some(map.next_value()?);
            } else if let Some(kind) = key.strip_prefix("per_").filter(|k| !k.is_empty()) {
                out.per.insert(kind.to_string(), map.next_value()?);
            } else {
                let expected: &'static [&'static str] = if self.allow_initial {
                    &["initial", "per_<operation kind>", "price"]
                } else {
                    &["per_<operation kind>", "price"]
                };
                return Err(de::Error::unknown_field(&key, expected));
            }
        }
        Ok(out)
    }
}

impl<'de> Deserialize<'de> for StorageFile {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(PerKindVisitor {
            allow_initial: true,
        })
        .map(StorageFile)
    }
}

impl<'de> Deserialize<'de> for EgressFile {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(PerKindVisitor {
            allow_initial: false,
        })
        .map(EgressFile)
    }
}
