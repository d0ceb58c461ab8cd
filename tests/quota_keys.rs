//! The hard-quota keys: `quota` and `quota_reset` on a `[[deployments.services]]` entry
//! (keyed by operation kind) and on a FaaS compute (`invocations`). Good values parse to the
//! limits written; bad ones give an error at the key's line naming its field path.

mod common;

use serverless_sim::engine::time::HOUR;
use serverless_sim::platform::ComputeSpec;
use serverless_sim::platform::quota::{QuotaLimit, QuotaPeriod};

const BASE: &str = r#"name = "quota"
duration = "1h"

[[workload.functions]]
name = "f1"
memory = "256MB"
execution = { dist = "constant", value = "20ms" }
arrivals = { process = "poisson", rate = "1/s" }
calls = { db = { read = 1 } }

[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "200ms" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
#COMPUTE
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "5ms" }
#SERVICE
operations.read = {}
operations.write = {}
"#;

fn text(compute: &str, service: &str) -> String {
    BASE.replace("#COMPUTE", compute)
        .replace("#SERVICE", service)
}

fn assert_error(compute: &str, service: &str, needle: &str, field: &str, msg: &str) {
    let text = text(compute, service);
    let e = serverless_sim::scenario::Scenario::parse("quota.toml".as_ref(), &text)
        .expect_err("must be refused")
        .to_string();
    let line = text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert!(
        e.starts_with(&format!("quota.toml:{line}:")),
        "{e} (want line {line})"
    );
    assert!(
        e.contains(&format!(": {field}: ")),
        "{e} (want field {field})"
    );
    assert!(e.contains(msg), "{e} (want {msg})");
}

#[test]
fn quotas_parse_by_operation_kind_and_on_invocations() {
    let s = common::scenario(&text(
        "quota = { invocations = \"100_000/month\" }",
        "quota = { read = \"50000/day\", write = \"2000000/month\" }\nquota_reset = \"08:00\"",
    ));
    let d = &s.deployments[0];
    let db = &d.services[0].quotas;
    assert_eq!(db.reset, 8 * HOUR);
    assert_eq!(
        db.limit_of("read"),
        Some(QuotaLimit {
            units: 50_000,
            period: QuotaPeriod::Day
        })
    );
    assert_eq!(
        db.limit_of("write"),
        Some(QuotaLimit {
            units: 2_000_000,
            period: QuotaPeriod::Month
        })
    );
    let ComputeSpec::Faas(f) = &d.compute else {
        panic!("faas")
    };
    assert_eq!(f.quotas.reset, 0, "default reset 00:00");
    assert_eq!(
        f.quotas.limit_of("invocations"),
        Some(QuotaLimit {
            units: 100_000,
            period: QuotaPeriod::Month
        })
    );
}

#[test]
fn an_egress_quota_is_a_size_per_period_where_the_service_sends_egress() {
    let egress = "egress = { per_read = \"4KB\" }\n";
    let s = common::scenario(&text(
        "",
        &format!("{egress}quota = {{ egress = \"5GB/month\" }}"),
    ));
    assert_eq!(
        s.deployments[0].services[0].quotas.limit_of("egress"),
        Some(QuotaLimit {
            units: 5_000_000_000,
            period: QuotaPeriod::Month
        })
    );
    let svc = "deployments[0].services[0]";
    assert_error(
        "",
        &format!("{egress}quota = {{ egress = \"5000/month\" }}"),
        "quota =",
        &format!("{svc}.quota.egress"),
        "is not an egress quota",
    );
    // Without an `egress` meter there are no bytes to count.
    assert_error(
        "",
        "quota = { egress = \"5GB/month\" }",
        "quota =",
        &format!("{svc}.quota.egress"),
        "'egress' is not counted here",
    );
}

#[test]
fn no_quota_by_default() {
    let s = common::scenario(&text("", ""));
    assert!(s.deployments[0].services[0].quotas.limits.is_empty());
}

#[test]
fn bad_quotas_are_located() {
    let svc = "deployments[0].services[0]";
    assert_error(
        "",
        "quota = { read = \"50000\" }",
        "quota =",
        &format!("{svc}.quota.read"),
        "is not a quota",
    );
    assert_error(
        "",
        "quota = { read = \"50000/week\" }",
        "quota =",
        &format!("{svc}.quota.read"),
        "use /day or /month",
    );
    assert_error(
        "",
        "quota = { read = \"-5/day\" }",
        "quota =",
        &format!("{svc}.quota.read"),
        "is not a quota",
    );
    assert_error(
        "",
        "quota = { delete = \"5/day\" }",
        "quota =",
        &format!("{svc}.quota.delete"),
        "'delete' is not counted here",
    );
    assert_error(
        "",
        "quota = { read = \"5/day\" }\nquota_reset = \"8am\"",
        "quota_reset",
        &format!("{svc}.quota_reset"),
        "is not a time of day",
    );
    assert_error(
        "",
        "quota = { read = \"5/day\" }\nquota_reset = \"24:00\"",
        "quota_reset",
        &format!("{svc}.quota_reset"),
        "before 24:00",
    );
    let c = "deployments[0].compute";
    assert_error(
        "quota = { requests = \"5/day\" }",
        "",
        "quota =",
        &format!("{c}.quota.requests"),
        "limits a FaaS deployment's calls (invocations)",
    );
    assert_error(
        "quota = { invocations = 5 }",
        "",
        "quota =",
        &format!("{c}.quota.invocations"),
        "must be a string",
    );
}
