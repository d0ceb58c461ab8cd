//! Numbers written to part files so that they read back to the same bits: every `f64` as the
//! text Rust prints for it (the shortest that parses back to the same number, `NaN` and `inf`
//! included), since a merged report must be byte-identical to one machine's. JSON numbers
//! would lose NaN and infinities, and parsers need not read them back exactly.
//!
//! Use with `#[serde(with = "crate::shard::exact::number")]` (and `optional`, `columns`).

use serde::{Deserialize, Deserializer, Serializer};

fn text(x: f64) -> String {
    format!("{x:?}")
}

fn parse<E: serde::de::Error>(s: &str) -> Result<f64, E> {
    s.parse()
        .map_err(|_| E::custom(format!("`{s}` is not a number")))
}

/// One `f64`.
pub mod number {
    use super::*;

    pub fn serialize<S: Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&text(*x))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        parse(&String::deserialize(d)?)
    }
}

/// An `Option<f64>` (`null` for none).
pub mod optional {
    use super::*;

    pub fn serialize<S: Serializer>(x: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match x {
            Some(x) => s.serialize_some(&text(*x)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| parse(&t))
            .transpose()
    }
}

/// Named optional numbers, in order: `[["name", "1.5"], ["other", null]]`.
pub mod columns {
    use super::*;
    use serde::ser::SerializeSeq;

    pub fn serialize<S: Serializer>(
        columns: &[(String, Option<f64>)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(columns.len()))?;
        for (name, x) in columns {
            seq.serialize_element(&(name, x.map(text)))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(String, Option<f64>)>, D::Error> {
        Vec::<(String, Option<String>)>::deserialize(d)?
            .into_iter()
            .map(|(name, t)| Ok((name, t.map(|t| parse(&t)).transpose()?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Sample {
        #[serde(with = "super::number")]
        x: f64,
        #[serde(with = "super::optional")]
        y: Option<f64>,
        #[serde(with = "super::columns")]
        z: Vec<(String, Option<f64>)>,
    }

    #[test]
    fn every_number_reads_back_to_the_same_bits() {
        let awkward = [
            0.1 + 0.2,
            1.0 / 3.0,
            f64::MIN_POSITIVE,
            5e-324,
            f64::MAX,
            -0.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            123_456_789.123_456_78,
        ];
        for x in awkward {
            let s = Sample {
                x,
                y: Some(x),
                z: vec![("a".into(), Some(x)), ("b".into(), None)],
            };
            let json = serde_json::to_string(&s).unwrap();
            let back: Sample = serde_json::from_str(&json).unwrap();
            assert_eq!(back.x.to_bits(), x.to_bits(), "{json}");
            assert_eq!(back.y.unwrap().to_bits(), x.to_bits());
            assert_eq!(back.z[0].1.unwrap().to_bits(), x.to_bits());
            assert_eq!(back.z[1].1, None);
        }
        let nan = Sample {
            x: f64::NAN,
            y: None,
            z: vec![],
        };
        let back: Sample = serde_json::from_str(&serde_json::to_string(&nan).unwrap()).unwrap();
        assert!(back.x.is_nan());
        assert_eq!(back.y, None);
    }

    #[test]
    fn a_bad_number_is_an_error_not_a_zero() {
        let err = serde_json::from_str::<Sample>(r#"{"x":"1.5.2","y":null,"z":[]}"#).unwrap_err();
        assert!(err.to_string().contains("1.5.2"), "{err}");
    }
}
