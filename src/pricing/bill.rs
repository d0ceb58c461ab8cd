//! The month projection: from quantities recorded over a window to a window cost and a
//! projected monthly cost.
//!
//! Rules (docs/models.md, "Month projection"), for a billing month of `month` (the scenario's
//! `month`, 30.4375 days unless it says otherwise):
//! - A window up to a month long is projected: each meter's quantity is scaled by
//!   `month / window`, free allowances and tiers are applied to that monthly total, and the
//!   window's cost is the monthly cost times `window / month` (the window's pro-rata share of
//!   the month, free allowance included).
//! - A daily free allowance (`free_per_day`) frees, day by day, each day's first units
//!   ([`crate::metrics::daily_allowance`]): a month frees the units it covered in that
//!   month's days, projected like the quantity (`x month / window` for a partial month), plus
//!   any monthly allowance; a quiet day lends nothing to a busy one.
//! - A longer window is billed month by month: buckets are grouped by the month their start
//!   falls in, each month is priced on its own (the last, partial one projected as above), and
//!   the monthly cost reported is the window cost divided by the number of months covered.
//! - Per-bucket costs (for cost-over-time charts) price each bucket's quantity at the average
//!   unit price its month ended up with, so they add up to the window cost.
//! - Each line keeps its working tier by tier ([`TierLine`]): the units used, free and
//!   billable in each tier's range, summed over the months priced (each month's share of the
//!   window weighting its projected quantities, as it weights its cost), so that in the window
//!   and per month, billable units x the tier's unit price = the tier's cost.

use super::meter::Meters;
use super::part::CostPart;
use super::schedule::TierCharge;
use crate::engine::time::{DAY, Micros};
use crate::metrics::Usage;

/// Days in a billing month of `month`, for daily free allowances (30.4375 for the default
/// month, 30.416... for 730 h).
pub fn days_in(month: Micros) -> f64 {
    month as f64 / DAY as f64
}

/// One priced meter of a deployment's bill.
#[derive(Clone, Debug, PartialEq)]
pub struct BillLine {
    /// The cost part of its meter.
    pub part: CostPart,
    pub meter: String,
    pub unit: String,
    /// Quantity used during the window.
    pub window_quantity: f64,
    /// The same, per month (average month for windows longer than one).
    pub monthly_quantity: f64,
    pub window_usd: f64,
    pub monthly_usd: f64,
    /// Free units of one billing month (monthly and daily allowances).
    pub free_allowance: f64,
    /// How the line was charged, one entry per tier its quantity reached (at least one).
    pub tiers: Vec<TierLine>,
}

/// What one tier of a line charged: in the window, and per month (the window's figure over
/// the months it covers, as for the line).
#[derive(Clone, Debug, PartialEq)]
pub struct TierLine {
    /// Index of the tier in its schedule (0 for a single price).
    pub tier: usize,
    /// The tier's range on the cumulative monthly quantity, `[from, up_to)`; `up_to` is
    /// infinite for the last tier.
    pub from: f64,
    pub up_to: f64,
    /// USD per unit.
    pub unit_price: f64,
    pub window: TierQuantities,
    pub monthly: TierQuantities,
}

/// Units used in a tier's range, of those the free ones, the billable ones (used - free +
/// package round-up), and their cost (billable x unit price).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct TierQuantities {
    pub used: f64,
    pub free: f64,
    pub billable: f64,
    pub usd: f64,
}

impl TierQuantities {
    fn add(&mut self, c: &TierCharge, weight: f64) {
        self.used += c.used * weight;
        self.free += c.free * weight;
        self.billable += c.billable * weight;
        self.usd += c.usd() * weight;
    }

    fn scaled(&self, k: f64) -> Self {
        Self {
            used: self.used * k,
            free: self.free * k,
            billable: self.billable * k,
            usd: self.usd * k,
        }
    }
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
    /// Monthly USD of every line in the column of stem `stem` (`instances`, `baas_db`...).
    pub fn monthly_usd_of(&self, stem: &str) -> f64 {
        self.lines
            .iter()
            .filter(|l| l.part.stem() == stem)
            .map(|l| l.monthly_usd)
            .sum()
    }
}

/// Prices `usage` (buckets of `bucket_len` over `window`) with `meters`, for a billing month
/// of `month` (greater than zero).
pub fn bill(
    meters: &Meters,
    usage: &Usage,
    window: Micros,
    bucket_len: Micros,
    month: Micros,
) -> Bill {
    let n_buckets = window.div_ceil(bucket_len) as usize;
    let months = window.div_ceil(month).max(1) as usize;
    let month_of = |b: usize| ((b as Micros * bucket_len) / month) as usize;
    let days = days_in(month);
    let mut bucket_usd = vec![0.0; n_buckets];
    let mut lines = Vec::with_capacity(meters.len());
    for (m, meter) in meters.list.iter().enumerate() {
        let mut quantity = vec![0.0; months];
        let mut daily_free: Vec<Option<f64>> = vec![None; months];
        for b in 0..n_buckets {
            quantity[month_of(b)] += usage.get(b, m);
            if let Some(covered) = usage.daily.covered(b, m) {
                *daily_free[month_of(b)].get_or_insert(0.0) += covered;
            }
        }
        // Average unit price per month, then cost per bucket.
        let mut window_usd = 0.0;
        let mut unit_price = vec![0.0; months];
        let mut tiers: Vec<TierLine> = Vec::new();
        for (k, &q) in quantity.iter().enumerate() {
            let start = k as Micros * month;
            let len = (start + month).min(window) - start;
            let share = len as f64 / month as f64;
            let charges = match &daily_free[k] {
                // Day by day: the units the daily allowance covered in this month.
                Some(covered) => meter
                    .schedule
                    .charges_with_free(q / share, meter.schedule.free_per_month + covered / share),
                None => meter.schedule.charges(q / share, days),
            };
            let month_usd = charges.iter().fold(0.0, |usd, c| usd + c.usd()) * share;
            window_usd += month_usd;
            unit_price[k] = if q > 0.0 { month_usd / q } else { 0.0 };
            for c in &charges {
                let at = match tiers.iter().position(|t| t.tier == c.tier) {
                    Some(at) => at,
                    None => {
                        tiers.push(TierLine {
                            tier: c.tier,
                            from: c.from,
                            up_to: c.up_to,
                            unit_price: c.unit_price,
                            window: TierQuantities::default(),
                            monthly: TierQuantities::default(),
                        });
                        tiers.len() - 1
                    }
                };
                tiers[at].window.add(c, share);
            }
        }
        for (b, usd) in bucket_usd.iter_mut().enumerate() {
            *usd += usage.get(b, m) * unit_price[month_of(b)];
        }
        let window_quantity: f64 = quantity.iter().sum();
        let months_covered = window as f64 / month as f64;
        for t in &mut tiers {
            t.monthly = t.window.scaled(1.0 / months_covered);
        }
        lines.push(BillLine {
            part: meter.part.clone(),
            meter: meter.name.clone(),
            unit: meter.unit.clone(),
            window_quantity,
            monthly_quantity: window_quantity / months_covered,
            window_usd,
            monthly_usd: window_usd / months_covered,
            free_allowance: meter.schedule.free_allowance(days),
            tiers,
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
    use crate::engine::time::{DEFAULT_MONTH, HOUR};
    use crate::metrics::Recorder;
    use crate::pricing::Attribution;
    use crate::pricing::schedule::{PriceSchedule, Tier};

    /// One requests meter at $0.20 per million with `free` requests free per month, and
    /// `requests` spread evenly over a window of `window` in buckets of `bucket`.
    fn requests_bill(
        free: f64,
        requests: f64,
        window: Micros,
        bucket: Micros,
        month: Micros,
    ) -> Bill {
        let mut meters = Meters::default();
        let m = meters.add(
            &CostPart::new(10, "requests", "requests", Attribution::PerCall),
            "requests",
            "requests",
            PriceSchedule::flat(0.2e-6).with_free_per_month(free),
        );
        let mut rec = Recorder::new(window, bucket, meters.len());
        rec.usage_spread(m, 0, window, requests);
        bill(&meters, &rec.usage, window, bucket, month)
    }

    #[test]
    fn a_day_projects_to_a_month_with_the_free_tier_applied_monthly() {
        // 1M requests in one day at $0.20/M with 1M free per month:
        // month = 30.4375M requests, 29.4375M billable = $5.8875; the day's share is 1/30.4375.
        let b = requests_bill(1e6, 1e6, DAY, DAY / 24, DEFAULT_MONTH);
        assert!((b.monthly_usd - 5.8875).abs() < 1e-9, "{}", b.monthly_usd);
        assert!((b.window_usd - 5.8875 / 30.4375).abs() < 1e-9);
        let sum: f64 = b.bucket_usd.iter().sum();
        assert!((sum - b.window_usd).abs() < 1e-9);
        assert!((b.lines[0].monthly_quantity - 30.4375e6).abs() < 1e-3);
    }

    #[test]
    fn the_month_length_scales_the_projection_and_keeps_the_free_allowance_monthly() {
        // The same day with a 730 h month: 1M x 730/24 = 30.416667M requests a month,
        // 29.416667M billable x $0.20/M = $5.883333; the window is 24/730 of it = $0.193425.
        let b = requests_bill(1e6, 1e6, DAY, HOUR, 730 * HOUR);
        let want = (730.0 / 24.0 - 1.0) * 0.2;
        assert!((b.monthly_usd - want).abs() < 1e-9, "{}", b.monthly_usd);
        assert!((want - 5.883_333_333).abs() < 1e-9);
        assert!((b.window_usd - want * 24.0 / 730.0).abs() < 1e-12);
        assert!((b.lines[0].monthly_quantity - 1e6 * 730.0 / 24.0).abs() < 1e-3);
        // With a 30-day month: 30M a month, 29M billable = $5.80; the day is 1/30 of it.
        let b = requests_bill(1e6, 1e6, DAY, HOUR, 30 * DAY);
        assert!((b.monthly_usd - 5.8).abs() < 1e-9, "{}", b.monthly_usd);
        assert!((b.window_usd - 5.8 / 30.0).abs() < 1e-12);
    }

    #[test]
    fn a_daily_quota_counts_the_days_of_the_configured_month() {
        // 50,000 free a day at $0.10/M, 2M uses in one day, month = 30 days: 60M a month,
        // 30 x 50,000 = 1.5M free, 58.5M billable = $5.85; the day pays (2M - 50,000) x
        // $0.10/M = $0.195, exactly one day's quota free.
        let mut meters = Meters::default();
        let schedule = PriceSchedule {
            free_per_day: 50_000.0,
            ..PriceSchedule::flat(0.1e-6)
        };
        let m = meters.add(
            &CostPart::new(10, "requests", "requests", Attribution::PerCall),
            "reads",
            "reads",
            schedule,
        );
        let mut rec = Recorder::new(DAY, HOUR, meters.len());
        rec.usage_spread(m, 0, DAY, 2e6);
        let b = bill(&meters, &rec.usage, DAY, HOUR, 30 * DAY);
        assert!((b.monthly_usd - 5.85).abs() < 1e-9, "{}", b.monthly_usd);
        assert!((b.window_usd - 0.195).abs() < 1e-12, "{}", b.window_usd);
        assert!((days_in(30 * DAY) - 30.0).abs() < 1e-15);
        assert!((days_in(DEFAULT_MONTH) - 30.4375).abs() < 1e-15);
    }

    #[test]
    fn windows_longer_than_a_month_are_billed_month_by_month() {
        // Two months of 3M requests each, 1M free per month: 2 x 2M billable x $0.20/M.
        for month in [DEFAULT_MONTH, 730 * HOUR, 28 * DAY] {
            let b = requests_bill(1e6, 6e6, 2 * month, month / 10, month);
            assert!((b.window_usd - 0.8).abs() < 1e-9, "{}", b.window_usd);
            assert!((b.monthly_usd - 0.4).abs() < 1e-9);
        }
        // 1.5 months of 730 h (1,095 h) with 1.5M requests a month, 1M free: the whole month
        // pays 0.5M; the half month projects 0.75M to 1.5M, pays 0.5M x 1/2. Window:
        // (0.5M + 0.25M) x $0.20/M = $0.15; monthly = $0.15 / 1.5 = $0.10.
        let b = requests_bill(1e6, 2.25e6, 1_095 * HOUR, 73 * HOUR, 730 * HOUR);
        assert!((b.window_usd - 0.15).abs() < 1e-9, "{}", b.window_usd);
        assert!((b.monthly_usd - 0.1).abs() < 1e-9, "{}", b.monthly_usd);
    }

    #[test]
    fn each_tier_line_multiplies_out_in_the_window_and_per_month() {
        // 1,000 units free, then $1 up to 3,000 and $0.5 beyond; 5,000 units in half a month:
        // 10,000 a month, 2,000 billable at $1 (1,000 free) and 7,000 at $0.5 = $5,500 a month,
        // $2,750 in the window, whose tier quantities are half the monthly ones.
        let mut meters = Meters::default();
        let schedule = PriceSchedule {
            tiers: vec![
                Tier {
                    up_to: 3_000.0,
                    unit_price: 1.0,
                },
                Tier {
                    up_to: f64::INFINITY,
                    unit_price: 0.5,
                },
            ],
            ..PriceSchedule::flat(0.0).with_free_per_month(1_000.0)
        };
        let m = meters.add(
            &CostPart::new(10, "requests", "requests", Attribution::PerCall),
            "ops",
            "ops",
            schedule,
        );
        let window = DEFAULT_MONTH / 2;
        let mut rec = Recorder::new(window, window / 4, meters.len());
        rec.usage_spread(m, 0, window, 5_000.0);
        let b = bill(&meters, &rec.usage, window, window / 4, DEFAULT_MONTH);
        let line = &b.lines[0];
        assert_eq!(line.free_allowance, 1_000.0);
        assert!((line.monthly_usd - 5_500.0).abs() < 1e-9);
        let t = &line.tiers;
        assert_eq!(t.len(), 2);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(close(t[0].monthly.used, 3_000.0) && close(t[0].monthly.free, 1_000.0));
        assert!(close(t[0].monthly.billable, 2_000.0) && close(t[0].monthly.usd, 2_000.0));
        assert!(close(t[1].monthly.used, 7_000.0) && close(t[1].monthly.billable, 7_000.0));
        assert!(close(t[1].monthly.usd, 3_500.0) && close(t[1].window.usd, 1_750.0));
        assert!(close(t[0].window.billable, 1_000.0) && close(t[0].window.free, 500.0));
        assert_eq!((t[1].from, t[1].unit_price), (3_000.0, 0.5));
    }

    #[test]
    fn months_billed_one_by_one_add_their_tier_quantities() {
        // Two months: 3M, then 1M requests at $0.20/M with 1M free each month. Month 1 bills
        // 2M, month 2 nothing: in the window 2M billable and 2M free = $0.40; per month half.
        let mut meters = Meters::default();
        let m = meters.add(
            &CostPart::new(10, "requests", "requests", Attribution::PerCall),
            "requests",
            "requests",
            PriceSchedule::flat(0.2e-6).with_free_per_month(1e6),
        );
        let month = DEFAULT_MONTH;
        let mut rec = Recorder::new(2 * month, month, meters.len());
        rec.usage_spread(m, 0, month, 3e6);
        rec.usage_spread(m, month, 2 * month, 1e6);
        let b = bill(&meters, &rec.usage, 2 * month, month, month);
        let t = &b.lines[0].tiers;
        assert_eq!(t.len(), 1);
        assert!((t[0].window.billable - 2e6).abs() < 1e-6);
        assert!((t[0].window.free - 2e6).abs() < 1e-6);
        assert!((t[0].window.usd - 0.4).abs() < 1e-12);
        assert!((t[0].monthly.billable - 1e6).abs() < 1e-6);
        assert!((t[0].monthly.usd - b.lines[0].monthly_usd).abs() < 1e-12);
    }
}
