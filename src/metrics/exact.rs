//! Exact sums of billable quantities: a total that is the same, to the bit, whatever order
//! its terms were added in, and however they were split into partial totals.
//!
//! Floating-point addition is not associative: summing the same GB-s in another order, or
//! summing per-shard totals of a sharded replay (`run --shard`), gives other bits than one
//! run's running sum. An [`ExactSum`] instead rounds each term once to a fixed grid of
//! 2^-[`FRACTION_BITS`] units and adds integers (i128), so sums and merges are exact and
//! order-free; the f64 read back ([`ExactSum::value`]) is the one rounding of the exact total.
//!
//! Rule: a term `x` counts as `round(x * 2^56) / 2^56` (about 1.4 x 10^-17 of a unit: the
//! GB-s of a 128 MB, 1 ms call, 1.25 x 10^-4, is held to about 10^-13 of itself, and a
//! monthly fee spread over 8,640 five-minute buckets adds back up to 1 to 12 digits). Totals
//! up to 2^71 units (about 2.4 x 10^21) are exact; whole-number terms (requests, operations)
//! are always exact.

use serde::{Deserialize, Serialize};

/// Bits of a unit below the point.
pub const FRACTION_BITS: u32 = 56;

const SCALE: f64 = (1u64 << FRACTION_BITS) as f64;

/// A sum of f64 terms, each rounded to 2^-56 of a unit, kept as an exact integer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExactSum(#[serde(with = "crate::metrics::exact::as_text")] i128);

impl ExactSum {
    /// Zero.
    pub const ZERO: ExactSum = ExactSum(0);

    /// The sum holding the one term `x`: `x x 2^56` rounded half away from zero (below 2^52
    /// by adding a half and truncating; above, every f64 is already a whole number).
    /// Conversions through i64 keep the hot path to machine instructions.
    #[inline]
    pub fn of(x: f64) -> ExactSum {
        const WHOLE: f64 = (1u64 << 52) as f64;
        const I64: f64 = 9_223_372_036_854_775_808.0; // 2^63
        let v = x * SCALE;
        let a = v.abs();
        ExactSum(if a < WHOLE {
            (v + 0.5f64.copysign(v)) as i64 as i128
        } else if a < I64 {
            v as i64 as i128
        } else {
            // `as` saturates (and maps NaN to 0): a term beyond the range cannot wrap.
            v as i128
        })
    }

    /// Adds the term `x`.
    #[inline]
    pub fn add(&mut self, x: f64) {
        self.0 = self.0.wrapping_add(Self::of(x).0);
    }

    /// Adds `times` copies of `other` (a negative `times` takes them away): exact, in the
    /// ring of integers mod 2^128, so a total that is in range at the end is right whatever
    /// the partial totals were.
    #[inline]
    pub fn add_times(&mut self, other: ExactSum, times: i64) {
        self.0 = self.0.wrapping_add(other.0.wrapping_mul(i128::from(times)));
    }

    /// The total, rounded once to the nearest f64.
    #[inline]
    pub fn value(self) -> f64 {
        self.0 as f64 / SCALE
    }
}

impl std::iter::Sum for ExactSum {
    fn sum<I: Iterator<Item = ExactSum>>(iter: I) -> ExactSum {
        let mut total = ExactSum::ZERO;
        for x in iter {
            total.add_times(x, 1);
        }
        total
    }
}

/// Serde for an i128 or u128 as decimal text: JSON readers that go through
/// `serde_json::Value` (or other languages) would round integers beyond 2^53 or 2^64.
pub mod as_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::fmt::Display;
    use std::str::FromStr;

    pub fn serialize<T: Display, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }

    pub fn deserialize<'de, T, D>(d: D) -> Result<T, D::Error>
    where
        T: FromStr,
        T::Err: Display,
        D: Deserializer<'de>,
    {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Serde for a `Vec<i128>` as decimal texts (see [`as_text`]).
pub mod vec_as_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(v: &[i128], s: S) -> Result<S::Ok, S::Error> {
        let texts: Vec<String> = v.iter().map(ToString::to_string).collect();
        texts.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i128>, D::Error> {
        let texts = Vec::<String>::deserialize(d)?;
        texts
            .iter()
            .map(|t| t.parse().map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sum_does_not_depend_on_order_or_grouping() {
        // Terms whose f64 running sums differ with the order: 0.1 + 0.2 + 0.3 is
        // 0.6000000000000001 one way and 0.6 the other.
        let terms = [0.1, 0.2, 0.3, 1e-4, 12_345.678_9, 0.125];
        let mut forward = ExactSum::ZERO;
        terms.iter().for_each(|&x| forward.add(x));
        let mut backward = ExactSum::ZERO;
        terms.iter().rev().for_each(|&x| backward.add(x));
        assert_eq!(forward, backward);
        let mut halves = [ExactSum::ZERO; 2];
        for (i, &x) in terms.iter().enumerate() {
            halves[i % 2].add(x);
        }
        assert_eq!(halves.iter().copied().sum::<ExactSum>(), forward);
        // The total is the terms' sum to within one grid step per term.
        let want: f64 = 0.1 + 0.2 + 0.3 + 1e-4 + 12_345.678_9 + 0.125;
        assert!((forward.value() - want).abs() < 6.0 / SCALE + 1e-12);
    }

    #[test]
    fn whole_numbers_and_the_grid_are_exact() {
        let mut s = ExactSum::ZERO;
        for _ in 0..1_000_000 {
            s.add(1.0);
        }
        assert_eq!(s.value(), 1e6);
        assert_eq!(ExactSum::of(0.5).value(), 0.5);
        // Taking a part away again leaves the rest exactly.
        let mut total = ExactSum::of(3.3);
        total.add(7.7);
        total.add_times(ExactSum::of(7.7), -1);
        assert_eq!(total, ExactSum::of(3.3));
    }
}
