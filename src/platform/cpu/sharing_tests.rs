//! Tests of [`InstanceCpus`]: hand-computed schedules of runs sharing an instance's vCPUs.

use super::*;
use crate::engine::time::Micros;
use crate::metrics::Recorder;

#[derive(Clone, Copy, Debug)]
enum Ev {
    Start(TimerTick),
    Finish(TimerTick),
    Timeout(TimerTick),
}

impl CpuEvents for Ev {
    fn cpu_start(tick: TimerTick) -> Self {
        Ev::Start(tick)
    }
    fn cpu_finish(tick: TimerTick) -> Self {
        Ev::Finish(tick)
    }
    fn cpu_timeout(tick: TimerTick) -> Self {
        Ev::Timeout(tick)
    }
}

fn sim() -> Sim<Ev> {
    Sim::new(1_000_000, Recorder::new(1_000_000, 1_000_000, 0))
}

fn spec(instance: InstanceId, start: Micros, work: Micros, wait: Micros) -> RunSpec {
    RunSpec {
        instance,
        start,
        work,
        wait,
        max_vcpus: 1.0,
        timeout: None,
    }
}

/// Runs every event, returning each run's end as (end time, run, timed out), in order.
fn drain(cpus: &mut InstanceCpus, sim: &mut Sim<Ev>) -> Vec<(Micros, RunId, bool)> {
    let mut out = Vec::new();
    while let Some(event) = sim.step() {
        let ended = match event {
            Ev::Start(t) => {
                cpus.on_start(t, sim);
                false
            }
            Ev::Finish(t) => cpus.on_finish(t, sim),
            Ev::Timeout(t) => cpus.on_timeout(t, sim),
        };
        if ended {
            while let Some(end) = cpus.pop_ended(sim) {
                out.push((end.end(sim.now()), end.run, end.timed_out));
            }
        }
    }
    out
}

#[test]
fn four_cpu_bound_runs_on_two_vcpus_take_twice_their_work() {
    // One 2-vCPU instance with 8 slots, four runs of 1000 µs of work at once: each
    // progresses at 2/4 = 1/2 of a vCPU, so all are done at 2000 µs.
    let mut cpus = InstanceCpus::new(2.0, 8);
    let mut s = sim();
    for r in 0..4 {
        cpus.begin(r, spec(0, 0, 1000, 0), &mut s);
    }
    assert_eq!(cpus.computing(0), 4);
    let ends = drain(&mut cpus, &mut s);
    assert_eq!(ends, (0..4).map(|r| (2000, r, false)).collect::<Vec<_>>());
    assert_eq!(cpus.computing(0), 0);
}

#[test]
fn waits_use_no_cpu_and_instances_do_not_share() {
    // Instance 0 (1 vCPU): run 0 computes 1000 then waits 5000; run 1 computes 1000. Both
    // compute at 1/2 until 2000, then run 0 waits until 7000. Instance 1: run 2 alone,
    // 1000 µs of work, done at 1000.
    let mut cpus = InstanceCpus::new(1.0, 4);
    let mut s = sim();
    cpus.begin(0, spec(0, 0, 1000, 5000), &mut s);
    cpus.begin(1, spec(0, 0, 1000, 0), &mut s);
    cpus.begin(2, spec(1, 0, 1000, 0), &mut s);
    let mut ends = drain(&mut cpus, &mut s);
    ends.sort();
    assert_eq!(ends, [(1000, 2, false), (2000, 1, false), (7000, 0, false)]);
}

#[test]
fn a_run_waiting_for_a_boot_starts_computing_when_it_ends() {
    // Run 0 starts at 0 with 1000 of work; run 1 waits for a boot until 500. From 500 both
    // share 1 vCPU: run 0 has 500 left at 1/2, done at 1500; run 1 then has 500 left alone:
    // done at 2000.
    let mut cpus = InstanceCpus::new(1.0, 2);
    let mut s = sim();
    cpus.begin(0, spec(0, 0, 1000, 0), &mut s);
    cpus.begin(1, spec(0, 500, 1000, 0), &mut s);
    assert_eq!(
        drain(&mut cpus, &mut s),
        [(1500, 0, false), (2000, 1, false)]
    );
}

#[test]
fn a_timeout_stops_a_run_still_computing_and_the_others_speed_up() {
    // 1 vCPU, two runs of 2000 µs work; run 0 times out at 1000 (it has had 500 of work).
    // Run 1 had 500 too, then runs alone: 1500 left, done at 2500. Run 0 holds its slot
    // exactly up to its timeout.
    let mut cpus = InstanceCpus::new(1.0, 2);
    let mut s = sim();
    let limited = RunSpec {
        timeout: Some(1000),
        ..spec(0, 0, 2000, 0)
    };
    cpus.begin(0, limited, &mut s);
    cpus.begin(1, spec(0, 0, 2000, 0), &mut s);
    assert_eq!(
        drain(&mut cpus, &mut s),
        [(1000, 0, true), (2500, 1, false)]
    );
}

#[test]
fn a_wait_past_the_timeout_is_cut_at_it() {
    // Computes 100 alone, then would wait 10,000: the timeout of 1000 cuts it.
    let mut cpus = InstanceCpus::new(1.0, 2);
    let mut s = sim();
    let limited = RunSpec {
        timeout: Some(1000),
        ..spec(0, 0, 100, 10_000)
    };
    cpus.begin(3, limited, &mut s);
    assert_eq!(drain(&mut cpus, &mut s), [(1000, 3, true)]);
}

#[test]
fn a_run_capped_at_two_vcpus_alone_on_two_takes_half_its_work() {
    let mut cpus = InstanceCpus::new(2.0, 2);
    let mut s = sim();
    let wide = RunSpec {
        max_vcpus: 2.0,
        ..spec(0, 0, 1000, 0)
    };
    cpus.begin(0, wide, &mut s);
    assert_eq!(drain(&mut cpus, &mut s), [(500, 0, false)]);
}
