//! Number formatting shared by every report, fixed so that output is byte-stable: latencies
//! in milliseconds with microsecond resolution, money with micro-dollar resolution.

use crate::engine::time::Micros;

/// Milliseconds with 3 decimals (µs resolution).
pub fn ms(us: Micros) -> String {
    format!("{:.3}", us as f64 / 1e3)
}

/// Milliseconds with 3 decimals, or an empty field when there is no value (a latency of a
/// deployment that completed nothing).
pub fn ms_or_blank(us: Option<Micros>) -> String {
    us.map(ms).unwrap_or_default()
}

/// Milliseconds from a fractional µs value, 3 decimals.
pub fn ms_f(us: f64) -> String {
    format!("{:.3}", us / 1e3)
}

/// US dollars with 6 decimals.
pub fn usd(v: f64) -> String {
    // `+ 0.0` turns an empty sum's -0.0 into 0.0.
    format!("{:.6}", v + 0.0)
}

/// A ratio or average with 6 decimals.
pub fn ratio(v: f64) -> String {
    format!("{v:.6}")
}

/// A quantity with up to 6 decimals.
pub fn quantity(v: f64) -> String {
    format!("{v:.6}")
}

/// Seconds from µs, exact: whole seconds without decimals, otherwise up to 6 decimals with
/// trailing zeros dropped (`300`, `0.5`, `1.000001`).
pub fn secs(us: Micros) -> String {
    let (whole, frac) = (us / 1_000_000, us % 1_000_000);
    if frac == 0 {
        whole.to_string()
    } else {
        let digits = format!("{frac:06}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_exact_and_short() {
        assert_eq!(secs(0), "0");
        assert_eq!(secs(300_000_000), "300");
        assert_eq!(secs(500_000), "0.5");
        assert_eq!(secs(1_000_001), "1.000001");
        assert_eq!(secs(12_340_000), "12.34");
    }

    #[test]
    fn money_never_prints_negative_zero() {
        assert_eq!(usd(-0.0), "0.000000");
        assert_eq!(usd(1.5), "1.500000");
        assert_eq!(ms(1_234), "1.234");
    }
}
