//! Number formatting shared by every report, fixed so that output is byte-stable: latencies
//! in milliseconds with microsecond resolution, money with micro-dollar resolution, quantities
//! with up to 6 decimals (a whole count is written as an integer), unit prices to 10
//! significant digits, and the billing month every report states.

use crate::engine::time::{DAY, HOUR, Micros};

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

/// US dollars with 6 decimals; never `-0.000000` (an empty sum's -0.0, or a rounding
/// residue of a difference, just below zero).
pub fn usd(v: f64) -> String {
    let v = if v.abs() < 5e-7 { 0.0 } else { v };
    format!("{v:.6}")
}

/// A ratio or average with 6 decimals.
pub fn ratio(v: f64) -> String {
    format!("{v:.6}")
}

/// A quantity with 6 decimals or 10 significant digits, whichever is more, trailing zeros
/// dropped: a whole count is an integer (`2279584`, `76729.6185`, `0.1666666667`,
/// `0.0002281542323`), and a small fraction (a 10-minute window is 0.000228 months) keeps its
/// precision.
pub fn quantity(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return trimmed(v + 0.0, 0);
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (9 - magnitude).clamp(6, 30) as usize;
    trimmed(v, decimals)
}

/// A unit price to 10 significant digits, trailing zeros dropped and never in exponent form
/// (`0.0000166667`, `0.0000002`, `16.43`, `0`): exact for every published price, so that
/// billable units x this price gives the cost to far below a cent.
pub fn price(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return trimmed(v + 0.0, 0);
    }
    let magnitude = v.abs().log10().floor() as i32;
    let decimals = (9 - magnitude).clamp(0, 30) as usize;
    trimmed(v, decimals)
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

/// `x` with at most `decimals` decimals, trailing zeros (and a bare point) dropped: `730`,
/// `730.5`, `30.4167`.
fn trimmed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// The length of the billing month in hours, as the `month_hours` CSV columns give it: up to
/// 6 decimals, trailing zeros dropped (`730.5`, `730`, `720`).
pub fn month_hours(month: Micros) -> String {
    trimmed(month as f64 / HOUR as f64, 6)
}

/// The line every text report prints about the month its monthly figures are per:
/// `month = 730.5 h (30.4375 days)`.
pub fn month_line(month: Micros) -> String {
    format!(
        "month = {} h ({} days)",
        trimmed(month as f64 / HOUR as f64, 4),
        trimmed(month as f64 / DAY as f64, 4)
    )
}

/// The measured part of `window`, `"4h to 8h"`, when it has a warm-up (`None` without).
pub fn measured_range(window: &crate::platform::Window) -> Option<String> {
    (window.warmup > 0).then(|| {
        format!(
            "{} to {}",
            crate::units::format_duration(window.warmup),
            crate::units::format_duration(window.length)
        )
    })
}

/// The line every report prints for a run with a warm-up (`None` without).
pub fn measured_line(window: &crate::platform::Window) -> Option<String> {
    measured_range(window).map(|range| {
        format!(
            "measured from {range} (the {} warm-up is simulated, not measured: every figure \
             and the month projection cover the measured part)",
            crate::units::format_duration(window.warmup)
        )
    })
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
        assert_eq!(usd(-1e-17), "0.000000");
        assert_eq!(usd(-0.000_001), "-0.000001");
        assert_eq!(usd(1.5), "1.500000");
        assert_eq!(ms(1_234), "1.234");
    }

    #[test]
    fn quantities_drop_trailing_zeros_and_counts_are_integers() {
        assert_eq!(quantity(2_279_584.0), "2279584");
        assert_eq!(quantity(76_729.618_5), "76729.6185");
        assert_eq!(quantity(1.0 / 6.0), "0.1666666667");
        assert_eq!(quantity(600.0 / 2_629_800.0), "0.0002281542323");
        assert_eq!(quantity(123_456_789.123_456_7), "123456789.123457");
        assert_eq!(quantity(-0.0), "0");
        assert_eq!(quantity(0.0), "0");
    }

    #[test]
    fn prices_keep_ten_significant_digits_without_exponents() {
        assert_eq!(price(0.000_016_666_7), "0.0000166667");
        assert_eq!(price(0.2 / 1e6), "0.0000002");
        assert_eq!(price(0.25 / 1e6), "0.00000025");
        assert_eq!(price(16.43), "16.43");
        assert_eq!(price(0.0416 * 0.7), "0.02912");
        assert_eq!(price(1_234_567.0), "1234567");
        assert_eq!(price(0.0), "0");
    }

    #[test]
    fn the_month_is_written_in_hours_and_days_without_trailing_zeros() {
        // 30.4375 d = 730.5 h; 730 h = 30.41666... d; 30 d = 720 h; 28 d = 672 h.
        assert_eq!(month_hours(2_629_800 * 1_000_000), "730.5");
        assert_eq!(month_hours(730 * HOUR), "730");
        assert_eq!(month_hours(30 * DAY), "720");
        assert_eq!(month_hours(730 * HOUR + 1), "730");
        assert_eq!(month_hours(730 * HOUR + 3_600), "730.000001");
        assert_eq!(
            month_line(2_629_800 * 1_000_000),
            "month = 730.5 h (30.4375 days)"
        );
        assert_eq!(month_line(730 * HOUR), "month = 730 h (30.4167 days)");
        assert_eq!(month_line(28 * DAY), "month = 672 h (28 days)");
    }
}
