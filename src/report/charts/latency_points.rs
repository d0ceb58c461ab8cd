//! The numbers `latency_cdf.png` draws ([`super::latency_cdf`]), from a deployment's latency
//! histogram: the body panel's CDF points, the tail panel's complementary points from p90
//! down to one request, the share of requests faster than the axis floor, and the two axes'
//! ranges (the latency axis from the lowest p1, the tail axis down to one request).

use super::log_axis::{nice_down, nice_up};
use crate::metrics::LatencyStats;
use crate::report::latency::latency_at;

/// The lowest the latency axis may start (ms): one microsecond, the clock's resolution.
pub const CLOCK_MS: f64 = 1e-3;
/// The lowest the latency axis starts unless a median is faster than 10 ms.
pub const USUAL_FLOOR_MS: f64 = 1.0;
/// The top of the tail panel: 10% slower, p90.
pub const TAIL_TOP: f64 = 0.1;
/// The lowest share the tail panel shows: p99.9999.
pub const TAIL_BOTTOM: f64 = 1e-6;

/// `stats`' latency in ms at quantile `q`, drawn no lower than `floor` ms.
pub fn at(stats: &LatencyStats, q: f64, floor: f64) -> Option<f64> {
    latency_at(stats, q).map(|us| (us as f64 / 1e3).max(floor))
}

/// Appends `(x, y)`, replacing the last point when the last two points and this one share
/// their `x` (the histogram's resolution makes the distribution a staircase; the middle
/// points of a vertical run add nothing but ink).
fn push_step(points: &mut Vec<(f64, f64)>, x: f64, y: f64) {
    let n = points.len();
    if n >= 2 && points[n - 1].0 == x && points[n - 2].0 == x {
        points[n - 1].1 = y;
    } else {
        points.push((x, y));
    }
}

/// The body panel's points (latency ms, share at or below), in increasing order: every 0.2%
/// up to 99%, then every 0.01% to 100%; latencies below `floor` ms are drawn at `floor`.
/// Empty when nothing completed.
pub fn cdf_points(stats: &LatencyStats, floor: f64) -> Vec<(f64, f64)> {
    let body = (0..495).map(|k| k as f64 / 500.0);
    let tail = (9_900..=10_000).map(|k| k as f64 / 10_000.0);
    let mut points = Vec::new();
    for q in body.chain(tail) {
        let Some(ms) = at(stats, q, floor) else {
            break;
        };
        push_step(&mut points, ms, q);
    }
    points
}

/// The tail panel's points (latency ms, share slower), from p90 on: twenty points a decade
/// of the share down to one request (1 / count) or [`TAIL_BOTTOM`], whichever is higher, and
/// the largest latency at 1 / count when that is on the panel. Empty when nothing completed.
pub fn tail_points(stats: &LatencyStats, floor: f64) -> Vec<(f64, f64)> {
    let one = 1.0 / stats.count().max(1) as f64;
    let bottom = one.max(TAIL_BOTTOM);
    let mut points = Vec::new();
    for k in 0.. {
        let share = TAIL_TOP * 10f64.powf(-(k as f64) / 20.0);
        if share < bottom * (1.0 - 1e-9) {
            break;
        }
        let Some(ms) = at(stats, 1.0 - share, floor) else {
            return points;
        };
        push_step(&mut points, ms, share);
    }
    if one >= TAIL_BOTTOM
        && let Some(ms) = at(stats, 1.0, floor)
    {
        match points.last_mut() {
            Some(last) if (last.1 - one).abs() <= one * 1e-9 => last.0 = ms,
            _ => push_step(&mut points, ms, one),
        }
    }
    points
}

/// Share of `stats`' completed requests faster than `floor` ms (to within 2^-30), found by
/// bisection on the quantile.
pub fn share_below(stats: &LatencyStats, floor: f64) -> f64 {
    let below = |q: f64| latency_at(stats, q).is_some_and(|us| (us as f64 / 1e3) < floor);
    if !below(0.0) {
        return 0.0;
    }
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..30 {
        let mid = (lo + hi) / 2.0;
        if below(mid) { lo = mid } else { hi = mid }
    }
    lo
}

/// The latency axis `[floor, top]` (ms) for the deployments that completed something: from
/// the lowest p1 rounded down to 1, 2 or 5 x 10^k, no lower than 1 ms unless a median is under
/// 10 ms (then no lower than a tenth of it, nor than 1 µs), to the largest latency rounded up
/// (at least one decade); 1 ms to 1 s when none completed.
pub fn x_range(stats: &[&LatencyStats]) -> (f64, f64) {
    let ms = |s: &&LatencyStats, q| latency_at(s, q).map(|us| us as f64 / 1e3);
    let lowest = |q| {
        stats
            .iter()
            .filter_map(|s| ms(s, q))
            .fold(f64::INFINITY, f64::min)
    };
    let (p1, p50) = (lowest(0.01), lowest(0.5));
    let max = stats.iter().filter_map(|s| ms(s, 1.0)).fold(0.0, f64::max);
    if !p1.is_finite() {
        return (USUAL_FLOOR_MS, 1_000.0);
    }
    let limit = if p50 < 10.0 * USUAL_FLOOR_MS {
        (p50 / 10.0).max(CLOCK_MS)
    } else {
        USUAL_FLOOR_MS
    };
    let floor = nice_down(p1.max(limit));
    (floor, nice_up(max.max(floor)).max(floor * 10.0))
}

/// The tail panel's lowest share: the power of ten at or below one request of the largest
/// deployment, and no lower than [`TAIL_BOTTOM`]; two decades below the top when nothing
/// completed.
pub fn tail_bottom(stats: &[&LatencyStats]) -> f64 {
    let most = stats.iter().map(|s| s.count()).max().unwrap_or(0);
    if most == 0 {
        return TAIL_TOP / 100.0;
    }
    let one = 1.0 / most as f64;
    10f64
        .powf(one.log10().floor())
        .clamp(TAIL_BOTTOM, TAIL_TOP / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(from: u64, to: u64, step: u64, zeros: u64) -> LatencyStats {
        let mut s = LatencyStats::new();
        (0..zeros).for_each(|_| s.record(0));
        (from..=to).step_by(step as usize).for_each(|v| s.record(v));
        s
    }

    #[test]
    fn cdf_points_rise_from_the_minimum_to_the_maximum() {
        let s = stats(1_000, 1_000_000, 1_000, 0); // 1 ms .. 1 s
        let p = cdf_points(&s, CLOCK_MS);
        assert!(p.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 < w[1].1));
        assert_eq!(p[0], (1.0, 0.0));
        assert_eq!(*p.last().unwrap(), (1_000.0, 1.0));
        // The median of 1..1000 ms is 500 ms, within the histogram's 0.1%.
        let median = p.iter().find(|q| (q.1 - 0.5).abs() < 1e-9).unwrap().0;
        assert!((median - 500.0).abs() <= 0.5, "{median}");
        assert!(cdf_points(&LatencyStats::new(), 1.0).is_empty());
        // A floor of 100 ms draws the first 10% at 100 ms.
        let p = cdf_points(&s, 100.0);
        assert_eq!(p[0], (100.0, 0.0));
        assert!(p.iter().all(|q| q.0 >= 100.0));
    }

    #[test]
    fn the_tail_runs_from_p90_to_the_slowest_request() {
        let s = stats(1_000, 1_000_000, 1_000, 0); // 1000 requests, 1 ms .. 1 s
        let p = tail_points(&s, CLOCK_MS);
        // p90 of 1..1000 ms is 900 ms; one request in 1000 is a share of 0.001, the max 1 s.
        assert!(
            (p[0].0 - 900.0).abs() <= 1.0 && p[0].1 == TAIL_TOP,
            "{:?}",
            p[0]
        );
        assert_eq!(*p.last().unwrap(), (1_000.0, 0.001));
        assert!(p.windows(2).all(|w| w[0].0 <= w[1].0 && w[0].1 > w[1].1));
        // p99 (share 0.01) is 990 ms.
        let p99 = p.iter().find(|q| (q.1 - 0.01).abs() < 1e-12).unwrap().0;
        assert!((p99 - 990.0).abs() <= 1.0, "{p99}");
        assert!(tail_points(&LatencyStats::new(), 1.0).is_empty());
    }

    #[test]
    fn the_axis_starts_at_the_lowest_p1_and_clamps_zero_latencies() {
        // 1..1000 ms: p1 = 10 ms, max 1 s.
        let a = stats(1_000, 1_000_000, 1_000, 0);
        let (lo, hi) = x_range(&[&a]);
        assert!((lo - 10.0).abs() < 1e-9 && hi == 1_000.0, "{lo} {hi}");
        // 5% of requests at 0 ms, the rest 500 ms .. 1.5 s: p1 is 0, so the axis starts at
        // 1 ms, and 5% are faster than it.
        let b = stats(500_000, 1_500_000, 1_000, 53);
        assert_eq!(x_range(&[&a, &b]), (1.0, 2_000.0));
        let share = share_below(&b, 1.0);
        assert!((share - 53.0 / 1054.0).abs() < 1e-6, "{share}");
        assert_eq!(share_below(&a, 1.0), 0.0);
        // A sub-millisecond service (100 .. 1000 µs, median 0.55 ms): from 0.1 ms.
        let c = stats(100, 1_000, 1, 0);
        let (lo, hi) = x_range(&[&c]);
        assert!(
            (lo - 0.1).abs() < 1e-12 && (hi - 1.0).abs() < 1e-12,
            "{lo} {hi}"
        );
        assert_eq!(x_range(&[&LatencyStats::new()]), (1.0, 1_000.0));
    }

    #[test]
    fn the_tail_axis_reaches_one_request_of_the_largest_deployment() {
        let small = stats(1_000, 100_000, 1_000, 0); // 100 requests
        let large = stats(1, 30_000, 1, 0); // 30,000
        assert_eq!(tail_bottom(&[&small]), 0.01);
        assert!((tail_bottom(&[&small, &large]) - 1e-5).abs() < 1e-18);
        assert_eq!(tail_bottom(&[]), 0.001);
    }
}
