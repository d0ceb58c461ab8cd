//! The fleet driven by hand through its API: lifetimes (launch, boot, drain, stop and the
//! bill of each lifetime) and per-instance queues (expected values worked out in the
//! comments).

use super::*;
use crate::engine::run_until;
use crate::engine::time::{HOUR, MINUTE, SECOND};
use crate::metrics::Recorder;
use crate::platform::billing::InstancePrice;
use crate::platform::instances::Phase;
use crate::pricing::PriceSchedule;

/// A fixed fleet of one instance (1 worker), billed $1 per instance-hour on meter 0.
fn fleet(granularity: Micros, minimum: Micros) -> FleetModel {
    fleet_of(
        1,
        Balancer::SharedQueue,
        DEFAULT_QUEUE_LIMIT,
        granularity,
        minimum,
    )
}

fn fleet_of(
    instances: u32,
    balancer: Balancer,
    queue_limit: u32,
    granularity: Micros,
    minimum: Micros,
) -> FleetModel {
    let spec = FleetSpec {
        instances,
        workers_per_instance: 1,
        speed: 1.0,
        queue_timeout: None,
        request_timeout: None,
        instance_memory_mb: None,
        queue_limit,
        billing: InstanceBilling {
            price: InstancePrice::Hours(PriceSchedule::flat(1.0)),
            granularity,
            minimum,
        },
        vcpus: None,
        balancer,
        autoscale: None,
    };
    FleetModel::new(spec, &[128], BackendPlan::default(), vec![(0, 1.0)])
}

fn sim(window: Micros) -> Sim<FleetEvent> {
    Sim::new(window, Recorder::new(window, window, 1))
}

fn request(arrival: Micros, exec: Micros) -> Request {
    Request {
        arrival,
        function: 0,
        exec,
        key: arrival,
    }
}

/// Instance-hours billed over the run (meter 0).
fn billed_hours(mut model: FleetModel, mut sim: Sim<FleetEvent>) -> f64 {
    run_until(&mut model, &mut sim, Micros::MAX);
    model.finish(&mut sim);
    sim.rec.usage.total(0)
}

#[test]
fn a_30_s_lifetime_under_a_60_s_minimum_bills_60_s() {
    // Window 2 h: the fixed instance bills its share, 2 h; the one launched at 10 s and
    // drained (idle, so stopped) at 40 s lived 30 s and bills the 60 s minimum: 1/60 h.
    let mut model = fleet(SECOND, 60 * SECOND);
    let mut sim = sim(2 * HOUR);
    Model::start(&mut model, &mut sim);
    run_until(&mut model, &mut sim, 10 * SECOND);
    let id = model.launch(10 * SECOND, 0, &mut sim);
    assert_eq!(model.counts().serving, 2);
    run_until(&mut model, &mut sim, 40 * SECOND);
    model.drain(id, &mut sim);
    assert_eq!(model.instance(id).phase, Phase::Stopped);
    assert_eq!(model.counts().running, 1);
    let hours = billed_hours(model, sim);
    assert!((hours - (2.0 + 1.0 / 60.0)).abs() < 1e-12, "{hours}");
}

#[test]
fn hourly_granularity_bills_a_61_minute_lifetime_as_2_hours() {
    // Window 3 h: the fixed instance bills 3 h; the one launched at 0 and stopped at 61 min
    // bills 2 h.
    let mut model = fleet(HOUR, 0);
    let mut sim = sim(3 * HOUR);
    Model::start(&mut model, &mut sim);
    let id = model.launch(0, 0, &mut sim);
    run_until(&mut model, &mut sim, 61 * MINUTE);
    model.drain(id, &mut sim);
    let hours = billed_hours(model, sim);
    assert!((hours - 5.0).abs() < 1e-12, "{hours}");
}

#[test]
fn a_draining_instance_finishes_its_work_then_stops_and_a_booting_one_serves_after_boot() {
    // Window 1 h, billed per second with no minimum. Instance 0 is the fixed one (1 worker);
    // at 0 instance 1 is launched with a 90 s boot. A (1 s, 10 s of work) takes instance 0's
    // worker, to 11 s; B (2 s, 5 s of work) waits in the shared queue. Instance 0 is drained
    // at 5 s: it finishes A at 11 s, takes no new request (B stays queued) and stops, a
    // lifetime of 11 s. Instance 1 is ready at 90 s and serves B, 90 s to 95 s (a queue wait
    // of 88 s); drained idle at 100 s it stops at once, a lifetime of 100 s: 111 s billed.
    let mut model = fleet(SECOND, 0);
    let mut sim = sim(HOUR);
    Model::start(&mut model, &mut sim);
    let booting = model.launch(0, 90 * SECOND, &mut sim);
    assert_eq!(model.counts().booting, 1);
    assert_eq!(sim.rec.totals.instance_starts, 1);
    run_until(&mut model, &mut sim, SECOND);
    model.arrive(request(SECOND, 10 * SECOND), &mut sim);
    run_until(&mut model, &mut sim, 2 * SECOND);
    model.arrive(request(2 * SECOND, 5 * SECOND), &mut sim);
    run_until(&mut model, &mut sim, 5 * SECOND);
    model.drain(0, &mut sim);
    assert_eq!(model.counts().draining, 1);
    run_until(&mut model, &mut sim, 12 * SECOND);
    assert_eq!(model.instance(0).phase, Phase::Stopped);
    assert_eq!(sim.rec.totals.completed, 1);
    run_until(&mut model, &mut sim, 94 * SECOND);
    assert_eq!(sim.rec.totals.completed, 1);
    run_until(&mut model, &mut sim, 100 * SECOND);
    assert_eq!(sim.rec.totals.completed, 2);
    assert_eq!(model.counts().serving, 1);
    model.drain(booting, &mut sim);
    assert_eq!(model.counts().running, 0);
    let waits = sim.rec.queue_wait.as_ref().unwrap();
    assert_eq!(
        (waits.min_us(), waits.max_us()),
        (Some(0), Some(88 * SECOND))
    );
    let hours = billed_hours(model, sim);
    assert!((hours - 111.0 / 3600.0).abs() < 1e-12, "{hours}");
}

#[test]
fn per_instance_queues_share_the_fleets_queue_limit() {
    // Two instances of one worker, round robin, queue_limit 2, requests of 100 s at 0..4 s:
    // A -> 0 (served), B -> 1 (served), C -> 0 (queued), D -> 1 (queued), E -> 0: two wait
    // in all, the limit, so E is rejected though instance 0's own queue holds one.
    let mut model = fleet_of(2, Balancer::RoundRobin, 2, SECOND, 0);
    let mut sim = sim(HOUR);
    Model::start(&mut model, &mut sim);
    for k in 0..5 {
        run_until(&mut model, &mut sim, k * SECOND);
        model.arrive(request(k * SECOND, 100 * SECOND), &mut sim);
    }
    assert_eq!(sim.rec.totals.rejected, 1);
    assert_eq!(model.queues.total(), 2);
    run_until(&mut model, &mut sim, Micros::MAX);
    // C and D start when A and B end, at 100 s and 101 s: queue waits 98 s each.
    assert_eq!(sim.rec.totals.completed, 4);
    let waits = sim.rec.queue_wait.as_ref().unwrap();
    assert_eq!(waits.max_us(), Some(98 * SECOND));
}
