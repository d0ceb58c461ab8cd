//! Gauge meters: levels (stored GB, monthly active users) integrated over time into the
//! quantity a price schedule bills per month (GB-months, user-months).
//!
//! Rule: a gauge's quantity over a span is **level x span / month** (the scenario's billing
//! month). A level held for the whole window W then records `level x W / month`, which the
//! month projection ([`crate::pricing::bill()`]) scales by `month / W` back to `level`: the
//! monthly quantity of a gauge is its **mean level over the window**, and its free allowance
//! and tiers apply to that mean (5 GB-months for storage growing linearly from 0 to 10 GB).
//!
//! A level starts at its meter's `initial` value at time 0 (the simulated window's start,
//! warm-up included) and changes by the amounts [`Recorder::gauge`] is given, never going
//! below 0. Each span between two changes is booked, spread evenly over the buckets it
//! covers, when it ends; [`Recorder::finish`] books the last span up to the window's end. A
//! change dated before the last one booked counts from its own time.
//! Time before a warm-up's end falls in the warm-up bucket and is dropped with it, as for
//! every other quantity; time after the window's end is not billed.

use super::Recorder;
use crate::engine::time::Micros;
use crate::pricing::{MeterKind, Meters};

/// One gauge: its meter, its level and since when the level has held.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Gauge {
    meter: usize,
    level: f64,
    since: Micros,
}

/// The gauges of one deployment and the month their quantities are measured in.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct GaugeSet {
    month: Micros,
    gauges: Vec<Gauge>,
}

impl GaugeSet {
    /// One gauge per [`MeterKind::Gauge`] meter of `meters`, at its initial level from time
    /// 0, quantities in level x `month` (greater than 0).
    pub fn new(meters: &Meters, month: Micros) -> Self {
        let gauges = meters
            .list
            .iter()
            .enumerate()
            .filter_map(|(meter, m)| match m.kind {
                MeterKind::Gauge { initial } => Some(Gauge {
                    meter,
                    level: initial.max(0.0),
                    since: 0,
                }),
                MeterKind::Counter => None,
            })
            .collect();
        Self { month, gauges }
    }

    /// The current level of the gauge of `meter` (`None`: no such gauge).
    pub fn level(&self, meter: usize) -> Option<f64> {
        self.gauges
            .iter()
            .find(|g| g.meter == meter)
            .map(|g| g.level)
    }
}

impl Recorder {
    /// The level of gauge meter `meter` changed by `delta` at `t` (a level never goes below
    /// 0). Books the span the old level held. A change dated before the last one booked (a
    /// FaaS call counts its operations when it starts, after its cold start, so calls may
    /// reach here out of time order) is booked from its own time: the span already booked
    /// since `t` gets the change too.
    pub fn gauge(&mut self, t: Micros, meter: usize, delta: f64) {
        let Some(at) = self.gauges.gauges.iter().position(|g| g.meter == meter) else {
            debug_assert!(false, "meter {meter} is not a gauge");
            return;
        };
        let since = self.gauges.gauges[at].since;
        if t >= since {
            self.book_gauge(at, t);
        }
        let g = &mut self.gauges.gauges[at];
        let old = g.level;
        g.level = (old + delta).max(0.0);
        let change = g.level - old;
        let window = self.window();
        let (from, to) = (t.min(window), since.min(window));
        if to > from && change != 0.0 {
            let month = self.gauges.month.max(1) as f64;
            self.usage_spread(meter, from, to, change * (to - from) as f64 / month);
        }
    }

    /// Books every gauge's level up to the window's end (called by [`Recorder::finish`]
    /// before a warm-up bucket is dropped).
    pub(super) fn close_gauges(&mut self) {
        for at in 0..self.gauges.gauges.len() {
            self.book_gauge(at, self.window());
        }
    }

    /// Books gauge `at`'s level from its `since` to `t` (both clamped to the window), and
    /// moves `since` to `t`.
    fn book_gauge(&mut self, at: usize, t: Micros) {
        let window = self.window();
        let month = self.gauges.month.max(1) as f64;
        let g = &mut self.gauges.gauges[at];
        let (from, to) = (g.since.min(window), t.min(window));
        g.since = g.since.max(t);
        let (meter, level) = (g.meter, g.level);
        if to > from && level > 0.0 {
            self.usage_spread(meter, from, to, level * (to - from) as f64 / month);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{DAY, HOUR};
    use crate::pricing::{Attribution, CostPart, PriceSchedule};

    fn one_gauge(initial: f64) -> (Meters, usize) {
        let mut meters = Meters::default();
        meters.add(
            &CostPart::new(10, "requests", "requests", Attribution::PerCall),
            "requests",
            "requests",
            PriceSchedule::free(),
        );
        let g = meters.add_gauge(
            &CostPart::new(50, "baas_db", "db", Attribution::PerCall),
            "storage",
            "GB-months",
            PriceSchedule::free(),
            initial,
        );
        (meters, g)
    }

    #[test]
    fn a_constant_level_books_level_times_window_over_month() {
        // 3 GB for 10 days of a 30-day month: 1 GB-month, 0.1 in each of the 10 day buckets.
        let (meters, g) = one_gauge(3.0);
        let mut rec = Recorder::new(10 * DAY, DAY, meters.len());
        rec.gauges = GaugeSet::new(&meters, 30 * DAY);
        rec.finish();
        assert!((rec.usage.total(g) - 1.0).abs() < 1e-12);
        for b in 0..10 {
            assert!((rec.usage.get(b, g) - 0.1).abs() < 1e-12, "bucket {b}");
        }
        assert_eq!(rec.usage.total(0), 0.0);
    }

    #[test]
    fn steps_book_each_span_at_its_level_and_never_below_zero() {
        // 1 GB from 0 to 6 h, 3 GB from 6 h to 12 h, 0 (not -1) from 12 h to 24 h; a 24 h
        // window, month 30 days. Area: 6 + 18 = 24 GB-hours = 24 / 720 GB-months; bucket 1
        // (6 h to 12 h) holds 18 / 720, bucket 2 and 3 nothing.
        let (meters, g) = one_gauge(1.0);
        let mut rec = Recorder::new(DAY, 6 * HOUR, meters.len());
        rec.gauges = GaugeSet::new(&meters, 30 * DAY);
        rec.gauge(6 * HOUR, g, 2.0);
        rec.gauge(12 * HOUR, g, -5.0);
        assert_eq!(rec.gauges.level(g), Some(0.0));
        rec.gauge(30 * HOUR, g, 4.0); // after the window: changes the level, books nothing
        rec.finish();
        let near = |a: f64, b: f64| (a - b).abs() < 1e-12;
        assert!(
            near(rec.usage.total(g), 24.0 / 720.0),
            "{}",
            rec.usage.total(g)
        );
        assert!(near(rec.usage.get(0, g), 6.0 / 720.0));
        assert!(near(rec.usage.get(1, g), 18.0 / 720.0));
        assert!(near(rec.usage.get(2, g) + rec.usage.get(3, g), 0.0));
    }

    #[test]
    fn a_change_dated_before_the_last_one_is_booked_from_its_own_time() {
        // 1 GB from the start, +2 GB at 12 h, then +2 GB dated 6 h (counted late): 1 GB over
        // [0, 6 h), 3 GB over [6 h, 12 h), 5 GB over [12 h, 24 h) = 6 + 18 + 60 = 84
        // GB-hours; month 720 h. Buckets of 6 h: 6, 18, 30, 30 GB-hours.
        let (meters, g) = one_gauge(1.0);
        let mut rec = Recorder::new(DAY, 6 * HOUR, meters.len());
        rec.gauges = GaugeSet::new(&meters, 30 * DAY);
        rec.gauge(12 * HOUR, g, 2.0);
        rec.gauge(6 * HOUR, g, 2.0);
        rec.finish();
        let want = [6.0, 18.0, 30.0, 30.0];
        for (b, w) in want.iter().enumerate() {
            let got = rec.usage.get(b, g) * 720.0;
            assert!(
                (got - w).abs() < 1e-9,
                "bucket {b}: {got} GB-hours, want {w}"
            );
        }
    }

    #[test]
    fn the_warm_up_keeps_the_level_and_drops_its_time() {
        // 2 GB from the start, +2 GB at 1 h (inside a 2 h warm-up), window 4 h, month 720 h:
        // the measured 2 h hold 4 GB = 8 GB-hours = 8 / 720 GB-months.
        let (meters, g) = one_gauge(2.0);
        let mut rec = Recorder::with_warmup(4 * HOUR, HOUR, meters.len(), 2 * HOUR);
        rec.gauges = GaugeSet::new(&meters, 720 * HOUR);
        rec.gauge(HOUR, g, 2.0);
        rec.finish();
        assert!((rec.usage.total(g) - 8.0 / 720.0).abs() < 1e-12);
        assert!((rec.usage.get(0, g) - 4.0 / 720.0).abs() < 1e-12);
    }
}
