//! Ticks drawn by hand: grid lines and labels at positions a chart chose (log axes, time
//! axes), round linear ticks ([`linear_ticks`]), and the "nice" steps of a time axis ([`time_step`]: 1, 2, 5, 10, 15 or 30 s or
//! min, 1, 2, 3, 6 or 12 h, 1, 2 or 7 days... whichever gives at most [`MAX_TIME_TICKS`]
//! intervals).

use std::error::Error;

use plotters::coord::CoordTranslate;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::style::{self, TimeUnit};
use crate::engine::time::{DAY, HOUR, MINUTE, Micros, SECOND};

/// Most intervals a time axis is cut into.
pub const MAX_TIME_TICKS: u64 = 12;

/// The steps a time axis may take, shortest first.
pub const TIME_STEPS: [Micros; 22] = [
    SECOND,
    2 * SECOND,
    5 * SECOND,
    10 * SECOND,
    15 * SECOND,
    30 * SECOND,
    MINUTE,
    2 * MINUTE,
    5 * MINUTE,
    10 * MINUTE,
    15 * MINUTE,
    30 * MINUTE,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
    14 * DAY,
    28 * DAY,
];

/// The shortest step of [`TIME_STEPS`] cutting `window` into at most [`MAX_TIME_TICKS`]
/// intervals (for windows beyond 28 days × 12, a whole number of 28-day steps).
pub fn time_step(window: Micros) -> Micros {
    TIME_STEPS
        .into_iter()
        .find(|&s| window.div_ceil(s) <= MAX_TIME_TICKS)
        .unwrap_or_else(|| window.div_ceil(MAX_TIME_TICKS).div_ceil(28 * DAY) * 28 * DAY)
}

/// The tick positions (in `unit`) of a time axis over `[0, window]`: every [`time_step`].
pub fn time_ticks(window: Micros, unit: TimeUnit) -> Vec<f64> {
    let step = time_step(window);
    (0..=window / step).map(|k| unit.of(k * step)).collect()
}

/// The title of a run's time axis: `time (h)`, or, when the run has a warm-up, the time
/// since measurement started (the charts show the measured part only, from its start).
pub fn time_desc(window: &crate::platform::Window, unit: TimeUnit) -> String {
    if window.warmup == 0 {
        format!("time ({})", unit.name)
    } else {
        format!(
            "time after the {} warm-up ({})",
            crate::units::format_duration(window.warmup),
            unit.name
        )
    }
}

/// Ticks of a linear axis over `[lo, hi]` (hi > lo): multiples of the 1-2-5 step that cuts
/// the range into at most eight intervals.
pub fn linear_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let step = super::log_axis::nice_up((hi - lo) / 8.0);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step * (1.0 + 1e-9)).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// Draws vertical grid lines at `xs` over the chart's y range `ys`, then their labels
/// (`label`) centred under the plot, on `root`.
pub fn draw_x_ticks<DB: DrawingBackend, CT>(
    chart: &mut ChartContext<'_, DB, CT>,
    root: &style::Area<DB>,
    xs: &[f64],
    ys: (f64, f64),
    label: &dyn Fn(f64) -> String,
) -> Result<(), Box<dyn Error + Send + Sync>>
where
    DB::ErrorType: 'static,
    CT: CoordTranslate<From = (f64, f64)>,
{
    for &x in xs {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, ys.0), (x, ys.1)],
            style::GRID_MID.stroke_width(1),
        )))?;
    }
    let font = style::tick_font().pos(Pos::new(HPos::Center, VPos::Top));
    for &x in xs {
        let (px, py) = chart.plotting_area().map_coordinate(&(x, ys.0));
        root.draw_text(&label(x), &font, (px, py + 8))?;
    }
    Ok(())
}

/// Draws horizontal grid lines at `ys` over the chart's x range `xs`, then their labels
/// (`label`) right-aligned left of the plot, on `root`.
pub fn draw_y_ticks<DB: DrawingBackend, CT>(
    chart: &mut ChartContext<'_, DB, CT>,
    root: &style::Area<DB>,
    ys: &[f64],
    xs: (f64, f64),
    label: &dyn Fn(f64) -> String,
) -> Result<(), Box<dyn Error + Send + Sync>>
where
    DB::ErrorType: 'static,
    CT: CoordTranslate<From = (f64, f64)>,
{
    for &y in ys {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(xs.0, y), (xs.1, y)],
            style::GRID_MID.stroke_width(1),
        )))?;
    }
    let font = style::tick_font().pos(Pos::new(HPos::Right, VPos::Center));
    for &y in ys {
        let (px, py) = chart.plotting_area().map_coordinate(&(xs.0, y));
        root.draw_text(&label(y), &font, (px - 8, py))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_warm_up_is_named_on_the_time_axis() {
        let mut window = crate::platform::Window {
            length: 8 * HOUR,
            bucket: MINUTE,
            month: 730 * HOUR,
            warmup: 0,
        };
        let unit = TimeUnit::for_window(window.measured());
        assert_eq!(time_desc(&window, unit), format!("time ({})", unit.name));
        window.warmup = 4 * HOUR;
        assert_eq!(
            time_desc(&window, unit),
            format!("time after the 4h warm-up ({})", unit.name)
        );
    }

    #[test]
    fn time_steps_are_round_and_few() {
        assert_eq!(time_step(DAY), 2 * HOUR);
        assert_eq!(time_step(8 * HOUR), HOUR);
        assert_eq!(time_step(6 * HOUR), 30 * MINUTE);
        assert_eq!(time_step(36 * HOUR), 3 * HOUR);
        assert_eq!(time_step(3 * DAY), 6 * HOUR);
        assert_eq!(time_step(10 * MINUTE), MINUTE);
        assert_eq!(time_step(30 * SECOND), 5 * SECOND);
        assert_eq!(time_step(365 * DAY), 56 * DAY);
        let unit = TimeUnit::for_window(DAY);
        let t = time_ticks(DAY, unit);
        assert_eq!(t.len(), 13);
        assert_eq!((t[1], t[12]), (2.0, 24.0));
        // A window that is not a whole number of steps ends with the last whole step.
        assert_eq!(
            *time_ticks(7 * HOUR, TimeUnit::for_window(7 * HOUR))
                .last()
                .unwrap(),
            7.0
        );
        assert_eq!(
            time_ticks(100 * MINUTE, TimeUnit::for_window(100 * MINUTE)).len(),
            11
        );
    }

    #[test]
    fn linear_ticks_are_round() {
        // 0 to 304.8: a step of nice_up(38.1) = 50.
        assert_eq!(
            linear_ticks(0.0, 304.8),
            [0.0, 50.0, 100.0, 150.0, 200.0, 250.0, 300.0]
        );
        assert_eq!(linear_ticks(0.0, 1.0).len(), 6); // 0, 0.2, .. 1.0
    }
}
