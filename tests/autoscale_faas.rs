//! The autoscaler on a Cloud Run-like FaaS deployment (`instance_concurrency` > 1): it scales
//! out on CPU utilisation where packing alone would pile every call onto one instance.
//! Until the scenario key is wired, the tests set `FaasSpec.autoscale` on a parsed scenario.

mod common;

use common::{deployment, scenario};
use serverless_sim::engine::time::MINUTE;
use serverless_sim::metrics::Level;
use serverless_sim::platform::ComputeSpec;
use serverless_sim::platform::fleet::{AutoscaleSpec, Balancer, ScalingTarget};
use serverless_sim::run::{self, RunResult};

/// Calls of 20 ms of CPU at 50/s (Poisson) on instances of 1 vCPU and 80 slots, a 1 s cold
/// start, a 15 min keep-alive, measured for an hour after a 5 min warm-up; `choice` picks the
/// warm instance; with `autoscale` the deployment tracks `cpu = 0.6`, Cloud Run's default CPU
/// target (docs.cloud.google.com/run/docs/configuring/scaling-controls, read 2026-12).
fn cloud_run(choice: &str, autoscale: bool) -> RunResult {
    let text = format!(
        r#"
seed = 11
duration = "65m"
warmup = "5m"
bucket = "5m"
[[workload.functions]]
name = "api"
memory = "1024MB"
execution = {{ dist = "constant", value = "20ms" }}
arrivals = {{ process = "poisson", rate = "50/s" }}
[[deployments]]
name = "run"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "1s" }}
keep_alive = {{ policy = "fixed", idle_timeout = "15m" }}
instance_concurrency = 80
vcpus = 1
idle_instance = "{choice}"
[deployments.compute.billing]
requests = {{ usd = 0.40, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000025 }}
"#
    );
    let mut s = scenario(&text);
    let ComputeSpec::Faas(faas) = &mut s.deployments[0].compute else {
        panic!("a FaaS deployment")
    };
    // The same rule under the balancer's name (which picks among ready instances with a
    // free slot once the balancer drives FaaS).
    faas.balancer = Balancer::from_name(choice).expect("a balancer rule");
    if autoscale {
        faas.autoscale = Some(AutoscaleSpec {
            min: 1,
            max: 10,
            target: ScalingTarget::Cpu(0.6),
            interval: MINUTE,
            window: MINUTE,
            boot: 0,
            scale_in_cooldown: 5 * MINUTE,
            schedule: Vec::new(),
        });
    }
    run::run(&s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn cpu_target_tracking_spreads_a_saturating_load_over_more_than_one_instance() {
    // Offered CPU: 50/s x 20 ms = 1.0 vCPU, exactly one instance's worth: packed onto one
    // instance the load is critical (utilisation 1), its calls pile up to the 80 slots.
    // Target tracking at 0.6: desired = ceil(1 instance x 1.0 / 0.6) = 2; on 2 instances each
    // runs at 0.5 (ratio 0.83, outside the 10% band: ceil(2 x 0.83) = 2 stays). So two
    // instances serve throughout the measured hour.
    let r = cloud_run("random", true);
    let d = deployment(&r, "run");
    let rec = &d.recorder;
    assert_eq!(rec.totals.failed, 0);
    // Work conservation: an instance is busy while it has CPU work, so the mean number of
    // busy instances is the offered work, 50/s x 20 ms = 1.0 (3% band: about 180,000 calls).
    let busy = &rec.levels[Level::Busy as usize];
    assert!(
        (busy.window_mean() - 1.0).abs() < 0.03,
        "{}",
        busy.window_mean()
    );
    // Both instances serve: at times two are busy at once.
    assert_eq!(busy.peak(), 2);
    assert!(rec.scaling.is_autoscaled());
    assert_eq!(rec.scaling.changes[0].desired, 2, "{:?}", rec.scaling);
    // With `idle_instance = "random"` each call picks one of the two warm instances with
    // probability 1/2: each instance sees Poisson arrivals at 25/s, an M/D/1 processor-sharing
    // queue at utilisation rho = 0.5. Its mean sojourn is S / (1 - rho) = 20 / 0.5 = 40 ms
    // (insensitive to the service distribution). About 180,000 calls; with the queue's
    // correlation the relative standard error is under 0.5%: a 5% band is over 10 sigma.
    let mean = rec.latency.mean_us().unwrap();
    assert!((mean - 40_000.0).abs() < 2_000.0, "mean {mean} µs");
    // p99 bound, derived: in M/G/1-PS the number of calls present is geometric,
    // P(N >= n) = rho^n; even at the target's 0.6, fewer than
    // n99 = ceil(ln 0.01 / ln 0.6) = 10 calls share an instance 99% of the time. A 20 ms call
    // sharing with at most 10 others takes at most 20 ms x 11 = 220 ms; doubled for calls
    // arriving during its service: 440 ms.
    let p99 = rec.latency.quantile_us(0.99).unwrap();
    assert!(p99 < 440_000, "p99 {p99} µs");

    // Packing with no autoscaler: the one instance runs at utilisation 1 and p99 is far
    // above the bound (seconds: calls share the vCPU 80 at a time before a second
    // instance starts).
    let r = cloud_run("most_recently_used", false);
    let packed = &deployment(&r, "run").recorder;
    let p99_packed = packed.latency.quantile_us(0.99).unwrap();
    assert!(p99_packed > 440_000, "packed p99 {p99_packed} µs");
    assert!(!packed.scaling.is_autoscaled());
}

#[test]
fn a_pool_scales_out_on_arrivals_and_in_after_the_cooldown_reclaiming_idle_instances() {
    // A hand-made trace: a 10 ms call every 0.25 s (4/s) for the first 2 minutes, then
    // nothing for 8 minutes. Instances of 10 slots, a constant 1 s cold start, a 10 min
    // keep-alive (it would keep every instance to the end), autoscaled on 1 request/s per
    // instance: min 0, max 10, every minute over the last minute, cooldown 2 min.
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("timestamp,function,app,duration_ms,memory_mb\n");
    for k in 0..480 {
        csv.push_str(&format!("{},f,a,10,1024\n", f64::from(k) * 0.25));
    }
    std::fs::write(dir.path().join("calls.csv"), csv).unwrap();
    let text = r#"
name = "replay"
seed = 1
duration = "10m"
bucket = "1m"
[workload.trace]
format = "csv"
file = "calls.csv"
[[deployments]]
name = "pool"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "1s" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
instance_concurrency = 10
[deployments.compute.billing]
requests = { usd = 0.40, per = 1_000_000 }
gb_seconds = { usd = 0.0000025 }
"#;
    let path = dir.path().join("replay.toml");
    std::fs::write(&path, text).unwrap();
    let mut s = serverless_sim::scenario::Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    let ComputeSpec::Faas(faas) = &mut s.deployments[0].compute else {
        panic!("a FaaS deployment")
    };
    faas.autoscale = Some(AutoscaleSpec {
        min: 0,
        max: 10,
        target: ScalingTarget::RequestsPerInstance(1.0),
        interval: MINUTE,
        window: MINUTE,
        boot: 0,
        scale_in_cooldown: 2 * MINUTE,
        schedule: Vec::new(),
    });
    let r = run::run(&s).unwrap_or_else(|e| panic!("{e}"));
    let rec = &deployment(&r, "pool").recorder;
    // The first call starts an instance (ready at 1 s); the calls at 0.25, 0.5 and 0.75 s
    // wait for it too: 4 cold starts, 1 instance start so far. At 1:00 the pool saw 240
    // arrivals in 60 s: desired = ceil(240 / (60 x 1)) = 4 (ratio 240 / 59 instance-s = 4.1).
    // The live instance becomes always-warm and 3 launch, ready at 61 s. At 2:00, 240
    // arrivals on 60 + 3 x 59 = 237 instance-s: ratio 1.01, inside the band: 4 stay. At 3:00
    // and 4:00 the recommendation is 0, but the 4 made at 2:00 is within the 2 min cooldown;
    // at 5:00 every recommendation since 3:00 is 0: scale-in to 0, the 4 idle instances
    // reclaimed at once (the keep-alive would have kept them to 12:00).
    let changes: Vec<(u64, u32)> = rec
        .scaling
        .changes
        .iter()
        .map(|c| (c.at / MINUTE, c.desired))
        .collect();
    assert_eq!(changes, [(0, 0), (1, 4), (5, 0)]);
    assert_eq!(rec.totals.cold_starts, 4);
    assert_eq!(rec.totals.instance_starts, 4);
    let live = |b: usize| {
        [Level::Busy, Level::Idle, Level::Starting]
            .iter()
            .map(|&l| rec.levels[l as usize].bucket_mean(b))
            .sum::<f64>()
    };
    // Minute 0: one instance from 0 s (booting, then serving); minute 1: 4 from 60 s.
    assert!((live(0) - 1.0).abs() < 1e-9, "{}", live(0));
    for b in 1..5 {
        assert!((live(b) - 4.0).abs() < 1e-9, "minute {b}: {}", live(b));
    }
    for b in 5..10 {
        assert_eq!(live(b), 0.0, "minute {b}");
    }
    assert_eq!(rec.totals.failed, 0);
    assert_eq!(rec.totals.completed, 480);
}
