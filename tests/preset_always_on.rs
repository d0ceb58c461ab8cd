//! The always-on presets (EC2, Fargate, Heroku, Render) as monthly bills computed by hand,
//! every BaaS and always-on preset valid when named alone (with only the settings a user must
//! choose), and the errors when those settings are missing.
//!
//! The month is the simulator's, 30.4375 days = 730.5 hours; a window of one day projects to
//! it exactly for always-on instances (they run the whole window).

mod common;

use common::billing::{assert_close, line};
use common::{deployment, run_text};
use serverless_sim::pricing::presets::{Kind, catalogue};
use serverless_sim::scenario::Scenario;

const MONTH_H: f64 = 730.5;

/// One day of a 256 MB function at 2 calls/s, served by a fleet whose compute table holds
/// `compute` (TOML keys).
fn fleet(compute: &str) -> String {
    format!(
        r#"
name = "always-on"
duration = "1d"
bucket = "1h"
[[workload.functions]]
name = "f"
memory = "256MB"
execution = {{ dist = "constant", value = "20ms" }}
arrivals = {{ process = "fixed_interval", every = "500ms", offset = "250ms" }}
[[deployments]]
name = "fleet"
[deployments.compute]
{compute}
"#
    )
}

fn monthly(compute: &str, meter: &str) -> f64 {
    let r = run_text(&fleet(compute));
    let d = deployment(&r, "fleet");
    assert_eq!(d.recorder.totals.failed, 0);
    line(d, meter).monthly_usd
}

#[test]
fn two_t3_medium_instances_for_a_month() {
    // 2 x $0.0416 x 730.5 h = $60.7776.
    let usd = monthly(
        "pricing = \"aws-ec2-t3.medium\"\ninstances = 2\nworkers = 8",
        "instance_hours",
    );
    assert_close(usd, 2.0 * 0.0416 * MONTH_H, 1e-12, "2 x t3.medium");
    assert_close(usd, 60.7776, 1e-9, "by hand");
}

#[test]
fn a_graviton_and_an_m6i_instance_for_a_month() {
    assert_close(
        monthly(
            "pricing = \"aws-ec2-t4g.small\"\ninstances = 1\nworkers = 4",
            "instance_hours",
        ),
        0.0168 * MONTH_H,
        1e-12,
        "t4g.small",
    );
    assert_close(
        monthly(
            "pricing = \"aws-ec2-m6i.2xlarge\"\ninstances = 3\nworkers = 4",
            "instance_hours",
        ),
        3.0 * 0.384 * MONTH_H,
        1e-12,
        "3 x m6i.2xlarge",
    );
}

#[test]
fn a_savings_discount_applies_to_the_preset_price() {
    // 30% off one t3.medium: 0.7 x $0.0416 x 730.5 = $21.27216.
    assert_close(
        monthly(
            "pricing = \"aws-ec2-t3.medium\"\ninstances = 1\nworkers = 8\n\
             [deployments.compute.billing]\ndiscount = 0.3",
            "instance_hours",
        ),
        21.27216,
        1e-9,
        "discounted",
    );
}

#[test]
fn a_fargate_task_of_one_vcpu_and_two_gigabytes_for_a_month() {
    let text = fleet(
        "pricing = \"aws-fargate-x86\"\ninstances = 1\nworkers = 4\nvcpus = 1\ninstance_memory = \"2GB\"",
    );
    let r = run_text(&text);
    let d = deployment(&r, "fleet");
    // 730.5 vCPU-h x $0.04048 = $29.57064; 1,461 GB-h x $0.004445 = $6.494145; $36.064785.
    assert_close(line(d, "vcpu_hours").monthly_usd, 29.57064, 1e-9, "vCPU");
    assert_close(line(d, "gb_hours").monthly_usd, 6.494145, 1e-9, "memory");
    assert_close(d.bill.monthly_usd, 36.064785, 1e-9, "x86 task");
    let arm = run_text(&text.replace("aws-fargate-x86", "aws-fargate-arm"));
    // 730.5 x ($0.03238 + 2 x $0.00356) = $28.85475.
    assert_close(
        deployment(&arm, "fleet").bill.monthly_usd,
        28.85475,
        1e-9,
        "Arm task",
    );
}

#[test]
fn a_fargate_task_without_its_size_is_refused_with_the_reason() {
    let text = fleet("pricing = \"aws-fargate-x86\"\ninstances = 1\nworkers = 4");
    let pricing_line = text.lines().position(|l| l.starts_with("pricing")).unwrap() + 1;
    let e = Scenario::parse("test.toml".as_ref(), &text)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("deployments[0].compute.billing.vcpu_hours: needs deployments[0].compute.vcpus")
            && e.contains("presets leave the size to you"),
        "{e}"
    );
    // Located at the `pricing` value the price came from.
    let at = format!("test.toml:{pricing_line}:11: ");
    assert!(e.starts_with(&at), "want {at:?}: {e}");
    let e = Scenario::parse(
        "test.toml".as_ref(),
        &fleet("pricing = \"aws-fargate-arm\"\ninstances = 1\nworkers = 4\nvcpus = 0.5"),
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        e.contains("billing.gb_hours: needs deployments[0].compute.instance_memory"),
        "{e}"
    );
}

#[test]
fn a_standard_1x_dyno_is_25_dollars_a_month() {
    assert_close(
        monthly(
            "pricing = \"heroku-standard-1x\"\ninstances = 1\nworkers = 2",
            "instance_months",
        ),
        25.0,
        1e-12,
        "Standard-1X",
    );
    // A day of it is 24 / 730.5 of $25.
    let r = run_text(&fleet(
        "pricing = \"heroku-standard-1x\"\ninstances = 1\nworkers = 2",
    ));
    assert_close(
        line(deployment(&r, "fleet"), "instance_months").window_usd,
        25.0 * 24.0 / MONTH_H,
        1e-12,
        "a day",
    );
}

#[test]
fn render_and_heroku_plans_for_a_month() {
    for (preset, usd) in [
        ("heroku-basic", 7.0),
        ("heroku-standard-2x", 50.0),
        ("heroku-performance-m", 250.0),
        ("heroku-performance-l", 500.0),
        ("render-starter", 7.0),
        ("render-standard", 25.0),
        ("render-pro", 85.0),
        ("render-pro-plus", 175.0),
        ("render-pro-max", 225.0),
        ("render-pro-ultra", 450.0),
    ] {
        let got = monthly(
            &format!("pricing = \"{preset}\"\ninstances = 2\nworkers = 2"),
            "instance_months",
        );
        assert_close(got, 2.0 * usd, 1e-12, preset);
    }
}

#[test]
fn a_function_larger_than_the_dyno_memory_is_refused() {
    // A Standard-1X dyno has 512 MB; the preset leaves instance_memory to the user, who writes
    // it next to the preset: a request holding 1 GB (server_memory) could never run on it.
    let bad = fleet(
        "pricing = \"heroku-standard-1x\"\ninstances = 1\nworkers = 4\ninstance_memory = \"512MB\"",
    )
    .replace(
        "memory = \"256MB\"",
        "memory = \"256MB\"\nserver_memory = \"1GB\"",
    );
    let e = Scenario::parse("test.toml".as_ref(), &bad)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains("instance_memory") && e.contains("more than an instance has (512 MB)"),
        "{e}"
    );
}

/// Every BaaS and always-on preset of this catalogue is valid named alone, with only what a
/// user must choose: a service's latency; a fleet's instances and workers (and a Fargate
/// task's size).
#[test]
fn every_service_and_fleet_preset_is_valid_named_alone() {
    let mut checked = 0;
    for p in catalogue().presets() {
        if p.unavailable.is_some() {
            continue; // no prices: refused by name (tests/preset_plans.rs)
        }
        // A preset sold as plans is named once per plan.
        let plans: Vec<Option<&serverless_sim::pricing::presets::Plan>> = if p.plans.is_empty() {
            vec![None]
        } else {
            p.plans.iter().map(Some).collect()
        };
        for plan in plans {
            let text = match p.kind {
                Kind::Service => {
                    // A preset that prices no operation (firebase-auth: users only) is
                    // named with an operation of the user's own.
                    let priced = p
                        .params_with(plan)
                        .iter()
                        .find_map(|q| q.key.strip_prefix("operations.")?.split('.').next())
                        .map(str::to_string);
                    let (op, own) = match priced {
                        Some(op) => (op, ""),
                        None => ("call".to_string(), "operations.call = {}\n"),
                    };
                    let plan =
                        plan.map_or(String::new(), |plan| format!("plan = \"{}\"\n", plan.name));
                    fleet("model = \"fleet\"\ninstances = 1\nworkers = 1\n[deployments.compute.billing]\ninstance_hours = { usd = 0.1 }")
                    .replace(
                        "[[deployments]]",
                        &format!("calls = {{ svc = {{ {op} = 1 }} }}\n[[deployments]]"),
                    )
                    + &format!(
                        "[[deployments.services]]\nname = \"svc\"\npricing = \"{}\"\n{plan}\
                         latency = {{ dist = \"constant\", value = \"1ms\" }}\n{own}",
                        p.name
                    )
                }
                Kind::Gateway => {
                    fleet(
                        "model = \"fleet\"\ninstances = 1\nworkers = 1\n[deployments.compute.billing]\ninstance_hours = { usd = 0.1 }",
                    ) + &format!("[deployments.gateway]\npricing = \"{}\"\n", p.name)
                }
                Kind::Fleet => {
                    let size = if p.name.starts_with("aws-fargate") {
                        "\nvcpus = 1\ninstance_memory = \"2GB\""
                    } else {
                        ""
                    };
                    fleet(&format!(
                        "pricing = \"{}\"\ninstances = 1\nworkers = 1{size}",
                        p.name
                    ))
                }
                _ => continue,
            };
            if let Err(e) = Scenario::parse("test.toml".as_ref(), &text) {
                panic!("{}: {e}\n{text}", p.name);
            }
            checked += 1;
        }
    }
    // 3 gateways, 33 fleets and the services (plans counted once each) of this catalogue's
    // BaaS, gateway and always-on files.
    assert!(checked >= 44, "only {checked} presets checked");
}

/// The vCPUs the providers state for each size, typed from their pages: EC2 from AWS's
/// burstable credit table and price list (docs/price-sources.md, E1 and E3), Render from its
/// pricing page (R1). Heroku's Dyno Types page states CPU shares, not CPUs: no `vcpus`.
#[test]
fn fleet_presets_set_the_vcpus_their_providers_state() {
    let stated: &[(&str, f64)] = &[
        ("aws-ec2-t3.nano", 2.0),
        ("aws-ec2-t3.micro", 2.0),
        ("aws-ec2-t3.small", 2.0),
        ("aws-ec2-t3.medium", 2.0),
        ("aws-ec2-t3.large", 2.0),
        ("aws-ec2-t3.xlarge", 4.0),
        ("aws-ec2-t3.2xlarge", 8.0),
        ("aws-ec2-t4g.nano", 2.0),
        ("aws-ec2-t4g.micro", 2.0),
        ("aws-ec2-t4g.small", 2.0),
        ("aws-ec2-t4g.medium", 2.0),
        ("aws-ec2-t4g.large", 2.0),
        ("aws-ec2-t4g.xlarge", 4.0),
        ("aws-ec2-t4g.2xlarge", 8.0),
        ("aws-ec2-m5.large", 2.0),
        ("aws-ec2-m5.xlarge", 4.0),
        ("aws-ec2-m5.2xlarge", 8.0),
        ("aws-ec2-m6i.large", 2.0),
        ("aws-ec2-m6i.xlarge", 4.0),
        ("aws-ec2-m6i.2xlarge", 8.0),
        ("render-starter", 0.5),
        ("render-standard", 1.0),
        ("render-pro", 2.0),
        ("render-pro-plus", 4.0),
        ("render-pro-max", 4.0),
        ("render-pro-ultra", 8.0),
    ];
    let vcpus_of = |name: &str| {
        let p = catalogue().get(name).unwrap_or_else(|| panic!("{name}"));
        let param = p.params.iter().find(|q| q.key == "vcpus")?;
        assert!(!param.sources.is_empty(), "{name}: vcpus without a source");
        Some(
            param
                .value
                .as_float()
                .or(param.value.as_integer().map(|i| i as f64))
                .unwrap_or_else(|| panic!("{name}: vcpus = {}", param.value)),
        )
    };
    for &(name, vcpus) in stated {
        assert_eq!(vcpus_of(name), Some(vcpus), "{name}");
    }
    for p in catalogue().presets() {
        if p.name.starts_with("heroku-") {
            assert_eq!(vcpus_of(&p.name), None, "{}", p.name);
            assert!(
                p.notes.iter().any(|n| n.contains("No `vcpus`")),
                "{}: the notes must say why vcpus is unset",
                p.name
            );
        }
        if p.name.starts_with("aws-ec2-t") {
            assert!(
                p.notes.iter().any(|n| n.contains("baseline is")),
                "{}: the notes must give the burstable baseline",
                p.name
            );
        }
    }
    // Every EC2 and Render preset is in the table: a new size must state its vCPUs.
    let with_vcpus = catalogue()
        .presets()
        .iter()
        .filter(|p| p.kind == Kind::Fleet && vcpus_of(&p.name).is_some())
        .count();
    assert_eq!(with_vcpus, stated.len());
}

/// A fleet priced per instance-hour accepts `vcpus`, the preset's or the scenario's own: it
/// sizes the CPU, not the price.
#[test]
fn vcpus_from_a_preset_or_the_scenario_leave_an_instance_hour_price_alone() {
    // t3.medium: $0.0416 an hour x 730.5 hours = $30.3888 a month, whatever its vCPUs.
    for vcpus in ["", "\nvcpus = 1"] {
        let m = monthly(
            &format!("pricing = \"aws-ec2-t3.medium\"\ninstances = 1\nworkers = 8{vcpus}"),
            "instance_hours",
        );
        assert_close(m, 0.0416 * MONTH_H, 1e-9, "t3.medium");
    }
}
