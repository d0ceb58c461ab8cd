//! Bad `[deployments.gateway]` input is refused with an error naming the file, the line and
//! the key, never a panic.

use serverless_sim::scenario::Scenario;

/// A one-function FaaS scenario whose deployment has the gateway `gateway` (TOML body).
fn with_gateway(gateway: &str) -> String {
    format!(
        r#"name = "bad"
duration = "10s"
[[workload.functions]]
name = "f"
memory = "128MB"
runtime = "nodejs"
execution = {{ dist = "constant", value = "10ms" }}
arrivals = {{ process = "poisson", rate = "1/s" }}
[[deployments]]
name = "d"
[deployments.compute]
pricing = "aws-lambda-arm"
[deployments.gateway]
{gateway}
"#
    )
}

/// The error of parsing `text`, which must fail.
fn error(text: &str) -> String {
    match Scenario::parse("bad.toml".as_ref(), text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

/// Asserts that `err` points at `bad.toml`, line 14 (the first line of the gateway's body),
/// key `key`, and says `says`.
fn assert_error(err: &str, key: &str, says: &str) {
    assert!(err.contains("bad.toml:14"), "no file and line: {err}");
    assert!(err.contains(key), "no key {key}: {err}");
    assert!(err.contains(says), "does not say {says:?}: {err}");
}

#[test]
fn a_gateway_without_a_price_is_refused_at_its_table() {
    let err = error(&with_gateway(
        r#"latency = { dist = "constant", value = "5ms" }"#,
    ));
    assert!(err.contains("deployments[0].gateway.price"), "{err}");
    assert!(err.contains("aws-api-gateway-http"), "{err}");
}

#[test]
fn a_burst_without_a_rate_limit_is_refused() {
    let err = error(&with_gateway("burst = 5\nprice = { usd = 1 }"));
    assert_error(&err, "deployments[0].gateway.burst", "needs a rate_limit");
}

#[test]
fn a_rate_limit_that_is_not_a_rate_is_refused() {
    let err = error(&with_gateway("rate_limit = \"10\"\nprice = { usd = 1 }"));
    assert_error(&err, "deployments[0].gateway.rate_limit", "not a rate");
    let err = error(&with_gateway("rate_limit = \"0/s\"\nprice = { usd = 1 }"));
    assert_error(
        &err,
        "deployments[0].gateway.rate_limit",
        "greater than zero",
    );
}

#[test]
fn a_burst_below_one_is_refused() {
    let err = error(&with_gateway(
        "burst = 0\nrate_limit = \"10/s\"\nprice = { usd = 1 }",
    ));
    assert_error(&err, "deployments[0].gateway.burst", "0");
}

#[test]
fn a_service_preset_is_no_gateway_and_a_gateway_preset_is_no_service() {
    let err = error(&with_gateway(r#"pricing = "aws-dynamodb-on-demand""#));
    assert_error(
        &err,
        "deployments[0].gateway.pricing",
        "here a gateway preset is needed",
    );
    let service = with_gateway("price = { usd = 1 }").replace(
        "[deployments.gateway]\nprice = { usd = 1 }",
        "[[deployments.services]]\nname = \"api\"\npricing = \"aws-api-gateway-rest\"",
    );
    let err = error(&service);
    assert!(
        err.contains("'aws-api-gateway-rest' is a gateway preset"),
        "{err}"
    );
}

#[test]
fn an_unknown_gateway_key_is_refused() {
    let err = error(&with_gateway("price = { usd = 1 }\nrate = \"10/s\""));
    assert!(err.contains("bad.toml"), "{err}");
    assert!(err.contains("rate"), "{err}");
}
