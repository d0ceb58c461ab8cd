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
    /// Free units per day (Firestore-style daily quotas), multiplied by the days billed.
    pub free_per_day: f64,
    /// Tiers in ascending `up_to`; the last one is unbounded.
    pub tiers: Vec<Tier>,
    /// Units beyond the free allowance are billed in whole packages of this many (0: no
    /// packages, every unit billed as used).
    pub package: f64,
}

impl PriceSchedule {
    /// A single unit price with no free allowance.
    pub fn flat(unit_price: f64) -> Self {
        Self {
            package: 0.0,
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

    /// USD for `quantity` units used in one billing month of `days` days.
    pub fn cost(&self, quantity: f64, days: f64) -> f64 {
        let free = self.free_per_month + self.free_per_day * days;
        let quantity = if self.package > 0.0 && quantity > free {
            free + ((quantity - free) / self.package).ceil() * self.package
        } else {
            quantity
        };
        let mut lower = 0.0_f64;
        let mut usd = 0.0;
        for tier in &self.tiers {
            let from = lower.max(free);
            let to = tier.up_to.min(quantity);
            if to > from {
                usd += (to - from) * tier.unit_price;
            }
            lower = tier.up_to;
            if lower >= quantity {
                break;
            }
        }
        usd
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lambda_gb_seconds() -> PriceSchedule {
        // AWS Lambda x86 duration tiers and free tier (docs/price-sources.md, "AWS Lambda").
        PriceSchedule {
            package: 0.0,
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
}
