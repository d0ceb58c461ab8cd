//! `serverless-sim pricing list` and `pricing show`: what a user sees of the catalogue.

mod common;

use common::cli::bin;

fn stdout_of(args: &[&str]) -> String {
    let out = bin().args(args).output().expect("run binary");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn pricing_show_prints_every_figure_with_unit_confidence_and_source() {
    insta::assert_snapshot!(stdout_of(&["pricing", "show", "aws-lambda-x86"]));
}

#[test]
fn pricing_show_states_a_fleet_preset_s_vcpus() {
    let text = stdout_of(&["pricing", "show", "render-starter"]);
    assert!(
        text.contains("\ncapacity: 0.5 vCPUs per instance\n") && text.contains("vcpus = 0.5"),
        "{text}"
    );
}

#[test]
fn pricing_list_names_every_preset_with_its_date_and_json_agrees() {
    let text = stdout_of(&["pricing", "list"]);
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&["pricing", "list", "--format", "json"])).unwrap();
    let rows = json.as_array().unwrap();
    assert!(rows.len() >= 2);
    for row in rows {
        let name = row["name"].as_str().unwrap();
        let date = row["date"].as_str().unwrap();
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("{name} not listed"));
        assert!(line.contains(date) && line.contains(row["region"].as_str().unwrap()));
    }
    let lambda = rows.iter().find(|r| r["name"] == "aws-lambda-x86").unwrap();
    assert_eq!(lambda["kind"], "faas");
    assert_eq!(lambda["provider"], "AWS");
}

#[test]
fn an_unknown_preset_is_an_error_with_suggestions() {
    let out = bin()
        .args(["pricing", "show", "aws-lambda"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("unknown preset 'aws-lambda'") && stderr.contains("aws-lambda-x86"),
        "{stderr}"
    );
    let out = bin()
        .args(["pricing", "show", "x", "--format", "yaml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
