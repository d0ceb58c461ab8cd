//! Test fixtures shared by the exporters' tests: a tiny simulated run, hand-built edge cases
//! (no requests, zero costs, a single bucket), and readers for the files exporters write.

use std::path::Path;

use crate::engine::time::{DEFAULT_MONTH, MINUTE};
use crate::metrics::Recorder;
use crate::platform::{DeploymentResult, Window};
use crate::pricing::{self, Meters, PriceSchedule};
use crate::report::Exporter;
use crate::run::{self, RunResult};
use crate::scenario::Scenario;

/// Ten minutes of one Poisson function on a FaaS deployment and a one-instance fleet, both
/// calling a database; minute buckets.
const TINY: &str = r#"
name = "tiny"
seed = 7
duration = "10m"
bucket = "1m"

[[workload.functions]]
name = "api"
memory = "512MB"
execution = { dist = "constant", value = "100ms" }
arrivals = { process = "poisson", rate = "2/s" }
calls = { db = { read = 1 } }

[[deployments]]
name = "functions"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "200ms" }
keep_alive = { policy = "fixed", idle_timeout = "1m" }
account_concurrency = 1000
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
granularity = "1ms"
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "5ms" }
operations.read = { price = { usd = 0.25, per = 1_000_000 } }

[[deployments]]
name = "servers"
fixed = [ { name = "load_balancer", usd_per_month = 16.43 } ]
[deployments.compute]
model = "fleet"
instances = 1
workers = 4
vcpus = 4
speed = 1.0
queue_timeout = "30s"
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }
granularity = "1s"
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "2ms" }
operations.read = {}
"#;

/// Ten minutes of one lognormal function on two identical FaaS deployments (`twin-a`,
/// `twin-b`: same settings, so the same latencies, counts and costs), a fleet with two fixed
/// add-ons, and a FaaS deployment capped at one concurrent call that throttles most of its
/// traffic (it does not serve the workload); minute buckets.
const TWINS: &str = r#"
name = "twins"
seed = 11
duration = "10m"
bucket = "1m"

[[workload.functions]]
name = "api"
memory = "512MB"
execution = { dist = "lognormal", median = "40ms", p99 = "400ms" }
arrivals = { process = "poisson", rate = "5/s" }
calls = { db = { read = 1 } }

[[deployments]]
name = "twin-a"
[deployments.compute]
model = "faas"
cold_start = { dist = "lognormal", median = "250ms", p99 = "900ms" }
keep_alive = { policy = "fixed", idle_timeout = "2m" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
granularity = "1ms"
[[deployments.services]]
name = "db"
latency = { dist = "lognormal", median = "4ms", p99 = "15ms" }
operations.read = { price = { usd = 0.25, per = 1_000_000 } }

[[deployments]]
name = "twin-b"
[deployments.compute]
model = "faas"
cold_start = { dist = "lognormal", median = "250ms", p99 = "900ms" }
keep_alive = { policy = "fixed", idle_timeout = "2m" }
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
granularity = "1ms"
[[deployments.services]]
name = "db"
latency = { dist = "lognormal", median = "4ms", p99 = "15ms" }
operations.read = { price = { usd = 0.25, per = 1_000_000 } }

[[deployments]]
name = "servers"
fixed = [ { name = "load_balancer", usd_per_month = 16.43 }, { name = "database", usd_per_month = 50.0 } ]
[deployments.compute]
model = "fleet"
instances = 2
workers = 4
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }
granularity = "1s"
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "2ms" }
operations.read = {}

[[deployments]]
name = "capped"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "200ms" }
keep_alive = { policy = "fixed", idle_timeout = "2m" }
account_concurrency = 1
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "5ms" }
operations.read = { price = { usd = 0.25, per = 1_000_000 } }
"#;

/// The twins scenario, simulated.
pub fn twins_run() -> RunResult {
    let scenario =
        Scenario::parse(Path::new("twins.toml"), TWINS).expect("twins scenario is valid");
    run::run(&scenario).expect("twins scenario runs")
}

/// The tiny scenario, simulated.
pub fn tiny_run() -> RunResult {
    let scenario = Scenario::parse(Path::new("tiny.toml"), TINY).expect("tiny scenario is valid");
    run::run(&scenario).expect("tiny scenario runs")
}

/// A deployment that saw no request and costs nothing, over `buckets` one-minute buckets.
pub fn idle_deployment(name: &str, buckets: u64) -> DeploymentResult {
    let window = buckets * MINUTE;
    let mut meters = Meters::default();
    let m = meters.add(
        &crate::platform::FixedCost {
            name: "nothing".into(),
            usd_per_month: 0.0,
        }
        .cost_part(),
        "nothing",
        "months",
        PriceSchedule::flat(0.0),
    );
    let mut recorder = Recorder::new(window, MINUTE, meters.len());
    recorder.usage_spread(m, 0, window, window as f64 / DEFAULT_MONTH as f64);
    recorder.finish();
    let bill = pricing::bill(&meters, &recorder.usage, window, MINUTE, DEFAULT_MONTH);
    DeploymentResult {
        name: name.into(),
        model: "fleet",
        recorder,
        meters,
        bill,
        pricing: Vec::new(),
        quotas: Vec::new(),
    }
}

/// A run of idle deployments named `names` over `buckets` one-minute buckets.
pub fn idle_run(names: &[&str], buckets: u64) -> RunResult {
    RunResult {
        scenario: "idle".into(),
        seed: 1,
        window: Window {
            length: buckets * MINUTE,
            bucket: MINUTE,
            month: DEFAULT_MONTH,
            warmup: 0,
        },
        deployments: names.iter().map(|n| idle_deployment(n, buckets)).collect(),
        slo: Default::default(),
        warnings: Vec::new(),
    }
}

/// The header and rows of the CSV file at `path`.
/// Writes `run` with a CSV `exporter` into a temporary folder and reads the file back.
pub fn export_csv(exporter: &dyn Exporter, run: &RunResult) -> (Vec<String>, Vec<Vec<String>>) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join(exporter.file_name());
    exporter.write(run, &path).expect("exporter writes");
    read_csv(&path)
}

pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).expect("CSV opens");
    let header = r
        .headers()
        .expect("CSV has a header")
        .iter()
        .map(String::from)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("CSV row").iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// Parses a cell written by an exporter as a number.
pub fn num(cell: &str) -> f64 {
    cell.parse()
        .unwrap_or_else(|_| panic!("{cell:?} is not a number"))
}

/// Width and height of the PNG at `path`, read from its signature and IHDR chunk; panics when
/// the file is not a PNG.
pub fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).expect("PNG file exists");
    assert!(
        bytes.len() > 33,
        "{} is too short for a PNG",
        path.display()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    assert_eq!(be(8), 13, "IHDR length");
    (be(16), be(20))
}
