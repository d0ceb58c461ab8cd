//! CPU: how much of it an instance has, and how the requests on an instance share it.
//!
//! - [`coupling`]: the CPU share configured memory buys ([`CpuCoupling`], Lambda's
//!   1,769 MB per vCPU) and how a function's execution time scales with that share
//!   ([`scaled_exec`], through the function's `cpu_bound` fraction), and the CPU work a
//!   request brings to a shared instance ([`cpu_work`]).
//! - [`share`]: processor sharing of an instance's vCPUs among the requests it serves at
//!   once ([`SharedCpu`]): while `k` requests compute on `V` vCPUs, each progresses at
//!   `min(1, V / k)`.
//! - [`sharing`]: the platform component a compute model owns to share its instances'
//!   vCPUs among its requests ([`InstanceCpus`]): per-instance [`SharedCpu`]s, CPU slots,
//!   runs and their timers (FaaS with `vcpus` today; fleets with `vcpus` next).
//!
//! [`coupling`] and [`share`] are pure: no engine, scenario or metrics types, only
//! [`Micros`] and numbers the scenario has validated; [`sharing`] adds the engine's timers.
//!
//! [`Micros`]: crate::engine::time::Micros

pub mod coupling;
pub mod share;
pub mod sharing;

#[cfg(test)]
mod share_tests;

pub use coupling::{CpuCoupling, cpu_work, cpu_work_capped, scaled_exec};
pub use share::{MAX_VCPUS, MIN_VCPUS, SharedCpu, is_valid_vcpus};
pub use sharing::{CpuEvents, InstanceCpus, RunEnd, RunId, RunSpec};
