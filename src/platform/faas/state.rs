//! The FaaS model's per-function and per-pool state, packed: one record per function
//! ([`FunctionState`]) and one per pool ([`PoolState`]), each holding what the per-call path
//! reads and writes together, one cache line apiece.
//!
//! A call reads its function's pool, limit and run plan when it starts and its limit again
//! when it ends; it reads its pool's memory (GB-s) and app (per-app counts) and books the
//! pool's idle time. Kept in parallel vectors, those were some seven records in as many
//! arrays; on a trace of 10,000 functions, whose arrays outgrow the caches, each was a miss.
//! Here they are two. What only cold starts, timeouts or the end of the run read (a
//! function's cold-start distribution, the keep-alive policy's histograms, the instance
//! lists) stays with the module that owns it.

use super::functions::RunPlan;
use super::limits::FunctionLimit;
use crate::engine::time::Micros;

/// What the per-call path reads of one function (64 bytes: one cache line).
#[derive(Clone, Copy, Debug)]
#[repr(align(64))]
pub(super) struct FunctionState {
    /// Its time limit and execution-time scaling ([`super::functions`]).
    pub run: RunPlan,
    /// Its concurrency limit and executions in flight ([`super::limits`]).
    pub limit: FunctionLimit,
    /// The pool that serves it ([`super::pools`]).
    pub pool: u32,
}

/// What the model keeps of one pool (64 bytes: one cache line).
#[derive(Clone, Copy, Debug)]
#[repr(align(64))]
pub(super) struct PoolState {
    /// Idle instance time booked so far (µs, inside the window; [`super::idle`]).
    pub idle_us: u128,
    /// Billed memory of its instances, in GB, and their billed CPU clock (GHz, 0 without CPU
    /// tiers).
    pub gb: f64,
    pub ghz: f64,
    /// Until when the instance its pending pre-warm loads is kept (hybrid keep-alive).
    pub prewarm_until: Micros,
    /// Its app, an index for the per-app counts.
    pub app: u32,
    /// Always-warm instances it keeps ([`super::provisioned`]), and whether it keeps them.
    pub kept: u32,
    pub provisioned: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_record_is_one_cache_line() {
        assert_eq!(std::mem::size_of::<FunctionState>(), 64);
        assert_eq!(std::mem::size_of::<PoolState>(), 64);
    }
}
