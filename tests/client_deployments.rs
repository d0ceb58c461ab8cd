//! Client deployments (`model = "client"`): apps that call the backend directly, with no
//! compute (docs/models.md, "Client deployments").
//!
//! Every expected number is worked out by hand in the comment above it, from fixed arrival
//! times, constant backend latencies and flat prices; none is read from the simulator.

mod common;

use common::cli::{assert_exact, col_of, line_of, run_bad};
use common::{csv_number, csv_rows, deployment, run_text};
use serverless_sim::metrics::Level;

/// One hour, a 730-hour month, three functions on fixed intervals:
/// - `feed` every 10 s from 0 s: 360 calls, 3 reads each (20 ms each): 60 ms;
/// - `post` every 60 s from 5 s: 60 calls, 1 write (30 ms) + 2 uploads (100 ms each): 230 ms;
/// - `ping` every 30 s from 1 s: 120 calls, no backend operation: 0 ms.
const WORKLOAD: &str = r#"
name = "client"
seed = 7
duration = "1h"
bucket = "10m"
month = "730h"

[[workload.functions]]
name = "feed"
memory = "512MB"
execution = { dist = "constant", value = "40ms" }
arrivals = { process = "fixed_interval", every = "10s" }
calls = { db = { read = 3 } }

[[workload.functions]]
name = "post"
memory = "512MB"
execution = { dist = "constant", value = "40ms" }
arrivals = { process = "fixed_interval", every = "60s", offset = "5s" }
calls = { db = { write = 1 }, files = { upload = 2 } }

[[workload.functions]]
name = "ping"
memory = "512MB"
execution = { dist = "constant", value = "40ms" }
arrivals = { process = "fixed_interval", every = "30s", offset = "1s" }
"#;

/// The services every deployment here uses: reads $0.06 per 100,000 with 500,000 free a
/// month, writes $0.18 per 100,000, uploads $0.05 per 10,000, and a $25 plan on `files`.
const SERVICES: &str = r#"
[[deployments.services]]
name = "db"
operations.read = { latency = { dist = "constant", value = "20ms" }, price = { usd = 0.06, per = 100_000, free_per_month = 500_000 } }
operations.write = { latency = { dist = "constant", value = "30ms" }, price = { usd = 0.18, per = 100_000 } }
[[deployments.services]]
name = "files"
usd_per_month = 25
operations.upload = { latency = { dist = "constant", value = "100ms" }, price = { usd = 0.05, per = 10_000 } }
"#;

fn client(name: &str) -> String {
    format!(
        "\n[[deployments]]\nname = \"{name}\"\n[deployments.compute]\nmodel = \"client\"\n{SERVICES}"
    )
}

fn faas(name: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "{name}"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "200ms" }}
keep_alive = {{ policy = "fixed", idle_timeout = "10m" }}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}
{SERVICES}"#
    )
}

fn fleet(name: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "{name}"
[deployments.compute]
model = "fleet"
instances = 1
workers = 4
[deployments.compute.billing]
instance_hours = {{ usd = 0.0416 }}
{SERVICES}"#
    )
}

fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{what}: got {got}, want {want}"
    );
}

/// A figure printed in a report, to the cent.
fn assert_cents(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 0.005,
        "{what}: got {got}, want {want}"
    );
}

#[test]
fn a_client_deployment_waits_for_its_operations_and_pays_for_them_alone() {
    let run = run_text(&format!("{WORKLOAD}{}", client("app")));
    let d = deployment(&run, "app");
    assert_eq!(d.model, "client");
    let t = &d.recorder.totals;
    // 360 + 60 + 120 requests, all answered; no instance, no cold start, no failure.
    assert_eq!((t.requests, t.completed, t.failed), (540, 540, 0));
    assert_eq!((t.cold_starts, t.instance_starts, t.unfinished), (0, 0, 0));
    for level in [Level::Busy, Level::Idle, Level::Starting, Level::BusySlots] {
        assert_eq!(d.recorder.levels[level as usize].window_mean(), 0.0);
    }
    // Latencies: 120 x 0 ms, 360 x 60 ms, 60 x 230 ms. The 270th of 540 is 60 ms (p50);
    // the mean is (360 x 60 + 60 x 230) / 540 = 35,400 / 540 ms; the max 230 ms.
    let lat = &d.recorder.latency;
    assert_close(lat.mean_us().unwrap(), 35_400_000.0 / 540.0, "mean latency");
    assert_eq!(lat.max_us(), Some(230_000));
    let p50 = lat.quantile_us(0.5).unwrap() as f64;
    assert!((p50 - 60_000.0).abs() <= 60.0, "p50 {p50} µs, want 60 ms");
    let p99 = lat.quantile_us(0.99).unwrap() as f64;
    assert!(
        (p99 - 230_000.0).abs() <= 230.0,
        "p99 {p99} µs, want 230 ms"
    );
    // Per function: feed answers in exactly 60 ms, post in 230 ms, ping in 0 ms.
    let f = &d.recorder.functions;
    for (i, want_us) in [(0, 60_000), (1, 230_000), (2, 0)] {
        assert_eq!(
            f.latency(i).unwrap().max_us(),
            Some(want_us),
            "{}",
            f.name(i)
        );
    }

    // The bill: operations, the plan fee, nothing else (no requests, compute or instance
    // line). A 1 h window is 1/730 of the month, so per month:
    // - reads: 360 x 3 = 1,080 in the window, 788,400 a month; 500,000 free, 288,400 billed
    //   at $0.06 per 100,000 = $0.17304;
    // - writes: 60 a window, 43,800 a month x $0.18 / 100,000 = $0.07884;
    // - uploads: 120 a window, 87,600 a month x $0.05 / 10,000 = $0.438;
    // - plan: $25.
    let lines: Vec<(&str, &str, f64)> = d
        .bill
        .lines
        .iter()
        .map(|l| (l.part.stem(), l.meter.as_str(), l.monthly_usd))
        .collect();
    let db = "baas_db";
    let files = "baas_files";
    assert_eq!(lines.len(), 4, "{lines:?}");
    for (component, meter, want_window_quantity, want_monthly) in [
        (db, "read", 1_080.0, 0.17304),
        (db, "write", 60.0, 0.07884),
        (files, "upload", 120.0, 0.438),
        (files, "plan", 1.0 / 730.0, 25.0),
    ] {
        let line = d
            .bill
            .lines
            .iter()
            .find(|l| l.part.stem() == component && l.meter == meter)
            .unwrap_or_else(|| panic!("no line {meter}: {lines:?}"));
        assert_close(line.window_quantity, want_window_quantity, meter);
        assert_close(line.monthly_usd, want_monthly, meter);
    }
    // $25.68988 a month; the window is 1/730 of it.
    assert_close(d.bill.monthly_usd, 25.68988, "monthly total");
    assert_close(d.bill.window_usd, 25.68988 / 730.0, "window total");
}

#[test]
fn client_faas_and_fleet_deployments_run_side_by_side() {
    let text = format!(
        "{WORKLOAD}{}{}{}",
        faas("lambda"),
        client("app"),
        fleet("vm")
    );
    let run = run_text(&text);
    let models: Vec<&str> = run.deployments.iter().map(|d| d.model).collect();
    assert_eq!(models, ["faas", "client", "fleet"]);
    // The same 540 requests make the same operations everywhere: each service line is the
    // same on all three bills ($25.68988 a month, as above).
    for d in &run.deployments {
        assert_eq!(d.recorder.totals.completed, 540, "{}", d.name);
        let baas: f64 = d
            .bill
            .lines
            .iter()
            .filter(|l| l.part.stem().starts_with("baas_"))
            .map(|l| l.monthly_usd)
            .sum();
        assert_close(baas, 25.68988, &d.name);
    }
    // The client answers feed in its 60 ms of reads; FaaS and the fleet add the 40 ms
    // execution (a fleet at speed 1, a warm FaaS instance): 100 ms at most for a warm
    // call, whatever the cold starts.
    let feed_max = |name: &str| {
        deployment(&run, name)
            .recorder
            .functions
            .latency(0)
            .unwrap()
            .max_us()
            .unwrap()
    };
    assert_eq!(feed_max("app"), 60_000);
    assert_eq!(feed_max("vm"), 100_000);
    // FaaS: the first feed call is cold (200 ms boot), later ones warm within 10 min.
    assert_eq!(feed_max("lambda"), 300_000);
}

#[test]
fn a_run_reports_a_client_deployment_in_every_file() {
    let text = format!(
        "{WORKLOAD}{}{}{}",
        faas("lambda"),
        client("app"),
        fleet("vm")
    );
    let (_dir, out) = common::cli::run_ok(&text);

    let summary = csv_rows(&out.join("summary.csv"));
    let app = summary.iter().find(|r| r["deployment"] == "app").unwrap();
    assert_eq!(app["model"], "client");
    assert_eq!(app["requests"], "540");
    assert_eq!(app["cold_starts"], "0");
    assert_eq!(app["instance_starts"], "0");
    assert_cents(
        csv_number(app, "monthly_cost_usd"),
        25.69,
        "summary monthly",
    );
    // No compute: its compute and instance columns are zero where another deployment has
    // them; the services' columns hold the bill.
    for column in [
        "cost_compute_monthly_usd",
        "cost_requests_monthly_usd",
        "cost_instances_monthly_usd",
    ] {
        assert_eq!(csv_number(app, column), 0.0, "{column}");
    }
    assert_cents(csv_number(app, "cost_baas_db_monthly_usd"), 0.25188, "db");
    assert_cents(
        csv_number(app, "cost_baas_files_monthly_usd"),
        25.438,
        "files",
    );
    assert_eq!(csv_number(app, "mean_running_instances"), 0.0);

    // costs.csv: only operation, plan and total rows for the client.
    let costs = csv_rows(&out.join("costs.csv"));
    let meters: Vec<&str> = costs
        .iter()
        .filter(|r| r["deployment"] == "app")
        .map(|r| r["meter"].as_str())
        .collect();
    assert_eq!(
        meters,
        ["read", "write", "upload", "plan", ""],
        "{meters:?}"
    );

    // functions.csv: three functions and the (unattributed) plan fee, adding up to $25.69.
    let functions = csv_rows(&out.join("functions.csv"));
    let rows: Vec<_> = functions
        .iter()
        .filter(|r| r["deployment"] == "app")
        .collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[2]["function"], "ping");
    assert_eq!(csv_number(rows[2], "monthly_cost_usd"), 0.0);
    assert_eq!(csv_number(rows[0], "latency_max_ms"), 60.0);
    let total: f64 = rows.iter().map(|r| csv_number(r, "monthly_cost_usd")).sum();
    assert!((total - 25.69).abs() <= 0.01, "functions add up to {total}");

    // timeseries.csv: 6 buckets of 10 min, 90 requests each, no instance.
    let series = csv_rows(&out.join("timeseries.csv"));
    let buckets: Vec<_> = series.iter().filter(|r| r["deployment"] == "app").collect();
    assert_eq!(buckets.len(), 6);
    for b in buckets {
        assert_eq!(b["requests"], "90");
        for column in [
            "instances_busy",
            "instances_idle",
            "instances_starting",
            "queued",
        ] {
            assert_eq!(csv_number(b, column), 0.0, "{column}");
        }
    }
    for chart in [
        "cost.png",
        "latency_cdf.png",
        "instances.png",
        "keepalive.png",
        "cost_over_time.png",
    ] {
        assert!(out.join(chart).is_file(), "{chart}");
    }
}

#[test]
fn keys_a_client_deployment_has_no_use_for_are_refused_where_written() {
    let base = format!("{WORKLOAD}{}", client("app"));
    for (key_line, key, message) in [
        (
            "keep_alive = { policy = \"fixed\", idle_timeout = \"10m\" }",
            "keep_alive",
            "`keep_alive` is a faas key; this compute model is client (model = \"client\"): \
             the apps call the backend directly, with no instances and no compute bill, so it \
             takes no other key",
        ),
        (
            "workers = 4",
            "workers",
            "`workers` is a fleet key; this compute model is client (model = \"client\"): \
             the apps call the backend directly, with no instances and no compute bill, so it \
             takes no other key",
        ),
        (
            "instances = 2",
            "instances",
            "`instances` is a fleet key; this compute model is client",
        ),
        (
            "billing = { gb_seconds = { usd = 0.0000166667 } }",
            "billing",
            "`billing` is a faas and fleet key; this compute model is client",
        ),
        (
            "memory = \"1GB\"",
            "memory",
            "unknown key 'memory': this compute model is client (model = \"client\")",
        ),
    ] {
        let text = base.replacen(
            "model = \"client\"\n",
            &format!("model = \"client\"\n{key_line}\n"),
            1,
        );
        let (stderr, file) = run_bad(&text);
        let field = format!("deployments[0].compute.{key}");
        let line = line_of(&text, key_line);
        let col = col_of(&text, key_line);
        let want = format!("{}:{line}:{col}: {field}: {message}", file.display());
        assert!(stderr.contains(&want), "expected {want:?} in: {stderr}");
    }
    // There is no client preset.
    let text = base.replacen(
        "model = \"client\"\n",
        "model = \"client\"\npricing = \"aws-lambda-x86\"\n",
        1,
    );
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "model = \"client\""),
        col_of(&text, "model = \"client\"") + "model = ".len(),
        "deployments[0].compute.model",
        "'aws-lambda-x86' is a faas preset, but this compute says model = \"client\"",
    );
    // A misspelt model names the three.
    let text = base.replacen("model = \"client\"", "model = \"clients\"", 1);
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "model = \"clients\""),
        col_of(&text, "\"clients\""),
        "deployments[0].compute.model",
        "unknown compute model 'clients' (use faas, fleet or client)",
    );
}

#[test]
fn a_deployment_without_a_compute_table_is_told_about_client() {
    // The compute table is never implied: a deployment without one is refused, pointing at
    // `model = "client"`.
    let text = format!("{WORKLOAD}{}", client("app")).replacen(
        "[deployments.compute]\nmodel = \"client\"\n",
        "",
        1,
    );
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "[[deployments]]"),
        1,
        "deployments[0]",
        "missing key 'compute': a [deployments.compute] table with model = \"faas\", \
         \"fleet\" or \"client\" (no compute: the apps call the backend directly)",
    );
}

#[test]
fn the_size_estimate_counts_a_client_deployments_events_and_in_flight_requests() {
    use serverless_sim::scenario::size::SizeEstimate;
    let estimate = SizeEstimate::of(&common::scenario(&format!("{WORKLOAD}{}", client("app"))));
    let d = &estimate.deployments[0];
    assert_eq!(d.model, "client");
    assert_eq!(d.requests, 540.0);
    // An arrival and an answer per request, and one event per backend operation:
    // feed 360 x (2 + 3), post 60 x (2 + 3), ping 120 x 2 = 2,340.
    assert_eq!(d.events, 2_340.0);
    // Nothing bounds the requests in flight (no limit refuses one).
    assert_eq!(d.memory_bound_bytes, None);
    assert!(
        d.memory_detail.contains("no instances"),
        "{}",
        d.memory_detail
    );
}

#[test]
fn a_warm_up_leaves_out_the_requests_that_arrive_in_it() {
    // Measured from 30 min: feed's arrivals at 1,800 s ... 3,590 s (180), post's at
    // 1,805 s ... 3,545 s (30), ping's at 1,801 s ... 3,571 s (60): 270 requests, 540 reads.
    let text = format!("{WORKLOAD}{}", client("app")).replacen(
        "month = \"730h\"",
        "month = \"730h\"\nwarmup = \"30m\"",
        1,
    );
    let run = run_text(&text);
    let d = deployment(&run, "app");
    let t = &d.recorder.totals;
    assert_eq!((t.requests, t.completed), (270, 270));
    let reads = d.bill.lines.iter().find(|l| l.meter == "read").unwrap();
    assert_close(reads.window_quantity, 540.0, "reads");
    // Half an hour is 1/1460 of the month: the same rates per month as the whole hour,
    // so the same $25.68988 a month; the window costs 1/1460 of it.
    assert_close(d.bill.monthly_usd, 25.68988, "monthly total");
    assert_close(d.bill.window_usd, 25.68988 / 1460.0, "window total");
}

/// A client deployment meets its services' hard quotas itself: the app's call fails at once
/// as `quota_exceeded`. One call a minute making 2 reads, `quota = { read = "100/day" }`
/// reset at 00:00, over one day: by hand the first 50 calls (100 reads) pass, the other
/// 1,390 of the 1,440 fail, and only 100 reads are billed.
#[test]
fn a_client_call_past_a_hard_quota_fails_and_makes_no_reads() {
    let text = r#"
name = "client-quota"
duration = "1d"
bucket = "1h"

[[workload.functions]]
name = "feed"
memory = "128MB"
execution = { dist = "constant", value = "10ms" }
arrivals = { process = "fixed_interval", every = "1m" }
calls = { db = { read = 2 } }

[[deployments]]
name = "app"
[deployments.compute]
model = "client"
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "5ms" }
quota = { read = "100/day" }
operations.read = { price = { usd = 1.0 } }
"#;
    let run = common::run_text(text);
    let d = common::deployment(&run, "app");
    let t = &d.recorder.totals;
    assert_eq!((t.requests, t.completed), (1_440, 50));
    assert_eq!((t.quota_exceeded, t.failed), (1_390, 1_390));
    let reads = d.bill.lines.iter().find(|l| l.meter == "read").unwrap();
    assert_eq!(reads.window_quantity, 100.0);
    assert_eq!(reads.window_usd, 100.0);
}
