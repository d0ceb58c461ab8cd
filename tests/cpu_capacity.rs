//! CPU capacity on FaaS: `max_vcpus` (how many vCPUs one call can use) against memory and
//! against a container's vCPUs, and the balancer that spreads calls over warm instances.
//! Expected values are computed by hand or from closed forms in each test. The scenario
//! keys `max_vcpus` and `balancer` are set on the validated scenario here (the tests own
//! the specs they build), so they do not depend on how the file format spells them.

mod common;

use common::{FAAS_BILLING, deployment, scenario};
use serverless_sim::platform::ComputeSpec;
use serverless_sim::platform::fleet::Balancer;
use serverless_sim::run;
use serverless_sim::scenario::Scenario;

/// One function of constant `exec`, wholly CPU-bound, measured at 1,769 MB (one Lambda
/// vCPU), running at `memory`, called every 10 s for 10 minutes, on `compute` keys.
fn one_function(memory: &str, exec: &str, compute: &str) -> String {
    format!(
        r#"
name = "cpu"
seed = 5
duration = "10m"
[[workload.functions]]
name = "f"
memory = "{memory}"
cpu_bound = 1.0
reference_memory = "1769MB"
execution = {{ dist = "constant", value = "{exec}" }}
arrivals = {{ process = "fixed_interval", every = "10s" }}
[[deployments]]
name = "d"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "0ms" }}
keep_alive = {{ policy = "forever" }}
{compute}
{FAAS_BILLING}"#
    )
}

/// Runs `s` with `max_vcpus` on its function; the mean latency in ms.
fn mean_latency_ms(mut s: Scenario, max_vcpus: Option<f64>) -> f64 {
    s.workload.functions[0].faas.max_vcpus = max_vcpus;
    let r = run::run(&s).unwrap_or_else(|e| panic!("{e}"));
    deployment(&r, "d").recorder.latency.mean_us().unwrap() / 1e3
}

#[test]
fn a_single_threaded_call_gains_nothing_above_1769_mb() {
    // 1,000 ms of CPU at 1,769 MB (1 vCPU). At 3,538 MB (2 vCPUs) and 10,240 MB (5.79): still
    // 1,000 ms with max_vcpus unset or 1; with max_vcpus = 2, 3,538 MB halves it (500 ms) and
    // 10,240 MB does no better. At 884 MB (0.4997 vCPU): 10^6 µs x 1769 / 884 = 2,001,131.2
    // µs, rounded to 2,001,131 µs.
    let at =
        |memory, max_vcpus| mean_latency_ms(scenario(&one_function(memory, "1s", "")), max_vcpus);
    assert_eq!(at("1769MB", None), 1000.0);
    assert_eq!(at("3538MB", None), 1000.0);
    assert_eq!(at("10240MB", None), 1000.0);
    assert_eq!(at("3538MB", Some(1.0)), 1000.0);
    assert_eq!(at("3538MB", Some(2.0)), 500.0);
    assert_eq!(at("10240MB", Some(2.0)), 500.0);
    assert_eq!(at("884MB", None), 2001.131);
}

#[test]
fn a_call_alone_on_a_container_uses_up_to_max_vcpus() {
    // A container of 2 vCPUs serving 2 calls at once; calls 10 s apart never overlap. A
    // 1,000 ms CPU-bound call computes at min(max_vcpus, 2): 1,000 ms by default, 500 ms
    // with max_vcpus = 2 (on 2 or 4 vCPUs); on 1 vCPU, 1,000 ms either way.
    let on = |vcpus: &str, max_vcpus| {
        let keys = format!("instance_concurrency = 2\nvcpus = {vcpus}");
        mean_latency_ms(scenario(&one_function("1769MB", "1s", &keys)), max_vcpus)
    };
    assert_eq!(on("2", None), 1000.0);
    assert_eq!(on("2", Some(2.0)), 500.0);
    assert_eq!(on("1", Some(2.0)), 1000.0);
    assert_eq!(on("4", Some(2.0)), 500.0);
}

/// Cloud Run-like: 80 calls per instance on 1 vCPU, two always-warm instances, 20 ms
/// CPU-bound calls arriving at 50/s (Poisson) for 10 minutes, under `balancer`, with
/// `seed`: (mean latency ms, p99 ms, instances started).
fn cloud_run_like(balancer: Balancer, seed: u64) -> (f64, f64, u64) {
    let text = format!(
        r#"
name = "spread"
seed = {seed}
duration = "10m"
[[workload.functions]]
name = "api"
memory = "512MB"
execution = {{ dist = "constant", value = "20ms" }}
arrivals = {{ process = "poisson", rate = "50/s" }}
[[deployments]]
name = "d"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "100ms" }}
keep_alive = {{ policy = "forever" }}
instance_concurrency = 80
vcpus = 1
provisioned = {{ instances = 2 }}
{FAAS_BILLING}provisioned_gb_seconds = {{ usd = 0.0000041667 }}
provisioned_compute = {{ usd = 0.0000097222 }}
"#
    );
    let mut s = scenario(&text);
    let ComputeSpec::Faas(faas) = &mut s.deployments[0].compute else {
        panic!("a FaaS deployment")
    };
    faas.balancer = balancer;
    let r = run::run(&s).unwrap_or_else(|e| panic!("{e}"));
    let rec = &deployment(&r, "d").recorder;
    (
        rec.latency.mean_us().unwrap() / 1e3,
        rec.latency.quantile_us(0.99).unwrap() as f64 / 1e3,
        rec.totals.instance_starts,
    )
}

/// Seeds of the independent replications below.
const SEEDS: [u64; 5] = [11, 12, 13, 14, 15];

#[test]
fn least_outstanding_spreads_calls_that_packing_piles_on_one_instance() {
    // 50/s x 20 ms = 1 vCPU of work in all. Packing (most recently used, the rule before
    // balancers) sends every call to one instance until its 80 slots are full: a 1-vCPU
    // processor-sharing queue at load 1, saturated, so it fills to 80 calls, each then
    // taking about 80 x 20 ms = 1.6 s; its p99 is at least half that, 800 ms, and no call
    // is refused (the second instance takes the overflow).
    //
    // Random placement splits the Poisson stream into two of 25/s: each instance is an
    // M/D/1 processor-sharing queue at load 0.5, whose mean response is S / (1 - rho) =
    // 20 / 0.5 = 40 ms whatever the service distribution (closed form, insensitivity).
    // Least outstanding joins the less loaded instance and can only do better on the
    // mean (paired runs: same seeds, same arrivals); with two instances, power of two
    // draws both and is least outstanding exactly. Neither needs a new instance.
    let (packed_mean, packed_p99, _) = cloud_run_like(Balancer::MostRecentlyUsed, 11);
    assert!(packed_p99 >= 800.0, "packing p99 {packed_p99} ms");
    assert!(packed_mean > 400.0, "packing mean {packed_mean} ms");
    let mut random = Vec::new();
    for seed in SEEDS {
        let (r_mean, _, _) = cloud_run_like(Balancer::Random, seed);
        let (lo_mean, lo_p99, lo_starts) = cloud_run_like(Balancer::LeastOutstanding, seed);
        let two = cloud_run_like(Balancer::PowerOfTwo, seed);
        assert_eq!(two, (lo_mean, lo_p99, lo_starts), "seed {seed}");
        assert_eq!(lo_starts, 0);
        assert!(lo_mean < r_mean, "seed {seed}: {lo_mean} >= {r_mean}");
        assert!(lo_p99 < packed_p99 / 4.0, "seed {seed}: p99 {lo_p99} ms");
        random.push(r_mean);
    }
    // The random split against its closed form, within 4 standard errors of the
    // replications' mean (and a standard error small enough for the check to mean
    // something: 2 ms, 5% of 40 ms).
    let (mean, se) = common::mean_se(&random);
    assert!(se < 2.0, "standard error {se} ms");
    assert!(
        (mean - 40.0).abs() < 4.0 * se.max(0.1),
        "mean {mean} ms, se {se}"
    );
}

#[test]
fn round_robin_turns_over_the_warm_instances() {
    // Round robin hands calls to the two instances in turn: each sees every other Poisson
    // arrival (Erlang-2 gaps, smoother than the random split's), so its mean is below the
    // random split's 40 ms, and no call piles up: p99 far below packing's 800 ms.
    let (mean, p99, starts) = cloud_run_like(Balancer::RoundRobin, 11);
    assert!(mean < 40.0, "mean {mean} ms");
    assert!(p99 < 200.0, "p99 {p99} ms");
    assert_eq!(starts, 0);
}

#[test]
fn memory_tuning_finds_the_knee_of_a_single_threaded_function() {
    // A wholly CPU-bound 1 s call measured at 1,769 MB, max_vcpus unset (1): 1,024 MB takes
    // 1769 / 1024 = 1.7275 s (billed 1,728 ms x 1 GB = 1.728 GB-s), 1,769 MB 1 s (1.7275
    // GB-s), 3,538 and 10,240 MB 1 s too, at 2 and 5.8 times the GB-s. So 1,769 MB is the
    // cheapest, and the fastest: the larger sizes are as fast and dearer (a tie goes to
    // the cheaper), and the balanced size. Before max_vcpus, 10,240 MB was "fastest".
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, one_function("1769MB", "1s", "")).unwrap();
    let assert = common::cli::bin()
        .args(["sweep", path.to_str().unwrap()])
        .args([
            "--param",
            "workload.functions[0].memory=1024MB,1769MB,3538MB,10240MB",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).into_owned();
    assert!(stdout.contains("memory: d: cheapest 1769MB"), "{stdout}");
    assert!(stdout.contains("fastest 1769MB"), "{stdout}");
    assert!(stdout.contains("balanced 1769MB"), "{stdout}");
}
