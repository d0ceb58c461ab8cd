//! The harness every fuzz target shares: it turns the fuzzer's bytes into files and scenario
//! text, and drives them through the same public entry points `serverless-sim run`, `check`
//! and `trace inspect` use:
//!
//! - [`scenario`]: the bytes are a scenario file, parsed and validated by
//!   `Scenario::parse` as if it lived in `scenarios/` (so a `[workload.trace]` table with
//!   relative paths reaches the shipped traces).
//! - [`trace`]: the bytes are one trace file (which one is a [`TraceInput`]); the other
//!   files of the format are the fixed, valid ones from `tests/data/traces/`. A scenario
//!   with a `[workload.trace]` table pointing at the files is parsed (the first pass over the
//!   trace), then its request stream is read (the second pass), then `trace inspect` profiles
//!   the same files.
//!
//! When a scenario loads, its request stream is read up to [`MAX_REQUESTS`] requests and
//! checked: arrivals in non-decreasing order, inside the window, every request naming a
//! function of the workload. A violated check panics, which the fuzzer reports as a crash.
//! A trace workload of at most [`MAX_RUN_INVOCATIONS`] invocations is then simulated too.
//! Errors are expected outcomes and ignored; panics, hangs and huge allocations are the bugs.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serverless_sim::rng::Streams;
use serverless_sim::run;
use serverless_sim::scenario::Scenario;
use serverless_sim::workload::Source;
use serverless_sim::workload::trace::Format;
use serverless_sim::workload::trace::inspect::inspect;

/// How many requests of a loaded workload are streamed and checked (bounded so that a
/// scenario asking for billions of requests costs no more than a small one).
pub const MAX_REQUESTS: usize = 20_000;

/// A loaded trace with at most this many invocations in its window is also simulated
/// (`run::run`, what `serverless-sim run` does before writing reports), so that what the
/// readers let through reaches the engine, the platforms and billing; larger ones would make
/// an input slow without being a bug.
pub const MAX_RUN_INVOCATIONS: u64 = 5_000;

/// The repository root: the fuzz crate lives in `fuzz/`, and `tests/fuzz_regressions.rs`
/// compiles this file into the root crate's tests to replay saved inputs.
fn repo() -> &'static Path {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    if here.join("fuzz_targets").is_dir() {
        here.parent().unwrap_or(here)
    } else {
        here
    }
}

/// A shipped, valid trace file under `tests/data/traces/`.
fn data(rel: &str) -> PathBuf {
    repo().join("tests/data/traces").join(rel)
}

/// This process's scratch folder (libFuzzer runs one input at a time per process, so the
/// files are simply rewritten for every input).
fn work_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("serverless-sim-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create the fuzz scratch folder");
        dir
    })
}

/// Streams the workload of a loaded scenario (at most [`MAX_REQUESTS`]), checking the
/// stream's invariants, then simulates a small trace workload.
fn stream_and_run(s: &Scenario) {
    let Ok(mut requests) = s.workload.open(Streams::new(s.seed, 0), s.window.length) else {
        return;
    };
    let mut last = 0;
    for _ in 0..MAX_REQUESTS {
        match requests.next_request() {
            Ok(Some(r)) => {
                assert!(
                    r.arrival >= last,
                    "arrivals out of order: {last} then {r:?}"
                );
                assert!(
                    r.arrival < s.window.length,
                    "arrival after the window: {r:?}"
                );
                assert!(
                    (r.function as usize) < s.workload.functions.len(),
                    "request names no function of the workload: {r:?}"
                );
                last = r.arrival;
            }
            Ok(None) | Err(_) => break,
        }
    }
    if let Source::Trace(trace) = &s.workload.source
        && trace.info.invocations <= MAX_RUN_INVOCATIONS
    {
        let _ = run::run(s);
    }
}

/// Fuzz target body: `data` is a whole scenario file.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(s) = Scenario::parse(&repo().join("scenarios/fuzz.toml"), text) {
        stream_and_run(&s);
    }
}

/// Which trace file the fuzzer's bytes stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceInput {
    /// An Azure 2019 invocation-counts file (durations and memory: `tiny2019/`).
    Azure2019Invocations,
    /// An Azure 2019 durations file (invocations and memory: `tiny2019/`).
    Azure2019Durations,
    /// An Azure 2019 memory file (invocations and durations: `tiny2019/`).
    Azure2019Memory,
    /// An Azure 2021 invocation trace.
    Azure2021,
    /// A plain CSV trace.
    PlainCsv,
}

impl TraceInput {
    fn format(self) -> Format {
        match self {
            TraceInput::Azure2021 => Format::Azure2021,
            TraceInput::PlainCsv => Format::Csv,
            _ => Format::Azure2019,
        }
    }
}

/// The scenario options one byte selects, a bit each, so that the fuzzer explores selection
/// and shaping along with the bytes of the file. Returns (top-level lines, trace-table lines).
fn options(bits: u8, input: TraceInput) -> (String, String) {
    let mut head = String::new();
    let mut table = String::new();
    let on = |bit: u8| bits & (1 << bit) != 0;
    if on(0) {
        table.push_str("spread = \"even\"\n");
    }
    if on(1) {
        table.push_str("top_functions = 2\n");
    }
    if on(2) {
        table.push_str("time_scale = 7.5\n");
    }
    if on(3) {
        table.push_str("rate_multiplier = 1.5\n");
    }
    if on(4) {
        table.push_str("start = \"1m\"\nend = \"3m\"\n");
    }
    if on(5) {
        table.push_str("sample_apps = 1\n");
    }
    match input {
        TraceInput::Azure2021 => table.push_str("memory = \"256MB\"\n"),
        _ if on(6) => table.push_str("memory = \"trace\"\n"),
        _ => table.push_str("memory = \"trace\"\nmemory_fallback = \"192MB\"\n"),
    }
    if on(6) && input == TraceInput::PlainCsv {
        table.push_str("sort = true\n");
    }
    if on(7) {
        head.push_str("duration = \"10m\"\n");
    }
    (head, table)
}

/// The `[workload.trace]` lines naming the files, after writing `file` where the fuzzed
/// input goes.
fn files(input: TraceInput, file: &[u8]) -> String {
    let dir = work_dir();
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("write the fuzzed trace file");
        path
    };
    let copy = |name: &str, rel: &str| {
        let bytes = std::fs::read(data(rel)).expect("read a shipped trace file");
        write(name, &bytes)
    };
    match input {
        TraceInput::Azure2019Invocations
        | TraceInput::Azure2019Durations
        | TraceInput::Azure2019Memory => {
            let pick = |which: TraceInput, name: &str, rel: &str| {
                if which == input {
                    write(name, file)
                } else {
                    copy(name, rel)
                }
            };
            let i = pick(
                TraceInput::Azure2019Invocations,
                "invocations.csv",
                "tiny2019/invocations.csv",
            );
            let d = pick(
                TraceInput::Azure2019Durations,
                "durations.csv",
                "tiny2019/durations.csv",
            );
            let m = pick(
                TraceInput::Azure2019Memory,
                "memory.csv",
                "tiny2019/memory.csv",
            );
            format!(
                "format = \"azure2019\"\ninvocations = {:?}\ndurations = {:?}\n\
                 memory_file = {:?}\n",
                i.display().to_string(),
                d.display().to_string(),
                m.display().to_string()
            )
        }
        TraceInput::Azure2021 | TraceInput::PlainCsv => {
            let p = write("trace.csv", file);
            let format = input.format().name();
            format!(
                "format = \"{format}\"\nfile = {:?}\n",
                p.display().to_string()
            )
        }
    }
}

/// One FaaS deployment: the trace targets exercise the workload, not the platforms.
const DEPLOYMENT: &str = r#"
[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "100ms" }
keep_alive = { policy = "fixed", idle_timeout = "1m" }
[deployments.compute.billing]
requests = { usd = 0.2, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
"#;

/// Fuzz target body: the first byte of `data` picks scenario options (see [`options`]), the
/// rest is the trace file `input` stands for.
pub fn trace(input: TraceInput, data: &[u8]) {
    let Some((&bits, file)) = data.split_first() else {
        return;
    };
    let (head, extra) = options(bits, input);
    let table = files(input, file);
    let text = format!("seed = 3\n{head}\n[workload.trace]\n{table}{extra}\n{DEPLOYMENT}");
    if let Ok(s) = Scenario::parse(&work_dir().join("fuzz.toml"), &text) {
        stream_and_run(&s);
    }
    let target = match input.format() {
        Format::Azure2019 => work_dir().to_path_buf(),
        _ => work_dir().join("trace.csv"),
    };
    let _ = inspect(&target, Some(input.format()));
}
