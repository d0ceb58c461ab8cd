//! Memory sets the CPU share, and the CPU share sets a function's execution time.
//!
//! Owns two rules, both pure functions of validated numbers:
//!
//! - [`CpuCoupling::vcpus`]: the CPU share a configured memory buys, linear in memory up to a
//!   cap: `vcpus(m) = min(m / mb_per_vcpu, max_vcpus)`; and [`CpuCoupling::usable_vcpus`],
//!   the part of it one call can use: at most the function's `max_vcpus` (default 1: most
//!   handlers are single-threaded), `min(vcpus(m), function max_vcpus)`. So a call of a
//!   `max_vcpus = 1` function runs no faster at 10,240 MB than at 1,769 MB on Lambda; with
//!   `max_vcpus = 2` the speed-up goes on to 3,538 MB.
//! - [`scaled_exec`]: the execution time at one CPU share given the time measured at a
//!   reference share, for a function whose CPU-bound fraction is `f`:
//!   `t(m) = t_ref x (f x cpu(m_ref) / cpu(m) + 1 - f)`. The CPU-bound part of the time scales
//!   inversely with the share; the rest (waiting on backends, the network, sleeping) does
//!   not change.
//! - [`cpu_work`]: the CPU-bound part of a request as *work* for [`super::SharedCpu`] (µs of
//!   one full vCPU) when requests share an instance: each request is one thread, so it
//!   used at most one vCPU at its reference share, `W = t_ref x f x min(cpu(m_ref), 1)`
//!   (with a cap of `max_vcpus` instead of 1: [`cpu_work_capped`]).
//!   A lone request then takes `W / min(1, V)` on `V` vCPUs, the same CPU time as
//!   [`scaled_exec`] while both shares are at most one vCPU; above one vCPU
//!   [`scaled_exec`] lets a request use the whole share (a function alone in its
//!   environment may use every core), processor sharing caps each request at one.

use crate::engine::time::{Micros, round_non_negative};

/// How a provider turns configured memory into a CPU share (in vCPUs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CpuCoupling {
    mb_per_vcpu: f64,
    max_vcpus: f64,
}

impl CpuCoupling {
    /// AWS Lambda: "At 1,769 MB, a function has the equivalent of one vCPU (one vCPU-second
    /// of credits per second)", memory configurable from 128 MB to 10,240 MB in 1 MB steps,
    /// CPU allocated in proportion to memory (AWS Lambda Developer Guide, "Configure Lambda
    /// function memory", <https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html>).
    /// The cap of 6 vCPUs is the figure AWS announced with 10,240 MB functions ("New for
    /// AWS Lambda – Functions with Up to 10 GB of Memory and 6 vCPUs", AWS News Blog,
    /// December 2020,
    /// <https://aws.amazon.com/blogs/aws/new-for-aws-lambda-functions-with-up-to-10-gb-of-memory-and-6-vcpus/>).
    ///
    /// The linear rule gives 10,240 / 1,769 = 5.79 vCPUs at the largest memory, so the cap
    /// never binds within Lambda's memory range. The 6 is a count of cores, not of CPU time:
    /// third-party measurements (<https://github.com/rwnx/lambda-cpuinfo>) see 6 cores from
    /// 8,846 MB while the documented credit stays linear. AWS does not publish the share
    /// between the documented points; linearity is the documented "in proportion"
    /// statement, not a measurement.
    pub const fn lambda() -> Self {
        Self {
            mb_per_vcpu: 1769.0,
            max_vcpus: 6.0,
        }
    }

    /// A coupling of `mb_per_vcpu` MB per vCPU, capped at `max_vcpus`.
    ///
    /// # Errors
    /// The name of the field that is not a positive finite number, with why.
    pub fn new(mb_per_vcpu: f64, max_vcpus: f64) -> Result<Self, &'static str> {
        if !(mb_per_vcpu.is_finite() && mb_per_vcpu > 0.0) {
            return Err("mb_per_vcpu: must be a positive finite number of MB");
        }
        if !(max_vcpus.is_finite() && max_vcpus > 0.0) {
            return Err("max_vcpus: must be a positive finite number of vCPUs");
        }
        Ok(Self {
            mb_per_vcpu,
            max_vcpus,
        })
    }

    /// Megabytes of memory that buy one vCPU.
    pub fn mb_per_vcpu(&self) -> f64 {
        self.mb_per_vcpu
    }

    /// The largest share any memory buys.
    pub fn max_vcpus(&self) -> f64 {
        self.max_vcpus
    }

    /// The CPU share, in vCPUs, of an instance configured with `memory_mb` MB:
    /// `min(memory_mb / mb_per_vcpu, max_vcpus)`. Zero memory gets zero CPU; callers give
    /// validated memory (at least 1 MB), so the share is always positive.
    pub fn vcpus(&self, memory_mb: u32) -> f64 {
        (f64::from(memory_mb) / self.mb_per_vcpu).min(self.max_vcpus)
    }

    /// The CPU share one call of a function that can use at most `call_max_vcpus` vCPUs
    /// (its `max_vcpus`) gets at `memory_mb`: `min(vcpus(memory_mb), call_max_vcpus)`.
    pub fn usable_vcpus(&self, memory_mb: u32, call_max_vcpus: f64) -> f64 {
        self.vcpus(memory_mb).min(call_max_vcpus)
    }
}

/// The execution time at CPU share `cpu_now` of a request that takes `exec_ref` at share
/// `cpu_ref`, when the fraction `cpu_bound` of that time is spent computing:
/// `exec_ref x (cpu_bound x cpu_ref / cpu_now + 1 - cpu_bound)`, rounded half up to the
/// microsecond and saturating at [`Micros::MAX`].
///
/// With `cpu_bound = 0` or equal shares the time is `exec_ref` exactly (no float round
/// trip). Otherwise the product is computed in `f64`, exact to the microsecond below 2^53 µs
/// (285 years).
///
/// Preconditions (the scenario validates them): `cpu_bound` in [0, 1], both shares positive
/// and finite. Debug builds assert them.
pub fn scaled_exec(exec_ref: Micros, cpu_bound: f64, cpu_ref: f64, cpu_now: f64) -> Micros {
    debug_assert!((0.0..=1.0).contains(&cpu_bound), "cpu_bound {cpu_bound}");
    debug_assert!(cpu_ref.is_finite() && cpu_ref > 0.0, "cpu_ref {cpu_ref}");
    debug_assert!(cpu_now.is_finite() && cpu_now > 0.0, "cpu_now {cpu_now}");
    if cpu_bound == 0.0 || cpu_ref == cpu_now {
        return exec_ref;
    }
    let factor = cpu_bound * (cpu_ref / cpu_now) + (1.0 - cpu_bound);
    round_non_negative(exec_ref as f64 * factor)
}

/// The work, in µs of one full vCPU, of the CPU-bound part of a request that takes
/// `exec_ref` at share `cpu_ref` when the fraction `cpu_bound` of it computes:
/// `exec_ref x cpu_bound x min(cpu_ref, 1)`, rounded half up (see the module docs). The
/// rest of the request, `exec_ref - exec_ref x cpu_bound`, is not CPU work and is not
/// shared. Preconditions as [`scaled_exec`].
pub fn cpu_work(exec_ref: Micros, cpu_bound: f64, cpu_ref: f64) -> Micros {
    cpu_work_capped(exec_ref, cpu_bound, cpu_ref, 1.0)
}

/// [`cpu_work`] of a call that can use at most `max_vcpus` vCPUs (its function's
/// `max_vcpus`): `exec_ref x cpu_bound x min(cpu_ref, max_vcpus)`, rounded half up. The
/// result is still µs of one full vCPU; on a shared CPU the call then progresses at up to
/// `max_vcpus` of them at once.
pub fn cpu_work_capped(exec_ref: Micros, cpu_bound: f64, cpu_ref: f64, max_vcpus: f64) -> Micros {
    debug_assert!((0.0..=1.0).contains(&cpu_bound), "cpu_bound {cpu_bound}");
    debug_assert!(cpu_ref.is_finite() && cpu_ref > 0.0, "cpu_ref {cpu_ref}");
    if cpu_bound == 0.0 {
        return 0;
    }
    let share = cpu_ref.min(max_vcpus);
    if cpu_bound == 1.0 && share == 1.0 {
        return exec_ref;
    }
    round_non_negative(exec_ref as f64 * cpu_bound * share)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_gives_one_vcpu_at_1769_mb_and_is_linear() {
        let lambda = CpuCoupling::lambda();
        assert_eq!(lambda.vcpus(1769), 1.0);
        assert_eq!(lambda.vcpus(3538), 2.0);
        // 128 / 1769 and 10240 / 1769, computed by hand to 6 digits.
        assert!((lambda.vcpus(128) - 0.072357).abs() < 1e-6);
        assert!((lambda.vcpus(10_240) - 5.788581).abs() < 1e-6);
    }

    #[test]
    fn the_cap_binds_above_it() {
        let c = CpuCoupling::new(1000.0, 2.0).unwrap();
        assert_eq!(c.vcpus(1500), 1.5);
        assert_eq!(c.vcpus(2000), 2.0);
        assert_eq!(c.vcpus(5000), 2.0);
        assert_eq!(CpuCoupling::lambda().vcpus(20_000), 6.0);
    }

    #[test]
    fn bad_couplings_name_their_field() {
        assert!(
            CpuCoupling::new(0.0, 1.0)
                .unwrap_err()
                .starts_with("mb_per_vcpu:")
        );
        assert!(
            CpuCoupling::new(f64::NAN, 1.0)
                .unwrap_err()
                .starts_with("mb_per_vcpu:")
        );
        assert!(
            CpuCoupling::new(1.0, -1.0)
                .unwrap_err()
                .starts_with("max_vcpus:")
        );
        assert!(
            CpuCoupling::new(1.0, f64::INFINITY)
                .unwrap_err()
                .starts_with("max_vcpus:")
        );
    }

    #[test]
    fn fully_cpu_bound_time_is_inverse_to_the_share() {
        assert_eq!(scaled_exec(1000, 1.0, 1.0, 2.0), 500);
        assert_eq!(scaled_exec(1000, 1.0, 1.0, 0.5), 2000);
        // 1001 / 2 = 500.5, rounded half up.
        assert_eq!(scaled_exec(1001, 1.0, 1.0, 2.0), 501);
    }

    #[test]
    fn only_the_cpu_bound_part_scales() {
        // Half CPU-bound, share doubled: 1000 x (0.5 x 0.5 + 0.5) = 750.
        assert_eq!(scaled_exec(1000, 0.5, 0.5, 1.0), 750);
        // A quarter CPU-bound at 128 MB of a function measured at 1,769 MB:
        // 1000 x (0.25 x 1769 / 128 + 0.75) = 1000 x 4.2050781 = 4205.08 -> 4205.
        let l = CpuCoupling::lambda();
        assert_eq!(scaled_exec(1000, 0.25, l.vcpus(1769), l.vcpus(128)), 4205);
    }

    #[test]
    fn no_cpu_bound_part_or_no_change_keeps_the_time_exactly() {
        let big = (1u64 << 60) + 1; // not representable in f64
        assert_eq!(scaled_exec(big, 0.0, 1.0, 3.0), big);
        assert_eq!(scaled_exec(big, 0.7, 1.5, 1.5), big);
    }

    #[test]
    fn cpu_work_counts_one_thread_at_the_reference_share() {
        assert_eq!(cpu_work(1000, 0.0, 1.0), 0);
        assert_eq!(cpu_work(1000, 0.4, 1.0), 400);
        // Measured at half a vCPU: 400 µs of computing were 200 µs of a full vCPU.
        assert_eq!(cpu_work(1000, 0.4, 0.5), 200);
        // One thread never used more than one vCPU, however large the share.
        assert_eq!(cpu_work(1000, 0.4, 3.0), 400);
        assert_eq!(cpu_work(u64::MAX, 1.0, 2.0), u64::MAX);
    }

    #[test]
    fn a_lone_request_takes_the_scaled_time_up_to_one_vcpu() {
        // Reference 0.5 vCPU, now 0.25 vCPU, 60% CPU-bound, 1000 µs: scaled_exec gives
        // 1000 x (0.6 x 2 + 0.4) = 1600; shared: work 300 at rate 0.25 = 1200, plus the
        // 400 µs that are not CPU: 1600.
        assert_eq!(scaled_exec(1000, 0.6, 0.5, 0.25), 1600);
        let mut cpu = crate::platform::cpu::SharedCpu::new(0.25);
        cpu.add(0, 0, cpu_work(1000, 0.6, 0.5));
        assert_eq!(cpu.next_finish(), Some((1200, 0)));
    }

    #[test]
    fn one_call_uses_at_most_its_max_vcpus_of_the_share() {
        let l = CpuCoupling::lambda();
        assert_eq!(l.usable_vcpus(10_240, 1.0), 1.0);
        assert_eq!(l.usable_vcpus(3538, 1.0), 1.0);
        assert_eq!(l.usable_vcpus(3538, 2.0), 2.0);
        assert_eq!(l.usable_vcpus(1769, 2.0), 1.0);
        // Below the cap the memory's share binds: 500 MB at 1000 MB per vCPU = 0.5.
        assert_eq!(
            CpuCoupling::new(1000.0, 6.0)
                .unwrap()
                .usable_vcpus(500, 1.0),
            0.5
        );
        // A purely CPU-bound call measured at 1,769 MB (1 vCPU), 1000 µs: at 3,538 MB it
        // takes 1000 µs with max_vcpus = 1 (share 1 either way), 500 µs with max_vcpus = 2.
        let at = |mb, cap| {
            scaled_exec(
                1000,
                1.0,
                l.usable_vcpus(1769, cap),
                l.usable_vcpus(mb, cap),
            )
        };
        assert_eq!(at(3538, 1.0), 1000);
        assert_eq!(at(10_240, 1.0), 1000);
        assert_eq!(at(3538, 2.0), 500);
        // Work on a shared CPU: 1000 µs measured at 2 vCPUs was 2000 µs of one vCPU for a
        // call that can use 2, 1000 for one that can use 1; a cap of 0.5 halves it again.
        assert_eq!(cpu_work_capped(1000, 1.0, 2.0, 2.0), 2000);
        assert_eq!(cpu_work_capped(1000, 1.0, 2.0, 1.0), 1000);
        assert_eq!(cpu_work_capped(1000, 1.0, 1.0, 0.5), 500);
    }

    #[test]
    fn a_huge_slowdown_saturates() {
        assert_eq!(scaled_exec(u64::MAX / 2, 1.0, 6.0, 0.01), Micros::MAX);
    }
}
