//! Provisioned concurrency for some functions only (`provisioned = { instances = N,
//! functions = ["f"] }`, docs/models.md "Provisioned concurrency"): only the pools of the
//! functions named keep always-warm instances and bill their configured memory.
//!
//! By hand, over a 10-minute window at 1,024 MB (1 GB billed): f and g each make one 1 s
//! call at 10 s, each in its own pool (its own app), 1 provisioned instance for f alone:
//! - f's pool keeps one always-warm instance all window: 1 GB x 600 s = 600 GB-s of
//!   `provisioned_gb_seconds` (1,200 if both pools kept one); f's call runs on it, warm:
//!   1 GB-s of `provisioned_compute`;
//! - g's call finds no instance: one cold start (100 ms), then 1 GB-s of `gb_seconds` (init
//!   not billed, `bill_init = false`).

mod common;

use common::billing::line;
use common::deployment;

fn deployment_text(name: &str, provisioned: &str) -> String {
    let keys = format!(
        "keep_alive = {{ policy = \"fixed\", idle_timeout = \"1m\" }}\nprovisioned = {provisioned}"
    );
    let billing = "provisioned_gb_seconds = { usd = 0.0000041667 }\n\
                   provisioned_compute = { usd = 0.0000097222 }";
    common::faas_deployment(name, &keys, billing)
}

#[test]
fn only_the_named_function_s_pool_keeps_and_bills_warm_instances() {
    let calls = [(10.0, "f", "a", 1_000.0), (10.0, "g", "b", 1_000.0)];
    let deployments = [
        deployment_text("f-only", "{ instances = 1, functions = [\"f\"] }"),
        deployment_text("both", "{ instances = 1 }"),
    ]
    .concat();
    let r = common::replay_calls(&calls, "10m", "", &deployments);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
    let f_only = deployment(&r, "f-only");
    let q = |d, meter: &str| line(d, meter).window_quantity;
    assert_eq!(f_only.recorder.totals.cold_starts, 1, "g's call is cold");
    assert!(close(q(f_only, "provisioned_gb_seconds"), 600.0));
    assert!(close(q(f_only, "provisioned_compute"), 1.0));
    assert!(close(q(f_only, "gb_seconds"), 1.0));
    let both = deployment(&r, "both");
    assert_eq!(both.recorder.totals.cold_starts, 0);
    assert!(close(q(both, "provisioned_gb_seconds"), 1_200.0));
    assert!(close(q(both, "provisioned_compute"), 2.0));
}

#[test]
fn the_functions_named_must_exist_once_each() {
    let cases = [
        (
            "[\"nope\"]",
            "provisioned.functions[0]",
            "no function named 'nope'",
        ),
        ("[\"f\", \"f\"]", "provisioned.functions[1]", "named twice"),
        ("[]", "provisioned.functions", "is empty"),
    ];
    for (list, field, message) in cases {
        let text = format!(
            r#"name = "p"
duration = "1h"
[[workload.functions]]
name = "f"
memory = "1024MB"
execution = {{ dist = "constant", value = "10ms" }}
arrivals = {{ process = "poisson", rate = "1/s" }}
{}"#,
            deployment_text("d", &format!("{{ instances = 1, functions = {list} }}"))
        );
        let e = serverless_sim::scenario::Scenario::parse("p.toml".as_ref(), &text)
            .expect_err(list)
            .to_string();
        let line = text
            .lines()
            .position(|l| l.starts_with("provisioned"))
            .unwrap()
            + 1;
        assert!(e.starts_with(&format!("p.toml:{line}:")), "{e}");
        assert!(e.contains(field) && e.contains(message), "{e}");
    }
}
