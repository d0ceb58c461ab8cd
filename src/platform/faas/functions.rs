//! What one FaaS deployment makes of each function's settings
//! ([`crate::workload::FaasSettings`]), resolved once when the model is built:
//!
//! - **Cold start**: the deployment's `cold_start` when it gives one (it overrides every
//!   runtime default), else the default of the function's `runtime`
//!   ([`super::runtimes`]; validation guarantees there is one).
//! - **Timeout**: the function's own `timeout`, else the deployment's, else none.
//! - **Execution time**: the reference time scaled by the CPU share of the memory the
//!   function runs at (its pool's memory: its own, or its app's with `pools = "app"`)
//!   against the share of its `reference_memory` (default: its own memory), for its
//!   `cpu_bound` fraction ([`crate::platform::cpu::scaled_exec`]). Both shares are the part
//!   one call can use: at most the function's `max_vcpus` (default 1: a single-threaded
//!   handler gains nothing above 1,769 MB; [`CpuCoupling::usable_vcpus`]). The coupling is
//!   AWS Lambda's (1,769 MB = 1 vCPU, linear, at most 6: [`CpuCoupling::lambda`]) for every
//!   FaaS deployment for now. With `cpu_bound` unset or 0, or equal shares, the time is the
//!   reference time exactly. A deployment with `vcpus` (container-style instances, whose CPU
//!   does not follow memory) runs the reference time unscaled; its calls share the vCPUs
//!   instead ([`super::cpu_sharing`]).
//! - **CPU time** (what `billing.cpu_ms` bills): the CPU-bound part of the execution time at
//!   the memory the function runs at, `reference x cpu_bound x share(reference) /
//!   share(runs at)`, rounded to the microsecond; with `cpu_bound` unset, the whole execution
//!   time. Backend calls are waits, not CPU time.
//!
//! Each function resolves to two parts: its `FunctionPlan` (cold start and timeout, read by
//! cold starts and shared CPUs) and its `RunPlan` (time limit and time scaling, read by every
//! call, and so kept in the function's packed record, the model's `state` module).

use super::pools::PoolTable;
use super::runtimes;
use crate::engine::time::{Micros, round_non_negative};
use crate::platform::cpu::CpuCoupling;
#[cfg(doc)]
use crate::platform::cpu::scaled_exec;
use crate::workload::{DurationDist, FunctionSpec};

/// What a cold start and a shared CPU's timeout read of one function on a deployment (off
/// the per-call path; what every call reads is its [`RunPlan`]).
#[derive(Clone, Debug)]
pub(super) struct FunctionPlan {
    pub cold_start: DurationDist,
    pub timeout: Option<Micros>,
}

/// What every call of one function on a deployment reads: its time limit and how its
/// execution and CPU times scale. Kept in the function's record of the model
/// ([`super::state::FunctionState`]).
#[derive(Clone, Copy, Debug)]
pub(super) struct RunPlan {
    /// The timeout, [`Micros::MAX`] without one: no call is longer, so `held > time_limit`
    /// is the timeout test without a branch on the `Option`.
    pub time_limit: Micros,
    /// What execution and CPU times are multiplied by here, worked out once ([`Self::new`]):
    /// `None` when they are the reference time exactly (no CPU-bound share, or equal shares),
    /// which the per-call path then returns without any float arithmetic.
    exec_factor: Option<f64>,
    /// The function's own `cpu_bound`, unset meaning "all CPU" (for its CPU time), and the
    /// speed-up of its CPU-bound part at the memory it runs at (1 when unscaled).
    cpu_share: Option<f64>,
    cpu_speedup: f64,
}

impl RunPlan {
    /// The run plan of a function with `timeout`, `cpu_bound` of it computing (for execution
    /// time), `cpu_share` (its own `cpu_bound`, for CPU time), at CPU share `cpu_now` against
    /// `cpu_ref` at its reference memory. The factors are those [`scaled_exec`] would compute
    /// on every call, evaluated once: the same floats.
    fn new(
        timeout: Option<Micros>,
        cpu_bound: f64,
        cpu_share: Option<f64>,
        cpu_ref: f64,
        cpu_now: f64,
    ) -> Self {
        let unscaled = cpu_bound == 0.0 || cpu_ref == cpu_now;
        Self {
            time_limit: timeout.unwrap_or(Micros::MAX),
            exec_factor: (!unscaled).then(|| cpu_bound * (cpu_ref / cpu_now) + (1.0 - cpu_bound)),
            cpu_share,
            cpu_speedup: if unscaled { 1.0 } else { cpu_ref / cpu_now },
        }
    }

    /// The execution time on this deployment of a call that takes `reference` at the
    /// function's reference memory ([`scaled_exec`]).
    #[inline]
    pub fn exec(&self, reference: Micros) -> Micros {
        match self.exec_factor {
            None => reference,
            Some(factor) => round_non_negative(reference as f64 * factor),
        }
    }

    /// The CPU time on this deployment of a call that takes `reference` at the function's
    /// reference memory (see the module doc).
    #[inline]
    pub fn cpu_time(&self, reference: Micros) -> Micros {
        match self.cpu_share {
            None => self.exec(reference),
            // `as` saturates: a time past u64 is u64::MAX µs.
            Some(share) => (reference as f64 * share * self.cpu_speedup).round() as Micros,
        }
    }
}

/// The cold-start distribution of `function` under a deployment whose `cold_start` is
/// `deployment`, its runtime default taken from `figures`' measurements (see the module
/// doc). A function with neither is refused by validation; it
/// would get an instant start.
pub fn cold_start_of(
    deployment: Option<&DurationDist>,
    figures: runtimes::Platform,
    function: &FunctionSpec,
) -> DurationDist {
    deployment
        .cloned()
        .or_else(|| {
            let runtime = function.faas.runtime.as_deref()?;
            runtimes::cold_start_default_on(figures, runtime).map(|(dist, _)| dist)
        })
        .unwrap_or(DurationDist::Constant { ms: 0.0 })
}

/// The plan and run plan of every function of `functions`, pooled by `table`, under a
/// deployment with cold start `cold_start` and timeout `timeout`. A deployment that sets
/// `vcpus` sizes its instances' CPU itself: memory then does not scale execution time.
pub(super) fn plans(
    cold_start: Option<&DurationDist>,
    figures: runtimes::Platform,
    timeout: Option<Micros>,
    vcpus: Option<f64>,
    functions: &[FunctionSpec],
    table: &PoolTable,
) -> Vec<(FunctionPlan, RunPlan)> {
    let coupling = CpuCoupling::lambda();
    functions
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let runs_at = table.memory_mb[table.pool_of[i] as usize];
            let reference = f.faas.reference_memory_mb.unwrap_or(f.memory_mb);
            let cap = f.faas.max_vcpus.unwrap_or(1.0);
            let timeout = f.faas.timeout.or(timeout);
            let run = RunPlan::new(
                timeout,
                if vcpus.is_some() {
                    0.0
                } else {
                    f.faas.cpu_bound.unwrap_or(0.0)
                },
                f.faas.cpu_bound,
                coupling.usable_vcpus(reference.max(1), cap),
                coupling.usable_vcpus(runs_at.max(1), cap),
            );
            let plan = FunctionPlan {
                cold_start: cold_start_of(cold_start, figures, f),
                timeout,
            };
            (plan, run)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::FaasSettings;

    /// Run plans under a deployment with no cold start, timeout or vCPUs of its own.
    fn default_plans(functions: &[FunctionSpec], table: &PoolTable) -> Vec<RunPlan> {
        plans(
            None,
            runtimes::Platform::AwsLambda,
            None,
            None,
            functions,
            table,
        )
        .into_iter()
        .map(|(_, run)| run)
        .collect()
    }

    fn function(memory_mb: u32, faas: FaasSettings) -> FunctionSpec {
        FunctionSpec {
            name: "f".into(),
            app: "a".into(),
            memory_mb,
            exec: DurationDist::Constant { ms: 1.0 },
            calls: Vec::new(),
            faas,
        }
    }

    #[test]
    fn a_deployment_cold_start_overrides_the_runtime_default() {
        let f = function(
            128,
            FaasSettings {
                runtime: Some("java".into()),
                ..Default::default()
            },
        );
        let given = DurationDist::Constant { ms: 7.0 };
        assert_eq!(
            cold_start_of(Some(&given), runtimes::Platform::AwsLambda, &f),
            given
        );
        // Java's published median is 372.1 ms (runtimes module).
        assert!(
            (cold_start_of(None, runtimes::Platform::AwsLambda, &f).quantile_ms(0.5) - 372.1).abs()
                < 1e-9
        );
    }

    #[test]
    fn a_function_timeout_overrides_the_deployments() {
        let own = function(
            128,
            FaasSettings {
                timeout: Some(5),
                ..Default::default()
            },
        );
        let other = function(128, FaasSettings::default());
        let functions = [own, other];
        let table = PoolTable::new(&functions, Default::default());
        let p = plans(
            None,
            runtimes::Platform::AwsLambda,
            Some(9),
            None,
            &functions,
            &table,
        );
        assert_eq!((p[0].0.timeout, p[1].0.timeout), (Some(5), Some(9)));
        let p = default_plans(&functions, &table);
        assert_eq!((p[0].time_limit, p[1].time_limit), (5, Micros::MAX));
    }

    #[test]
    fn cpu_bound_time_follows_memory_against_the_reference() {
        // Runs at 3538 MB (2 vCPU), measured at 1769 MB (1 vCPU), 60% CPU-bound, able to
        // use 2 vCPUs: 1000 x (0.6 x 1/2 + 0.4) = 700 µs.
        let settings = FaasSettings {
            cpu_bound: Some(0.6),
            reference_memory_mb: Some(1769),
            max_vcpus: Some(2.0),
            ..Default::default()
        };
        let functions = [function(3538, settings)];
        let table = PoolTable::new(&functions, Default::default());
        let plan = &default_plans(&functions, &table)[0];
        assert_eq!(plan.exec(1000), 700);
        // Without a reference memory the function runs at its own: unchanged.
        let functions = [function(
            3538,
            FaasSettings {
                cpu_bound: Some(0.6),
                ..Default::default()
            },
        )];
        assert_eq!(default_plans(&functions, &table)[0].exec(1000), 1000);
    }

    #[test]
    fn the_precomputed_factor_gives_scaled_exec_to_the_bit() {
        // The per-call path multiplies by a factor worked out once; it must give what
        // `scaled_exec` gives on every call, for scaled, unscaled and rounding-edge times.
        use crate::platform::cpu::scaled_exec;
        let times = [
            0,
            1,
            2,
            3,
            499,
            500,
            501,
            999_999,
            40_000,
            123_456_789,
            u64::MAX / 2,
        ];
        for (bound, reference_mb, runs_at_mb) in [
            (0.6, 1769, 3538),
            (0.37, 128, 10240),
            (1.0, 3000, 700),
            (0.0, 128, 3538),
            (0.5, 2048, 2048),
        ] {
            let settings = FaasSettings {
                cpu_bound: Some(bound),
                reference_memory_mb: Some(reference_mb),
                max_vcpus: Some(6.0),
                ..Default::default()
            };
            let functions = [function(runs_at_mb, settings)];
            let table = PoolTable::new(&functions, Default::default());
            let plan = &default_plans(&functions, &table)[0];
            let coupling = CpuCoupling::lambda();
            let (cpu_ref, cpu_now) = (coupling.vcpus(reference_mb), coupling.vcpus(runs_at_mb));
            for t in times {
                assert_eq!(
                    plan.exec(t),
                    scaled_exec(t, bound, cpu_ref, cpu_now),
                    "{t} µs at {bound} from {reference_mb} to {runs_at_mb} MB"
                );
            }
        }
    }

    #[test]
    fn cpu_time_is_the_cpu_bound_part_of_the_execution() {
        // 60% CPU-bound, measured at 1769 MB, running at 3538 MB: of the 700 µs execution,
        // 1000 x 0.6 x 1/2 = 300 µs compute.
        let settings = |cpu_bound| FaasSettings {
            cpu_bound,
            reference_memory_mb: Some(1769),
            max_vcpus: Some(2.0),
            ..Default::default()
        };
        let functions = [
            function(3538, settings(Some(0.6))),
            function(3538, settings(None)),
            function(1769, settings(Some(0.25))),
        ];
        let table = PoolTable::new(&functions, Default::default());
        let p = default_plans(&functions, &table);
        assert_eq!(p[0].cpu_time(1000), 300);
        // Unset: the whole execution time is CPU time (and memory does not scale it).
        assert_eq!(p[1].cpu_time(1000), 1000);
        // At its reference memory: a quarter of 1,000 µs.
        assert_eq!(p[2].cpu_time(1000), 250);
    }

    #[test]
    fn max_vcpus_caps_the_speed_up_of_memory() {
        // Purely CPU-bound, 1000 µs measured at 1,769 MB (1 vCPU). With max_vcpus unset (1)
        // a call at 3,538 MB or 10,240 MB takes as long as at 1,769 MB; with max_vcpus = 2,
        // 3,538 MB halves it and 10,240 MB (5.79 vCPUs, capped at 2) does no better; below
        // 1,769 MB the share shrinks whatever the cap: 884 MB (0.4997 vCPU) takes
        // 1000 x 1769 / 884 = 2001.13 -> 2001 µs.
        let plan = |memory_mb, max_vcpus| {
            let settings = FaasSettings {
                cpu_bound: Some(1.0),
                reference_memory_mb: Some(1769),
                max_vcpus,
                ..Default::default()
            };
            let functions = [function(memory_mb, settings)];
            let table = PoolTable::new(&functions, Default::default());
            default_plans(&functions, &table)[0].exec(1000)
        };
        assert_eq!(plan(1769, None), 1000);
        assert_eq!(plan(3538, None), 1000);
        assert_eq!(plan(10_240, None), 1000);
        assert_eq!(plan(3538, Some(1.0)), 1000);
        assert_eq!(plan(3538, Some(2.0)), 500);
        assert_eq!(plan(10_240, Some(2.0)), 500);
        assert_eq!(plan(884, None), 2001);
        assert_eq!(plan(884, Some(2.0)), 2001);
    }
}
