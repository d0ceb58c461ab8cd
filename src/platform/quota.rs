//! Hard quotas: a number of units per day or per month past which calls are refused.
//!
//! A scenario writes `quota = { read = "50000/day", write = "2000000/month" }` on a service
//! (keyed by operation kind), `quota = { invocations = "100000/month" }` on a FaaS compute
//! (and a gateway may take `quota = { requests = "..." }`), with `quota_reset = "08:00"`, the
//! UTC time of day at which the daily quotas reset (default `"00:00"`).
//!
//! Rules, exactly:
//!
//! - **A quota counts units** (operations, invocations, requests), not calls: a call making
//!   3 reads takes 3 units of the read quota.
//! - **The clock** ([`QuotaClock`]): simulation time 0 is 00:00 UTC of the window's first day
//!   (as for daily schedules, `crate::platform::schedule`). Daily quotas reset at every
//!   instant `quota_reset + k x 24 h` after time 0; the first daily period runs from the
//!   window's start (time 0, which gets a whole quota) to the first reset. Monthly quotas
//!   reset at the start of each billing month: at `k x month` (the scenario's `month`,
//!   730.5 h unless it says otherwise), billing months counting from time 0 as the month
//!   projection's do (`crate::pricing::bill`).
//! - **A period is `[reset, next reset)`**: a call at the exact reset instant counts in the
//!   new period.
//! - **All or nothing** ([`QuotaSet::try_take`]): a call needing units of several quotas is
//!   checked against all of them first; if any would pass its limit the call takes none.
//!
//! The API a caller needs is small: build a [`QuotaSet`] from [`QuotaSpec`]s and a clock,
//! then at each call `try_take(now, &[(quota, units)])`; for a single quota (a FaaS
//! invocation cap, a gateway's requests) [`QuotaSet::try_take_one`].
//!
//! **Use per period** ([`QuotaSet::uses`]): each quota keeps, per period that saw a call, the
//! units taken and the calls it refused (a refused call is counted on the first of its
//! quotas found used up), from the window's start (warm-up included): one entry per day or
//! month, pushed when the period rolls over, so the hot path stays an add per take. They
//! become the deployment's [`QuotaUse`]s, drawn in `quotas.png`.

use crate::engine::time::{DAY, Micros};

/// How often a quota resets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotaPeriod {
    /// At the clock's `quota_reset` time of day, every day.
    Day,
    /// At the start of each billing month.
    Month,
    /// Never: a cap on units held at once (a service's simultaneous connections,
    /// `crate::platform::baas::connections`), reported day by day as the most held in a day.
    AtOnce,
}

/// A hard limit: at most `units` per period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaLimit {
    pub units: u64,
    pub period: QuotaPeriod,
}

/// One quota of a service or compute: what it counts (an operation kind, `invocations`,
/// `requests`) and its limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotaSpec {
    pub counts: String,
    pub limit: QuotaLimit,
}

/// The hard quotas of one service, FaaS compute or gateway, with their daily reset time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Quotas {
    pub limits: Vec<QuotaSpec>,
    /// UTC time of day of the daily reset (`quota_reset`), in `[0, 24 h)`.
    pub reset: Micros,
}

impl Quotas {
    /// The limit on `counts`, if any.
    pub fn limit_of(&self, counts: &str) -> Option<QuotaLimit> {
        self.limits
            .iter()
            .find(|q| q.counts == counts)
            .map(|q| q.limit)
    }

    /// Counters at zero for these quotas on the clock of billing month `month`, indexed as
    /// [`Self::limits`].
    pub fn start(&self, month: Micros) -> QuotaSet {
        QuotaSet::new(
            QuotaClock::new(self.reset, month),
            self.limits.iter().map(|q| q.limit),
        )
    }
}

/// Parses a quota such as `"50000/day"` or `"2_000_000/month"`: a whole number of units
/// (digits, `_` allowed between them), `/day` or `/month`.
pub fn parse_quota(text: &str) -> Result<QuotaLimit, String> {
    let form = || {
        format!(
            "'{text}' is not a quota: write a whole number per day or per month, e.g. \"50000/day\" or \"2000000/month\""
        )
    };
    let (number, per) = text.split_once('/').ok_or_else(form)?;
    let number = number.trim();
    let digits_ok = number.starts_with(|c: char| c.is_ascii_digit())
        && number.ends_with(|c: char| c.is_ascii_digit())
        && number.chars().all(|c| c.is_ascii_digit() || c == '_');
    if !digits_ok {
        return Err(form());
    }
    let units: u64 = number
        .replace('_', "")
        .parse()
        .map_err(|_| format!("'{text}': the quota is too large"))?;
    let period = match per.trim() {
        "day" => QuotaPeriod::Day,
        "month" => QuotaPeriod::Month,
        other => {
            return Err(format!(
                "unknown quota period '/{other}' in '{text}' (use /day or /month)"
            ));
        }
    };
    Ok(QuotaLimit { units, period })
}

/// Index of the day `t` falls in, days resetting at time of day `reset`: 0 from time 0 to
/// the first reset after it, then one more at each reset.
#[inline]
pub fn day_of(reset: Micros, t: Micros) -> u64 {
    let first = if reset == 0 { DAY } else { reset };
    if t < first { 0 } else { (t - first) / DAY + 1 }
}

/// Where the quota periods start: the daily reset's time of day and the billing month.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaClock {
    /// UTC time of day of the daily reset, in `[0, 24 h)`.
    pub reset: Micros,
    /// The billing month.
    pub month: Micros,
}

impl QuotaClock {
    /// A clock resetting daily quotas at `reset` (time of day, below 24 h) and monthly ones
    /// every `month`.
    pub fn new(reset: Micros, month: Micros) -> Self {
        debug_assert!(reset < DAY && month > 0);
        Self { reset, month }
    }

    /// Index of the daily period `t` falls in: 0 from the window's start to the first reset
    /// after time 0, then one more at each reset.
    pub fn day_of(&self, t: Micros) -> u64 {
        day_of(self.reset, t)
    }

    /// Start of daily period `index` (0 for the first).
    pub fn day_start(&self, index: u64) -> Micros {
        let first = if self.reset == 0 { DAY } else { self.reset };
        if index == 0 {
            0
        } else {
            first + (index - 1) * DAY
        }
    }

    /// Index of the period of `period` that `t` falls in.
    pub fn period_of(&self, period: QuotaPeriod, t: Micros) -> u64 {
        match period {
            QuotaPeriod::Day | QuotaPeriod::AtOnce => self.day_of(t),
            QuotaPeriod::Month => t / self.month,
        }
    }
}

/// One period of a quota: its index on the clock ([`QuotaClock::period_of`]), the units
/// taken in it (for a cap on units held at once, the most held) and the calls it refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PeriodUse {
    pub index: u64,
    pub used: u64,
    pub refused: u64,
}

/// What one hard quota of a deployment saw over a run.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotaUse {
    /// The part it belongs to: a service's name, `compute` (invocations) or `gateway`.
    pub part: String,
    /// What it counts: an operation kind, `invocations`, `requests`.
    pub counts: String,
    pub limit: QuotaLimit,
    pub clock: QuotaClock,
    /// The periods that saw a call (taken or refused), in order; the others saw nothing.
    pub periods: Vec<PeriodUse>,
}

impl QuotaUse {
    /// Start of period `index` of this quota, in simulation time.
    pub fn period_start(&self, index: u64) -> Micros {
        match self.limit.period {
            QuotaPeriod::Day | QuotaPeriod::AtOnce => self.clock.day_start(index),
            QuotaPeriod::Month => index * self.clock.month,
        }
    }
}

#[derive(Clone, Debug)]
struct QuotaState {
    limit: QuotaLimit,
    period: u64,
    used: u64,
    /// Calls refused in the current period.
    refused: u64,
    /// The finished periods that saw a call.
    history: Vec<PeriodUse>,
}

impl QuotaState {
    fn current(&self) -> PeriodUse {
        PeriodUse {
            index: self.period,
            used: self.used,
            refused: self.refused,
        }
    }
}

impl QuotaState {
    /// Units left at `now`, after a reset if a new period has begun.
    fn remaining(&mut self, clock: &QuotaClock, now: Micros) -> u64 {
        let period = clock.period_of(self.limit.period, now);
        if period != self.period {
            if self.used > 0 || self.refused > 0 {
                self.history.push(self.current());
            }
            self.period = period;
            self.used = 0;
            self.refused = 0;
        }
        self.limit.units - self.used
    }
}

/// The running counters of a list of quotas on one clock.
#[derive(Clone, Debug)]
pub struct QuotaSet {
    clock: QuotaClock,
    quotas: Vec<QuotaState>,
}

impl QuotaSet {
    /// Counters at zero for `limits` (indexed in that order).
    pub fn new(clock: QuotaClock, limits: impl IntoIterator<Item = QuotaLimit>) -> Self {
        let quotas = limits
            .into_iter()
            .map(|limit| QuotaState {
                limit,
                period: 0,
                used: 0,
                refused: 0,
                history: Vec::new(),
            })
            .collect();
        Self { clock, quotas }
    }

    /// The clock its periods follow.
    pub fn clock(&self) -> QuotaClock {
        self.clock
    }

    /// True when the set holds no quota.
    pub fn is_empty(&self) -> bool {
        self.quotas.is_empty()
    }

    /// Takes `units` of each `(quota, units)` of `needs` at `now` if every quota has them
    /// left (a quota named twice needs the sum); otherwise takes nothing and returns false.
    pub fn try_take(&mut self, now: Micros, needs: &[(usize, u64)]) -> bool {
        let ok = self.allows(now, needs);
        if ok {
            self.take(needs);
        }
        ok
    }

    /// Whether every quota of `needs` has its units left at `now` (a quota named twice needs
    /// the sum), taking nothing: for a caller that checks several sets before taking from
    /// any ([`Self::take`]).
    pub fn allows(&mut self, now: Micros, needs: &[(usize, u64)]) -> bool {
        let clock = self.clock;
        needs.iter().all(|&(q, _)| {
            let total: u64 = needs
                .iter()
                .filter(|(other, _)| *other == q)
                .map(|&(_, u)| u)
                .sum();
            let state = &mut self.quotas[q];
            let fits = total <= state.remaining(&clock, now);
            if !fits {
                state.refused += 1;
            }
            fits
        })
    }

    /// Each quota's periods that saw a call, in order (indexed as the limits): the finished
    /// ones and the current one.
    pub fn uses(&self) -> Vec<Vec<PeriodUse>> {
        self.quotas
            .iter()
            .map(|q| {
                let mut periods = q.history.clone();
                if q.used > 0 || q.refused > 0 {
                    periods.push(q.current());
                }
                periods
            })
            .collect()
    }

    /// [`QuotaUse`]s of `part` for these counters, started from `quotas`.
    pub fn report(&self, part: &str, quotas: &Quotas) -> Vec<QuotaUse> {
        quotas
            .limits
            .iter()
            .zip(self.uses())
            .map(|(spec, periods)| QuotaUse {
                part: part.to_string(),
                counts: spec.counts.clone(),
                limit: spec.limit,
                clock: self.clock,
                periods,
            })
            .collect()
    }

    /// Takes the units of `needs`, which [`Self::allows`] has just accepted.
    pub fn take(&mut self, needs: &[(usize, u64)]) {
        for &(q, units) in needs {
            self.quotas[q].used += units;
        }
    }

    /// [`Self::try_take`] for one quota.
    pub fn try_take_one(&mut self, now: Micros, quota: usize, units: u64) -> bool {
        self.try_take(now, &[(quota, units)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{DEFAULT_MONTH, HOUR, SECOND};

    #[test]
    fn quotas_parse_per_day_and_per_month() {
        let q = parse_quota("50000/day").unwrap();
        assert_eq!((q.units, q.period), (50_000, QuotaPeriod::Day));
        let q = parse_quota("2_000_000/month").unwrap();
        assert_eq!((q.units, q.period), (2_000_000, QuotaPeriod::Month));
        assert_eq!(parse_quota("0/day").unwrap().units, 0);
        for bad in [
            "50000", "5e4/day", "-1/day", "1.5/day", "_1/day", "/day", "10/week",
        ] {
            assert!(parse_quota(bad).is_err(), "{bad}");
        }
        assert!(
            parse_quota("10/week")
                .unwrap_err()
                .contains("/day or /month")
        );
    }

    #[test]
    fn the_first_day_runs_from_the_window_start_to_the_first_reset() {
        let clock = QuotaClock::new(8 * HOUR, DEFAULT_MONTH);
        assert_eq!(clock.day_of(0), 0);
        assert_eq!(clock.day_of(8 * HOUR - 1), 0);
        assert_eq!(clock.day_of(8 * HOUR), 1);
        assert_eq!(clock.day_of(32 * HOUR - 1), 1);
        assert_eq!(clock.day_of(32 * HOUR), 2);
        assert_eq!(clock.day_start(2), 32 * HOUR);
        let midnight = QuotaClock::new(0, DEFAULT_MONTH);
        assert_eq!(midnight.day_of(DAY - 1), 0);
        assert_eq!(midnight.day_of(DAY), 1);
        assert_eq!(midnight.day_start(1), DAY);
        assert_eq!(midnight.period_of(QuotaPeriod::Month, DEFAULT_MONTH - 1), 0);
        assert_eq!(midnight.period_of(QuotaPeriod::Month, DEFAULT_MONTH), 1);
    }

    #[test]
    fn a_call_takes_all_its_units_or_none() {
        let day = |units| QuotaLimit {
            units,
            period: QuotaPeriod::Day,
        };
        let mut set = QuotaSet::new(QuotaClock::new(0, DEFAULT_MONTH), [day(3), day(1)]);
        assert!(set.try_take(0, &[(0, 2), (1, 1)]));
        // Quota 0 has 1 left, quota 1 none: a call needing one of each makes neither.
        assert!(!set.try_take(SECOND, &[(0, 1), (1, 1)]));
        assert!(set.try_take_one(SECOND, 0, 1));
        assert!(!set.try_take_one(SECOND, 0, 1));
        // A quota named twice needs the sum.
        assert!(!set.try_take(DAY, &[(0, 2), (0, 2)]));
        assert!(set.try_take(DAY, &[(0, 2), (0, 1)]));
    }
}
