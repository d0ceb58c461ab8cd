//! Simulated time: integer microseconds since the start of the window.
//!
//! Floats never order events. Every model converts to [`Micros`] once, when the scenario is
//! validated or a trace row is read, and works in integers from then on.
//!
//! No time ever wraps around. Every duration a scenario gives is at most [`MAX_DURATION`]
//! (about ten years), and a request makes at most 10,000 backend operations, so any sum of
//! validated constants (arrival + init + execution + operations) stays below 2^62 µs. Random
//! draws from heavy-tailed distributions can still exceed any bound: models add times with
//! saturating arithmetic, a sum that would pass [`Micros::MAX`] (584,942 years) stops there,
//! and the run counts and reports such requests instead of wrapping them into small,
//! plausible numbers.

/// A point in simulated time, or a span of it, in microseconds.
pub type Micros = u64;

/// One millisecond.
pub const MS: Micros = 1_000;
/// One second.
pub const SECOND: Micros = 1_000_000;
/// One minute.
pub const MINUTE: Micros = 60 * SECOND;
/// One hour.
pub const HOUR: Micros = 60 * MINUTE;
/// One day.
pub const DAY: Micros = 24 * HOUR;
/// The longest duration a scenario may give (3650 days, about ten years): windows,
/// execution and latency parameters, timeouts, keep-alive, billing granularity.
pub const MAX_DURATION: Micros = 3650 * DAY;
/// The billing month when a scenario sets no `month`: 30.4375 days (365.25 / 12, 730.5 h).
/// The month in use is the scenario's (`crate::platform::Window::month`); pricing and reports
/// take it from there, never from this constant.
pub const DEFAULT_MONTH: Micros = 2_629_800 * SECOND;

/// Microseconds to seconds, for reports and prices.
pub fn as_secs(t: Micros) -> f64 {
    t as f64 / SECOND as f64
}

/// Microseconds to milliseconds, for reports.
pub fn as_ms(t: Micros) -> f64 {
    t as f64 / MS as f64
}

/// Seconds (finite, non-negative) to microseconds, rounded to the nearest microsecond.
#[inline]
pub fn from_secs(secs: f64) -> Micros {
    debug_assert!(secs.is_finite() && secs >= 0.0);
    round_non_negative(secs * SECOND as f64)
}

/// Milliseconds (finite, non-negative) to microseconds, rounded to the nearest microsecond.
#[inline]
pub fn from_ms(ms: f64) -> Micros {
    debug_assert!(ms.is_finite() && ms >= 0.0);
    round_non_negative(ms * MS as f64)
}

/// Rounds a non-negative value half up to an integer. `f64::round` is a libm call on most
/// targets; this inlines to an add and a conversion (which saturates, never panics).
#[inline]
pub fn round_non_negative(x: f64) -> Micros {
    (x + 0.5) as Micros
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_is_a_twelfth_of_a_julian_year() {
        assert_eq!(DEFAULT_MONTH * 12, 365 * DAY + 6 * HOUR);
    }

    #[test]
    fn conversions_round_to_the_microsecond() {
        assert_eq!(from_secs(1.5), 1_500_000);
        assert_eq!(from_ms(0.0004), 0);
        assert_eq!(from_ms(0.0006), 1);
        assert_eq!(as_ms(2_500), 2.5);
    }
}
