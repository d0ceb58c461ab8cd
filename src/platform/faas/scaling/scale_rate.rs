//! The scale-up rate limit: how fast a function may add execution environments.
//!
//! A scenario writes `scale_up_rate = "1000/10s"`: at most 1,000 new environments (cold
//! starts) every 10 seconds, per function (per pool once the lead's pool mapping is in).
//! Starts on a warm instance are not limited; only starting a new environment is.
//!
//! **Source.** AWS Lambda Developer Guide, "Lambda scaling behavior"
//! (<https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html>, read 2026-12-01):
//! in each Region and for each function the concurrency scaling rate is 1,000 execution
//! environment instances every 10 seconds; the limit is per function, each scaling
//! independently. The same page notes that Lambda tries to refill this allowance
//! continuously rather than in one refill of 1,000 every 10 s, and that an unused allowance
//! does not accumulate: at any moment at most 1,000 units are available. Requests that
//! cannot be served because scaling cannot keep up are throttled (429).
//!
//! **Semantics chosen to match that text: a token bucket.**
//! - The bucket holds at most `count` tokens and starts full (a function that has never
//!   scaled may add `count` environments at once).
//! - Tokens are refilled continuously at `count / per`: one token every `per / count`.
//!   With `1000/10s`, one every 10 ms, exactly: the bucket counts in units of
//!   `1 / count` microsecond-tokens with integer arithmetic, so there is no rounding drift.
//! - Starting a new environment takes one token; with less than one token the start is
//!   refused ([`ScaleUpLimiter::try_start`] returns `false`) and the caller throttles or
//!   queues the request. A refusal takes nothing.
//! - The bucket never holds more than `count`: ten idle minutes still give only 1,000.
//!
//! The limiter does no allocation and keeps two integers, so it can sit in every pool.

use crate::engine::time::{MAX_DURATION, Micros, SECOND};
use crate::units::{format_duration, parse_duration};

/// A scale-up rate limit: at most `count` new environments per `per` of time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScaleUpRate {
    count: u32,
    per: Micros,
}

impl ScaleUpRate {
    /// Lambda's rate: 1,000 environments every 10 s per function (see the module doc).
    pub const LAMBDA: ScaleUpRate = ScaleUpRate {
        count: 1000,
        per: 10 * SECOND,
    };

    /// Parses `"COUNT/DURATION"`, e.g. `"1000/10s"` or `"500/m"` (a duration without a
    /// number means one unit). The count is a whole number from 1; the duration is in the
    /// crate's duration syntax and more than zero.
    pub fn parse(text: &str) -> Result<Self, String> {
        let Some((count_text, per_text)) = text.split_once('/') else {
            return Err(format!(
                "'{text}' is not a scale-up rate: write COUNT/DURATION, e.g. \"1000/10s\""
            ));
        };
        let count_text = count_text.trim().replace('_', "");
        let count: u32 = match count_text.parse::<u32>() {
            Ok(n) if n > 0 && count_text.bytes().all(|b| b.is_ascii_digit()) => n,
            _ => {
                return Err(format!(
                    "'{text}': the number of new instances must be a whole number from 1 to \
                     {}, e.g. \"1000/10s\"",
                    u32::MAX
                ));
            }
        };
        let per_text = per_text.trim();
        let starts_with_digit = per_text.starts_with(|c: char| c.is_ascii_digit() || c == '.');
        let per = if starts_with_digit {
            parse_duration(per_text)
        } else {
            parse_duration(&format!("1{per_text}"))
        }
        .map_err(|e| format!("'{text}': {e}"))?;
        if per == 0 {
            return Err(format!("'{text}': the duration must be more than zero"));
        }
        debug_assert!(per <= MAX_DURATION);
        Ok(Self { count, per })
    }

    /// The most new environments at once, and over any span of `per`.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The span over which `count` environments may start.
    pub fn per(&self) -> Micros {
        self.per
    }

    /// A fresh limiter (full bucket) for one pool.
    pub fn limiter(&self) -> ScaleUpLimiter {
        ScaleUpLimiter {
            rate: *self,
            credit: self.capacity(),
            updated: 0,
        }
    }

    /// The bucket's capacity in credit units (one token is `per` units).
    fn capacity(&self) -> u128 {
        u128::from(self.count) * u128::from(self.per)
    }
}

impl std::fmt::Display for ScaleUpRate {
    /// The scenario form, e.g. `1000/10s`; it parses back to the same rate.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.count, format_duration(self.per))
    }
}

/// The token bucket of one pool (see the module doc for the rules).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScaleUpLimiter {
    rate: ScaleUpRate,
    /// Tokens times `per`: refilling for `dt` µs adds `dt * count`, a start takes `per`.
    credit: u128,
    /// The time up to which `credit` is refilled.
    updated: Micros,
}

impl ScaleUpLimiter {
    /// Refills up to `now`. Times never go backwards in the engine; an earlier `now` adds
    /// nothing.
    fn refill(&mut self, now: Micros) {
        if now > self.updated {
            let gained = u128::from(now - self.updated) * u128::from(self.rate.count);
            self.credit = (self.credit + gained).min(self.rate.capacity());
            self.updated = now;
        }
    }

    /// Takes one token to start a new environment at `now`; `false` (and nothing taken) if
    /// the pool has used up its scale-up allowance.
    pub fn try_start(&mut self, now: Micros) -> bool {
        self.refill(now);
        let token = u128::from(self.rate.per);
        if self.credit >= token {
            self.credit -= token;
            true
        } else {
            false
        }
    }

    /// The earliest time, not before `now`, at which [`ScaleUpLimiter::try_start`] would
    /// succeed (for scheduling a retry). Does not take a token.
    pub fn next_start_at(&mut self, now: Micros) -> Micros {
        self.refill(now);
        let token = u128::from(self.rate.per);
        if self.credit >= token {
            return now.max(self.updated);
        }
        let missing = token - self.credit;
        let wait = missing.div_ceil(u128::from(self.rate.count));
        // wait <= per <= MAX_DURATION, so it fits in Micros.
        self.updated.saturating_add(wait as Micros)
    }

    /// Whole tokens available at `now` (new environments that could start right away).
    pub fn available(&mut self, now: Micros) -> u32 {
        self.refill(now);
        // At most `count`, so it fits in u32.
        (self.credit / u128::from(self.rate.per)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{DAY, MINUTE, MS};

    #[test]
    fn parses_count_and_duration() {
        let r = ScaleUpRate::parse("1000/10s").unwrap();
        assert_eq!((r.count(), r.per()), (1000, 10 * SECOND));
        assert_eq!(r, ScaleUpRate::LAMBDA);
        assert_eq!(ScaleUpRate::parse("500/m").unwrap().per(), MINUTE);
        assert_eq!(ScaleUpRate::parse(" 1_000 / 1.5s ").unwrap().count(), 1000);
        assert_eq!(ScaleUpRate::parse("1/250ms").unwrap().per(), 250 * MS);
    }

    #[test]
    fn rejects_bad_rates_with_the_reason() {
        assert!(
            ScaleUpRate::parse("1000")
                .unwrap_err()
                .contains("COUNT/DURATION")
        );
        for text in ["0/10s", "-5/10s", "1.5/10s", "x/10s", "99999999999/s"] {
            assert!(
                ScaleUpRate::parse(text)
                    .unwrap_err()
                    .contains("whole number"),
                "{text}"
            );
        }
        assert!(
            ScaleUpRate::parse("10/0s")
                .unwrap_err()
                .contains("more than zero")
        );
        assert!(ScaleUpRate::parse("10/10").unwrap_err().contains("no unit"));
        assert!(
            ScaleUpRate::parse("10/10y")
                .unwrap_err()
                .contains("unknown")
        );
        assert!(
            ScaleUpRate::parse("10/4000d")
                .unwrap_err()
                .contains("longer")
        );
    }

    #[test]
    fn displays_in_scenario_form() {
        assert_eq!(ScaleUpRate::LAMBDA.to_string(), "1000/10s");
        let r = ScaleUpRate::parse("3/1.5s").unwrap();
        assert_eq!(ScaleUpRate::parse(&r.to_string()), Ok(r));
    }

    #[test]
    fn a_full_bucket_allows_a_burst_of_count_then_refuses() {
        let mut l = ScaleUpRate::LAMBDA.limiter();
        for i in 0..1000 {
            assert!(l.try_start(0), "start {i}");
        }
        assert!(!l.try_start(0));
        assert_eq!(l.available(0), 0);
    }

    #[test]
    fn refills_one_token_every_per_over_count() {
        // 1000 per 10 s: one token every 10 ms, none before.
        let mut l = ScaleUpRate::LAMBDA.limiter();
        while l.try_start(0) {}
        assert!(!l.try_start(9_999));
        assert!(l.try_start(10 * MS));
        assert!(!l.try_start(10 * MS));
        assert_eq!(l.next_start_at(10 * MS), 20 * MS);
        // Half the period gives half the allowance.
        assert_eq!(l.available(10 * MS + 5 * SECOND), 500);
    }

    #[test]
    fn an_unused_allowance_does_not_accumulate() {
        let mut l = ScaleUpRate::LAMBDA.limiter();
        assert_eq!(l.available(DAY), 1000);
        for _ in 0..1000 {
            assert!(l.try_start(DAY));
        }
        assert!(!l.try_start(DAY));
    }

    #[test]
    fn refusals_take_nothing_and_uneven_rates_stay_exact() {
        // 3 per second: tokens at 1/3 s boundaries, 333,333.33 µs apart.
        let mut l = ScaleUpRate::parse("3/s").unwrap().limiter();
        assert!(l.try_start(0) && l.try_start(0) && l.try_start(0));
        assert!(!l.try_start(333_333));
        assert!(!l.try_start(333_333));
        assert!(l.try_start(333_334));
        // 2 units of credit are left; the next 999,998 units take ceil(999,998 / 3) µs.
        assert_eq!(l.next_start_at(333_334), 666_667);
        assert!(!l.try_start(666_666));
        assert!(l.try_start(666_667));
        // Over a whole second exactly three more starts, whatever the order of calls.
        let mut started = 0;
        for t in (666_667..=1_666_667).step_by(1000) {
            while l.try_start(t) {
                started += 1;
            }
        }
        assert_eq!(started, 3);
    }

    #[test]
    fn earlier_times_add_nothing() {
        let mut l = ScaleUpRate::parse("1/s").unwrap().limiter();
        assert!(l.try_start(5 * SECOND));
        assert!(!l.try_start(SECOND));
        assert_eq!(l.next_start_at(SECOND), 6 * SECOND);
    }

    #[test]
    fn extreme_rates_do_not_overflow() {
        let mut l = ScaleUpRate::parse("4294967295/3650d").unwrap().limiter();
        assert_eq!(l.available(Micros::MAX), u32::MAX);
        assert!(l.try_start(Micros::MAX));
    }
}
