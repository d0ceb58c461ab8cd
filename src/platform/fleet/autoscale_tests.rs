//! Hand-computed checks of the autoscaler's arithmetic: the recommendation, the tolerance
//! band, the window, the clamp, the schedule's minimum and the scale-in stabilisation.

use super::*;
use crate::engine::time::{HOUR, MINUTE, SECOND};

fn spec(target: ScalingTarget) -> AutoscaleSpec {
    AutoscaleSpec {
        min: 1,
        max: 10,
        target,
        interval: MINUTE,
        window: MINUTE,
        boot: 90 * SECOND,
        scale_in_cooldown: 0,
        schedule: Vec::new(),
    }
}

/// Totals after `instance_seconds` of serving instances and `work`.
fn totals(work: f64, instance_seconds: f64) -> Integrals {
    Integrals {
        work,
        instance_seconds,
    }
}

#[test]
fn desired_is_the_ceiling_of_current_times_metric_over_target() {
    // 2 vCPUs per instance, cpu target 0.5. One instance for 60 s with 90 busy vCPU-s:
    // metric 90 / (60 x 2) = 0.75, ratio 1.5, desired ceil(1 x 1.5) = 2.
    let mut a = Autoscaler::new(spec(ScalingTarget::Cpu(0.5)), 2.0);
    assert_eq!(a.desired(), 1);
    assert_eq!(a.recommend(MINUTE, totals(90.0, 60.0)), 2);
    // Next minute, 2 instances (120 instance-s) do 330 vCPU-s: metric 330 / 240 = 1.375,
    // ratio 2.75, desired ceil(2 x 2.75) = ceil(5.5) = 6.
    assert_eq!(a.recommend(2 * MINUTE, totals(420.0, 180.0)), 6);
}

#[test]
fn no_change_inside_the_ten_percent_tolerance() {
    // One instance of 2 vCPUs, target 0.5. Metric 0.54 (64.8 vCPU-s in 60 s): ratio 1.08,
    // inside the band, so 1 stays 1 although ceil(1.08) = 2.
    let mut a = Autoscaler::new(spec(ScalingTarget::Cpu(0.5)), 2.0);
    assert_eq!(a.recommend(MINUTE, totals(64.8, 60.0)), 1);
    // Ratio 0.92 on 4 instances (4 desired by the concurrency of a raised min): no change.
    let mut b = Autoscaler::new(
        AutoscaleSpec {
            min: 4,
            ..spec(ScalingTarget::Concurrency(0.5))
        },
        10.0,
    );
    // 4 instances x 60 s x 10 slots x 0.46 = 1104 slot-s: metric 0.46, ratio 0.92.
    assert_eq!(b.recommend(MINUTE, totals(1104.0, 240.0)), 4);
    // Ratio 0.5 (600 slot-s): ceil(4 x 0.5) = 2, but min 4 holds.
    assert_eq!(b.recommend(2 * MINUTE, totals(1704.0, 480.0)), 4);
}

#[test]
fn the_metric_is_averaged_over_the_window_in_whole_intervals() {
    // Window 3 min, interval 1 min, requests_per_instance target 10/s. Two instances serve
    // throughout (120 instance-s a minute). Arrivals per minute: 1200, 1200, 6000 (x5).
    let mut a = Autoscaler::new(
        AutoscaleSpec {
            window: 3 * MINUTE,
            ..spec(ScalingTarget::RequestsPerInstance(10.0))
        },
        1.0,
    );
    // Minute 1: 1200 in 60 s = 20/s, 10 per instance: ratio 1200 / 120 / 10 = 1 exactly,
    // on target, so desired stays the start's 1.
    assert_eq!(a.recommend(MINUTE, totals(1200.0, 120.0)), 1);
    // Minute 2: same rate, still on target: 1.
    assert_eq!(a.recommend(2 * MINUTE, totals(2400.0, 240.0)), 1);
    // Minute 3: 8400 arrivals over 180 s on 360 instance-s: 23.3 per instance, ratio 2.33;
    // desired = ceil(8400 / (180 x 10)) = ceil(4.67) = 5.
    assert_eq!(a.recommend(3 * MINUTE, totals(8400.0, 360.0)), 5);
    // Minute 4: the window is minutes 2..4, 13200 - 1200 = 12000 arrivals over 180 s:
    // ceil(12000 / 1800) = ceil(6.67) = 7 (instance-s 480 - 120 = 360: ratio 3.33).
    assert_eq!(a.recommend(4 * MINUTE, totals(13200.0, 480.0)), 7);
}

#[test]
fn desired_is_clamped_to_min_and_max() {
    // Concurrency target 0.5 of 4 slots. 3 instances fully busy for 60 s: 720 slot-s,
    // load 720 / (60 x 4 x 0.5) = 6; max 5 caps it.
    let mut a = Autoscaler::new(
        AutoscaleSpec {
            max: 5,
            ..spec(ScalingTarget::Concurrency(0.5))
        },
        4.0,
    );
    assert_eq!(a.recommend(MINUTE, totals(720.0, 180.0)), 5);
    // Nothing to do for a minute: load 0, min 1.
    assert_eq!(a.recommend(2 * MINUTE, totals(720.0, 480.0)), 1);
}

#[test]
fn a_schedule_raises_the_minimum_during_its_window_of_each_day() {
    let s = AutoscaleSpec {
        min: 1,
        schedule: vec![
            MinimumWindow {
                from: 8 * HOUR,
                to: 20 * HOUR,
                min: 4,
            },
            MinimumWindow {
                from: 22 * HOUR,
                to: 2 * HOUR,
                min: 2,
            },
        ],
        ..spec(ScalingTarget::Cpu(0.6))
    };
    assert_eq!(s.min_at(0), 2); // 00:00 is inside 22:00-02:00
    assert_eq!(s.min_at(2 * HOUR), 1); // the end is excluded
    assert_eq!(s.min_at(8 * HOUR - 1), 1);
    assert_eq!(s.min_at(8 * HOUR), 4);
    assert_eq!(s.min_at(DAY + 12 * HOUR), 4); // every day
    assert_eq!(s.min_at(20 * HOUR), 1);
    assert_eq!(s.min_at(23 * HOUR), 2);
    // With no load, the controller keeps the scheduled minimum, evaluated at 08:00 and 20:00.
    let mut a = Autoscaler::new(s, 1.0);
    assert_eq!(a.desired(), 2);
    assert_eq!(a.recommend(8 * HOUR, totals(0.0, 0.0)), 4);
    assert_eq!(a.recommend(20 * HOUR, totals(0.0, 0.0)), 1);
}

#[test]
fn scale_in_waits_until_every_recommendation_of_the_cooldown_agrees() {
    // Cooldown 5 min, interval 1 min, rps target 10 per instance.
    let mut a = Autoscaler::new(
        AutoscaleSpec {
            scale_in_cooldown: 5 * MINUTE,
            ..spec(ScalingTarget::RequestsPerInstance(10.0))
        },
        1.0,
    );
    // Minute 1: 3600 arrivals on 1 instance: 60/s, desired ceil(6) = 6 at once (scale-out
    // is not held back).
    assert_eq!(a.recommend(MINUTE, totals(3600.0, 60.0)), 6);
    // From minute 2 on, 600 arrivals a minute on 6 instances: 10/s, recommendation 1.
    let mut work = 3600.0;
    let mut inst = 60.0;
    for m in 2..=6 {
        work += 600.0;
        inst += 360.0;
        // The recommendation of minute 1 (6) is within the last 5 minutes up to minute 6.
        assert_eq!(a.recommend(m * MINUTE, totals(work, inst)), 6, "minute {m}");
    }
    work += 600.0;
    inst += 360.0;
    assert_eq!(a.recommend(7 * MINUTE, totals(work, inst)), 1);
}

#[test]
fn no_serving_instance_scales_from_zero_on_the_load() {
    // FaaS with min 0: nothing served, 120 arrivals in 60 s at a target of 1/s per
    // instance: ceil(2) = 2.
    let mut a = Autoscaler::new(
        AutoscaleSpec {
            min: 0,
            ..spec(ScalingTarget::RequestsPerInstance(1.0))
        },
        1.0,
    );
    assert_eq!(a.desired(), 0);
    assert_eq!(a.recommend(MINUTE, totals(120.0, 0.0)), 2);
    // Nothing arrives and nothing serves: back to 0.
    assert_eq!(a.recommend(2 * MINUTE, totals(120.0, 0.0)), 0);
}

#[test]
fn evaluations_are_periodic_housekeeping_events() {
    use crate::metrics::Recorder;
    #[derive(Clone, Copy, Debug, PartialEq)]
    struct Evaluate;
    let mut sim: Sim<Evaluate> = Sim::new(10 * MINUTE, Recorder::new(10 * MINUTE, MINUTE, 0));
    let mut a = Autoscaler::new(spec(ScalingTarget::Cpu(0.5)), 1.0);
    a.start(&mut sim, Evaluate);
    assert_eq!(sim.pending_events(), 1);
    // An evaluation queues the next one (the engine's own tests check that housekeeping
    // never keeps a run alive).
    assert_eq!(a.evaluate(totals(0.0, 0.0), &mut sim, Evaluate), 1);
    assert_eq!(sim.pending_events(), 2);
}
