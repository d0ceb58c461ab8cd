//! Human units in scenario files: durations (`"250ms"`, `"10m"`), rates (`"50/s"`) and
//! memory sizes (`"512MB"`). Every value carries its unit; a bare number is an error, so a
//! reader never has to guess whether `timeout = 30` meant seconds or milliseconds.

use crate::engine::time::{DAY, HOUR, MAX_DURATION, MINUTE, MS, Micros, SECOND};

/// Parses a duration such as `"1.5s"`, `"250ms"`, `"10m"`, `"2h"`, `"1d"`, `"500us"`.
pub fn parse_duration(text: &str) -> Result<Micros, String> {
    let (number, unit) = split_number(text)?;
    let scale = match unit {
        "us" | "µs" => 1,
        "ms" => MS,
        "s" | "sec" => SECOND,
        "m" | "min" => MINUTE,
        "h" => HOUR,
        "d" => DAY,
        "" => {
            return Err(format!(
                "'{text}' has no unit: write e.g. \"{text}ms\" or \"{text}s\""
            ));
        }
        other => {
            return Err(format!(
                "unknown duration unit '{other}' in '{text}' (use us, ms, s, m, h or d)"
            ));
        }
    };
    let micros = number * scale as f64;
    if micros > MAX_DURATION as f64 {
        return Err(format!(
            "'{text}' is longer than {}d, the longest duration a scenario may give",
            MAX_DURATION / DAY
        ));
    }
    Ok(micros.round() as Micros)
}

/// Writes a duration the way a scenario file would (`"1d"`, `"90m"`, `"1.5s"`, `"250ms"`):
/// the largest of d, h, m, s that divides it exactly; else, from a second up, seconds with
/// up to six decimals; else ms or us. The result parses back to the same value.
pub fn format_duration(t: Micros) -> String {
    for (unit, name) in [(DAY, "d"), (HOUR, "h"), (MINUTE, "m"), (SECOND, "s")] {
        if t >= unit && t % unit == 0 {
            return format!("{}{name}", t / unit);
        }
    }
    if t >= SECOND {
        let s = format!("{}.{:06}", t / SECOND, t % SECOND);
        return format!("{}s", s.trim_end_matches('0'));
    }
    if t == 0 {
        return "0s".into();
    }
    if t >= MS && t % MS == 0 {
        return format!("{}ms", t / MS);
    }
    format!("{t}us")
}

/// Parses a rate such as `"50/s"`, `"3000/m"`, `"1.5/h"`, `"200/d"` into requests per second.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let Some((number, per)) = text.split_once('/') else {
        return Err(format!(
            "'{text}' is not a rate: write e.g. \"50/s\" or \"120/m\""
        ));
    };
    let (n, rest) = split_number(number).map_err(|e| e.replace(number, text))?;
    if !rest.is_empty() {
        return Err(format!("'{text}' is not a rate: write e.g. \"50/s\""));
    }
    let seconds = match per.trim() {
        "s" | "sec" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        other => {
            return Err(format!(
                "unknown rate unit '/{other}' in '{text}' (use /s, /m, /h or /d)"
            ));
        }
    };
    Ok(n / seconds)
}

/// Largest memory size a scenario may give: 16 TB (16,777,216 MB), beyond any instance on
/// offer, so that sizes, steps and sums of them stay far from overflowing.
pub const MAX_MEMORY_MB: u32 = 16 * 1024 * 1024;

/// Parses a memory size such as `"512MB"`, `"1.5GB"`, `"2GiB"` into MB (1 GB = 1024 MB, as
/// cloud providers count function memory), at most [`MAX_MEMORY_MB`].
pub fn parse_memory_mb(text: &str) -> Result<u32, String> {
    let (number, unit) = split_number(text)?;
    let scale = match unit {
        "MB" | "MiB" | "mb" => 1.0,
        "GB" | "GiB" | "gb" => 1024.0,
        "" => return Err(format!("'{text}' has no unit: write e.g. \"{text}MB\"")),
        other => {
            return Err(format!(
                "unknown memory unit '{other}' in '{text}' (use MB or GB)"
            ));
        }
    };
    let mb = number * scale;
    if mb.fract() != 0.0 {
        return Err(format!("'{text}' is not a whole number of MB"));
    }
    if mb > MAX_MEMORY_MB as f64 {
        return Err(format!(
            "'{text}' is larger than 16TB ({MAX_MEMORY_MB} MB), the largest memory size a \
             scenario may give"
        ));
    }
    Ok(mb as u32)
}

/// Splits `"12.5ms"` into (12.5, "ms"); the number must be finite and not negative.
fn split_number(text: &str) -> Result<(f64, &str), String> {
    let t = text.trim();
    let end = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '+' | 'e' | 'E')))
        .map_or(t.len(), |(i, _)| i);
    // Let an exponent 'e' that is not followed by a digit belong to the unit.
    let (mut num, mut unit) = t.split_at(end);
    if let Some(stripped) = num.strip_suffix(['e', 'E']) {
        unit = &t[stripped.len()..];
        num = stripped;
    }
    let n: f64 = num
        .replace('_', "")
        .parse()
        .map_err(|_| format!("'{text}' does not start with a number"))?;
    if !n.is_finite() {
        return Err(format!("'{text}' is not a finite number"));
    }
    if n < 0.0 {
        return Err(format!("'{text}' is negative"));
    }
    Ok((n, unit.trim()))
}

/// `x` with 4 significant digits, trailing zeros dropped, for messages: `0.8333`, `1.25`,
/// `120`, `0.000000006317`.
pub fn significant(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let decimals = (3 - x.abs().log10().floor() as i32).clamp(0, 17) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms"), Ok(250_000));
        assert_eq!(parse_duration("1.5s"), Ok(1_500_000));
        assert_eq!(parse_duration("10m"), Ok(600_000_000));
        assert_eq!(parse_duration("1d"), Ok(86_400_000_000));
        assert_eq!(parse_duration("500us"), Ok(500));
        assert!(parse_duration("10").unwrap_err().contains("no unit"));
        assert!(
            parse_duration("10 parsecs")
                .unwrap_err()
                .contains("unknown duration unit")
        );
        assert!(parse_duration("-1s").unwrap_err().contains("negative"));
        assert!(parse_duration("fast").unwrap_err().contains("number"));
        // Ten years is the longest; the 53,375,995 days is refused with the bound.
        assert_eq!(parse_duration("3650d"), Ok(3650 * 86_400_000_000));
        assert_eq!(
            parse_duration("53375995d").unwrap_err(),
            "'53375995d' is longer than 3650d, the longest duration a scenario may give"
        );
        assert!(parse_duration("3650.001d").is_err());
    }

    #[test]
    fn durations_are_written_back_in_their_largest_exact_unit() {
        for (t, text) in [
            (86_400_000_000, "1d"),
            (5_400_000_000, "90m"),
            (3_600_000_000, "1h"),
            (1_500_000, "1.5s"),
            (1_000_001, "1.000001s"),
            (250_000, "250ms"),
            (1_500, "1500us"),
            (0, "0s"),
        ] {
            assert_eq!(format_duration(t), text);
            assert_eq!(parse_duration(text), Ok(t));
        }
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("50/s"), Ok(50.0));
        assert_eq!(parse_rate("120/m"), Ok(2.0));
        assert_eq!(parse_rate("3600/h"), Ok(1.0));
        assert!(parse_rate("50").unwrap_err().contains("not a rate"));
        assert!(
            parse_rate("50/fortnight")
                .unwrap_err()
                .contains("unknown rate unit")
        );
        assert_eq!(parse_rate("-5/s").unwrap_err(), "'-5/s' is negative");
    }

    #[test]
    fn memory() {
        assert_eq!(parse_memory_mb("512MB"), Ok(512));
        assert_eq!(parse_memory_mb("1.5GB"), Ok(1536));
        assert_eq!(parse_memory_mb("2GiB"), Ok(2048));
        assert!(parse_memory_mb("512").unwrap_err().contains("no unit"));
        assert!(parse_memory_mb("1.3MB").unwrap_err().contains("whole"));
        assert_eq!(parse_memory_mb("16384GB"), Ok(16_777_216));
        assert!(
            parse_memory_mb("16385GB")
                .unwrap_err()
                .contains("larger than 16TB (16777216 MB)")
        );
        assert!(
            parse_memory_mb("4TB")
                .unwrap_err()
                .contains("unknown memory unit")
        );
    }
}
