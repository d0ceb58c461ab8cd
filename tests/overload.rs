//! Overload (issue 17, item 2): a fleet offered more work than it can do, without timeouts,
//! fails nothing but leaves a queue behind the window. Requests still queued or in service at
//! the window's end are counted `unfinished` (and the queued ones `queued_at_end`), the fleet's
//! utilisation is measured, and an overloaded fleet does not serve the workload. Every expected
//! figure is computed by hand in the comments.

mod common;

use common::{csv_number, csv_rows, deployment, run_text};
use serverless_sim::report::slo::Slo;
use serverless_sim::report::verdict::{NotServed, not_served, serves_workload};

/// Functions (TOML) on a fleet of one instance with one worker, billed $0.10 an hour, over
/// `duration`; a FaaS deployment beside it.
fn one_worker(duration: &str, functions: &str) -> String {
    format!(
        r#"
name = "overload"
duration = "{duration}"
bucket = "10s"
{functions}
[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
[deployments.compute.billing]
instance_hours = {{ usd = 0.1 }}

[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "100ms" }}
keep_alive = {{ policy = "fixed", idle_timeout = "10m" }}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}
"#
    )
}

/// One function of 100 ms (constant) arriving every `every` from `offset`.
fn function(name: &str, every: &str, offset: &str) -> String {
    format!(
        r#"
[[workload.functions]]
name = "{name}"
memory = "128MB"
execution = {{ dist = "constant", value = "100ms" }}
arrivals = {{ process = "fixed_interval", every = "{every}", offset = "{offset}" }}
"#
    )
}

#[test]
fn a_fleet_offered_more_than_its_capacity_does_not_serve_the_workload() {
    // 100 s of one request every 80 ms (12.5/s) at 100 ms each on one worker: utilisation
    // 1,250 x 0.1 s / (1 worker x 100 s) = 1.25. The worker is busy from 0 on (a request
    // arrives every 80 ms, one is done every 100 ms): the k-th completion is at 0.1 k s, so
    // 1,000 are done by the window's end (the last exactly at 100 s) and the other 250 of
    // the 1,250 are unfinished: 1 in service (the one started at 100 s) and 249 queued. The
    // backlog grows by 12.5 - 10 = 2.5 requests a second: 250 after 100 s.
    let r = run_text(&one_worker("100s", &function("f", "80ms", "0s")));
    let flt = deployment(&r, "flt");
    let t = &flt.recorder.totals;
    assert_eq!(t.requests, 1_250);
    assert_eq!(t.failed, 0);
    assert_eq!(t.unfinished, 250);
    assert_eq!(t.queued_at_end, 249);
    // Drained after the window, every request completed: requests = completed + failed.
    assert_eq!(t.completed, 1_250);
    assert_eq!(flt.recorder.utilisation, Some(1.25));
    // The i-th request (from 0) waits 20 ms x i: the last, i = 1,249, ends at 125 s.
    assert_eq!(flt.recorder.latency.max_us(), Some(24_980_000 + 100_000));
    assert!(!serves_workload(flt, &Slo::NONE));
    assert_eq!(
        not_served(flt, &Slo::NONE),
        Some(NotServed::Overloaded {
            utilisation: Some(1.25),
            queued_share: 249.0 / 1_250.0,
            unfinished_share: 0.2,
        })
    );
    // The FaaS deployment scales out: everything done by 100.1 s at the latest, one request
    // (arrived at 99.92 s, a warm 100 ms call ending at 100.02 s) unfinished at 100 s.
    let lam = deployment(&r, "lam");
    assert_eq!(lam.recorder.totals.unfinished, 1);
    assert_eq!(lam.recorder.totals.queued_at_end, 0);
    assert_eq!(lam.recorder.utilisation, None);
    assert!(serves_workload(lam, &Slo::NONE));
    // run warns with the utilisation.
    let warning = r
        .warnings
        .iter()
        .find(|w| w.contains("fleet 'flt'"))
        .unwrap_or_else(|| panic!("no overload warning: {:?}", r.warnings));
    assert!(
        warning.starts_with(
            "fleet 'flt' was offered 1.25x its capacity (utilisation 125%): it takes in work \
             faster than its workers can do it, and saturates at about load 0.8 (this run's \
             load is 1); 250 of its 1250 requests (20.00%) were still unfinished when \
             the window ended (249 of them queued)"
        ),
        "{warning}"
    );
}

#[test]
fn a_fleet_that_keeps_up_serves_the_workload() {
    // One request every 125 ms (8/s) at 100 ms: utilisation 800 x 0.1 / 100 = 0.8; each is
    // served at once and done 100 ms later, the last (99.875 s) at 99.975 s: none unfinished.
    let r = run_text(&one_worker("100s", &function("f", "125ms", "0s")));
    let flt = deployment(&r, "flt");
    let t = &flt.recorder.totals;
    assert_eq!((t.requests, t.completed, t.unfinished), (800, 800, 0));
    assert_eq!(flt.recorder.utilisation, Some(0.8));
    assert!(serves_workload(flt, &Slo::NONE));
    assert!(r.warnings.iter().all(|w| !w.contains("fleet 'flt'")));
}

#[test]
fn a_burst_that_drains_before_the_end_is_not_an_overload() {
    // A healthy bursty fleet (a trace): f every 1 s (100 requests, 10 s of work) plus a burst
    // of 100 requests every 50 ms from 10 s to 14.95 s (10 s of work in 5 s): utilisation 20 s
    // of work / 100 s = 0.2. The burst queues (up to 50 requests, at 15 s) and the worker,
    // busy from 10 s, has done the 10.5 s of work that arrived by 15 s at 20.5 s and the
    // rest (f's calls at 15 .. 20 s) by 21.1 s; nothing is unfinished at 100 s.
    let mut calls: Vec<(f64, &str, &str, f64)> = (0..100)
        .map(|i| (i as f64, "f", "app", 100.0))
        .chain((0..100).map(|i| (10.0 + 0.05 * i as f64, "burst", "app", 100.0)))
        .collect();
    calls.sort_by(|a, b| a.0.total_cmp(&b.0));
    let r = common::replay_calls(
        &calls,
        "100s",
        "",
        r#"
[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 1
workers = 1
[deployments.compute.billing]
instance_hours = { usd = 0.1 }
"#,
    );
    let flt = deployment(&r, "flt");
    let t = &flt.recorder.totals;
    assert_eq!((t.requests, t.completed, t.unfinished), (200, 200, 0));
    assert_eq!(flt.recorder.utilisation, Some(0.2));
    assert!(serves_workload(flt, &Slo::NONE), "{t:?}");
}

#[test]
fn a_fleet_that_falls_behind_late_in_the_window_does_not_serve_it() {
    // a: every 1 s from 0 (100 requests, each done 100 ms after it arrives until 90.5 s).
    // b: every 50 ms from 90.5 s: 190 requests (90.5 .. 99.95 s). Utilisation
    // 290 x 0.1 s / 100 s = 0.29, well below 1, but from 90.5 s the worker is busy without a
    // break: it completes one request every 100 ms, 95 of them by 100 s, while 199 arrived
    // after 90.5 s (190 of b, 9 of a at 91 .. 99 s). Unfinished: 199 - 95 = 104, of which 1
    // in service and 103 queued: 35.5% of the 290 requests.
    let functions = format!(
        "{}{}",
        function("a", "1s", "0s"),
        function("b", "50ms", "90500ms")
    );
    let r = run_text(&one_worker("100s", &functions));
    let flt = deployment(&r, "flt");
    let t = &flt.recorder.totals;
    assert_eq!((t.requests, t.failed), (290, 0));
    assert_eq!((t.unfinished, t.queued_at_end), (104, 103));
    assert_eq!(flt.recorder.utilisation, Some(0.29));
    assert!(!serves_workload(flt, &Slo::NONE));
    let warning = r
        .warnings
        .iter()
        .find(|w| w.contains("fleet 'flt'"))
        .expect("a warning");
    assert!(
        warning.starts_with("fleet 'flt' (utilisation 29% over the window) fell behind"),
        "{warning}"
    );
    // Per function, the unfinished add up to the deployment's.
    let fm = &flt.recorder.functions;
    let per_function: u64 = (0..fm.len()).map(|f| fm.counts(f).unfinished).sum();
    assert_eq!(per_function, 104);
}

#[test]
fn the_reports_carry_unfinished_and_the_table_names_the_overload() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("overload.toml");
    std::fs::write(&file, one_worker("100s", &function("f", "80ms", "0s"))).unwrap();
    let out = dir.path().join("out");
    let run = common::cli::bin()
        .args([
            "run".as_ref(),
            file.as_os_str(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .output()
        .unwrap();
    assert!(run.status.success());
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(stdout.lines().any(|l| l.starts_with("flt * ")), "{stdout}");
    assert!(
        stdout.contains("cheapest per month: lam ($"),
        "the overloaded fleet is not cheapest: {stdout}"
    );
    assert!(
        stdout.contains(
            "* not compared (overloaded, its backlog grows): flt (utilisation 125%, 20.00% \
             unfinished at the window's end)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("warning: fleet 'flt' was offered 1.25x"),
        "{stdout}"
    );
    let summary = csv_rows(&out.join("summary.csv"));
    let flt = summary.iter().find(|r| r["deployment"] == "flt").unwrap();
    assert_eq!(flt["unfinished"], "250");
    assert_eq!(flt["queued_at_end"], "249");
    assert_eq!(csv_number(flt, "utilisation"), 1.25);
    // The accounting identity: requests = completed + failed; the unfinished ended after
    // the window, inside those.
    for row in &summary {
        let n = |c: &str| csv_number(row, c);
        assert_eq!(n("requests"), n("completed") + n("failed"), "{row:?}");
        assert!(n("unfinished") <= n("requests"));
    }
    let functions = csv_rows(&out.join("functions.csv"));
    let f = functions
        .iter()
        .find(|r| r["deployment"] == "flt" && r["function"] == "f")
        .unwrap();
    assert_eq!(f["unfinished"], "250");
}
