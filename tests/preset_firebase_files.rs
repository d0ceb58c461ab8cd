//! Firebase Hosting, Cloud Storage for Firebase and Cloud Functions for Firebase, each on its
//! plans, against bills computed by hand from the published rates (the sources in
//! `src/pricing/presets/firebase-*.toml`) and hard quotas counted from first principles.

mod common;

use common::billing::{assert_close, baas_scenario as scenario, line, monthly_workload};
use common::{deployment, run_text};
use serverless_sim::pricing::presets::{catalogue, check::check_catalogue};
use serverless_sim::run::RunResult;
use serverless_sim::scenario::Scenario;

/// The simulator's month, in µs.
const MONTH_US: u64 = 2_629_800_000_000;

/// A day, in µs.
const DAY_US: u64 = 86_400_000_000;

/// A service `name` priced by `preset` on `plan`, answering at once, with `extra` keys.
fn service(name: &str, preset: &str, plan: &str, extra: &str) -> String {
    format!(
        "[[deployments.services]]\nname = \"{name}\"\npricing = \"{preset}\"\nplan = \"{plan}\"\n\
         latency = {{ dist = \"constant\", value = \"0ms\" }}\n{extra}\n"
    )
}

/// `calls` calls over `window_us`, each making `ops` on service `name` (`preset` on `plan`)
/// whose downloads send `per_download` each.
fn downloads(
    window_us: u64,
    calls: u64,
    ops: &str,
    svc: (&str, &str, &str),
    per: &str,
) -> RunResult {
    let (name, preset, plan) = svc;
    let extra = format!("egress = {{ per_download = \"{per}\" }}");
    run_text(&scenario(
        window_us,
        calls,
        ops,
        &service(name, preset, plan, &extra),
    ))
}

/// Hosting on Blaze, one day: 1,000 downloads of 1 MB are 1 GB transferred, of which the
/// day's first 0.36 GB are free: 0.64 GB x $0.15 = $0.096. Files served cost nothing.
#[test]
fn hosting_blaze_bills_the_day_s_transfer_past_360_mb() {
    let web = ("web", "firebase-hosting", "blaze");
    let r = downloads(DAY_US, 1_000, "{ web = { download = 1 } }", web, "1MB");
    let d = deployment(&r, "d");
    assert_close(line(d, "egress").window_quantity, 1.0, 1e-12, "GB sent");
    assert_close(line(d, "egress").window_usd, 0.64 * 0.15, 1e-9, "transfer");
    assert_eq!(line(d, "download").window_usd, 0.0, "no request charge");
    assert_close(d.bill.window_usd, 0.096, 1e-9, "the day");
}

/// Stored data on Blaze, a month at a constant level: Hosting's 30 GB less 10 GB free at
/// $0.026 = $0.52; Cloud Storage's 25 GB less 5 GB free at $0.026 = $0.52. On Spark, $0.
#[test]
fn blaze_bills_stored_gb_past_the_free_amount_and_spark_nothing() {
    let month = |preset: &str, plan: &str, gb: &str, op: &str| {
        let r = run_text(&scenario(
            MONTH_US,
            2,
            &format!("{{ s = {{ {op} = 1 }} }}"),
            &service(
                "s",
                preset,
                plan,
                &format!("storage = {{ initial = \"{gb}\" }}"),
            ),
        ));
        let d = deployment(&r, "d");
        (line(d, "storage").monthly_usd, d.bill.monthly_usd)
    };
    let (storage, total) = month("firebase-hosting", "blaze", "30GB", "download");
    assert_close(storage, 20.0 * 0.026, 1e-9, "Hosting storage");
    assert_close(total, 0.52, 1e-9, "Hosting, a month");
    let (storage, _) = month("firebase-storage", "blaze", "25GB", "upload");
    assert_close(storage, 20.0 * 0.026, 1e-9, "Cloud Storage storage");
    assert_eq!(
        month("firebase-hosting", "spark", "30GB", "download").1,
        0.0
    );
}

/// Hosting on Spark: 360 MB a day, reset at 00:00 UTC (the preset's default). One 1 MB
/// download a second for two days from 00:00 UTC (arrivals at 0.5 s, 1.5 s, ...): each day's
/// first 360 downloads are served (360 MB), the other 86,400 - 360 = 86,040 fail as
/// `quota_exceeded`; the second day starts a new quota at 24:00. Nothing is billed.
#[test]
fn hosting_spark_stops_serving_at_360_mb_a_day() {
    let web = ("web", "firebase-hosting", "spark");
    let r = downloads(
        2 * DAY_US,
        2 * 86_400,
        "{ web = { download = 1 } }",
        web,
        "1MB",
    );
    let d = deployment(&r, "d");
    let t = &d.recorder.totals;
    assert_eq!((t.completed, t.quota_exceeded), (720, 2 * 86_040));
    assert_close(line(d, "egress").window_quantity, 0.72, 1e-12, "GB sent");
    assert_eq!(d.bill.window_usd, 0.0);
}

/// Cloud Storage on Blaze, one day of 10,000 calls, each downloading 10 files of 20 KB and
/// uploading 3: 100,000 downloads (2 GB) and 30,000 uploads.
///   egress (2 - 1 free) GB x $0.12 = $0.12;
///   downloads (100,000 - 50,000 free) / 10,000 x $0.004 = $0.02;
///   uploads (30,000 - 20,000 free) / 10,000 x $0.05 = $0.05; the day $0.19.
#[test]
fn storage_blaze_bills_downloads_uploads_and_gb_past_the_daily_free_amounts() {
    let ops = "{ files = { download = 10, upload = 3 } }";
    let r = downloads(
        DAY_US,
        10_000,
        ops,
        ("files", "firebase-storage", "blaze"),
        "20KB",
    );
    let d = deployment(&r, "d");
    assert_close(line(d, "egress").window_usd, 0.12, 1e-9, "GB downloaded");
    assert_close(line(d, "download").window_usd, 0.02, 1e-9, "downloads");
    assert_close(line(d, "upload").window_usd, 0.05, 1e-9, "uploads");
    assert_close(d.bill.window_usd, 0.19, 1e-9, "the day");
}

/// Cloud Storage on Spark: since the 2024 changes a Spark project's calls fail, so every
/// call fails as `quota_exceeded` and nothing is billed.
#[test]
fn storage_spark_refuses_every_call() {
    for ops in ["{ files = { download = 1 } }", "{ files = { upload = 1 } }"] {
        let r = run_text(&scenario(
            DAY_US,
            100,
            ops,
            &service("files", "firebase-storage", "spark", ""),
        ));
        let d = deployment(&r, "d");
        let t = &d.recorder.totals;
        assert_eq!((t.completed, t.quota_exceeded), (0, 100), "{ops}");
        assert_eq!(d.bill.window_usd, 0.0);
    }
}

/// A FaaS deployment priced `firebase-cloud-functions` (plan `plan`, none if empty).
fn functions(plan: &str) -> String {
    let plan = if plan.is_empty() {
        String::new()
    } else {
        format!("plan = \"{plan}\"\n")
    };
    format!(
        "\n[[deployments]]\nname = \"fns\"\n[deployments.compute]\n\
         pricing = \"firebase-cloud-functions\"\n{plan}\
         cold_start = {{ dist = \"constant\", value = \"0ms\" }}\n"
    )
}

/// Cloud Functions for Firebase bills as Cloud Functions 1st gen at Tier 1 rates, by hand:
/// 3 million invocations a month of 200 ms at 256 MB (400 MHz):
///   invocations (3M - 2M free) x $0.40/M = $0.40;
///   memory 3M x 0.2 s x 0.25 GB = 150,000 GB-s, within the 400,000 free: $0;
///   CPU 3M x 0.2 s x 0.4 GHz = 240,000 GHz-s, less 200,000 free = 40,000 x $0.00001 = $0.40;
///   total $0.80, with or without `plan = "blaze"` (the default).
#[test]
fn cloud_functions_for_firebase_bill_as_cloud_functions_gen1() {
    for plan in ["", "blaze"] {
        let r = run_text(&(monthly_workload(1_000, 3e6, "256MB", "200ms") + &functions(plan)));
        let d = deployment(&r, "fns");
        assert_eq!(d.recorder.totals.completed, 3_000);
        assert_close(line(d, "requests").monthly_usd, 0.40, 1e-9, "invocations");
        assert_eq!(line(d, "gb_seconds").monthly_usd, 0.0, "memory");
        assert_close(line(d, "ghz_seconds").monthly_usd, 0.40, 1e-9, "CPU");
        assert_close(d.bill.monthly_usd, 0.80, 1e-9, "a month");
    }
}

/// Spark cannot deploy functions, so the preset has no spark plan: naming it is refused, at
/// the `plan` line, with the plans there are.
#[test]
fn cloud_functions_for_firebase_have_no_spark_plan() {
    let text = monthly_workload(1_000, 3e6, "256MB", "200ms") + &functions("spark");
    let e = match Scenario::parse("fns.toml".as_ref(), &text) {
        Ok(_) => panic!("parsed"),
        Err(e) => e.to_string(),
    };
    assert!(
        e.contains(
            "deployments[0].compute.plan: unknown plan 'spark' of 'firebase-cloud-functions'; its plans: blaze"
        ),
        "{e}"
    );
}

/// `pricing show` lists each preset's plans and says that Spark has no functions.
#[test]
fn pricing_show_lists_the_plans() {
    let show = |name: &str| {
        let out = common::cli::bin()
            .args(["pricing", "show", name])
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    for name in ["firebase-hosting", "firebase-storage"] {
        let text = show(name);
        assert!(text.contains("\nPlan spark (plan = \"spark\"): "), "{text}");
        assert!(text.contains("\nPlan blaze (plan = \"blaze\"): "), "{text}");
    }
    assert!(show("firebase-hosting").contains("  quota = { egress = \"360MB/day\" }"));
    assert!(show("firebase-storage").contains("Plan spark (plan = \"spark\"): Not available"));
    let text = show("firebase-cloud-functions");
    assert!(
        text.contains("\nPlan blaze (plan = \"blaze\", the default): "),
        "{text}"
    );
    assert!(text.contains("Spark has no Cloud Functions"), "{text}");
    assert!(
        text.contains("Billed as gcp-cloud-functions-gen1"),
        "{text}"
    );
    assert!(text.contains("  G1: firebase/firebase-tools"), "{text}");
}

/// The new presets' sources are in the catalogue, each with a date, and the catalogue's
/// integrity check passes with them.
#[test]
fn the_new_sources_are_dated_and_the_catalogue_checks_clean() {
    let c = catalogue();
    for id in ["FH1", "FH2", "FH3", "FH4", "FS1", "FS2", "FS3"] {
        let s = c.source(id).unwrap_or_else(|| panic!("no source {id}"));
        assert_eq!(s.read, "2026-12-07", "{id}");
    }
    assert_eq!(check_catalogue(c), Vec::<String>::new());
}
