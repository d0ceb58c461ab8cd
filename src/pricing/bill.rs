//! The month projection: from quantities recorded over a window to a window cost and a
//! projected monthly cost.
//!
//! Rules (docs/models.md, "Month projection"):
//! - The billing month is 30.4375 days ([`MONTH`]).
//! - A window up to a month long is projected: each meter's quantity is scaled by
//!   `MONTH / window`, free allowances and tiers are applied to that monthly total, and the
//!   window's cost is the monthly cost times `window / MONTH` (the window's pro-rata share of
//!   the month, free allowance included).
//! - A longer window is billed month by month: buckets are grouped by the month their start
//!   falls in, each month is priced on its own (the last, partial one projected as above), and
//!   the monthly cost reported is the window cost divided by the number of months covered.
//! - Per-bucket costs (for cost-over-time charts) price each bucket's quantity at the average
//!   unit price its month ended up with, so they add up to the window cost.

use super::meter::{Component, Meters};
use crate::engine::time::{DAY, MONTH, Micros};
use crate::metrics::Usage;

/// Days in the billing month, for daily free allowances.
pub const DAYS_PER_MONTH: f64 = MONTH as f64 / DAY as f64;

/// One priced meter of a deployment's bill.
#[derive(Clone, Debug, PartialEq)]
pub struct BillLine {
    pub component: Component,
    pub meter: String,
    pub unit: String,
    /// Quantity used during the window.
    pub window_quantity: f64,
    /// The same, per month (average month for windows longer than one).
    pub monthly_quantity: f64,
    pub window_usd: f64,
    pub monthly_usd: f64,
}

/// The priced result of one deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct Bill {
    pub lines: Vec<BillLine>,
    pub window_usd: f64,
    pub monthly_usd: f64,
    /// Window cost accrued in each bucket.
    pub bucket_usd: Vec<f64>,
}

impl Bill {
    /// Monthly USD of every line of `component`.
    pub fn monthly_usd_of(&self, component: &Component) -> f64 {
        self.lines
            .iter()
            .filter(|l| &l.component == component)
            .map(|l| l.monthly_usd)
            .sum()
    }
}

/// Prices `usage` (buckets of `bucket_len` over `window`) with `meters`.
pub fn bill(meters: &Meters, usage: &Usage, window: Micros, bucket_len: Micros) -> Bill {
    let n_buckets = window.div_ceil(bucket_len) as usize;
    let months = window.div_ceil(MONTH).max(1) as usize;
    let month_of = |b: usize| ((b as Micros * bucket_len) / MONTH) as usize;
    let mut bucket_usd = vec![0.0; n_buckets];
    let mut lines = Vec::with_capacity(meters.len());
    for (m, meter) in meters.list.iter().enumerate() {
        let mut quantity = vec![0.0; months];
        for b in 0..n_buckets {
            quantity[month_of(b)] += usage.get(b, m);
        }
        // Average unit price per month, then cost per bucket.
        let mut window_usd = 0.0;
        let mut unit_price = vec![0.0; months];
        for (k, &q) in quantity.iter().enumerate() {
            let start = k as Micros * MONTH;
            let len = (start + MONTH).min(window) - start;
            let share = len as f64 / MONTH as f64;
            let month_usd = meter.schedule.cost(q / share, DAYS_PER_MONTH) * share;
            window_usd += month_usd;
            unit_price[k] = if q > 0.0 { month_usd / q } else { 0.0 };
        }
        for (b, usd) in bucket_usd.iter_mut().enumerate() {
            *usd += usage.get(b, m) * unit_price[month_of(b)];
        }
        let window_quantity: f64 = quantity.iter().sum();
        let months_covered = window as f64 / MONTH as f64;
        lines.push(BillLine {
            component: meter.component.clone(),
            meter: meter.name.clone(),
            unit: meter.unit.clone(),
            window_quantity,
            monthly_quantity: window_quantity / months_covered,
            window_usd,
            monthly_usd: window_usd / months_covered,
        });
    }
    let window_usd = lines.iter().map(|l| l.window_usd).sum();
    let monthly_usd = lines.iter().map(|l| l.monthly_usd).sum();
    Bill {
        lines,
        window_usd,
        monthly_usd,
        bucket_usd,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::Recorder;
    use crate::pricing::schedule::PriceSchedule;

    #[test]
    fn a_day_projects_to_a_month_with_the_free_tier_applied_monthly() {
        // 1M requests in one day at $0.20/M with 1M free per month:
        // month = 30.4375M requests, 29.4375M billable = $5.8875; the day's share is 1/30.4375.
        let mut meters = Meters::default();
        let m = meters.add(
            Component::Requests,
            "requests",
            "requests",
            PriceSchedule::flat(0.2e-6).with_free_per_month(1e6),
        );
        let mut rec = Recorder::new(DAY, DAY / 24, meters.len());
        rec.usage_spread(m, 0, DAY, 1e6);
        let b = bill(&meters, &rec.usage, DAY, DAY / 24);
        assert!((b.monthly_usd - 5.8875).abs() < 1e-9, "{}", b.monthly_usd);
        assert!((b.window_usd - 5.8875 / DAYS_PER_MONTH).abs() < 1e-9);
        let sum: f64 = b.bucket_usd.iter().sum();
        assert!((sum - b.window_usd).abs() < 1e-9);
        assert!((b.lines[0].monthly_quantity - 30.4375e6).abs() < 1e-3);
    }

    #[test]
    fn windows_longer_than_a_month_are_billed_month_by_month() {
        // Two months of 3M requests each, 1M free per month: 2 x 2M billable x $0.20/M.
        let mut meters = Meters::default();
        let m = meters.add(
            Component::Requests,
            "requests",
            "requests",
            PriceSchedule::flat(0.2e-6).with_free_per_month(1e6),
        );
        let window = 2 * MONTH;
        let bucket = MONTH / 10;
        let mut rec = Recorder::new(window, bucket, 1);
        rec.usage_spread(m, 0, window, 6e6);
        let b = bill(&meters, &rec.usage, window, bucket);
        assert!((b.window_usd - 0.8).abs() < 1e-9, "{}", b.window_usd);
        assert!((b.monthly_usd - 0.4).abs() < 1e-9);
    }
}
