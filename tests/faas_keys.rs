//! Bad values of the FaaS policy keys (pools, idle-instance choice, per-instance concurrency,
//! timeout, keep-alive reset and hybrid parameters, provisioned concurrency) give an error at
//! the key's line naming its field path; keys that do not apply are refused.

mod common;

const BASE: &str = r#"name = "keys"
seed = 1
duration = "1h"

[[workload.functions]]
name = "f1"
memory = "256MB"
execution = { dist = "constant", value = "20ms" }
arrivals = { process = "poisson", rate = "1/s" }

[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "200ms" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
#EXTRA
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
#BILLING

[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 1
workers = 8
#FLEET
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }
"#;

/// The error of BASE with `extra` under the FaaS compute table, `billing` under its billing
/// and `fleet` under the fleet's compute table; it must be on the line holding `needle`.
fn error(extra: &str, billing: &str, fleet: &str, needle: &str) -> (usize, String) {
    let text = BASE
        .replace("#EXTRA", extra)
        .replace("#BILLING", billing)
        .replace("#FLEET", fleet);
    let e = serverless_sim::scenario::Scenario::parse("keys.toml".as_ref(), &text)
        .expect_err("must be refused")
        .to_string();
    let want_line = text
        .lines()
        .position(|l| l.contains(needle))
        .expect("needle in text")
        + 1;
    (want_line, e)
}

fn assert_error(extra: &str, billing: &str, fleet: &str, needle: &str, field: &str, msg: &str) {
    let (line, e) = error(extra, billing, fleet, needle);
    assert!(
        e.starts_with(&format!("keys.toml:{line}:")),
        "{e} (want line {line})"
    );
    assert!(
        e.contains(&format!(": {field}: ")),
        "{e} (want field {field})"
    );
    assert!(e.contains(msg), "{e} (want {msg})");
}

const PRICES: &str =
    "provisioned_gb_seconds = { usd = 0.0000041667 }\nprovisioned_compute = { usd = 0.0000097222 }";

#[test]
fn bad_policy_values_are_located() {
    let c = "deployments[0].compute";
    for (extra, field, msg) in [
        (
            "pools = \"host\"",
            "pools",
            "unknown value 'host' (use function or app)",
        ),
        (
            "idle_instance = \"fifo\"",
            "idle_instance",
            "use most_recently_used, least_recently_used, newest_created, random",
        ),
        (
            "instance_concurrency = 0",
            "instance_concurrency",
            "from 1 to 1000 (got 0)",
        ),
        ("timeout = \"0s\"", "timeout", "must be greater than zero"),
    ] {
        assert_error(extra, "", "", extra, &format!("{c}.{field}"), msg);
    }
}

#[test]
fn keep_alive_keys_belong_to_their_policy() {
    let ka = "deployments[0].compute.keep_alive";
    let replace = |ka_text: &str| {
        BASE.replace(
            r#"keep_alive = { policy = "fixed", idle_timeout = "10m" }"#,
            ka_text,
        )
    };
    for (ka_text, field, msg) in [
        (
            r#"keep_alive = { policy = "fixed", idle_timeout = "10m", reset = "sometimes" }"#,
            "reset",
            "unknown value 'sometimes' (use on_use or never)",
        ),
        (
            r#"keep_alive = { policy = "none", reset = "never" }"#,
            "reset",
            "does not apply to policy = \"none\"",
        ),
        (
            r#"keep_alive = { policy = "fixed", idle_timeout = "10m", range = "2h" }"#,
            "range",
            "does not apply to policy = \"fixed\"",
        ),
        (
            r#"keep_alive = { policy = "hybrid", prewarm_percentile = 150.0 }"#,
            "prewarm_percentile",
            "150",
        ),
        (
            r#"keep_alive = { policy = "hybrid", range = "90s" }"#,
            "range",
            "whole number of minutes",
        ),
        (
            r#"keep_alive = { policy = "lru" }"#,
            "policy",
            "use none, fixed, forever or hybrid",
        ),
    ] {
        let text = replace(ka_text);
        let e = serverless_sim::scenario::Scenario::parse("keys.toml".as_ref(), &text)
            .expect_err("must be refused")
            .to_string();
        let line = text.lines().position(|l| l.contains(ka_text)).unwrap() + 1;
        assert!(e.starts_with(&format!("keys.toml:{line}:")), "{e}");
        assert!(e.contains(&format!(": {ka}.{field}: ")), "{e}");
        assert!(e.contains(msg), "{e} (want {msg})");
    }
}

#[test]
fn provisioned_concurrency_is_checked() {
    let p = "deployments[0].compute.provisioned";
    assert_error(
        "provisioned = { instances = 2, schedule = [] }",
        PRICES,
        "",
        "provisioned =",
        &format!("{p}.schedule"),
        "either instances or a schedule, not both",
    );
    assert_error(
        r#"provisioned = { schedule = [ { from = "08:00", to = "20:00", instances = 2 }, { from = "19:00", to = "21:00", instances = 1 } ] }"#,
        PRICES,
        "",
        "provisioned =",
        &format!("{p}.schedule[1]"),
        "overlap",
    );
    assert_error(
        r#"provisioned = { schedule = [ { from = "8am", to = "20:00", instances = 2 } ] }"#,
        PRICES,
        "",
        "provisioned =",
        &format!("{p}.schedule[0].from"),
        "not a time of day",
    );
    assert_error(
        "provisioned = { instances = 2 }",
        "",
        "",
        "[deployments.compute.billing]",
        "deployments[0].compute.billing.provisioned_gb_seconds",
        "missing: the price of provisioned memory",
    );
    assert_error(
        "",
        PRICES,
        "",
        "provisioned_gb_seconds",
        "deployments[0].compute.billing.provisioned_gb_seconds",
        "does not apply to a deployment without provisioned concurrency",
    );
    assert_error(
        "",
        "",
        "provisioned = { instances = 1 }",
        "provisioned = { instances = 1 }",
        "deployments[1].compute.provisioned",
        "`provisioned` is a faas key; this compute model is fleet",
    );
}
