//! Asynchronous invocation: when a failed or throttled event is tried again, and when it is
//! dropped.
//!
//! A function with `invocation = "async"` has its events queued by the platform instead of
//! answered by the caller. Two settings, as Lambda names them:
//! `max_retries` (Lambda's `MaximumRetryAttempts`, 0 to 2, default 2) and `max_event_age`
//! (`MaximumEventAgeInSeconds`, 1 min to 6 h, default 6 h).
//!
//! **Sources** (AWS Lambda Developer Guide, read 2026-12-01):
//! - "How Lambda handles errors and retries with asynchronous invocation"
//!   (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html>):
//!   when the function returns an error (its code's error or the runtime's, such as a
//!   timeout), Lambda by default runs it two more times, waiting one minute before the
//!   second attempt and two minutes before the third. Throttled events (429) and system
//!   errors (500-series) go back to the queue and are tried again for up to 6 hours by
//!   default, the interval growing exponentially from 1 second after the first attempt to at
//!   most 5 minutes.
//! - "Configuring error handling settings for Lambda asynchronous invocations"
//!   (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-configuring.html>):
//!   retry attempts range from 0 to 2; the maximum event age is how long an event stays in
//!   the queue before it is discarded, up to 6 hours.
//! - The AWS CDK reference for `EventInvokeConfig`
//!   (<https://docs.amazonaws.cn/cdk/api/v1/python/aws_cdk.aws_lambda/EventInvokeConfig.html>)
//!   gives the maximum event age's bounds: at least 60 seconds, at most and by default 6 hours.
//!
//! **Rules implemented** (deterministic, no random draw):
//! - A **function error** after the `n`-th failed execution of an event is retried after
//!   [`error_retry_delay`]`(n)`: 1 min after the first, 2 min after the second; there is no
//!   retry once `n > max_retries`.
//! - A **throttle** (or a platform error) after the `n`-th throttle of the event is retried
//!   after [`throttle_retry_delay`]`(n)` = `1 s * 2^(n-1)`, at most 5 min: 1, 2, 4, ...,
//!   256 s, then 300 s every time. AWS does not state the growth factor; doubling is our
//!   choice. Throttles do not use up `max_retries`.
//! - Either way, an event whose retry would come later than `max_event_age` after its first
//!   arrival is **dropped** instead (an age exactly equal to the limit is still tried).
//! - Omitted: AWS says it may lengthen intervals and read the queue more slowly when the
//!   queue is long, and its queue may deliver an event twice or lose one; neither is
//!   modelled, and no jitter is added.

use crate::engine::time::{HOUR, MINUTE, Micros, SECOND};

/// Why an asynchronous attempt did not complete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The function ran and returned an error (including a timeout).
    FunctionError,
    /// The platform refused to run it: a concurrency or scale-up throttle (429), or a
    /// platform error (500-series).
    Throttled,
}

/// Lambda's largest (and default) number of retries after function errors.
pub const MAX_RETRIES_LIMIT: u32 = 2;
/// Lambda's shortest allowed maximum event age.
pub const MIN_EVENT_AGE: Micros = MINUTE;
/// Lambda's longest (and default) maximum event age.
pub const MAX_EVENT_AGE_LIMIT: Micros = 6 * HOUR;
/// The first interval between throttled attempts.
pub const FIRST_THROTTLE_DELAY: Micros = SECOND;
/// The longest interval between throttled attempts.
pub const MAX_THROTTLE_DELAY: Micros = 5 * MINUTE;

/// The retry settings of one asynchronously invoked function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AsyncRetries {
    max_retries: u32,
    max_event_age: Micros,
}

impl Default for AsyncRetries {
    /// Lambda's defaults: 2 retries, 6 hours.
    fn default() -> Self {
        Self {
            max_retries: MAX_RETRIES_LIMIT,
            max_event_age: MAX_EVENT_AGE_LIMIT,
        }
    }
}

impl AsyncRetries {
    /// Checks the settings against Lambda's ranges: `max_retries` 0 to 2, `max_event_age`
    /// 1 min to 6 h. The error names the field.
    pub fn new(max_retries: u32, max_event_age: Micros) -> Result<Self, String> {
        if max_retries > MAX_RETRIES_LIMIT {
            return Err(format!(
                "max_retries: {max_retries} is more than {MAX_RETRIES_LIMIT}, the most retries \
                 Lambda makes after function errors (0 to {MAX_RETRIES_LIMIT})"
            ));
        }
        if !(MIN_EVENT_AGE..=MAX_EVENT_AGE_LIMIT).contains(&max_event_age) {
            return Err(
                "max_event_age: must be from 1m to 6h, the range Lambda accepts".to_string(),
            );
        }
        Ok(Self {
            max_retries,
            max_event_age,
        })
    }

    /// Retries after function errors.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// How long after its first arrival an event may still be tried.
    pub fn max_event_age(&self) -> Micros {
        self.max_event_age
    }
}

/// The wait before trying again after the `failures`-th function error of an event (1 for
/// the first): 1 min, then 2 min. Lambda retries at most twice, so a third delay is never
/// needed; it is 2 min too.
pub fn error_retry_delay(failures: u32) -> Micros {
    if failures <= 1 { MINUTE } else { 2 * MINUTE }
}

/// The wait before trying again after the `throttles`-th throttle of an event (1 for the
/// first): `1 s * 2^(throttles - 1)`, at most 5 min.
pub fn throttle_retry_delay(throttles: u32) -> Micros {
    let doublings = throttles.saturating_sub(1);
    // 2^9 s = 512 s is already past the cap; stop before any shift could overflow.
    if doublings >= 9 {
        return MAX_THROTTLE_DELAY;
    }
    (FIRST_THROTTLE_DELAY << doublings).min(MAX_THROTTLE_DELAY)
}

/// When to try an event again after a failure at `now`, or `None` if it is dropped.
///
/// `count` is how many times the event has failed *in this way* so far, this failure
/// included (the caller keeps one count of function errors and one of throttles per
/// event); `first_arrival` is when the event first arrived.
pub fn next_attempt(
    kind: Failure,
    count: u32,
    first_arrival: Micros,
    now: Micros,
    settings: &AsyncRetries,
) -> Option<Micros> {
    let delay = match kind {
        Failure::FunctionError if count > settings.max_retries => return None,
        Failure::FunctionError => error_retry_delay(count),
        Failure::Throttled => throttle_retry_delay(count),
    };
    let retry_at = now.checked_add(delay)?;
    let age = retry_at.saturating_sub(first_arrival);
    (age <= settings.max_event_age).then_some(retry_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_lambdas() {
        let d = AsyncRetries::default();
        assert_eq!(d.max_retries(), 2);
        assert_eq!(d.max_event_age(), 6 * 3600 * SECOND);
    }

    #[test]
    fn settings_outside_lambdas_ranges_are_errors() {
        assert!(
            AsyncRetries::new(3, HOUR)
                .unwrap_err()
                .starts_with("max_retries:")
        );
        assert!(
            AsyncRetries::new(0, 59 * SECOND)
                .unwrap_err()
                .starts_with("max_event_age:")
        );
        assert!(
            AsyncRetries::new(0, 6 * HOUR + 1)
                .unwrap_err()
                .starts_with("max_event_age:")
        );
        assert_eq!(AsyncRetries::new(0, MINUTE).unwrap().max_retries(), 0);
    }

    #[test]
    fn error_retries_wait_one_then_two_minutes() {
        assert_eq!(error_retry_delay(1), 60 * SECOND);
        assert_eq!(error_retry_delay(2), 120 * SECOND);
    }

    #[test]
    fn throttle_retries_double_from_one_second_to_five_minutes() {
        let delays: Vec<u64> = (1..=12).map(|n| throttle_retry_delay(n) / SECOND).collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
        assert_eq!(throttle_retry_delay(u32::MAX), 300 * SECOND);
    }

    #[test]
    fn function_errors_are_retried_max_retries_times() {
        let cfg = AsyncRetries::default();
        let e = Failure::FunctionError;
        // Fails at 10 s, retried at 70 s; fails at 71 s, retried at 191 s; fails again: dropped.
        assert_eq!(next_attempt(e, 1, 0, 10 * SECOND, &cfg), Some(70 * SECOND));
        assert_eq!(next_attempt(e, 2, 0, 71 * SECOND, &cfg), Some(191 * SECOND));
        assert_eq!(next_attempt(e, 3, 0, 192 * SECOND, &cfg), None);
        let none = AsyncRetries::new(0, HOUR).unwrap();
        assert_eq!(next_attempt(e, 1, 0, 0, &none), None);
    }

    #[test]
    fn throttled_events_are_retried_until_too_old() {
        let cfg = AsyncRetries::new(2, 10 * MINUTE).unwrap();
        let t = Failure::Throttled;
        // Throttles far past max_retries are still retried while the event is young.
        assert_eq!(
            next_attempt(t, 5, 0, 100 * SECOND, &cfg),
            Some(116 * SECOND)
        );
        // The 20th throttle at 5 min waits 5 min: age exactly 10 min is still allowed...
        assert_eq!(next_attempt(t, 20, 0, 5 * MINUTE, &cfg), Some(10 * MINUTE));
        // ...one microsecond later it would be too old: dropped.
        assert_eq!(next_attempt(t, 20, 0, 5 * MINUTE + 1, &cfg), None);
    }

    #[test]
    fn the_event_age_limit_applies_to_error_retries() {
        let cfg = AsyncRetries::new(2, MINUTE).unwrap();
        let e = Failure::FunctionError;
        // An event that arrived at 1 h and failed at once is retried exactly at its limit.
        assert_eq!(next_attempt(e, 1, HOUR, HOUR, &cfg), Some(HOUR + MINUTE));
        assert_eq!(next_attempt(e, 1, HOUR, HOUR + 1, &cfg), None);
    }

    #[test]
    fn times_at_the_end_of_the_clock_drop_instead_of_wrapping() {
        let cfg = AsyncRetries::default();
        assert_eq!(
            next_attempt(
                Failure::Throttled,
                1,
                Micros::MAX - 10,
                Micros::MAX - 10,
                &cfg
            ),
            None
        );
    }
}
