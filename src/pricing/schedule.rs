//! The one price mechanism: a free allowance followed by volume tiers.
//!
//! FaaS requests and GB-s, BaaS operations, API-gateway requests, storage and instance-hours
//! are all priced by a [`PriceSchedule`] applied to a *monthly total*, never per request.
//!
//! Rule: tier thresholds (`up_to`) are on the cumulative monthly quantity, free units
//! included; the free allowance covers the first units. So with 400,000 free GB-s and a first
//! tier up to 6 billion GB-s, the first paid GB-s is number 400,001 and is priced at the first
//! tier's rate (how AWS applies its free tier to tiered Lambda duration).
//!
//! Package pricing (Supabase's Edge Function invocations): with a `package` size, the units
//! beyond the free allowance are rounded up to whole packages before the tiers price them
//! (1,400,001 billable units in packages of 1,000,000 are billed as 2,000,000).
//!
//! [`PriceSchedule::charges`] shows the working, tier by tier: the units used in each tier's
//! range, how many of them the free allowance covered, and the billable units (used minus
//! free, plus any package round-up); billable units x the tier's unit price is the tier's
//! cost, and [`PriceSchedule::cost`] is the sum of the tiers' costs.

/// One volume tier: units up to `up_to` (cumulative, exclusive of earlier tiers) cost
/// `unit_price` each.
#[derive(Clone, Debug, PartialEq)]
pub struct Tier {
    /// Upper bound of the tier on the cumulative monthly quantity; `f64::INFINITY` for the last.
    pub up_to: f64,
    /// USD per unit.
    pub unit_price: f64,
}

/// A free allowance and volume tiers for one billable quantity.
#[derive(Clone, Debug, PartialEq)]
pub struct PriceSchedule {
    /// Free units per month.
    pub free_per_month: f64,
    /// Free units per day (Firestore-style daily quotas). A run frees them day by day
    /// ([`crate::metrics::daily_allowance`]); [`Self::charges`] without a day-by-day count
    /// frees `free_per_day x days`.
    pub free_per_day: f64,
    /// Tiers in ascending `up_to`; the last one is unbounded.
    pub tiers: Vec<Tier>,
    /// Units beyond the free allowance are billed in whole packages of this many (0: no
    /// packages, every unit billed as used).
    pub package: f64,
    /// How many units the price was quoted for, for display only (1,000,000 for "$0.20 per
    /// million requests"; the scenario's `per`, 1 unless it gives one). Unit prices are
    /// always per single unit.
    pub per: f64,
}

/// What one tier of a schedule charges for one month's quantity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TierCharge {
    /// Index of the tier in [`PriceSchedule::tiers`].
    pub tier: usize,
    /// The tier's range on the cumulative monthly quantity: `[from, up_to)`.
    pub from: f64,
    pub up_to: f64,
    /// USD per unit.
    pub unit_price: f64,
    /// Units used inside the tier's range.
    pub used: f64,
    /// Of those, units the free allowance covered.
    pub free: f64,
    /// Units billed at the tier's price: `used - free`, plus the package round-up that falls
    /// in this tier.
    pub billable: f64,
}

impl TierCharge {
    /// USD this tier charges: billable units x unit price.
    pub fn usd(&self) -> f64 {
        self.billable * self.unit_price
    }
}

impl PriceSchedule {
    /// A single unit price with no free allowance.
    pub fn flat(unit_price: f64) -> Self {
        Self {
            package: 0.0,
            per: 1.0,
            free_per_month: 0.0,
            free_per_day: 0.0,
            tiers: vec![Tier {
                up_to: f64::INFINITY,
                unit_price,
            }],
        }
    }

    /// Nothing to pay, whatever the quantity.
    pub fn free() -> Self {
        Self::flat(0.0)
    }

    /// The same schedule with a monthly free allowance.
    pub fn with_free_per_month(mut self, units: f64) -> Self {
        self.free_per_month = units;
        self
    }

    /// The free units of one billing month of `days` days (monthly plus daily allowances).
    pub fn free_allowance(&self, days: f64) -> f64 {
        self.free_per_month + self.free_per_day * days
    }

    /// USD for `quantity` units used in one billing month of `days` days: the sum of
    /// [`Self::charges`].
    pub fn cost(&self, quantity: f64, days: f64) -> f64 {
        self.charges(quantity, days)
            .iter()
            .fold(0.0, |usd, c| usd + c.usd())
    }

    /// How `quantity` units used in one billing month of `days` days are charged: one entry
    /// per tier the quantity reaches (at least the first), in tier order.
    pub fn charges(&self, quantity: f64, days: f64) -> Vec<TierCharge> {
        self.charges_with_free(quantity, self.free_allowance(days))
    }

    /// [`Self::charges`] with `free` units free (a month's allowance counted otherwise: the
    /// units a daily allowance covered day by day, plus the monthly allowance).
    pub fn charges_with_free(&self, quantity: f64, free: f64) -> Vec<TierCharge> {
        let billed = if self.package > 0.0 && quantity > free {
            free + ((quantity - free) / self.package).ceil() * self.package
        } else {
            quantity
        };
        let overlap = |lo: f64, hi: f64, a: f64, b: f64| (hi.min(b) - lo.max(a)).max(0.0);
        let mut out = Vec::with_capacity(1);
        let mut lower = 0.0_f64;
        for (tier, t) in self.tiers.iter().enumerate() {
            out.push(TierCharge {
                tier,
                from: lower,
                up_to: t.up_to,
                unit_price: t.unit_price,
                used: overlap(lower, t.up_to, 0.0, quantity),
                free: overlap(lower, t.up_to, 0.0, free.min(quantity)),
                billable: overlap(lower, t.up_to, free, billed),
            });
            lower = t.up_to;
            if lower >= billed {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lambda_gb_seconds() -> PriceSchedule {
        // AWS Lambda x86 duration tiers and free tier (docs/price-sources.md, "AWS Lambda").
        PriceSchedule {
            package: 0.0,
            per: 1.0,
            free_per_month: 400_000.0,
            free_per_day: 0.0,
            tiers: vec![
                Tier {
                    up_to: 6e9,
                    unit_price: 0.000_016_666_7,
                },
                Tier {
                    up_to: 15e9,
                    unit_price: 0.000_015,
                },
                Tier {
                    up_to: f64::INFINITY,
                    unit_price: 0.000_013_333_4,
                },
            ],
        }
    }

    #[test]
    fn free_allowance_covers_the_first_units() {
        let s = lambda_gb_seconds();
        assert_eq!(s.cost(0.0, 30.0), 0.0);
        assert_eq!(s.cost(400_000.0, 30.0), 0.0);
        let one_more = s.cost(400_001.0, 30.0);
        assert!((one_more - 0.000_016_666_7).abs() < 1e-15);
    }

    #[test]
    fn tiers_split_exactly_at_thresholds() {
        let s = lambda_gb_seconds();
        let at_first = s.cost(6e9, 30.0);
        assert!((at_first - (6e9 - 4e5) * 0.000_016_666_7).abs() < 1e-6);
        let past = s.cost(16e9, 30.0);
        let want = (6e9 - 4e5) * 0.000_016_666_7 + 9e9 * 0.000_015 + 1e9 * 0.000_013_333_4;
        assert!((past - want).abs() < 1e-6, "{past} vs {want}");
    }

    #[test]
    fn free_allowance_larger_than_a_tier_skips_it() {
        let s = PriceSchedule {
            per: 1.0,
            package: 0.0,
            free_per_month: 150.0,
            free_per_day: 0.0,
            tiers: vec![
                Tier {
                    up_to: 100.0,
                    unit_price: 1.0,
                },
                Tier {
                    up_to: f64::INFINITY,
                    unit_price: 0.5,
                },
            ],
        };
        assert_eq!(s.cost(200.0, 30.0), 25.0);
    }

    #[test]
    fn daily_allowance_scales_with_days() {
        // Firestore: 50,000 free reads a day, $0.06 per 100,000 after
        // (docs/price-sources.md, "Firestore").
        let s = PriceSchedule {
            per: 1.0,
            package: 0.0,
            free_per_month: 0.0,
            free_per_day: 50_000.0,
            tiers: vec![Tier {
                up_to: f64::INFINITY,
                unit_price: 0.06 / 100_000.0,
            }],
        };
        // 10M reads in a 30-day month: 8.5M billable.
        assert!((s.cost(10e6, 30.0) - 5.1).abs() < 1e-9);
    }

    #[test]
    fn packages_round_the_billable_units_up() {
        // Supabase Pro's invocations: 2M free, then $2 per package of 1M (supabase.com,
        // "Manage Edge Function Invocations usage": 3.4M invocations are 2 packages, $4).
        let s = PriceSchedule {
            per: 1.0,
            package: 1e6,
            free_per_month: 2e6,
            free_per_day: 0.0,
            tiers: vec![Tier {
                up_to: f64::INFINITY,
                unit_price: 2e-6,
            }],
        };
        assert_eq!(s.cost(1_800_000.0, 30.0), 0.0);
        assert_eq!(s.cost(2_000_000.0, 30.0), 0.0);
        assert!((s.cost(2_000_001.0, 30.0) - 2.0).abs() < 1e-12);
        assert!((s.cost(3_400_000.0, 30.0) - 4.0).abs() < 1e-12);
        assert!((s.cost(4_000_000.0, 30.0) - 4.0).abs() < 1e-12);
        // Without packages the same usage is billed as used.
        let linear = PriceSchedule { package: 0.0, ..s };
        assert!((linear.cost(3_400_000.0, 30.0) - 2.8).abs() < 1e-12);
    }

    #[test]
    fn charges_show_each_tier_s_used_free_and_billable_units() {
        // 16e9 GB-s on Lambda's tiers with 400,000 free: tier 1 holds the first 6e9 (400,000
        // free), tier 2 the next 9e9, tier 3 the last 1e9.
        let c = lambda_gb_seconds().charges(16e9, 30.0);
        let got: Vec<_> = c
            .iter()
            .map(|c| (c.tier, c.used, c.free, c.billable))
            .collect();
        assert_eq!(
            got,
            [
                (0, 6e9, 4e5, 6e9 - 4e5),
                (1, 9e9, 0.0, 9e9),
                (2, 1e9, 0.0, 1e9)
            ]
        );
        assert_eq!((c[1].from, c[1].up_to), (6e9, 15e9));
        assert_eq!(c[2].up_to, f64::INFINITY);
        assert_eq!(c[1].usd(), 9e9 * 0.000_015);
        // Within the allowance: the first tier only, all of it free.
        let c = lambda_gb_seconds().charges(300_000.0, 30.0);
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].used, c[0].free, c[0].billable),
            (300_000.0, 300_000.0, 0.0)
        );
        // Nothing used: the first tier, with nothing in it.
        let c = PriceSchedule::flat(1.0).charges(0.0, 30.0);
        assert_eq!((c.len(), c[0].used, c[0].billable), (1, 0.0, 0.0));
    }

    #[test]
    fn a_package_round_up_is_billable_and_a_daily_allowance_is_free() {
        // 3.4M invocations, 2M free, packages of 1M: 1.4M beyond the allowance bill as 2M.
        let s = PriceSchedule {
            package: 1e6,
            free_per_month: 2e6,
            ..PriceSchedule::flat(2e-6)
        };
        let c = s.charges(3_400_000.0, 30.0);
        assert_eq!((c[0].used, c[0].free, c[0].billable), (3.4e6, 2e6, 2e6));
        // 50,000 free a day over 30 days: 1.5M of 2M free.
        let s = PriceSchedule {
            free_per_day: 50_000.0,
            ..PriceSchedule::flat(1e-6)
        };
        assert_eq!(s.free_allowance(30.0), 1.5e6);
        let c = s.charges(2e6, 30.0);
        assert_eq!((c[0].free, c[0].billable), (1.5e6, 0.5e6));
    }
}
