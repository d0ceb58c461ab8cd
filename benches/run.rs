//! Whole runs and sweeps: what a user waits for.
//!
//! - `run/azure_x10_1faas` and `run/azure_x10_3faas`: the shipped Azure 2019 excerpt at ten
//!   times its traffic (3.4 M invocations), one FaaS deployment and three; the three share one
//!   request stream. `run/azure_x10_3faas_own_streams` runs the three on one thread, each on
//!   its own stream, as every run did before the streams were shared.
//! - `sweep/ten_deployments_10m`: `benches/scenarios/ten-deployments.toml` cut to 10 simulated
//!   minutes, swept over `load=0.25..4:log7` with its break-even refinement (the README's
//!   whole-day figure is the same sweep over a day).
//!
//! Run with `cargo bench --bench run`; the README's performance table quotes it.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serverless_sim::engine::Progress;
use serverless_sim::run;
use serverless_sim::scenario::Scenario;
use serverless_sim::sweep::{self, SweepPlan, SweepSource, breakeven, values};

fn load(path: &str) -> Scenario {
    Scenario::load(Path::new(path)).expect("bench scenario is valid")
}

fn runs(c: &mut Criterion) {
    let one = load("benches/scenarios/azure-sample-x10-1faas.toml");
    let three = load("benches/scenarios/azure-sample-x10-3faas.toml");
    let invocations = run::run(&one).expect("bench runs").deployments[0]
        .recorder
        .totals
        .requests;
    let single = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    let mut group = c.benchmark_group("run");
    group.sample_size(10);
    group.throughput(Throughput::Elements(invocations));
    group.bench_function("azure_x10_1faas", |b| {
        b.iter(|| black_box(run::run(&one).expect("bench runs").deployments.len()))
    });
    group.bench_function("azure_x10_3faas", |b| {
        b.iter(|| black_box(run::run(&three).expect("bench runs").deployments.len()))
    });
    group.bench_function("azure_x10_3faas_own_streams", |b| {
        b.iter(|| {
            single.install(|| black_box(run::run(&three).expect("bench runs").warnings.len()))
        })
    });
    group.finish();
}

fn sweeps(c: &mut Criterion) {
    let path = Path::new("benches/scenarios/ten-deployments.toml");
    let text = std::fs::read_to_string(path)
        .expect("bench scenario")
        .replace("duration = \"1d\"", "duration = \"10m\"");
    let source = SweepSource {
        path: path.to_path_buf(),
        text,
    };
    let plan = SweepPlan {
        params: vec![values::parse_param("load=0.25..4:log7").expect("a parameter")],
        replications: 1,
        seed: None,
    };
    let mut group = c.benchmark_group("sweep");
    group.sample_size(10);
    group.bench_function("ten_deployments_10m", |b| {
        b.iter(|| {
            let result = sweep::sweep(&source, &plan, &Progress::new()).expect("sweep runs");
            black_box(breakeven::break_even(&source, &result).crossings.len())
        })
    });
    group.finish();
}

criterion_group!(benches, runs, sweeps);
criterion_main!(benches);
