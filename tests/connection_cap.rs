//! A service's cap on simultaneous connections (`connections = { limit, hold }`,
//! docs/models.md "Simultaneous connections"): each call holds one connection for `hold` from
//! its admission; a call finding `limit` held fails as `quota_exceeded`.
//!
//! Checked against a schedule worked out by hand (calls every second, each holding its
//! connection 2.5 s, two connections: every third call is refused; holding exactly 2 s, none
//! is, since a connection is free again at the instant its hold ends), against Erlang B for
//! Poisson arrivals (the loss system M/G/c/c, insensitive to the hold's distribution), and
//! against Firebase's published Realtime Database limits through the preset's plans.

mod common;

use common::{deployment, run_text};
use serverless_sim::engine::time::SECOND;
use serverless_sim::platform::quota::QuotaPeriod;

/// One function `f` making one read per call, arriving as `arrivals` for `duration`.
fn scenario(duration: &str, arrivals: &str, deployments: &str) -> String {
    format!(
        r#"name = "connections"
seed = 3
duration = "{duration}"
bucket = "1h"

[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "constant", value = "10ms" }}
arrivals = {arrivals}
calls = {{ db = {{ read = 1 }} }}
{deployments}"#
    )
}

/// A deployment `name` on `compute` whose service `db` has `service_keys`.
fn deployment_text(name: &str, compute: &str, service_keys: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "{name}"
[deployments.compute]
{compute}
[[deployments.services]]
name = "db"
latency = {{ dist = "constant", value = "5ms" }}
operations.read = {{}}
{service_keys}
"#
    )
}

const CLIENT: &str = "model = \"client\"";
const FREE_FAAS: &str = r#"model = "faas"
cold_start = { dist = "constant", value = "100ms" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
billing = { requests = { usd = 0.0 }, gb_seconds = { usd = 0.0 } }"#;

#[test]
fn calls_every_second_holding_2_5_s_on_two_connections_lose_every_third() {
    // By hand: t = 0 and 1 are admitted (held to 2.5 and 3.5); t = 2 finds both held and
    // fails; t = 3 finds one (the 2.5 s one is free), t = 4 the other; t = 5 fails... so
    // the calls at t = 2, 5, 8, ... fail: 28,800 of a day's 86,400, 57,600 served. Holding
    // exactly 2 s, each connection is free at the next-but-one call's instant: none fails.
    let cap = |hold: &str| format!("connections = {{ limit = 2, hold = \"{hold}\" }}");
    let deployments = [
        deployment_text("client-2.5s", CLIENT, &cap("2500ms")),
        deployment_text("faas-2.5s", FREE_FAAS, &cap("2500ms")),
        deployment_text("client-2s", CLIENT, &cap("2s")),
    ]
    .concat();
    let r = run_text(&scenario(
        "1d",
        "{ process = \"fixed_interval\", every = \"1s\" }",
        &deployments,
    ));
    for name in ["client-2.5s", "faas-2.5s"] {
        let d = deployment(&r, name);
        let t = d.recorder.totals;
        assert_eq!(t.requests, 86_400, "{name}");
        assert_eq!(t.quota_exceeded, 28_800, "{name}");
        assert_eq!(t.completed, 57_600, "{name}");
        // Only the admitted calls read: the refused ones make no operation.
        let reads = d.bill.lines.iter().find(|l| l.meter == "read").unwrap();
        assert_eq!(reads.window_quantity, 57_600.0, "{name}");
        let [cap] = &d.quotas[..] else {
            panic!("{name}: one cap, got {:?}", d.quotas)
        };
        assert_eq!(
            (cap.part.as_str(), cap.counts.as_str()),
            ("db", "connections")
        );
        assert_eq!(cap.limit.units, 2);
        assert_eq!(cap.limit.period, QuotaPeriod::AtOnce);
        // One day (the quota clock's first day runs the whole window): 2 held at most.
        assert_eq!(cap.periods.len(), 1, "{name}");
        assert_eq!((cap.periods[0].used, cap.periods[0].refused), (2, 28_800));
    }
    let exact = deployment(&r, "client-2s").recorder.totals;
    assert_eq!((exact.quota_exceeded, exact.completed), (0, 86_400));
}

/// Erlang B: the share of arrivals lost by `servers` with `erlangs` of offered load, by the
/// recurrence B(0) = 1, B(k) = A B(k-1) / (k + A B(k-1)).
fn erlang_b(servers: u32, erlangs: f64) -> f64 {
    (1..=servers).fold(1.0, |b, k| erlangs * b / (f64::from(k) + erlangs * b))
}

#[test]
fn poisson_calls_are_refused_as_erlang_b_predicts() {
    // 1 call/s, each holding 8 s: 8 erlangs on 10 connections, B = 0.1217 (and the same
    // with exponential holds: the loss system is insensitive; ours are constant).
    let expected = erlang_b(10, 8.0);
    assert!((expected - 0.1217).abs() < 5e-4, "{expected}");
    let r = run_text(&scenario(
        "2d",
        "{ process = \"poisson\", rate = \"1/s\" }",
        &deployment_text("app", CLIENT, "connections = { limit = 10, hold = \"8s\" }"),
    ));
    let t = deployment(&r, "app").recorder.totals;
    let lost = t.quota_exceeded as f64 / t.requests as f64;
    // About 172,800 calls; blocking events come in bursts, so allow a few standard errors.
    assert!(
        (lost - expected).abs() < 0.008,
        "lost {lost}, Erlang B {expected}"
    );
}

#[test]
fn the_realtime_database_plans_cap_connections_as_firebase_publishes() {
    // Firebase's Realtime Database limits page: 200,000 simultaneous connections per
    // database, 100 on the Spark plan.
    for (plan, limit) in [("spark", 100), ("blaze", 200_000)] {
        let service = format!(
            "pricing = \"firebase-realtime-database\"\nplan = \"{plan}\"\nconnections = {{ hold = \"1s\" }}"
        );
        let s = common::scenario(&scenario(
            "1h",
            "{ process = \"poisson\", rate = \"1/s\" }",
            &deployment_text("app", CLIENT, &service),
        ));
        let cap = s.deployments[0].services[0].connections.unwrap();
        assert_eq!((cap.limit, cap.hold), (limit, Some(SECOND)), "{plan}");
    }
}

#[test]
fn a_limit_without_a_hold_is_left_out_and_warned_of() {
    // The Spark plan sets the limit; without a hold no session length is assumed: nothing is
    // refused, and the scenario says the limit is not applied.
    let text = scenario(
        "1h",
        "{ process = \"fixed_interval\", every = \"10ms\" }",
        &deployment_text(
            "app",
            CLIENT,
            "pricing = \"firebase-realtime-database\"\nplan = \"spark\"",
        ),
    );
    let s = common::scenario(&text);
    let cap = s.deployments[0].services[0].connections.unwrap();
    assert_eq!((cap.limit, cap.hold), (100, None));
    assert!(
        s.warnings.iter().any(|w| w.starts_with(
            "deployments[0].services[0] 'db': connections.limit = 100 is not applied"
        )),
        "{:?}",
        s.warnings
    );
    let r = run_text(&text);
    let d = deployment(&r, "app");
    assert_eq!(d.recorder.totals.quota_exceeded, 0);
    assert!(d.quotas.is_empty(), "no cap reported: {:?}", d.quotas);
}

#[test]
fn a_cap_needs_a_whole_limit_and_a_hold_above_zero() {
    let cases = [
        (
            "connections = { hold = \"5m\" }",
            "connections.limit",
            "missing",
        ),
        (
            "connections = { limit = 0, hold = \"5m\" }",
            "connections.limit",
            "at least 1",
        ),
        (
            "connections = { limit = 5, hold = \"0s\" }",
            "connections.hold",
            "greater than zero",
        ),
        (
            "connections = { limit = 5, hold = \"5m\", idle = \"1m\" }",
            "connections",
            "idle",
        ),
    ];
    for (keys, field, message) in cases {
        let text = scenario(
            "1h",
            "{ process = \"poisson\", rate = \"1/s\" }",
            &deployment_text("app", CLIENT, keys),
        );
        let e = serverless_sim::scenario::Scenario::parse("c.toml".as_ref(), &text)
            .expect_err(keys)
            .to_string();
        let line = text
            .lines()
            .position(|l| l.starts_with("connections"))
            .unwrap()
            + 1;
        assert!(
            e.starts_with(&format!("c.toml:{line}:")),
            "{e} (want line {line})"
        );
        assert!(e.contains(field), "{e} (want {field})");
        assert!(e.contains(message), "{e} (want {message})");
    }
}

#[test]
fn the_size_estimate_counts_a_release_time_per_connection_the_cap_may_hold() {
    // 200,000 connections held at most, 8 bytes (a µs instant) each: 1.6 MB more than the
    // same deployment without the cap; a cap without a hold is not applied, and costs nothing.
    let size = |keys: &str| {
        let text = scenario(
            "1h",
            "{ process = \"poisson\", rate = \"1/s\" }",
            &deployment_text("app", CLIENT, keys),
        );
        serverless_sim::scenario::size::SizeEstimate::of(&common::scenario(&text)).deployments[0]
            .memory_bytes
    };
    let none = size("");
    assert_eq!(
        size("connections = { limit = 200_000, hold = \"5m\" }") - none,
        1_600_000.0
    );
    assert_eq!(size("connections = { limit = 200_000 }"), none);
}
