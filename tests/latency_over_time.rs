//! Latency over time: p50 and p99 of the requests completed in each time bucket, in
//! `timeseries.csv` and `latency_over_time.png`. A replayed trace whose first half is 100 ms
//! calls and second half 1 s calls, on a fleet with a worker for every call (no waiting, so
//! each latency is its call's duration): every bucket's p50 and p99 are those durations,
//! within 1%. A second fleet fails every 1 s call (request_timeout 500 ms), so its buckets of
//! the second half completed nothing: empty fields.

use std::path::Path;

use assert_cmd::Command;

const SCENARIO: &str = r#"
name = "latency-over-time"
duration = "10m"
bucket = "1m"
[workload.trace]
format = "csv"
file = "calls.csv"

[[deployments]]
name = "roomy"
[deployments.compute]
model = "fleet"
instances = 1
workers = 100
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }

[[deployments]]
name = "strict-lb"
[deployments.compute]
model = "fleet"
instances = 1
workers = 100
request_timeout = "500ms"
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }
"#;

/// A call every 0.5 s for 10 minutes: 100 ms before 300 s, 1 s from then on.
fn trace() -> String {
    let mut csv = String::from("timestamp,function,duration_ms,memory_mb\n");
    for k in 0..1200 {
        let t = k as f64 * 0.5;
        let ms = if t < 300.0 { 100 } else { 1000 };
        csv.push_str(&format!("{t},api,{ms},128\n"));
    }
    csv
}

fn run(dir: &Path) -> std::path::PathBuf {
    std::fs::write(dir.join("calls.csv"), trace()).unwrap();
    std::fs::write(dir.join("s.toml"), SCENARIO).unwrap();
    let out = dir.join("out");
    Command::new(env!("CARGO_BIN_EXE_serverless-sim"))
        .arg("run")
        .arg(dir.join("s.toml"))
        .arg("--out")
        .arg(&out)
        .arg("--quiet")
        .assert()
        .success();
    out
}

#[test]
fn each_bucket_has_the_percentiles_of_the_requests_completed_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path());
    let mut reader = csv::Reader::from_path(out.join("timeseries.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (p50, p99, completed) = (
        col("latency_p50_ms"),
        col("latency_p99_ms"),
        col("completed"),
    );
    assert_eq!(&header[p50..=p99], ["latency_p50_ms", "latency_p99_ms"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 20);
    let within = |field: &str, want_ms: f64, what: &str| {
        let got: f64 = field
            .parse()
            .unwrap_or_else(|_| panic!("{what}: '{field}'"));
        assert!(
            (got - want_ms).abs() <= 0.01 * want_ms,
            "{what}: {got} ms, want {want_ms} ms"
        );
    };
    for (b, row) in rows[..10].iter().enumerate() {
        // By completion: the 100 ms call of 299.5 s ends at 299.6 s (bucket 4); the first 1 s
        // call ends at 301 s (bucket 5); the last, of 599.5 s, after the window (bucket 9).
        let want = if b < 5 { 100.0 } else { 1000.0 };
        assert_eq!(&row[0], "roomy");
        within(&row[p50], want, &format!("roomy bucket {b} p50"));
        within(&row[p99], want, &format!("roomy bucket {b} p99"));
    }
    for (b, row) in rows[10..].iter().enumerate() {
        assert_eq!(&row[0], "strict-lb");
        if b < 5 {
            within(&row[p50], 100.0, &format!("strict-lb bucket {b} p50"));
            within(&row[p99], 100.0, &format!("strict-lb bucket {b} p99"));
        } else {
            // Every 1 s call is late for its client: nothing completed, no latency.
            assert_eq!(&row[completed], "0", "bucket {b}");
            assert_eq!((&row[p50], &row[p99]), ("", ""), "bucket {b}");
        }
    }
}

#[test]
fn a_bucket_holding_both_kinds_has_the_ranked_percentiles() {
    // Switch at 330 s, in the middle of bucket 5 (300-360 s): it completes the 60 calls of
    // 100 ms from 300 to 329.5 s and the 58 calls of 1 s from 330 to 358.5 s (the one of
    // 359 s ends at exactly 360 s, which is bucket 6). 118 latencies: p50 is the 59th
    // (100 ms), p99 the 117th (ceil(0.99 x 118), 1 s).
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("timestamp,function,duration_ms,memory_mb\n");
    for k in 0..1200 {
        let t = k as f64 * 0.5;
        let ms = if t < 330.0 { 100 } else { 1000 };
        csv.push_str(&format!("{t},api,{ms},128\n"));
    }
    std::fs::write(dir.path().join("calls.csv"), csv).unwrap();
    std::fs::write(dir.path().join("s.toml"), SCENARIO).unwrap();
    let s = serverless_sim::scenario::Scenario::load(&dir.path().join("s.toml")).unwrap();
    let r = serverless_sim::run::run(&s).unwrap();
    let rec = &r.deployments[0].recorder;
    assert_eq!(rec.buckets[5].completed, 118);
    let near = |got: Option<u64>, want_us: f64| {
        let got = got.unwrap() as f64;
        assert!(
            (got - want_us).abs() <= 0.01 * want_us,
            "{got} vs {want_us}"
        );
    };
    near(rec.bucket_latency.p50(5), 100_000.0);
    near(rec.bucket_latency.p99(5), 1_000_000.0);
    near(rec.bucket_latency.p50(4), 100_000.0);
    near(rec.bucket_latency.p50(6), 1_000_000.0);
}

#[test]
fn the_chart_draws_each_deployment_in_its_colour() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path());
    let path = out.join("latency_over_time.png");
    let decoder = png::Decoder::new(std::fs::File::open(&path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1200, 700));
    let channels = info.line_size / info.width as usize;
    let count = |rgb: [u8; 3]| buf.chunks(channels).filter(|px| px[..3] == rgb).count();
    // The palette's first two colours (blue, orange): the plot's lines, beyond the legend's
    // two short marks per deployment.
    let blue = count([0x4E, 0x79, 0xA7]);
    let orange = count([0xF2, 0x8E, 0x2B]);
    assert!(blue > 1500, "roomy drawn: {blue} px");
    assert!(orange > 500, "strict-lb drawn: {orange} px");
    let manifest = std::fs::read_to_string(out.join("manifest.toml")).unwrap();
    assert!(manifest.contains("latency_over_time.png"), "{manifest}");
}
