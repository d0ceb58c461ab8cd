//! Hard quotas against numbers worked out by hand (docs/models.md, "Hard quotas").
//!
//! The issue's micro-scenario: one function making 1 read per call at exactly 1 call/s
//! (a `fixed_interval` of 1 s from time 0) for 3 days, `quota = { read = "50000/day" }` reset
//! at 08:00 UTC, the window starting at 00:00 UTC (simulation time 0). From first principles:
//!
//! - quota periods: [0, 8h) (the first, from the window's start, a whole quota),
//!   [8h, 32h), [32h, 56h), [56h, 72h);
//! - [0, 8h) has 28,800 calls: all served. Each later whole period has 86,400 calls: the
//!   first 50,000 (t = 8h + 0 s ... 8h + 49,999 s) served, the quota is used up at
//!   8h + 50,000 s = 21:53:20, so the 36,400 calls from 21:53:20 to the next 08:00 fail;
//!   [56h, 72h) has 57,600 calls: 50,000 served, 7,600 fail (from 21:53:20 on day 3);
//! - per calendar day: day 1 fails 21:53:20 to 24:00 = 7,600 s = 7,600 calls; days 2 and 3
//!   fail 00:00 to 08:00 (28,800) and 21:53:20 to 24:00 (7,600) = 36,400 each; 80,400 in all,
//!   178,800 served; service resumes at 08:00:00 exactly (t = 32 h and 56 h).
//!
//! The Blaze-like side of the same workload (no hard quota, the reads priced $0.06 per
//! 100,000 with `free_per_day = 50000`) bills (86,400 - 50,000) = 36,400 reads a day:
//! 3 x 36,400 x $0.06 / 100,000 = $0.06552 for the window; the Spark-like side (the hard
//! quota, price 0) bills $0.

mod common;

use common::billing::{assert_close, cents, line};
use common::{deployment, run_text};
use serverless_sim::platform::DeploymentResult;

const FREE_FAAS: &str = r#"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "100ms" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
[deployments.compute.billing]
requests = { usd = 0.0 }
gb_seconds = { usd = 0.0 }
"#;

const FREE_FLEET: &str = r#"
[deployments.compute]
model = "fleet"
instances = 1
workers = 4
[deployments.compute.billing]
instance_hours = { usd = 0.0 }
"#;

/// A 1 call/s workload over `duration` (buckets of `bucket`) with `calls`, and deployments.
fn scenario(duration: &str, bucket: &str, calls: &str, deployments: &str) -> String {
    format!(
        r#"name = "quota"
seed = 1
duration = "{duration}"
bucket = "{bucket}"

[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "constant", value = "10ms" }}
arrivals = {{ process = "fixed_interval", every = "1s" }}
calls = {calls}
{deployments}"#
    )
}

fn db(quota: &str, price: &str) -> String {
    format!(
        r#"[[deployments.services]]
name = "db"
latency = {{ dist = "constant", value = "5ms" }}
{quota}
operations.read = {{ {price} }}
"#
    )
}

/// Failures (quota_exceeded) and completions per calendar day of one-second buckets.
fn per_day(d: &DeploymentResult) -> Vec<(u64, u64)> {
    d.recorder
        .buckets
        .chunks(86_400)
        .map(|day| {
            (
                day.iter().map(|b| b.quota_exceeded).sum(),
                day.iter().map(|b| b.completed).sum(),
            )
        })
        .collect()
}

#[test]
fn a_daily_read_quota_reset_at_8_fails_the_hand_computed_calls() {
    let spark = db(
        "quota = { read = \"50000/day\" }\nquota_reset = \"08:00\"",
        "price = { usd = 0.0 }",
    );
    let price = "price = { usd = 0.06, per = 100_000, free_per_day = 50_000 }";
    let blaze = db("", price);
    let blaze_0800 = db("quota_reset = \"08:00\"", price);
    let deployments = format!(
        "[[deployments]]\nname = \"spark\"\n{FREE_FAAS}{spark}\n\
         [[deployments]]\nname = \"spark-fleet\"\n{FREE_FLEET}{spark}\n\
         [[deployments]]\nname = \"blaze\"\n{FREE_FAAS}{blaze}\n\
         [[deployments]]\nname = \"blaze-0800\"\n{FREE_FAAS}{blaze_0800}"
    );
    let run = run_text(&scenario(
        "72h",
        "1s",
        "{ db = { read = 1 } }",
        &deployments,
    ));
    for name in ["spark", "spark-fleet"] {
        let d = deployment(&run, name);
        let t = &d.recorder.totals;
        assert_eq!(t.requests, 259_200, "{name}");
        assert_eq!((t.quota_exceeded, t.failed), (80_400, 80_400), "{name}");
        assert_eq!(t.completed, 178_800, "{name}");
        assert_eq!(
            per_day(d),
            [(7_600, 78_800), (36_400, 50_000), (36_400, 50_000)],
            "{name}"
        );
        let b = &d.recorder.buckets;
        let refused = |s: u64| b[s as usize].quota_exceeded == 1;
        let (h, day) = (3_600, 86_400);
        // Day 1: served up to 21:53:19, refused from 21:53:20 (8 h + 50,000 s).
        assert!(
            !refused(8 * h + 49_999) && refused(8 * h + 50_000),
            "{name}"
        );
        // Refused up to 07:59:59 of day 2, served again from 08:00:00 exactly.
        assert!(refused(day + 8 * h - 1) && !refused(day + 8 * h), "{name}");
        assert!(
            refused(2 * day + 8 * h - 1) && !refused(2 * day + 8 * h),
            "{name}"
        );
        // The refused reads were not made: 178,800 reads, $0 at price 0.
        assert_eq!(line(d, "read").window_quantity, 178_800.0, "{name}");
        assert_eq!(d.bill.window_usd, 0.0, "{name}");
        assert_eq!(d.recorder.functions.counts(0).quota_exceeded, 80_400);
    }
    let blaze = deployment(&run, "blaze");
    assert_eq!(blaze.recorder.totals.failed, 0);
    let reads = line(blaze, "read");
    assert_eq!(reads.window_quantity, 259_200.0);
    let want = 3.0 * (86_400.0 - 50_000.0) * 0.06 / 100_000.0;
    assert_eq!(cents(reads.window_usd), 0.07, "$0.06552 to the cent");
    assert_close(reads.window_usd, want, 1e-9, "blaze reads in the window");
    // A month of such days: 30.4375 x 36,400 reads billed.
    assert_close(
        reads.monthly_usd,
        30.4375 * 36_400.0 * 0.6e-6,
        1e-9,
        "per month",
    );
    // Days from 08:00: the window holds 8 h of the first day (16,666.67 free of its 28,800
    // reads), two whole days (36,400 billed each) and 16 h of the last (33,333.33 free of
    // 57,600): 12,133.33 + 72,800 + 24,266.67 = 109,200 billed, as with days from 00:00.
    let reads = line(deployment(&run, "blaze-0800"), "read");
    assert_close(reads.window_usd, want, 1e-9, "blaze, days from 08:00");
}

/// A `free_per_day` allowance is per day: a quiet day does not lend its spare units to a
/// busy one. Two days: a quiet function reads every 10 s all along (8,640 reads a day); a
/// busy one every second on day 2 only (86,400). 50,000 reads free a day at $0.06 per
/// 100,000: day 1 (8,640) is free, day 2 (95,040) bills 45,040 reads = $0.027024. Pooled
/// over the window (100,000 free for 103,680 reads) it would have billed 3,680 = $0.002208.
#[test]
fn a_quiet_day_does_not_lend_its_free_reads_to_a_busy_day() {
    let text = format!(
        r#"name = "days"
duration = "2d"
bucket = "1h"

[[workload.functions]]
name = "quiet"
memory = "128MB"
execution = {{ dist = "constant", value = "10ms" }}
arrivals = {{ process = "fixed_interval", every = "10s" }}
calls = {{ db = {{ read = 1 }} }}

[[workload.functions]]
name = "busy"
memory = "128MB"
execution = {{ dist = "constant", value = "10ms" }}
arrivals = {{ process = "fixed_interval", every = "1s", offset = "1d" }}
calls = {{ db = {{ read = 1 }} }}

[[deployments]]
name = "blaze"
{FREE_FAAS}{}"#,
        db(
            "",
            "price = { usd = 0.06, per = 100_000, free_per_day = 50_000 }"
        )
    );
    let run = run_text(&text);
    let reads = line(deployment(&run, "blaze"), "read");
    assert_eq!(reads.window_quantity, 2.0 * 8_640.0 + 86_400.0);
    assert_close(reads.window_usd, 45_040.0 * 0.6e-6, 1e-9, "the window");
    assert_eq!(cents(reads.window_usd), 0.03);
    // The month repeats the two days 15.21875 times.
    assert_close(
        reads.monthly_usd,
        45_040.0 * 15.218_75 * 0.6e-6,
        1e-9,
        "per month",
    );
}

/// A free plan's invocation cap on FaaS: 1 call/s for an hour, 1,000 invocations a day.
/// The first 1,000 calls (t = 0 ... 999 s) run; the other 2,600 fail at once, starting no
/// instance and billing no request.
#[test]
fn an_invocation_quota_refuses_calls_past_it_without_a_bill() {
    let faas = FREE_FAAS.replace(
        "[deployments.compute.billing]\nrequests = { usd = 0.0 }",
        "quota = { invocations = \"1000/day\" }\n[deployments.compute.billing]\nrequests = { usd = 0.20, per = 1_000_000 }",
    );
    let text = scenario(
        "1h",
        "1s",
        "{}",
        &format!("[[deployments]]\nname = \"free-plan\"\n{faas}"),
    );
    let run = run_text(&text);
    let d = deployment(&run, "free-plan");
    let t = &d.recorder.totals;
    assert_eq!((t.requests, t.completed), (3_600, 1_000));
    assert_eq!((t.quota_exceeded, t.failed), (2_600, 2_600));
    // One instance, kept warm at 1 call/s: the refused calls start none.
    assert_eq!(t.instance_starts, 1);
    assert!(
        d.recorder.buckets[999].completed == 1 && d.recorder.buckets[1_000].quota_exceeded == 1
    );
    let requests = line(d, "requests");
    assert_eq!(requests.window_quantity, 1_000.0);
    assert_close(
        requests.window_usd,
        1_000.0 * 0.2e-6,
        1e-9,
        "1,000 requests billed",
    );
}

/// A call whose operations would pass a quota makes none of them: `read = 2` a call with
/// `read = "5/day"` serves 2 calls (4 reads); the third needs 2 with 1 left and makes none,
/// so the read meter stays at 4, not 5. Across services too: db reads capped at 3 a day,
/// cache gets at 10: the 4th call is refused by db and makes no cache get either (3 gets).
#[test]
fn a_call_takes_all_its_operations_or_none() {
    let run = run_text(&scenario(
        "1m",
        "1m",
        "{ db = { read = 2 } }",
        &format!(
            "[[deployments]]\nname = \"two-reads\"\n{FREE_FAAS}{}",
            db("quota = { read = \"5/day\" }", "")
        ),
    ));
    let d = deployment(&run, "two-reads");
    assert_eq!(d.recorder.totals.completed, 2);
    assert_eq!(d.recorder.totals.quota_exceeded, 58);
    assert_eq!(line(d, "read").window_quantity, 4.0);

    let cache = r#"[[deployments.services]]
name = "cache"
latency = { dist = "constant", value = "1ms" }
quota = { get = "10/day" }
operations.get = {}
"#;
    let run = run_text(&scenario(
        "1m",
        "1m",
        "{ db = { read = 1 }, cache = { get = 1 } }",
        &format!(
            "[[deployments]]\nname = \"both\"\n{FREE_FLEET}{}{cache}",
            db("quota = { read = \"3/day\" }", "")
        ),
    ));
    let d = deployment(&run, "both");
    assert_eq!(d.recorder.totals.completed, 3);
    assert_eq!(d.recorder.totals.quota_exceeded, 57);
    assert_eq!(line(d, "read").window_quantity, 3.0);
    assert_eq!(line(d, "get").window_quantity, 3.0);
}

/// A monthly quota resets at each billing month's start (k x month from time 0): with
/// `month = "28d"`, 1 call a minute for 29 days and 40,000 reads a month, month 1 has
/// 28 x 1,440 = 40,320 calls of which 320 fail (the last 320 minutes of day 28); day 29
/// is a new month: its 1,440 calls are all served.
#[test]
fn a_monthly_quota_resets_at_the_billing_month() {
    let text = scenario(
        "29d",
        "1d",
        "{ db = { read = 1 } }",
        &format!(
            "[[deployments]]\nname = \"monthly\"\n{FREE_FAAS}{}",
            db("quota = { read = \"40000/month\" }", "")
        ),
    )
    .replace("every = \"1s\"", "every = \"1m\"")
    .replace("seed = 1", "seed = 1\nmonth = \"28d\"");
    let run = run_text(&text);
    let d = deployment(&run, "monthly");
    let failed: Vec<u64> = d
        .recorder
        .buckets
        .iter()
        .map(|b| b.quota_exceeded)
        .collect();
    assert_eq!(failed[..27], [0; 27]);
    assert_eq!((failed[27], failed[28]), (320, 0));
    assert_eq!(d.recorder.buckets[28].completed, 1_440);
}

/// An asynchronous event refused by a quota fails at once and is not retried: 1 event a
/// second for a minute with 5 invocations a day runs 5 and refuses 55, with no retry.
#[test]
fn an_async_event_refused_by_a_quota_is_not_retried() {
    let faas = FREE_FAAS.replace(
        "[deployments.compute.billing]",
        "quota = { invocations = \"5/day\" }\n[deployments.compute.billing]",
    );
    let text = scenario(
        "1m",
        "1m",
        "{}",
        &format!("[[deployments]]\nname = \"lam\"\n{faas}"),
    )
    .replace("calls = {}", "calls = {}\ninvocation = \"async\"");
    let run = run_text(&text);
    let t = &deployment(&run, "lam").recorder.totals;
    assert_eq!((t.requests, t.completed), (60, 5));
    assert_eq!(
        (t.quota_exceeded, t.failed, t.retries, t.dropped),
        (55, 55, 0, 0)
    );
}

/// An egress quota counts bytes: `quota = { egress = "100MB/day" }` with 1 MB sent per read,
/// one call a minute making 1 read, over two days from 00:00. By hand: each day's first 100
/// calls (100 MB) pass, the other 1,340 of its 1,440 fail as `quota_exceeded` and send nothing:
/// 200 served, 2,680 refused, 0.2 GB of egress billed.
#[test]
fn an_egress_quota_counts_the_bytes_each_operation_sends() {
    let service = r#"[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "5ms" }
quota = { egress = "100MB/day" }
operations.read = {}
egress = { per_read = "1MB", price = { usd = 1.0 } }
"#;
    let text = scenario(
        "2d",
        "1h",
        "{ db = { read = 1 } }",
        &format!("[[deployments]]\nname = \"free\"\n{FREE_FLEET}{service}"),
    )
    .replace("every = \"1s\"", "every = \"1m\"");
    let run = run_text(&text);
    let d = deployment(&run, "free");
    let t = &d.recorder.totals;
    assert_eq!((t.requests, t.completed), (2_880, 200));
    assert_eq!(t.quota_exceeded, 2_680);
    let egress = line(d, "egress");
    assert_close(egress.window_quantity, 0.2, 1e-12, "GB sent");
    assert_close(egress.window_usd, 0.2, 1e-12, "at $1 a GB");
}
