//! The fleet driven by hand through its API: lifetimes (launch, boot, drain, stop and the
//! bill of each lifetime) and per-instance queues (expected values worked out in the
//! comments).

use super::*;
use crate::engine::run_until;
use crate::engine::time::{HOUR, MINUTE, MS, SECOND};
use crate::metrics::{Level, Recorder};
use crate::platform::billing::InstancePrice;
use crate::platform::instances::Phase;
use crate::pricing::PriceSchedule;
use crate::workload::{DurationDist, FaasSettings};

/// A fixed fleet of one instance (1 worker), billed $1 per instance-hour on meter 0.
fn fleet(granularity: Micros, minimum: Micros) -> FleetModel {
    fleet_with(|s| {
        s.billing.granularity = granularity;
        s.billing.minimum = minimum;
    })
}

/// [`fleet`] per second with no minimum, as `edit` changes it.
fn fleet_with(edit: impl FnOnce(&mut FleetSpec)) -> FleetModel {
    let mut spec = FleetSpec {
        instances: 1,
        workers_per_instance: 1,
        speed: 1.0,
        queue_timeout: None,
        request_timeout: None,
        instance_memory_mb: None,
        queue_limit: DEFAULT_QUEUE_LIMIT,
        billing: InstanceBilling {
            price: InstancePrice::Hours(PriceSchedule::flat(1.0)),
            granularity: SECOND,
            minimum: 0,
        },
        vcpus: None,
        balancer: Balancer::SharedQueue,
        autoscale: None,
    };
    edit(&mut spec);
    FleetModel::new(spec, &[function()], BackendPlan::default(), vec![(0, 1.0)])
}

/// [`fleet_with`] serving one function of these settings.
fn fleet_serving(settings: FaasSettings, edit: impl FnOnce(&mut FleetSpec)) -> FleetModel {
    let model = fleet_with(edit);
    let f = FunctionSpec {
        faas: settings,
        ..function()
    };
    FleetModel::new(model.spec, &[f], BackendPlan::default(), vec![(0, 1.0)])
}

/// One function of 128 MB, fully CPU-bound (the default).
fn function() -> FunctionSpec {
    FunctionSpec {
        name: "f".into(),
        app: "a".into(),
        memory_mb: 128,
        exec: DurationDist::Constant { ms: 1.0 },
        calls: Vec::new(),
        faas: Default::default(),
    }
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
        gateway_latency: 0,
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
    let mut model = fleet_with(|s| {
        s.instances = 2;
        s.balancer = Balancer::RoundRobin;
        s.queue_limit = 2;
    });
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
    // The queue-length level (timeseries.csv's `queued`): C waited 2..100 s, D 3..101 s.
    model.finish(&mut sim);
    sim.rec.finish();
    let queued = &sim.rec.levels[Level::Queued as usize];
    assert!((queued.window_integral_secs() - 196.0).abs() < 1e-9);
}

#[test]
fn four_cpu_bound_requests_on_two_vcpus_take_twice_their_time() {
    // One instance of 2 vCPUs and 8 workers; fully CPU-bound requests of 100 ms. Four at
    // once: each gets 2/4 of a vCPU and ends at 200 ms. Then two at once (at 1 s): one vCPU
    // each, 100 ms.
    let mut model = fleet_with(|s| {
        s.workers_per_instance = 8;
        s.vcpus = Some(2.0);
    });
    let mut sim = sim(HOUR);
    Model::start(&mut model, &mut sim);
    for _ in 0..4 {
        model.arrive(request(0, 100 * MS), &mut sim);
    }
    run_until(&mut model, &mut sim, SECOND);
    let lat = &sim.rec.latency;
    assert_eq!(lat.count(), 4);
    assert_eq!(
        (lat.min_us(), lat.max_us()),
        (Some(200 * MS), Some(200 * MS))
    );
    for _ in 0..2 {
        model.arrive(request(SECOND, 100 * MS), &mut sim);
    }
    run_until(&mut model, &mut sim, 2 * SECOND);
    assert_eq!(sim.rec.totals.completed, 6);
    assert_eq!(sim.rec.latency.min_us(), Some(100 * MS));
    // vCPUs in use: 2 from 0 to 200 ms, 2 from 1 s to 1.1 s: 0.6 vCPU-s.
    assert_eq!(
        model.load().busy_millivcpus.area_at(2 * SECOND),
        600 * 1_000_000
    );
}

#[test]
fn max_vcpus_caps_a_requests_share_and_cpu_bound_leaves_the_rest_unshared() {
    // 2 vCPUs, 8 workers. A lone request of 100 ms of a function with max_vcpus = 2 uses
    // both vCPUs: 50 ms. Two at once: one vCPU each, 100 ms.
    let two_threads = FaasSettings {
        max_vcpus: Some(2.0),
        ..Default::default()
    };
    let mut model = fleet_serving(two_threads, |s| {
        s.workers_per_instance = 8;
        s.vcpus = Some(2.0);
    });
    let mut sim = sim(HOUR);
    Model::start(&mut model, &mut sim);
    model.arrive(request(0, 100 * MS), &mut sim);
    run_until(&mut model, &mut sim, SECOND);
    assert_eq!(sim.rec.latency.max_us(), Some(50 * MS));
    for _ in 0..2 {
        model.arrive(request(SECOND, 100 * MS), &mut sim);
    }
    run_until(&mut model, &mut sim, 2 * SECOND);
    assert_eq!(sim.rec.latency.max_us(), Some(100 * MS));
    // cpu_bound = 0.5 on 1 vCPU, four requests of 100 ms at once: each computes 50 ms at a
    // quarter vCPU (200 ms), then waits its other 50 ms without CPU: 250 ms.
    let half = FaasSettings {
        cpu_bound: Some(0.5),
        ..Default::default()
    };
    let mut model = fleet_serving(half, |s| {
        s.workers_per_instance = 8;
        s.vcpus = Some(1.0);
    });
    let mut sim = self::sim(HOUR);
    Model::start(&mut model, &mut sim);
    for _ in 0..4 {
        model.arrive(request(0, 100 * MS), &mut sim);
    }
    run_until(&mut model, &mut sim, SECOND);
    let lat = &sim.rec.latency;
    assert_eq!(
        (lat.min_us(), lat.max_us()),
        (Some(250 * MS), Some(250 * MS))
    );
}
