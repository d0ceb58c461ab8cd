//! Simulated requests per second of the engine and the platform models.
//!
//! Each benchmark runs one deployment over a synthetic workload of about a million requests
//! (Poisson arrivals, lognormal execution times) and reports throughput in requests per
//! second. Run with `cargo bench --bench engine`; the README's performance table quotes it.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serverless_sim::platform::simulate;
use serverless_sim::rng::Streams;
use serverless_sim::scenario::Scenario;

/// One million requests in 1,000 s at 1,000/s, one function (or ten functions at 100/s).
fn scenario(functions: usize, compute: &str, services: &str, calls: &str) -> Scenario {
    let mut text = String::from("name = \"bench\"\nseed = 7\nduration = \"1000s\"\n");
    for i in 0..functions {
        text.push_str(&format!(
            "[[workload.functions]]\nname = \"f{i}\"\nmemory = \"512MB\"\n\
             execution = {{ dist = \"lognormal\", median = \"40ms\", p99 = \"250ms\" }}\n\
             arrivals = {{ process = \"poisson\", rate = \"{}/s\" }}\n{calls}\n",
            1000 / functions
        ));
    }
    text.push_str(&format!(
        "[[deployments]]\nname = \"d\"\n[deployments.compute]\n{compute}\n{services}\n"
    ));
    Scenario::parse(Path::new("bench.toml"), &text).expect("bench scenario is valid")
}

const FAAS: &str = r#"model = "faas"
cold_start = { dist = "lognormal", median = "250ms", p99 = "600ms" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
account_concurrency = 1000
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000, free_per_month = 1_000_000 }
gb_seconds = { usd = 0.0000166667, free_per_month = 400_000 }"#;

const FLEET: &str = r#"model = "fleet"
instances = 10
workers = 8
queue_timeout = "30s"
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }"#;

const DB: &str = r#"[[deployments.services]]
name = "db"
latency = { dist = "lognormal", median = "4ms", p99 = "15ms" }
operations.read = { price = { usd = 0.125, per = 1_000_000 } }"#;

fn bench_deployment(c: &mut Criterion, name: &str, s: &Scenario) {
    let requests = simulate(
        &s.deployments[0],
        &s.workload,
        Streams::new(s.seed, 0),
        s.window,
    )
    .expect("bench runs")
    .recorder
    .totals
    .requests;
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    group.throughput(Throughput::Elements(requests));
    group.bench_function(name, |b| {
        b.iter(|| {
            let r = simulate(
                &s.deployments[0],
                &s.workload,
                Streams::new(s.seed, 0),
                s.window,
            )
            .expect("bench runs");
            black_box(r.bill.monthly_usd)
        })
    });
    group.finish();
}

fn engine(c: &mut Criterion) {
    bench_deployment(c, "faas_1fn_1M", &scenario(1, FAAS, "", ""));
    bench_deployment(c, "faas_10fn_1M", &scenario(10, FAAS, "", ""));
    bench_deployment(
        c,
        "faas_baas_1fn_1M",
        &scenario(1, FAAS, DB, "calls = { db = { read = 2 } }"),
    );
    bench_deployment(c, "fleet_1fn_1M", &scenario(1, FLEET, "", ""));
    bench_deployment(
        c,
        "faas_concurrency80_1fn_1M",
        &scenario(
            1,
            &FAAS.replace(
                "account_concurrency = 1000",
                "account_concurrency = 1000\ninstance_concurrency = 80",
            ),
            "",
            "",
        ),
    );
    bench_deployment(
        c,
        "faas_hybrid_10fn_1M",
        &scenario(
            10,
            &FAAS.replace(
                r#"keep_alive = { policy = "fixed", idle_timeout = "10m" }"#,
                r#"keep_alive = { policy = "hybrid" }"#,
            ),
            "",
            "",
        ),
    );
}

criterion_group!(benches, engine);
criterion_main!(benches);
