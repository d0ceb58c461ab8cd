//! Number formatting shared by every report, fixed so that output is byte-stable: latencies
//! in milliseconds with microsecond resolution, money with micro-dollar resolution.

use crate::engine::time::Micros;

/// Milliseconds with 3 decimals (µs resolution).
pub fn ms(us: Micros) -> String {
    format!("{:.3}", us as f64 / 1e3)
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
