//! Messages that say everything: counts with their real range and the value, prices showing
//! NaN and infinity as written, safe folder names, TOML type errors with the full field path
//! and a human type, daily profile elements by index — each located exactly.

mod common;

use common::cli::*;
use std::fs;

#[test]
fn counts_name_their_real_range_and_the_value() {
    let text = edit(
        "keep_alive = { policy = \"fixed\", idle_timeout = \"10m\" }\n",
        "keep_alive = { policy = \"fixed\", idle_timeout = \"10m\" }\naccount_concurrency = 4294967296\n",
    );
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "account_concurrency"),
        23,
        "deployments[0].compute.account_concurrency",
        "must be a whole number from 1 to 4294967295 (got 4294967296)",
    );
    // Above i64: TOML itself cannot hold it; the range is still given.
    let text = edit("seed = 3", "seed = 99999999999999999999");
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        2,
        8,
        "seed",
        "must be a whole number from -9223372036854775808 to 9223372036854775807 (got 99999999999999999999)",
    );
}

#[test]
fn nan_and_infinite_prices_show_the_value() {
    for (bad, shown) in [
        ("nan", "nan"),
        ("inf", "inf"),
        ("-inf", "-inf"),
        ("-0.5", "-0.5"),
    ] {
        let text = edit(
            "requests = { usd = 0.20,",
            &format!("requests = {{ usd = {bad},"),
        );
        let (stderr, file) = run_bad(&text);
        assert_exact(
            &stderr,
            &file,
            line_of(&text, "requests ="),
            20,
            "deployments[0].compute.billing.requests.usd",
            &format!("must be a finite number >= 0 (got {shown})"),
        );
    }
}

#[test]
fn names_must_be_safe_folder_names() {
    let allowed = "is not a safe folder name: use 1 to 100 ASCII letters, digits, '-', '_' and '.', not starting with '.'";
    for bad in ["..", ".", ".hidden", "a/b", "", "é"] {
        let text = edit("name = \"cli-test\"", &format!("name = \"{bad}\""));
        let (stderr, file) = run_bad(&text);
        assert_exact(&stderr, &file, 1, 8, "name", &format!("'{bad}' {allowed}"));
    }
    let long = "a".repeat(101);
    let text = edit("name = \"cli-test\"", &format!("name = \"{long}\""));
    let (stderr, file) = run_bad(&text);
    assert_exact(&stderr, &file, 1, 8, "name", &format!("'{long}' {allowed}"));
    // Dots inside a name are fine.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ok.toml");
    fs::write(&file, edit("name = \"cli-test\"", "name = \"v1.2_a-b\"")).unwrap();
    bin().arg("check").arg(&file).assert().success();
}

#[test]
fn toml_type_errors_give_the_full_path_and_a_human_type() {
    for (from, to, needle, field, message) in [
        (
            r#"idle_timeout = "10m""#,
            "idle_timeout = 10",
            "10 }",
            "deployments[0].compute.keep_alive.idle_timeout",
            "must be a string such as \"10m\" (got 10)",
        ),
        (
            r#"rate = "5/s""#,
            "rate = 5",
            "5 }",
            "workload.functions[0].arrivals.rate",
            "must be a string such as \"50/s\" (got 5)",
        ),
        (
            r#"memory = "256MB""#,
            "memory = 256",
            "256",
            "workload.functions[0].memory",
            "must be a string such as \"512MB\" (got 256)",
        ),
        (
            "read = 2",
            "read = \"2\"",
            "\"2\"",
            "workload.functions[0].calls.db.read",
            "must be a whole number (got the string \"2\")",
        ),
        (
            "read = 2",
            "read = 2.5",
            "2.5",
            "workload.functions[0].calls.db.read",
            "must be a whole number (got 2.5)",
        ),
        (
            "usd = 0.25,",
            "usd = \"cheap\",",
            "\"cheap\"",
            "deployments[0].services[0].operations.read.price.usd",
            "must be a number (got the string \"cheap\")",
        ),
        (
            r#"keep_alive = { policy = "fixed", idle_timeout = "10m" }"#,
            r#"keep_alive = { policy = "fixed", idle = "10m" }"#,
            "idle =",
            "deployments[0].compute.keep_alive.idle",
            "unknown key 'idle' (allowed here: policy, idle_timeout, reset, range, prewarm_percentile, keep_alive_percentile, prewarm_margin, keep_alive_margin, min_samples, cv_threshold)",
        ),
    ] {
        let text = edit(from, to);
        let (stderr, file) = run_bad(&text);
        assert_exact(
            &stderr,
            &file,
            line_of(&text, needle),
            col_of(&text, needle),
            field,
            message,
        );
        assert!(
            !stderr.contains("i64") && !stderr.contains("f64") && !stderr.contains("struct "),
            "{stderr}"
        );
    }
}

#[test]
fn duplicate_keys_name_the_table_they_are_in() {
    let text = edit(
        "model = \"faas\"\n",
        "model = \"faas\"\nmodel = \"fleet\"\n",
    );
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "model = \"fleet\""),
        1,
        "deployments[0].compute.model",
        "duplicate key",
    );
}

#[test]
fn a_bad_profile_element_is_named_by_its_index() {
    let text = edit(
        r#"arrivals = { process = "poisson", rate = "5/s" }"#,
        "arrivals = { process = \"daily\", rate = \"5/s\", profile = [1, 0.5,\n  nan, 2] }",
    );
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "nan"),
        3,
        "workload.functions[0].arrivals.profile[2]",
        "must be a finite multiplier >= 0 (got nan)",
    );
    let text = edit(
        r#"arrivals = { process = "poisson", rate = "5/s" }"#,
        r#"arrivals = { process = "daily", rate = "5/s", profile = [1, "x"] }"#,
    );
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "profile"),
        col_of(&text, "\"x\""),
        "workload.functions[0].arrivals.profile[1]",
        "must be a number (got the string \"x\")",
    );
}

#[test]
fn a_list_where_a_table_belongs_is_refused_not_read_positionally() {
    // serde would read ["fixed", "10m"] field by field as { policy, idle_timeout }.
    for list in [r#"["fixed", "10m"]"#, "[1]", "[]"] {
        let text = edit(
            r#"keep_alive = { policy = "fixed", idle_timeout = "10m" }"#,
            &format!("keep_alive = {list}"),
        );
        let (stderr, file) = run_bad(&text);
        assert_exact(
            &stderr,
            &file,
            line_of(&text, "keep_alive"),
            14,
            "deployments[0].compute.keep_alive",
            &format!("must not be a list (got {list}): write a table {{ ... }} or a single value"),
        );
    }
}

#[test]
fn an_unknown_preset_suggests_the_near_misses_first() {
    // One letter dropped: the preset one edit away comes first, then the other Lambda (4
    // edits, within a third of the 13 letters written); not the first AWS presets
    // alphabetically (the API gateways), as before.
    let text = edit("model = \"faas\"\n", "pricing = \"aws-lamda-x86\"\n");
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "pricing ="),
        11,
        "deployments[0].compute.pricing",
        "unknown preset 'aws-lamda-x86' (`serverless-sim pricing list` shows them all; \
         similar: aws-lambda-x86, aws-lambda-arm)",
    );
    // `pricing show` uses the same suggestions: a part of a name, one edit away.
    let out = bin()
        .args(["pricing", "show", "t3.medum"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("unknown preset 't3.medum' (`serverless-sim pricing list` shows them all; similar: aws-ec2-t3.medium)"),
        "{stderr}"
    );
    // Nothing near: no suggestion rather than a list of unrelated names.
    let out = bin().args(["pricing", "show", "xyz"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown preset 'xyz' (`serverless-sim pricing list` shows them all)"),
        "{stderr}"
    );
}

#[test]
fn bound_messages_say_the_bound_the_code_applies() {
    // `per` refuses 0 as it refuses -1: both are told "> 0".
    for bad in ["-1", "0"] {
        let text = edit(
            "requests = { usd = 0.20, per = 1_000_000 }",
            &format!("requests = {{ usd = 0.20, per = {bad} }}"),
        );
        let (stderr, file) = run_bad(&text);
        assert_exact(
            &stderr,
            &file,
            line_of(&text, "requests ="),
            32,
            "deployments[0].compute.billing.requests.per",
            &format!("must be a finite number > 0 (got {bad}): the units one usd prices"),
        );
    }
    // An unknown keep-alive policy is a policy problem, not one of a key it would not take.
    let text = edit("policy = \"fixed\"", "policy = \"fixd\"");
    let (stderr, file) = run_bad(&text);
    assert_exact(
        &stderr,
        &file,
        line_of(&text, "keep_alive ="),
        25,
        "deployments[0].compute.keep_alive.policy",
        "unknown keep-alive policy 'fixd' (use none, fixed, forever or hybrid)",
    );
}
