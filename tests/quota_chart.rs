//! The use of each hard quota per period, as `quotas.png` draws it, against numbers worked out
//! by hand; and the report folder of a run without a quota has no `quotas.png`.
//!
//! Micro-scenario: one function making 1 read per call at exactly 1 call/min (a
//! `fixed_interval` of 1 min from time 0) for 48 h, `quota = { read = "100/day" }` reset at
//! 00:00 UTC, and the compute capped at `invocations = "1000000/month"`. By hand:
//!
//! - 1,440 calls a day (t = 0, 1 min, ..., 23 h 59 min), 2,880 in all;
//! - each day the first 100 calls take 100 reads; the other 1,340 find the read quota used
//!   up and are refused (`quota_exceeded`), taking nothing: read use per day 100, 100, and
//!   1,340 refused each day;
//! - the invocation quota (one billing month covers the 48 h) takes one unit per admitted
//!   call: 2 x 100 = 200 in month 0, and refuses nothing (the read quota refuses first).

mod common;

use common::{deployment, run_text};
use serverless_sim::platform::quota::{PeriodUse, QuotaPeriod};

const TEXT: &str = r#"name = "quota-chart"
seed = 1
duration = "48h"
bucket = "1h"

[[workload.functions]]
name = "f"
memory = "128MB"
execution = { dist = "constant", value = "10ms" }
arrivals = { process = "fixed_interval", every = "1m" }
calls = { db = { read = 1 } }

[[deployments]]
name = "spark"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "100ms" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
quota = { invocations = "1000000/month" }
[deployments.compute.billing]
requests = { usd = 0.0 }
gb_seconds = { usd = 0.0 }
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "5ms" }
quota = { read = "100/day" }
operations.read = { price = { usd = 0.0 } }
"#;

fn period(index: u64, used: u64, refused: u64) -> PeriodUse {
    PeriodUse {
        index,
        used,
        refused,
    }
}

#[test]
fn each_quota_keeps_its_use_and_refusals_per_period() {
    let run = run_text(TEXT);
    let d = deployment(&run, "spark");
    assert_eq!(d.recorder.totals.requests, 2_880);
    assert_eq!(d.recorder.totals.quota_exceeded, 2 * 1_340);
    let [invocations, reads] = &d.quotas[..] else {
        panic!("two quotas: {:?}", d.quotas)
    };
    assert_eq!(
        (invocations.part.as_str(), invocations.counts.as_str()),
        ("compute", "invocations")
    );
    assert_eq!(invocations.limit.units, 1_000_000);
    assert_eq!(invocations.limit.period, QuotaPeriod::Month);
    assert_eq!(invocations.periods, [period(0, 200, 0)]);
    assert_eq!((reads.part.as_str(), reads.counts.as_str()), ("db", "read"));
    assert_eq!(reads.limit.period, QuotaPeriod::Day);
    assert_eq!(
        reads.periods,
        [period(0, 100, 1_340), period(1, 100, 1_340)]
    );
}

#[test]
fn the_report_has_quotas_png_only_when_a_deployment_has_a_quota() {
    let with = run_text(TEXT);
    let without = run_text(
        &TEXT
            .replace("quota = { invocations = \"1000000/month\" }\n", "")
            .replace("quota = { read = \"100/day\" }\n", ""),
    );
    assert!(without.deployments.iter().all(|d| d.quotas.is_empty()));
    let tmp = tempfile::tempdir().unwrap();
    for (run, name, expected) in [(&with, "with", true), (&without, "without", false)] {
        let dir = tmp.path().join(name);
        serverless_sim::report::write_reports(run, &dir).unwrap();
        assert_eq!(dir.join("quotas.png").exists(), expected, "{name}");
        let manifest = std::fs::read_to_string(dir.join("manifest.toml")).unwrap();
        assert_eq!(manifest.contains("\"quotas.png\""), expected, "{name}");
        assert!(dir.join("cost.png").exists(), "{name}");
        let html = serverless_sim::report::html::run_page(run, TEXT).unwrap();
        assert_eq!(html.contains("quotas.png"), expected, "{name}");
    }
}

/// The same workload behind a gateway capped at `requests = "100/day"`, with no other quota:
/// by hand, as for the reads, 100 requests pass each day and 1,340 are refused at the gateway.
#[test]
fn a_gateway_quota_keeps_its_use_per_day() {
    let gated = TEXT
        .replace("quota = { invocations = \"1000000/month\" }\n", "")
        .replace("quota = { read = \"100/day\" }\n", "")
        .replace(
            "[deployments.compute]\n",
            "[deployments.gateway]\nprice = { usd = 0.0 }\nquota = { requests = \"100/day\" }\n\
             [deployments.compute]\n",
        );
    let run = run_text(&gated);
    let d = deployment(&run, "spark");
    let [requests] = &d.quotas[..] else {
        panic!("one quota: {:?}", d.quotas)
    };
    assert_eq!(
        (requests.part.as_str(), requests.counts.as_str()),
        ("gateway", "requests")
    );
    assert_eq!(
        requests.periods,
        [period(0, 100, 1_340), period(1, 100, 1_340)]
    );
    assert_eq!(d.recorder.totals.quota_exceeded, 2 * 1_340);
}
