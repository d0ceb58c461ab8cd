//! Trace streaming speed on a generated large Azure 2019 trace.
//!
//! Setup writes a deterministic synthetic trace in the 2019 layout (10,000 functions x 1,440
//! minutes, about 156 million invocations: see `support/azure2019_gen.rs`) to a temporary
//! folder, once. Benchmarks:
//! - `first_pass`: loading the scenario (validating every row, counting per function);
//! - `stream_1h`: streaming every request of one hour of the trace (about 6.5 million),
//!   reported as invocations per second (uniform spread, sampled execution times, keys).
//!
//! Run with `cargo bench --bench trace`. Whole-day wall time and peak memory at 1x vs 4x
//! length are measured with `examples/trace_replay.rs` (docs/trace-performance.md).

#[path = "support/azure2019_gen.rs"]
mod azure2019_gen;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serverless_sim::rng::Streams;
use serverless_sim::scenario::Scenario;
use serverless_sim::workload::Source;

fn scenario_text(g: &azure2019_gen::Generated, extra: &str) -> String {
    format!(
        "seed = 1\n[workload.trace]\nformat = \"azure2019\"\ninvocations = {:?}\ndurations = {:?}\n\
         memory_file = {:?}\n{extra}\n[[deployments]]\nname = \"d\"\n[deployments.compute]\n\
         model = \"faas\"\ncold_start = {{ dist = \"constant\", value = \"250ms\" }}\n\
         keep_alive = {{ policy = \"fixed\", idle_timeout = \"10m\" }}\n\
         [deployments.compute.billing]\nrequests = {{ usd = 0.2, per = 1_000_000 }}\n\
         gb_seconds = {{ usd = 0.0000166667 }}\n",
        g.invocations[0].display().to_string(),
        g.durations[0].display().to_string(),
        g.memory[0].display().to_string(),
    )
}

fn drain(s: &Scenario) -> u64 {
    let mut stream = s
        .workload
        .open(Streams::new(s.seed, 0), s.window.length)
        .expect("stream opens");
    let mut n = 0;
    while let Some(r) = stream.next_request().expect("trace reads") {
        black_box(r);
        n += 1;
    }
    n
}

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let g = azure2019_gen::generate(dir.path(), 10_000, 1, 2019).expect("trace generated");
    let here = Path::new("bench.toml");

    let day = scenario_text(&g, "");
    let loaded = Scenario::parse(here, &day).expect("loads");
    if let Source::Trace(t) = &loaded.workload.source {
        assert_eq!(
            t.info.invocations, g.total,
            "the first pass counts what was written"
        );
    }
    let mut group = c.benchmark_group("trace");
    group.sample_size(10);
    group.measurement_time(std::time::Duration::from_secs(8));
    group.bench_function("first_pass_10k_functions_1440_minutes", |b| {
        b.iter(|| Scenario::parse(here, &day).expect("loads"))
    });

    let hour = Scenario::parse(here, &scenario_text(&g, "start = \"6h\"\nwindow = \"1h\""))
        .expect("loads");
    let n = drain(&hour);
    group.throughput(Throughput::Elements(n));
    group.bench_function(format!("stream_1h_10k_functions_{n}_invocations"), |b| {
        b.iter(|| drain(&hour))
    });
    group.finish();
}

criterion_group!(trace, benches);
criterion_main!(trace);
