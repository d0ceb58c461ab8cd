//! Progress of a run as it happens: a shared request counter that a display (the CLI's
//! progress bar) reads while the engines run.
//!
//! The engine must stay lean, so it never touches the shared counter per request: each
//! engine counts arrivals in a local variable and publishes them every [`PUBLISH_EVERY`]
//! requests (one relaxed atomic add), and the remainder when its stream ends. Progress never
//! feeds back into the simulation, so results are identical with and without a display.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Requests an engine counts locally before adding them to the shared counter (a power of
/// two, so the test is a mask).
pub const PUBLISH_EVERY: u64 = 1 << 12;

/// A request counter shared by every deployment of a run and whoever displays it. Cloning
/// shares the counter.
///
/// Work whose size grows as it goes (a sweep's break-even refinement, which chooses its runs
/// from the results before it) also keeps here the requests it expects ([`Self::expect`],
/// [`Self::retract`]) and its extra runs planned and done ([`Self::plan_runs`]), so a display
/// can show an ETA that counts requests and what the refinement still has to do.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    requests: Arc<AtomicU64>,
    expected: Arc<AtomicU64>,
    extra_planned: Arc<AtomicU64>,
    extra_done: Arc<AtomicU64>,
}

impl Progress {
    /// A counter at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Requests simulated so far, all deployments together (lags by less than
    /// [`PUBLISH_EVERY`] per running deployment).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Adds `n` simulated requests.
    pub fn add(&self, n: u64) {
        if n > 0 {
            self.requests.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// Requests the work expects to simulate in all, as announced so far (0: not announced).
    pub fn expected(&self) -> u64 {
        self.expected.load(Ordering::Relaxed)
    }

    /// Announces `n` more requests to come.
    pub fn expect(&self, n: u64) {
        self.expected.fetch_add(n, Ordering::Relaxed);
    }

    /// Withdraws `n` announced requests that will not be simulated after all (a refinement
    /// that ended early).
    pub fn retract(&self, n: u64) {
        let _ = self
            .expected
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |e| {
                Some(e.saturating_sub(n))
            });
    }

    /// Announces `planned` more extra runs (a refinement's); negative withdraws planned runs
    /// that will not be made.
    pub fn plan_runs(&self, planned: i64) {
        let _ = self
            .extra_planned
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |p| {
                Some(p.saturating_add_signed(planned))
            });
    }

    /// Counts `n` extra runs done.
    pub fn runs_done(&self, n: u64) {
        self.extra_done.fetch_add(n, Ordering::Relaxed);
    }

    /// Extra runs done and planned so far (`(0, 0)` before any is planned).
    pub fn extra_runs(&self) -> (u64, u64) {
        (
            self.extra_done.load(Ordering::Relaxed),
            self.extra_planned.load(Ordering::Relaxed),
        )
    }
}
