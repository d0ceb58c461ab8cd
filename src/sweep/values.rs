//! The `--param PATH=VALUES` argument of `sweep`: which scenario field to vary and the values
//! it takes.
//!
//! VALUES is one of:
//! - a list: `1,2,4` or `128MB,512MB,1024MB` or `1m,10m,60m` (one unit for all);
//! - a linear range of N points, both ends included: `1..10:10`, `256MB..2048MB:8`;
//! - a logarithmic range of N points, both ends included: `0.1..100:log13`.
//!
//! A value is a number with an optional unit written as in scenario files (`512MB`, `10m`,
//! `250ms`, `50/s`); both ends of a range carry the same unit. A value with a unit is written
//! into the scenario as a string (`"512MB"`), one without as a TOML number (an integer when
//! it is whole, so integer fields such as `instances` accept it). Range points are rounded to
//! 6 significant digits, so the values written, the CSV and the chart agree.

use std::fmt;

/// One value a swept parameter takes.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SweepValue {
    /// The number, in `unit`.
    #[serde(with = "crate::shard::exact::number")]
    pub number: f64,
    /// The unit suffix as written (`MB`, `m`, `/s`), empty for a plain number.
    pub unit: String,
}

impl SweepValue {
    /// The value as a TOML literal: `"512MB"` with a unit, `4` or `0.25` without.
    pub fn toml_literal(&self) -> String {
        if self.unit.is_empty() {
            number_text(self.number)
        } else {
            format!("\"{}{}\"", number_text(self.number), self.unit)
        }
    }
}

impl fmt::Display for SweepValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", number_text(self.number), self.unit)
    }
}

/// A scenario field and the values a sweep gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct SweptParam {
    /// The field's path, e.g. `deployments[1].compute.instances` or `load`.
    pub path: String,
    pub values: Vec<SweepValue>,
    /// The argument as written (`load=1..100:log6`), for messages.
    pub argument: String,
}

impl SweptParam {
    /// The unit shared by the values (empty when they have none or differ).
    pub fn unit(&self) -> &str {
        let first = self.values.first().map_or("", |v| v.unit.as_str());
        if self.values.iter().all(|v| v.unit == first) {
            first
        } else {
            ""
        }
    }

    /// True when the values are numbers spanning at least two decades (a log axis reads
    /// better).
    pub fn spans_decades(&self) -> bool {
        let positive: Vec<f64> = self.values.iter().map(|v| v.number).collect();
        let lo = positive.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = positive.iter().copied().fold(0.0, f64::max);
        lo > 0.0 && hi / lo >= 100.0
    }
}

/// Most points one range may have.
pub const MAX_POINTS: usize = 10_000;

/// Parses `PATH=VALUES`.
///
/// # Errors
/// A message saying what is wrong with the argument and what was expected.
pub fn parse_param(arg: &str) -> Result<SweptParam, String> {
    let (path, values) = arg
        .split_once('=')
        .ok_or_else(|| format!("`{arg}`: expected PATH=VALUES, e.g. load=0.1..100:log13"))?;
    let path = path.trim();
    if path.is_empty() {
        return Err(format!("`{arg}`: the parameter path is empty"));
    }
    let values = parse_values(values.trim()).map_err(|e| format!("`{arg}`: {e}"))?;
    Ok(SweptParam {
        path: path.to_string(),
        values,
        argument: arg.trim().to_string(),
    })
}

/// Parses VALUES: a list, a linear range or a log range (see the module docs).
///
/// # Errors
/// A message naming the part that does not parse.
pub fn parse_values(text: &str) -> Result<Vec<SweepValue>, String> {
    if text.is_empty() {
        return Err("no values given".into());
    }
    if let Some((range, count)) = text.split_once(':') {
        return parse_range(range, count);
    }
    if text.contains("..") {
        return Err(format!(
            "`{text}`: a range needs a point count, e.g. {text}:10 or {text}:log10"
        ));
    }
    let values: Vec<SweepValue> = text
        .split(',')
        .map(|v| parse_value(v.trim()))
        .collect::<Result<_, _>>()?;
    // One unit per parameter, as for a range: its column in sweep.csv and its chart axis
    // carry that unit, so `128MB,1GB` would be written 128 and 1.
    if let Some(other) = values.iter().find(|v| v.unit != values[0].unit) {
        return Err(format!(
            "`{text}`: write every value in the same unit (got `{}` and `{}`), e.g. \
             128MB,1024MB or 0h,4h",
            values[0], other
        ));
    }
    Ok(values)
}

fn parse_range(range: &str, count: &str) -> Result<Vec<SweepValue>, String> {
    let (from, to) = range
        .split_once("..")
        .ok_or_else(|| format!("`{range}`: a range is written FROM..TO:N"))?;
    let (from, to) = (parse_value(from.trim())?, parse_value(to.trim())?);
    if from.unit != to.unit {
        return Err(format!(
            "`{range}`: write both ends in the same unit (got `{}` and `{}`)",
            from.unit, to.unit
        ));
    }
    let count = count.trim();
    let (log, n) = match count.strip_prefix("log") {
        Some(n) => (true, n),
        None => (false, count),
    };
    let n: usize = n.parse().map_err(|_| {
        format!("`{count}`: the point count must be a whole number, e.g. 10 or log10")
    })?;
    if !(2..=MAX_POINTS).contains(&n) {
        return Err(format!(
            "`{count}`: a range needs from 2 to {MAX_POINTS} points"
        ));
    }
    if log && (from.number <= 0.0 || to.number <= 0.0) {
        return Err(format!("`{range}`: a log range needs both ends above zero"));
    }
    let points = (0..n)
        .map(|k| {
            let x = k as f64 / (n - 1) as f64;
            let number = if k == 0 {
                from.number
            } else if k == n - 1 {
                to.number
            } else if log {
                (from.number.ln() + x * (to.number.ln() - from.number.ln())).exp()
            } else {
                from.number + x * (to.number - from.number)
            };
            SweepValue {
                number: round_significant(number, 6),
                unit: from.unit.clone(),
            }
        })
        .collect();
    Ok(points)
}

/// Parses one value: a number and an optional unit suffix.
fn parse_value(text: &str) -> Result<SweepValue, String> {
    let split = text
        .char_indices()
        .find(|&(i, c)| {
            !(c.is_ascii_digit()
                || c == '.'
                || c == '_'
                || ((c == '-' || c == '+') && (i == 0 || text[..i].ends_with(['e', 'E'])))
                || ((c == 'e' || c == 'E')
                    && i > 0
                    && text[i + 1..]
                        .starts_with(|n: char| n.is_ascii_digit() || n == '-' || n == '+')))
        })
        .map_or(text.len(), |(i, _)| i);
    let (number, unit) = text.split_at(split);
    let number: f64 = number.replace('_', "").parse().map_err(|_| {
        format!("`{text}` is not a number with an optional unit (e.g. 4, 0.5, 512MB, 10m)")
    })?;
    if !number.is_finite() {
        return Err(format!("`{text}` is not a finite number"));
    }
    Ok(SweepValue {
        number,
        unit: unit.trim().to_string(),
    })
}

/// `x` rounded to `digits` significant digits.
pub fn round_significant(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(digits - 1 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

/// A number as written into a scenario and reports: whole numbers without a decimal point,
/// others in their shortest exact form.
fn number_text(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(v: &[SweepValue]) -> Vec<f64> {
        v.iter().map(|v| v.number).collect()
    }

    #[test]
    fn lists_keep_their_units() {
        let p = parse_param("workload.functions[0].memory=128MB, 512MB,1024MB").unwrap();
        assert_eq!(p.path, "workload.functions[0].memory");
        assert_eq!(numbers(&p.values), [128.0, 512.0, 1024.0]);
        assert_eq!(p.unit(), "MB");
        assert_eq!(p.values[1].toml_literal(), "\"512MB\"");
        let p = parse_param("deployments[1].compute.instances=1,2,4").unwrap();
        assert_eq!(p.values[2].toml_literal(), "4");
        assert_eq!(parse_values("0.25").unwrap()[0].toml_literal(), "0.25");
        assert_eq!(parse_values("1e3/s").unwrap()[0].to_string(), "1000/s");
    }

    #[test]
    fn linear_ranges_include_both_ends() {
        assert_eq!(
            numbers(&parse_values("1..10:10").unwrap()),
            [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
        );
        let v = parse_values("1m..2m:3").unwrap();
        assert_eq!(numbers(&v), [1.0, 1.5, 2.0]);
        assert_eq!(v[1].toml_literal(), "\"1.5m\"");
    }

    #[test]
    fn log_ranges_are_geometric() {
        // 0.1 to 100 in 13 points: a factor 10^(3/12) = 1.778279... between neighbours.
        let v = numbers(&parse_values("0.1..100:log13").unwrap());
        assert_eq!(v.len(), 13);
        assert_eq!((v[0], v[4], v[8], v[12]), (0.1, 1.0, 10.0, 100.0));
        assert_eq!(v[1], 0.177828);
        assert_eq!(v[2], 0.316228);
    }

    #[test]
    fn bad_values_say_what_is_wrong() {
        for (arg, needle) in [
            ("load", "PATH=VALUES"),
            ("=1,2", "path is empty"),
            ("load=1..10", "point count"),
            ("load=1..10:1", "from 2 to"),
            ("load=1..10:x", "whole number"),
            ("load=0..10:log5", "above zero"),
            ("x=1MB..2GB:3", "same unit"),
            ("x=128MB,1GB", "same unit (got `128MB` and `1GB`)"),
            ("warmup=0s,4h", "same unit (got `0s` and `4h`)"),
            ("x=abc", "not a number"),
            ("x=1,,2", "not a number"),
        ] {
            let err = parse_param(arg).unwrap_err();
            assert!(err.contains(needle), "{arg}: {err}");
        }
    }

    #[test]
    fn decades_are_detected() {
        assert!(parse_param("load=0.1..100:log4").unwrap().spans_decades());
        assert!(!parse_param("load=1..10:4").unwrap().spans_decades());
    }
}
