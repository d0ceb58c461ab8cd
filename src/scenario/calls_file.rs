//! The `calls` key as written: service -> operation kind -> count, where an entry holding
//! `parallel = true` is a group of calls made at once:
//!
//! ```toml
//! calls = { db = { read = 2 }, together = { parallel = true, db = { read = 1 }, cache = { get = 1 } } }
//! ```
//!
//! Each value keeps its span. A value is a count (`read = 2`), a flag (`parallel = true`)
//! or, inside a group, a service's counts (`db = { read = 1 }`); validation
//! (`validate::workload`) says which belongs where.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use toml::Spanned;

/// Backend operations per call: a service (or a group's name) -> its entries.
pub type CallsFile = BTreeMap<String, BTreeMap<String, Spanned<CallValue>>>;

/// One value inside a `calls` entry.
#[derive(Debug)]
pub enum CallValue {
    /// Operations of a kind per call: `read = 2`.
    Count(i64),
    /// A group's `parallel = true`.
    Flag(bool),
    /// In a group: a service's operation counts, `db = { read = 1 }`.
    Service(BTreeMap<String, Spanned<i64>>),
}

impl<'de> Deserialize<'de> for CallValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(CallValueVisitor)
    }
}

struct CallValueVisitor;

impl<'de> Visitor<'de> for CallValueVisitor {
    type Value = CallValue;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        // As serde's own integers say it, so a bad count reads as before; a group's
        // `parallel` is named by its key (`toml_message`).
        f.write_str("a whole number")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<CallValue, E> {
        Ok(CallValue::Count(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<CallValue, E> {
        i64::try_from(v)
            .map(CallValue::Count)
            .map_err(|_| E::custom("too large"))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<CallValue, E> {
        Ok(CallValue::Flag(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CallValue, A::Error> {
        let mut ops = BTreeMap::new();
        while let Some((k, v)) = map.next_entry::<String, Spanned<i64>>()? {
            ops.insert(k, v);
        }
        Ok(CallValue::Service(ops))
    }
}
