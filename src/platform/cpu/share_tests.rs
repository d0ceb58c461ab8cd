//! Tests of [`SharedCpu`]: hand-computed schedules, the rounding rule, and the closed-form
//! mean sojourn time of the M/M/1 and M/D/1 processor-sharing queues.

use super::share::{SharedCpu, is_valid_vcpus};
use crate::engine::time::Micros;
use crate::rng::{Purpose, SimRng, Streams, unit_open};
use rand::Rng;

/// Runs `cpu` until it is empty, returning (time, job) in finishing order.
fn drain(cpu: &mut SharedCpu) -> Vec<(Micros, u32)> {
    let mut out = Vec::new();
    while let Some((at, expected)) = cpu.next_finish() {
        let job = cpu.finish(at).expect("a job is due at next_finish");
        assert_eq!(job, expected);
        out.push((at, job));
    }
    out
}

#[test]
fn two_equal_jobs_on_one_vcpu_finish_together_at_twice_the_work() {
    let mut cpu = SharedCpu::new(1.0);
    cpu.add(0, 0, 1000);
    cpu.add(0, 1, 1000);
    assert_eq!(drain(&mut cpu), [(2000, 0), (2000, 1)]);
}

#[test]
fn one_job_never_runs_faster_than_one_vcpu() {
    let mut cpu = SharedCpu::new(4.0);
    cpu.add(10, 3, 1000);
    assert_eq!(drain(&mut cpu), [(1010, 3)]);
    // A fraction of a vCPU slows even a lone job: 1000 / 0.25.
    let mut small = SharedCpu::new(0.25);
    small.add(0, 0, 1000);
    assert_eq!(drain(&mut small), [(4000, 0)]);
}

#[test]
fn three_jobs_on_two_vcpus() {
    // Equal works: each runs at 2/3, all finish at 1.5 x 3000.
    let mut cpu = SharedCpu::new(2.0);
    for job in 0..3 {
        cpu.add(0, job, 3000);
    }
    assert_eq!(drain(&mut cpu), [(4500, 0), (4500, 1), (4500, 2)]);
    // Works 1000, 2000, 3000: at rate 2/3 the first is done at 1500; the other two, with
    // 1000 and 2000 left, then get a whole vCPU each: 2500 and 3500.
    let mut cpu = SharedCpu::new(2.0);
    for (job, work) in [(0, 1000), (1, 2000), (2, 3000)] {
        cpu.add(0, job, work);
    }
    assert_eq!(drain(&mut cpu), [(1500, 0), (2500, 1), (3500, 2)]);
}

#[test]
fn a_job_arriving_mid_way_slows_the_first() {
    // A (1000) alone until 500, then A and B (1000) at 1/2 each: A's last 500 take 1000,
    // done at 1500; B has 500 left, alone: done at 2000.
    let mut cpu = SharedCpu::new(1.0);
    cpu.add(0, 0, 1000);
    assert_eq!(cpu.next_finish(), Some((1000, 0)));
    cpu.add(500, 1, 1000);
    assert_eq!(cpu.next_finish(), Some((1500, 0)));
    assert_eq!(drain(&mut cpu), [(1500, 0), (2000, 1)]);
}

#[test]
fn removing_a_job_returns_its_work_left_and_speeds_the_others() {
    // Two jobs of 1000 at 1/2 each; at 500 each has had 250. A leaves with 750 left; B
    // alone finishes its 750 at 1250.
    let mut cpu = SharedCpu::new(1.0);
    cpu.add(0, 0, 1000);
    cpu.add(0, 1, 1000);
    assert_eq!(cpu.remove(500, 0), Some(750));
    assert_eq!(cpu.remove(500, 0), None);
    assert_eq!(cpu.remove(500, 9), None);
    assert_eq!(drain(&mut cpu), [(1250, 1)]);
}

#[test]
fn finish_times_round_up_to_the_next_microsecond() {
    // V = 2, three jobs: 1 µs of work at rate 2/3 is done at 1.5 µs, so at 2. By then the
    // others have had 4/3 µs each and 998 2/3 left at rate 1: done at 1000 2/3, so 1001.
    let mut cpu = SharedCpu::new(2.0);
    cpu.add(0, 0, 1);
    cpu.add(0, 1, 1000);
    cpu.add(0, 2, 1000);
    assert_eq!(drain(&mut cpu), [(2, 0), (1001, 1), (1001, 2)]);
    // One vCPU, three jobs of 1 µs: 3 µs, all at once.
    let mut cpu = SharedCpu::new(1.0);
    for job in 0..3 {
        cpu.add(0, job, 1);
    }
    assert_eq!(drain(&mut cpu), [(3, 0), (3, 1), (3, 2)]);
}

#[test]
fn equal_tags_finish_in_insertion_order_not_id_order() {
    let mut cpu = SharedCpu::new(1.0);
    cpu.add(0, 7, 100);
    cpu.add(0, 3, 100);
    cpu.add(0, 5, 50);
    assert_eq!(drain(&mut cpu), [(150, 5), (250, 7), (250, 3)]);
}

#[test]
fn nothing_finishes_early_and_zero_work_finishes_at_once() {
    let mut cpu = SharedCpu::new(1.0);
    assert_eq!(cpu.next_finish(), None);
    assert_eq!(cpu.finish(0), None);
    cpu.add(0, 0, 1000);
    assert_eq!(cpu.finish(999), None);
    cpu.add(999, 1, 0);
    assert_eq!(cpu.next_finish(), Some((999, 1)));
    assert_eq!(cpu.finish(999), Some(1));
    // Job 0 had 999 of its 1000 before job 1 came and left in the same instant.
    assert_eq!(cpu.next_finish(), Some((1000, 0)));
    assert_eq!(cpu.len(), 1);
}

#[test]
fn a_late_finish_call_still_pops_the_job() {
    let mut cpu = SharedCpu::new(1.0);
    cpu.add(0, 0, 100);
    assert_eq!(cpu.finish(5000), Some(0));
    assert!(cpu.is_empty());
}

#[test]
fn a_job_left_unpopped_stops_sharing_at_its_finish_time() {
    // A (100) and B (1000) on one vCPU: A is done at 200 but the caller adds C (100) at
    // 500 before popping it. A stopped at 200; B, alone from 200 with 900 left, has 600
    // left at 500; B and C share: C done at 700, B's last 500 done at 1200.
    let mut cpu = SharedCpu::new(1.0);
    cpu.add(0, 0, 100);
    cpu.add(0, 1, 1000);
    cpu.add(500, 2, 100);
    assert!(cpu.contains(0));
    assert_eq!(cpu.len(), 3);
    assert_eq!(drain(&mut cpu), [(200, 0), (700, 2), (1200, 1)]);
    // Removing a job that finished unpopped returns no work left.
    cpu.add(1200, 0, 10);
    cpu.add(1200, 1, 1000);
    assert_eq!(cpu.remove(2000, 0), Some(0));
    assert_eq!(cpu.next_finish(), Some((2210, 1)));
}

#[test]
#[should_panic(expected = "job 4 is already on this CPU")]
fn a_duplicate_id_is_a_caller_bug() {
    let mut cpu = SharedCpu::new(1.0);
    cpu.add(0, 4, 10);
    cpu.add(1, 4, 10);
}

#[test]
fn vcpu_bounds() {
    assert!(is_valid_vcpus(0.072) && is_valid_vcpus(6.0));
    assert!(!is_valid_vcpus(0.0) && !is_valid_vcpus(-1.0));
    assert!(!is_valid_vcpus(f64::NAN) && !is_valid_vcpus(f64::INFINITY));
    assert!(!is_valid_vcpus(2e6));
}

#[test]
fn long_jobs_do_not_overflow_and_far_finishes_saturate() {
    // 2^-10 vCPU is exact in the clock's units. 100 jobs of a year each at 2^-10 / 100:
    // done after 102,400 years.
    let mut cpu = SharedCpu::new(1.0 / 1024.0);
    let year = 365 * crate::engine::time::DAY;
    for job in 0..100 {
        cpu.add(0, job, year);
    }
    assert_eq!(cpu.next_finish(), Some((102_400 * year, 0)));
    cpu.add(0, 100, Micros::MAX);
    assert_eq!(cpu.next_finish(), Some((101 * 1024 * year, 0)));
    let mut half = SharedCpu::new(0.5);
    half.add(1, 0, Micros::MAX);
    assert_eq!(half.next_finish(), Some((Micros::MAX, 0)));
    assert_eq!(half.remove(1_000, 0), Some(Micros::MAX - 499));
}

/// Mean sojourn time and its standard error (40 batch means, after a warm-up) of a
/// processor-sharing queue on one vCPU, unlimited concurrency: Poisson arrivals every
/// `mean_gap` µs on average, work drawn by `work`.
fn ps_queue_sojourn(
    seed: u64,
    jobs: usize,
    mean_gap: f64,
    mut work: impl FnMut(&mut SimRng) -> Micros,
) -> (f64, f64) {
    let mut rng = Streams::new(seed, 0).stream(Purpose::Arrivals, 0);
    let exponential = |rng: &mut SimRng, mean: f64| -> Micros {
        crate::engine::time::round_non_negative(-unit_open(rng.next_u64()).ln() * mean)
    };
    let mut cpu = SharedCpu::new(1.0);
    let mut started: Vec<Micros> = Vec::new();
    let mut free: Vec<u32> = Vec::new();
    let mut sojourns: Vec<f64> = Vec::with_capacity(jobs);
    let mut next_arrival = exponential(&mut rng, mean_gap);
    while sojourns.len() < jobs {
        match cpu.next_finish() {
            Some((at, _)) if at <= next_arrival => {
                while let Some(job) = cpu.finish(at) {
                    sojourns.push((at - started[job as usize]) as f64);
                    free.push(job);
                }
            }
            _ => {
                let job = free.pop().unwrap_or_else(|| {
                    started.push(0);
                    (started.len() - 1) as u32
                });
                started[job as usize] = next_arrival;
                cpu.add(next_arrival, job, work(&mut rng));
                next_arrival += exponential(&mut rng, mean_gap);
            }
        }
    }
    let kept = &sojourns[jobs / 20..];
    let batches = 40;
    let size = kept.len() / batches;
    let means: Vec<f64> = (0..batches)
        .map(|b| kept[b * size..(b + 1) * size].iter().sum::<f64>() / size as f64)
        .collect();
    let mean = means.iter().sum::<f64>() / batches as f64;
    let var = means.iter().map(|m| (m - mean).powi(2)).sum::<f64>() / (batches - 1) as f64;
    (mean, (var / batches as f64).sqrt())
}

const MEAN_WORK: f64 = 1000.0;
const RHO: f64 = 0.7;
/// E[S] / (1 - rho) for E[S] = 1 ms, rho = 0.7, by hand: 1000 / 0.3.
const PS_MEAN_SOJOURN: f64 = 3333.333;

fn assert_matches_closed_form(mean: f64, se: f64) {
    assert!(se < 0.03 * PS_MEAN_SOJOURN, "too noisy to test: se {se}");
    assert!(
        (mean - PS_MEAN_SOJOURN).abs() < 4.0 * se,
        "mean sojourn {mean:.1} µs, expected {PS_MEAN_SOJOURN:.1} ± 4 x {se:.1}"
    );
}

#[test]
fn mm1_ps_mean_sojourn_is_mean_work_over_one_minus_rho() {
    let (mean, se) = ps_queue_sojourn(11, 200_000, MEAN_WORK / RHO, |rng| {
        crate::engine::time::round_non_negative(-unit_open(rng.next_u64()).ln() * MEAN_WORK)
    });
    assert_matches_closed_form(mean, se);
}

#[test]
fn md1_ps_has_the_same_mean_sojourn_insensitivity() {
    // Processor sharing is insensitive: constant work gives the same mean as exponential
    // (FIFO M/D/1 would give 1000 + 0.7 x 1000 / (2 x 0.3) = 2166.7 instead).
    let (mean, se) = ps_queue_sojourn(12, 200_000, MEAN_WORK / RHO, |_| MEAN_WORK as Micros);
    assert_matches_closed_form(mean, se);
}

proptest::proptest! {
    /// Jobs all present from time 0 on a power-of-two number of vCPUs (exact in the
    /// clock's units): they finish in order of work (ties in insertion order), each no
    /// earlier than the exact fluid schedule and at most 1 µs later per job finished
    /// before or with it. The fluid schedule, by hand: with works sorted w_1 <= ... <= w_n,
    /// job i finishes at t_{i-1} + (w_i - w_{i-1}) / min(1, V / (n - i + 1)).
    #[test]
    fn all_at_once_matches_the_fluid_schedule(
        works in proptest::collection::vec(0u64..2_000_000, 1..24),
        vcpus_log2 in -3i32..4,
    ) {
        let vcpus = 2f64.powi(vcpus_log2);
        let mut cpu = SharedCpu::new(vcpus);
        for (job, &w) in works.iter().enumerate() {
            cpu.add(0, job as u32, w);
        }
        let mut order: Vec<usize> = (0..works.len()).collect();
        order.sort_by_key(|&j| (works[j], j));
        let got = drain(&mut cpu);
        let n = works.len();
        let (mut t, mut prev) = (0.0f64, 0u64);
        for (i, &j) in order.iter().enumerate() {
            let left = (n - i) as f64;
            t += (works[j] - prev) as f64 / (vcpus / left).min(1.0);
            prev = works[j];
            proptest::prop_assert_eq!(got[i].1, j as u32);
            let at = got[i].0 as f64;
            proptest::prop_assert!(at >= t - 1e-6 && at <= t + (i + 1) as f64,
                "job {} at {} vs fluid {}", j, at, t);
        }
    }

    /// One vCPU with arrivals and removals is work-conserving: whenever jobs are present it
    /// serves exactly one µs of work per µs, so the last job finishes at the total work
    /// (arrivals come before the CPU would idle), within 1 µs per job, and work left on
    /// removal is what was not served.
    #[test]
    fn one_vcpu_conserves_work(
        jobs in proptest::collection::vec((1u64..100_000, 0u64..1_000), 1..20),
        remove_at in 0usize..40,
    ) {
        let mut cpu = SharedCpu::new(1.0);
        let mut now = 0;
        let mut total = 0u64;
        for (job, &(work, gap)) in jobs.iter().enumerate() {
            now += gap.min(total.saturating_sub(now)); // never let the CPU go idle
            cpu.add(now, job as u32, work);
            total += work;
        }
        if remove_at < jobs.len() {
            total -= cpu.remove(now, remove_at as u32).unwrap();
        }
        let n = jobs.len() as u64;
        let last = drain(&mut cpu).last().map_or(now, |&(at, _)| at);
        proptest::prop_assert!(last + n >= total && last <= total + n,
            "last finish {} vs total work {}", last, total);
    }
}

#[test]
fn a_job_with_a_cap_of_two_runs_twice_as_fast_alone_on_two_vcpus() {
    // 1000 µs of work at min(cap, V): 2 on 2 vCPUs, 1 on 1 vCPU, 1.5 on 1.5 vCPUs.
    for (vcpus, done) in [(2.0, 500), (1.0, 1000), (1.5, 667), (4.0, 500)] {
        let mut cpu = SharedCpu::new(vcpus);
        cpu.add_capped(0, 0, 1000, 2.0);
        assert_eq!(drain(&mut cpu), [(done, 0)], "{vcpus} vCPUs");
    }
    // Two such jobs on 2 vCPUs get one vCPU each.
    let mut cpu = SharedCpu::new(2.0);
    cpu.add_capped(0, 0, 1000, 2.0);
    cpu.add_capped(0, 1, 1000, 2.0);
    assert_eq!(drain(&mut cpu), [(1000, 0), (1000, 1)]);
}

#[test]
fn unequal_caps_share_by_water_filling() {
    // V = 2: A (cap 0.5, work 1000), B (cap 2, 300), C (cap 2, 3000), all at 0. A gets its
    // cap 0.5; B and C share the 1.5 left: 0.75 each. B is done at 300 / 0.75 = 400. Then A
    // 0.5 and C 1.5: A has 800 left, done at 400 + 1600 = 2000; C has 2700 left, 2400 of
    // them by 2000; alone at its cap 2, the last 300 take 150: 2150.
    let mut cpu = SharedCpu::new(2.0);
    cpu.add_capped(0, 0, 1000, 0.5);
    cpu.add_capped(0, 1, 300, 2.0);
    cpu.add_capped(0, 2, 3000, 2.0);
    assert_eq!(drain(&mut cpu), [(400, 1), (2000, 0), (2150, 2)]);
    // A cap-1 job joining two cap-2 jobs on 3 vCPUs: 1 x 3 <= 3, so it gets 1 and the two
    // others 1 each (not their cap 2): three jobs of 1200 all finish at 1200.
    let mut cpu = SharedCpu::new(3.0);
    cpu.add_capped(0, 0, 1200, 2.0);
    cpu.add(0, 1, 1200);
    cpu.add_capped(0, 2, 1200, 2.0);
    assert_eq!(drain(&mut cpu), [(1200, 0), (1200, 1), (1200, 2)]);
}

#[test]
fn a_class_made_later_keeps_the_jobs_of_the_others() {
    // A cap-4 job, then a cap-2 job (a class inserted before it): V = 8, both at their caps.
    // Removing the first still finds it.
    let mut cpu = SharedCpu::new(8.0);
    cpu.add_capped(0, 0, 4000, 4.0);
    cpu.add_capped(0, 1, 1000, 2.0);
    cpu.add_capped(0, 2, 400, 0.25);
    assert_eq!(cpu.remove(100, 0), Some(3600));
    assert_eq!(drain(&mut cpu), [(500, 1), (1600, 2)]);
}

#[test]
fn busy_vcpu_time_integrates_min_of_vcpus_and_demand() {
    // 2 vCPUs. A cap-1 job of 1000 from 0: 1 vCPU busy. At 500 a cap-4 job of 3000 joins:
    // water-filling gives the first its cap 1 (1 x 2 jobs <= 2) and the second the 1 left;
    // both vCPUs busy. The first ends at 1000; the second, 2500 left, alone at min(4, 2) =
    // 2: done at 2250. Busy: 500 x 1 + 500 x 2 + 1250 x 2 = 4000 vCPU-µs, the total work,
    // as read at 3000.
    let mut cpu = SharedCpu::new(2.0);
    cpu.add(0, 0, 1000);
    assert_eq!(cpu.busy_vcpu_us(250), 250.0);
    cpu.add_capped(500, 1, 3000, 4.0);
    assert_eq!(drain(&mut cpu), [(1000, 0), (2250, 1)]);
    assert_eq!(cpu.busy_vcpu_us(3000), 4000.0);
}
