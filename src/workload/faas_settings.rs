//! What one function asks of a FaaS platform beyond its memory and execution time: how it
//! is invoked (synchronously, or asynchronously with retries), its own timeout, its language
//! runtime (for a default cold-start time) and how CPU-bound it is (for the memory/CPU
//! coupling).
//!
//! These are properties of the function, set under `[[workload.functions]]` or, for every
//! function of a trace, under `[workload.trace]`. Each FaaS deployment reads them
//! ([`crate::platform::faas`]); fleets ignore them (a fleet's servers have a fixed speed and
//! no per-function retry queue).

use crate::engine::time::Micros;
use crate::platform::faas::scaling::retries::AsyncRetries;

/// How callers invoke a function.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Invocation {
    /// The caller waits for the answer: a throttled call fails at once (429).
    #[default]
    Sync,
    /// The platform queues the event and retries it with these settings.
    Async(AsyncRetries),
}

impl Invocation {
    /// The scenario names, in the order an error message lists them.
    pub const NAMES: [&'static str; 2] = ["sync", "async"];

    /// The retry settings of an asynchronous function; `None` for a synchronous one.
    #[inline]
    pub fn retries(&self) -> Option<&AsyncRetries> {
        match self {
            Invocation::Sync => None,
            Invocation::Async(r) => Some(r),
        }
    }
}

/// A function's FaaS settings; the default is today's behaviour (synchronous, the
/// deployment's timeout and cold start, execution time independent of memory).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FaasSettings {
    pub invocation: Invocation,
    /// Overrides the deployment's `timeout` for this function.
    pub timeout: Option<Micros>,
    /// Language runtime (`nodejs`, `python`, ...): the default cold start where the
    /// deployment gives none ([`crate::platform::faas::runtimes`]).
    pub runtime: Option<String>,
    /// Fraction of the execution time spent computing, in [0, 1]: that part scales with the
    /// CPU share of the memory the function runs at ([`crate::platform::cpu`]), and competes
    /// for an instance's shared vCPUs. Unstated (`None`): memory does not change the
    /// execution time (0), and on shared vCPUs all of it is CPU work (1), the conservative
    /// reading of each.
    pub cpu_bound: Option<f64>,
    /// Memory at which the execution-time distribution was measured (MB); `None` = the
    /// function's own memory.
    pub reference_memory_mb: Option<u32>,
    /// Most vCPUs one call can use (`max_vcpus`; `None` = 1: most handlers are
    /// single-threaded): caps the memory-to-CPU coupling of FaaS and a call's share under
    /// processor sharing, on FaaS and fleets alike.
    pub max_vcpus: Option<f64>,
    /// Memory one request holds on a fleet instance (`server_memory`, MB); `None`: fleets do
    /// not check per-request memory (the FaaS `memory` never caps a fleet).
    pub server_memory_mb: Option<u32>,
}
