//! A service's cap on simultaneous connections (`connections = { limit = 100, hold = "5m" }`),
//! such as Firebase Realtime Database's 100 on the Spark plan.
//!
//! Rules, exactly:
//!
//! - **A call that uses the service holds one connection** (whatever its number of
//!   operations) from the instant it is admitted for `hold`: the time the device, browser tab
//!   or server keeps its socket open (a user's session in the app). A call admitted at `t`
//!   releases its connection at `t + hold`; a call arriving at that very instant finds it
//!   free.
//! - **A call that finds `limit` connections held fails at once** as `quota_exceeded`, makes
//!   none of its operations and holds nothing (the provider refusing the connection). The
//!   cap is checked with the service's other hard quotas, all or nothing
//!   ([`super::service_quotas`]); a call refused by another quota takes no connection.
//! - With Poisson arrivals this is Erlang's loss system M/G/c/c: the share of calls refused
//!   is Erlang B of `limit` servers and `rate x hold` erlangs, whatever the hold's
//!   distribution.
//!
//! - **Without `hold`** (a preset's plan gives the limit; the scenario no hold) the cap is not
//!   applied: no session length is assumed for the user, and `check` and `run` warn that the
//!   limit is left out.
//!
//! **Reported per day** on the service's quota clock ([`crate::platform::quota`]): the most
//! connections held at once in the day and the calls refused, as a [`QuotaUse`] counting
//! `connections` with period [`QuotaPeriod::AtOnce`] (drawn in `quotas.png`).

use std::collections::VecDeque;

use crate::engine::time::Micros;
use crate::platform::quota::{PeriodUse, QuotaClock, QuotaLimit, QuotaPeriod, QuotaUse};

/// What a [`QuotaUse`] of a connection cap counts.
pub const CONNECTIONS: &str = "connections";

/// A cap on the connections a service holds at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionCap {
    /// Most connections held at once.
    pub limit: u64,
    /// How long a call holds its connection from its admission; without it (a preset's plan
    /// sets the limit, the scenario gives no hold) the cap is not applied, and `check` and
    /// `run` warn so.
    pub hold: Option<Micros>,
}

/// The connections a service holds, and what the cap saw day by day.
#[derive(Clone, Debug)]
pub(super) struct Connections {
    limit: u64,
    hold: Micros,
    clock: QuotaClock,
    /// Release instants of the held connections, oldest first (admissions come in time order
    /// and all hold as long, so the queue stays sorted).
    releases: VecDeque<Micros>,
    /// The current day, the most held in it and the calls it refused.
    today: PeriodUse,
    /// The finished days that held a connection or refused a call.
    history: Vec<PeriodUse>,
}

impl Connections {
    /// No connection held, days on `clock`; `None` for a cap without a hold (not applied).
    pub(super) fn new(cap: ConnectionCap, clock: QuotaClock) -> Option<Self> {
        Some(Self {
            limit: cap.limit,
            hold: cap.hold?,
            clock,
            releases: VecDeque::new(),
            today: PeriodUse::default(),
            history: Vec::new(),
        })
    }

    /// Releases the connections due by `now` and rolls the day over if a new one has begun
    /// (its peak starts at the connections still held).
    fn advance(&mut self, now: Micros) {
        while self.releases.front().is_some_and(|&r| r <= now) {
            self.releases.pop_front();
        }
        let day = self.clock.day_of(now);
        if day != self.today.index {
            if self.today.used > 0 || self.today.refused > 0 {
                self.history.push(self.today);
            }
            self.today = PeriodUse {
                index: day,
                used: self.releases.len() as u64,
                refused: 0,
            };
        }
    }

    /// Whether a call at `now` finds a free connection (counting a refusal if not), taking
    /// nothing yet ([`Self::take`]).
    #[inline]
    pub(super) fn allows(&mut self, now: Micros) -> bool {
        self.advance(now);
        let free = (self.releases.len() as u64) < self.limit;
        if !free {
            self.today.refused += 1;
        }
        free
    }

    /// Holds a connection from `now`, which [`Self::allows`] has just accepted.
    #[inline]
    pub(super) fn take(&mut self, now: Micros) {
        self.releases.push_back(now.saturating_add(self.hold));
        self.today.used = self.today.used.max(self.releases.len() as u64);
    }

    /// What the cap saw, as a quota of `part` (the service's name).
    pub(super) fn report(&self, part: &str) -> QuotaUse {
        let mut periods = self.history.clone();
        if self.today.used > 0 || self.today.refused > 0 {
            periods.push(self.today);
        }
        QuotaUse {
            part: part.to_string(),
            counts: CONNECTIONS.to_string(),
            limit: QuotaLimit {
                units: self.limit,
                period: QuotaPeriod::AtOnce,
            },
            clock: self.clock,
            periods,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::time::{DAY, DEFAULT_MONTH, HOUR, SECOND};

    fn two_for_ten_seconds() -> Connections {
        let cap = ConnectionCap {
            limit: 2,
            hold: Some(10 * SECOND),
        };
        Connections::new(cap, QuotaClock::new(8 * HOUR, DEFAULT_MONTH)).unwrap()
    }

    fn admit(c: &mut Connections, now: Micros) -> bool {
        let ok = c.allows(now);
        if ok {
            c.take(now);
        }
        ok
    }

    #[test]
    fn a_connection_is_free_again_at_the_instant_its_hold_ends() {
        let mut c = two_for_ten_seconds();
        assert!(admit(&mut c, 0));
        assert!(admit(&mut c, 5 * SECOND));
        // Two held until 10 s and 15 s: a third call is refused until 10 s exactly.
        assert!(!admit(&mut c, 10 * SECOND - 1));
        assert!(admit(&mut c, 10 * SECOND));
        assert!(!admit(&mut c, 14 * SECOND));
        assert!(admit(&mut c, 15 * SECOND));
        let use_ = c.report("rtdb");
        assert_eq!(use_.counts, "connections");
        assert_eq!(use_.limit.units, 2);
        assert_eq!(
            use_.periods,
            vec![PeriodUse {
                index: 0,
                used: 2,
                refused: 2
            }]
        );
    }

    #[test]
    fn each_day_reports_its_peak_from_the_connections_it_inherits() {
        let mut c = two_for_ten_seconds();
        // Day 0 runs to the 08:00 reset: one connection held across it.
        assert!(admit(&mut c, 8 * HOUR - 5 * SECOND));
        // Day 1: the inherited one is still held at 08:00:01; none at 09:00.
        assert!(c.allows(8 * HOUR + SECOND));
        assert!(admit(&mut c, 9 * HOUR));
        assert!(admit(&mut c, 9 * HOUR + SECOND));
        assert!(!admit(&mut c, 9 * HOUR + 2 * SECOND));
        // Day 2 sees a refusal only after its own calls.
        assert!(admit(&mut c, 8 * HOUR + DAY));
        let periods = c.report("rtdb").periods;
        let day = |index, used, refused| PeriodUse {
            index,
            used,
            refused,
        };
        assert_eq!(periods, vec![day(0, 1, 0), day(1, 2, 1), day(2, 1, 0)]);
    }
}
