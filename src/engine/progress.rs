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
#[derive(Clone, Debug, Default)]
pub struct Progress {
    requests: Arc<AtomicU64>,
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
}
