//! Timestamps of plain CSV traces: seconds as a decimal number, or RFC 3339 date-times
//! (`2019-07-15T08:00:00.250Z`, `2019-07-15 08:00:00+02:00`), both to microseconds.

/// Largest timestamp magnitude, in seconds (about 31,700 years; RFC 3339 years 0000..9999
/// lie inside it). Any two timestamps within it are at most 2e18 µs apart, so differences,
/// window ends and spans computed from them fit an i64 with room to spare.
pub const MAX_SECONDS: f64 = 1.0e12;

/// Parses `text` as seconds (float) or an RFC 3339 date-time, to µs (since the Unix epoch for
/// date-times).
pub fn parse(text: &str) -> Result<i64, String> {
    let t = text.trim();
    if let Ok(secs) = t.parse::<f64>() {
        if !secs.is_finite() || secs.abs() > MAX_SECONDS {
            return Err(format!(
                "'{t}' is not a usable number of seconds (at most {MAX_SECONDS:e} either side of 0)"
            ));
        }
        return Ok((secs * 1e6).round() as i64);
    }
    rfc3339(t).ok_or_else(|| {
        format!(
            "'{t}' is neither seconds (e.g. 12.5) nor an RFC 3339 time (e.g. 2019-07-15T08:00:00Z)"
        )
    })
}

/// Parses an RFC 3339 date-time to µs since the Unix epoch.
fn rfc3339(t: &str) -> Option<i64> {
    let b = t.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let s = b.get(from..from + len)?;
        s.iter()
            .all(u8::is_ascii_digit)
            .then(|| s.iter().fold(0i64, |v, d| v * 10 + i64::from(d - b'0')))
    };
    let sep = |at: usize, ok: &[u8]| b.get(at).is_some_and(|c| ok.contains(c));
    if !(sep(4, b"-") && sep(7, b"-") && sep(10, b"Tt ") && sep(13, b":") && sep(16, b":")) {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut i = 19;
    let mut micros = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            if i - start < 6 {
                micros = micros * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        if i == start {
            return None;
        }
        for _ in (i - start)..6 {
            micros *= 10;
        }
    }
    let offset_s = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        c @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            let s = h * 3600 + m * 60;
            if *c == b'+' { s } else { -s }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + minute * 60 + second - offset_s;
    Some(secs * 1_000_000 + micros)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_date_times() {
        assert_eq!(parse("12.5"), Ok(12_500_000));
        assert_eq!(parse(" 0 "), Ok(0));
        // `date -u -d @1563148800` = Mon Jul 15 00:00:00 UTC 2019.
        assert_eq!(parse("2019-07-15T00:00:00Z"), Ok(1_563_148_800_000_000));
        assert_eq!(parse("2019-07-15T08:00:00.25Z"), Ok(1_563_177_600_250_000));
        assert_eq!(
            parse("2019-07-15 10:00:00+02:00"),
            Ok(1_563_177_600_000_000)
        );
        assert_eq!(parse("1970-01-01T00:00:00.000001Z"), Ok(1));
        // 2000-03-01 is day 11,017 since the epoch (leap century).
        assert_eq!(
            parse("2000-03-01T00:00:00Z"),
            Ok(11_017 * 86_400 * 1_000_000)
        );
        assert_eq!(parse("1969-12-31T23:59:59Z"), Ok(-1_000_000));
    }

    #[test]
    fn rejects_malformed_times() {
        for bad in [
            "2019-13-01T00:00:00Z",
            "2019-02-29T00:00:00Z",
            "2019-07-15T24:00:00Z",
            "2019-07-15T00:00:00",
            "2019-07-15T00:00:00.Z",
            "yesterday",
            "inf",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
