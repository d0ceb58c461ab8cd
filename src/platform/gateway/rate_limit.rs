//! A gateway's rate limit: a token bucket, as Amazon API Gateway throttles ("API Gateway
//! throttles requests to your API using the token bucket algorithm, where a token counts for
//! a request"; the burst is "the maximum bucket size": AWS, "Throttling requests to your HTTP
//! API", docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html).
//!
//! The bucket holds at most `burst` tokens and starts full. Tokens flow in continuously at
//! the steady rate. A request that finds at least one whole token takes it and is admitted;
//! one that finds less is refused (and takes nothing). Arithmetic is exact in integers: a
//! token is [`UNITS_PER_TOKEN`] units, and the rate is kept to 0.001 request a day, so a
//! rate written with up to three decimals per second, minute, hour or day refills a whole
//! number of units every µs.

use crate::engine::time::Micros;

/// Units of one token: 86,400 s x 10^6 µs x 1000, so that `n/s`, `n/m`, `n/h` and `n/d` with
/// up to three decimals refill a whole number of units per µs.
const UNITS_PER_TOKEN: u128 = 86_400 * 1_000_000 * 1000;

/// A steady rate and a burst, as the scenario gives them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Steady rate, requests per second.
    pub per_second: f64,
    /// The bucket's size: requests admitted at once after a quiet spell.
    pub burst: u64,
}

impl RateLimit {
    /// The default burst of a rate without one: one second's worth of the steady rate
    /// (rounded down), at least 1.
    pub fn default_burst(per_second: f64) -> u64 {
        (per_second.floor() as u64).max(1)
    }
}

/// The bucket's state during a run.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    /// Units added per µs.
    refill: u128,
    /// The bucket's size in units.
    capacity: u128,
    /// Units in the bucket at `last`.
    level: u128,
    last: Micros,
}

impl TokenBucket {
    /// A full bucket of `limit`, at time 0.
    pub fn new(limit: RateLimit) -> Self {
        // per µs: per_second / 10^6 tokens = per_second x 86,400 x 1000 units.
        let refill = (limit.per_second * 86_400.0 * 1000.0).round() as u128;
        let capacity = u128::from(limit.burst) * UNITS_PER_TOKEN;
        Self {
            refill,
            capacity,
            level: capacity,
            last: 0,
        }
    }

    /// A request at `now` (not before the previous one): true if it takes a token.
    pub fn take(&mut self, now: Micros) -> bool {
        let elapsed = u128::from(now.saturating_sub(self.last));
        self.last = self.last.max(now);
        self.level = self
            .level
            .saturating_add(elapsed.saturating_mul(self.refill))
            .min(self.capacity);
        if self.level >= UNITS_PER_TOKEN {
            self.level -= UNITS_PER_TOKEN;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{MS, SECOND};

    #[test]
    fn a_full_bucket_admits_its_burst_at_once_then_one_per_refill_period() {
        // 10/s with a burst of 3: three requests at t = 0 take the three tokens, the fourth
        // is refused; a token is back 100 ms later, not 1 µs sooner.
        let mut b = TokenBucket::new(RateLimit {
            per_second: 10.0,
            burst: 3,
        });
        assert_eq!(
            [b.take(0), b.take(0), b.take(0), b.take(0)],
            [true, true, true, false]
        );
        assert!(!b.take(100 * MS - 1));
        assert!(b.take(100 * MS));
        assert!(!b.take(100 * MS));
    }

    #[test]
    fn the_bucket_never_holds_more_than_its_burst() {
        // After an hour of quiet, 2/m with a burst of 2 admits exactly two requests at once.
        let mut b = TokenBucket::new(RateLimit {
            per_second: 2.0 / 60.0,
            burst: 2,
        });
        let hour = 3600 * SECOND;
        assert_eq!(
            [b.take(hour), b.take(hour), b.take(hour)],
            [true, true, false]
        );
        // The next token takes 30 s.
        assert!(!b.take(hour + 30 * SECOND - 1));
        assert!(b.take(hour + 30 * SECOND));
    }

    #[test]
    fn default_burst_is_one_second_of_rate_at_least_one() {
        assert_eq!(RateLimit::default_burst(10_000.0), 10_000);
        assert_eq!(RateLimit::default_burst(2.5), 2);
        assert_eq!(RateLimit::default_burst(0.5), 1);
    }
}
