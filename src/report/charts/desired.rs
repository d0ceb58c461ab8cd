//! The autoscaler's decisions on an `instances.png` strip ([`super::instances`]): the
//! desired instance count as a step line in [`DESIRED`], and each scale event as a marker on
//! it where the count changed (a filled triangle for a scale-out, a cross for a scale-in),
//! from the recorder's [`ScalingTrace`]. A deployment without `autoscale` draws nothing.

use plotters::prelude::*;

use super::style::{self, DrawResult, TimeUnit};
use crate::metrics::ScalingTrace;

/// Colour of the autoscaler's desired count and its scale events.
pub const DESIRED: RGBColor = RGBColor(150, 0, 90);

/// Size of a scale event's marker, in pixels.
const EVENT_MARK: u32 = 6;

/// Step points (time in `unit`, count) of the desired instance count of `trace`, held from
/// each change to the next and the last to `end` (in `unit`); none without autoscaling.
pub fn desired_steps(trace: &ScalingTrace, unit: TimeUnit, end: f64) -> Vec<(f64, f64)> {
    let mut points = Vec::with_capacity(2 * trace.changes.len());
    for (k, c) in trace.changes.iter().enumerate() {
        let until = trace
            .changes
            .get(k + 1)
            .map_or(end, |next| unit.of(next.at).min(end));
        let value = f64::from(c.desired);
        points.push((unit.of(c.at).min(end), value));
        points.push((until, value));
    }
    points
}

/// Draws `steps` (from [`desired_steps`]) and the scale events of `trace` on `chart`.
pub fn draw<DB: DrawingBackend>(
    chart: &mut style::XyChart<'_, DB>,
    trace: &ScalingTrace,
    steps: Vec<(f64, f64)>,
    unit: TimeUnit,
    end: f64,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    if !trace.is_autoscaled() {
        return Ok(());
    }
    chart.draw_series(LineSeries::new(steps, DESIRED.stroke_width(2)))?;
    let mut before = trace.changes[0].desired;
    for e in trace.events() {
        let at = (unit.of(e.at).min(end), f64::from(e.desired));
        if e.desired > before {
            chart.draw_series([TriangleMarker::new(at, EVENT_MARK, DESIRED.filled())])?;
        } else {
            chart.draw_series([Cross::new(at, EVENT_MARK, DESIRED.stroke_width(2))])?;
        }
        before = e.desired;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn desired_steps_hold_each_count_until_the_next_change() {
        let mut trace = ScalingTrace::default();
        trace.desired(0, 2);
        trace.desired(90 * 1_000_000, 4);
        let unit = TimeUnit::for_window(150 * 1_000_000);
        let end = unit.of(150 * 1_000_000);
        assert_eq!(
            desired_steps(&trace, unit, end),
            [(0.0, 2.0), (1.5, 2.0), (1.5, 4.0), (2.5, 4.0)]
        );
    }
}
