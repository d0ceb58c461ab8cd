//! Plans (`plan = "..."` next to `pricing`): the Firebase Firestore and Supabase presets on
//! each plan against the providers' worked examples and bills computed by hand from the
//! published rates, and the located errors for a plan that does not exist, a plan that is
//! required, a plan without a preset, and a product without prices (Kinvey, Back4App).

mod common;

use common::billing::{assert_close, baas_scenario as scenario, line};
use common::{deployment, run_text};
use serverless_sim::engine::time::HOUR;
use serverless_sim::platform::quota::{QuotaLimit, QuotaPeriod};
use serverless_sim::scenario::Scenario;

/// The simulator's month, in µs.
const MONTH_US: u64 = 2_629_800_000_000;

/// A day, in µs.
const DAY_US: u64 = 86_400_000_000;

/// A service `name` priced by `preset` on `plan` (none: no `plan` key), answering at once.
fn service(name: &str, preset: &str, plan: Option<&str>) -> String {
    let plan = plan.map_or(String::new(), |p| format!("plan = \"{p}\"\n"));
    format!(
        "[[deployments.services]]\nname = \"{name}\"\npricing = \"{preset}\"\n{plan}\
         latency = {{ dist = \"constant\", value = \"0ms\" }}\n"
    )
}

/// Firebase's Cloud Firestore pricing example (firebase.google.com/docs/firestore/pricing,
/// "Pricing example", as quoted in the ccckmit/misavo wiki page "Firebase", revision of
/// 2018-05-23, at the multi-region prices the page still lists): in a 30-day month,
/// 100,000,000 reads, 50,000,000 writes and 5,000,000 deletes, less the daily free quota x 30
/// days: reads $0.06 x 985 = $59.10, writes $0.18 x 494 = $88.92, deletes $0.02 x 44 = $0.88;
/// $148.90 without the example's storage line ($17.82), which this preset leaves out. On Blaze
/// the bill is the example's; on Spark nothing is billed.
#[test]
fn firestore_blaze_reproduces_the_firebase_example_and_spark_bills_nothing() {
    // A thousandth of the example's 30-day month: 50 calls of 2,000 reads, 1,000 writes and
    // 100 deletes.
    let k = 1000.0;
    let ops = "{ db = { read = 2000, write = 1000, delete = 100 } }";
    let window = 30 * DAY_US / 1000;
    let blaze = run_text(&scenario(
        window,
        50,
        ops,
        &service("db", "firebase-firestore", Some("blaze")),
    ));
    let d = deployment(&blaze, "d");
    assert_close(line(d, "read").window_usd * k, 59.10, 1e-9, "reads");
    assert_close(line(d, "write").window_usd * k, 88.92, 1e-9, "writes");
    assert_close(line(d, "delete").window_usd * k, 0.88, 1e-9, "deletes");
    assert_close(d.bill.window_usd * k, 148.90, 1e-9, "Blaze, operations");
    let spark = run_text(&scenario(
        window,
        50,
        ops,
        &service("db", "firebase-firestore", Some("spark")),
    ));
    let d = deployment(&spark, "d");
    assert_eq!(d.bill.window_usd, 0.0, "Spark bills nothing");
    assert_eq!(d.bill.monthly_usd, 0.0);
}

/// The hand computation, on Blaze: one read a second for a whole day is 86,400 reads,
/// of which 50,000 are free: 36,400 x $0.06 / 100,000 = $0.02184 a day.
#[test]
fn firestore_blaze_bills_the_reads_past_the_daily_allowance() {
    let r = run_text(&scenario(
        DAY_US,
        86_400,
        "{ db = { read = 1 } }",
        &service("db", "firebase-firestore", Some("blaze")),
    ));
    assert_close(
        deployment(&r, "d").bill.window_usd,
        36_400.0 * 0.06 / 100_000.0,
        1e-9,
        "a day",
    );
}

/// Supabase's "Manage Edge Function Invocations usage" billing examples
/// (supabase.com/docs/guides/platform/manage-your-usage/edge-function-invocations): on Pro,
/// 1,800,000 invocations a month cost the $25 plan fee alone; 3,400,000 cost $25 plus 2
/// started packages of 1 million at $2, $29. The same usage on Free bills $0.
#[test]
fn supabase_pro_reproduces_the_billing_examples_and_free_bills_nothing() {
    for (calls, each, pro) in [(100, 18, 25.0), (200, 17, 29.0)] {
        let ops = format!("{{ supa = {{ invoke = {each} }} }}");
        let run = |plan: &str| {
            run_text(&scenario(
                MONTH_US / 1000,
                calls,
                &ops,
                &service("supa", "supabase", Some(plan)),
            ))
        };
        let r = run("pro");
        let d = deployment(&r, "d");
        assert_close(line(d, "plan").monthly_usd, 25.0, 1e-12, "Pro fee");
        assert_close(d.bill.monthly_usd, pro, 1e-9, "Pro total");
        let r = run("free");
        assert_eq!(deployment(&r, "d").bill.monthly_usd, 0.0, "Free total");
    }
}

/// Spark's and Free's hard quotas reach the service: Firestore's 50,000 reads, 20,000 writes
/// and 20,000 deletes a day, reset at midnight Pacific Standard Time (08:00 UTC); Supabase
/// Free's 500,000 invocations a month. Blaze and Pro have none.
#[test]
fn the_free_plans_carry_their_hard_quotas() {
    let quotas = |preset: &str, plan: &str, op: &str| {
        let text = scenario(
            DAY_US,
            100,
            &format!("{{ db = {{ {op} = 1 }} }}"),
            &service("db", preset, Some(plan)),
        );
        common::scenario(&text).deployments[0].services[0]
            .quotas
            .clone()
    };
    let day = |units| {
        Some(QuotaLimit {
            units,
            period: QuotaPeriod::Day,
        })
    };
    let spark = quotas("firebase-firestore", "spark", "read");
    assert_eq!(spark.limit_of("read"), day(50_000));
    assert_eq!(spark.limit_of("write"), day(20_000));
    assert_eq!(spark.limit_of("delete"), day(20_000));
    assert_eq!(spark.reset, 8 * HOUR);
    assert!(
        quotas("firebase-firestore", "blaze", "read")
            .limits
            .is_empty()
    );
    let free = quotas("supabase", "free", "invoke");
    assert_eq!(
        free.limit_of("invoke"),
        Some(QuotaLimit {
            units: 500_000,
            period: QuotaPeriod::Month
        })
    );
    assert!(quotas("supabase", "pro", "invoke").limits.is_empty());
}

/// Spark's quota stops service, computed by hand: one read a second for a day from 00:00 UTC
/// (arrivals at 0.5 s, 1.5 s, ...). The first quota period runs from the window's start to
/// the 08:00 reset: 28,800 reads, all served. From 08:00 the next 50,000 are served (up to the
/// arrival at 78,799.5 s) and the remaining 86,400 - 78,800 = 7,600 fail as `quota_exceeded`;
/// nothing is billed. Supabase Free's 500,000 invocations a month, with calls of 600
/// invocations: 833 calls (499,800) are served, the 834th would pass the quota, so it and
/// every later call fail (a call makes all its operations or none).
#[test]
fn the_free_plans_stop_serving_at_their_quota() {
    let r = run_text(&scenario(
        DAY_US,
        86_400,
        "{ db = { read = 1 } }",
        &service("db", "firebase-firestore", Some("spark")),
    ));
    let d = deployment(&r, "d");
    let t = &d.recorder.totals;
    assert_eq!(
        (t.completed, t.quota_exceeded, t.failed),
        (78_800, 7_600, 7_600)
    );
    assert_eq!(line(d, "read").window_quantity, 78_800.0);
    assert_eq!(d.bill.window_usd, 0.0);
    let r = run_text(&scenario(
        MONTH_US / 1000,
        1000,
        "{ supa = { invoke = 600 } }",
        &service("supa", "supabase", Some("free")),
    ));
    let t = &deployment(&r, "d").recorder.totals;
    assert_eq!((t.completed, t.quota_exceeded), (833, 167));
}

/// The price line records the plan: `firebase-firestore/blaze`.
#[test]
fn the_plan_is_named_with_the_preset_in_the_prices_used() {
    let text = scenario(
        DAY_US,
        100,
        "{ db = { read = 1 } }",
        &service("db", "firebase-firestore", Some("blaze")),
    );
    let r = run_text(&text);
    let used: Vec<&str> = deployment(&r, "d")
        .pricing
        .iter()
        .map(|p| p.preset.as_str())
        .collect();
    assert_eq!(used, vec!["firebase-firestore/blaze"]);
}

/// The error `text` gives, as `file:line:col: field: message`.
fn error_of(text: &str) -> String {
    match Scenario::parse("plans.toml".as_ref(), text) {
        Ok(_) => panic!("parsed"),
        Err(e) => e.to_string(),
    }
}

/// The 1-based line of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text[..text.find(needle).expect("needle")]
        .matches('\n')
        .count()
        + 1
}

#[test]
fn an_unknown_plan_is_located_and_the_known_plans_are_named() {
    let text = scenario(
        DAY_US,
        100,
        "{ db = { read = 1 } }",
        &service("db", "firebase-firestore", Some("flame")),
    );
    let at = line_of(&text, "plan = \"flame\"");
    assert_eq!(
        error_of(&text),
        format!(
            "plans.toml:{at}:8: deployments[0].services[0].plan: unknown plan 'flame' of \
             'firebase-firestore'; its plans: spark, blaze (`serverless-sim pricing show \
             firebase-firestore` describes them)"
        )
    );
}

#[test]
fn a_preset_sold_as_plans_requires_one_and_plan_requires_a_preset() {
    let text = scenario(
        DAY_US,
        100,
        "{ supa = { invoke = 1 } }",
        &service("supa", "supabase", None),
    );
    let at = line_of(&text, "pricing = \"supabase\"");
    assert_eq!(
        error_of(&text),
        format!(
            "plans.toml:{at}:11: deployments[0].services[0].pricing: 'supabase' is sold as \
             plans: choose one with `plan = \"...\"` next to `pricing` (free, pro)"
        )
    );
    let text = text.replace("pricing = \"supabase\"", "plan = \"pro\"");
    let at = line_of(&text, "plan = \"pro\"");
    let e = error_of(&text);
    assert!(
        e.starts_with(&format!("plans.toml:{at}:8: deployments[0].services[0].plan: selects a plan of the preset named by `pricing`")),
        "{e}"
    );
    let text = scenario(
        DAY_US,
        100,
        "{ db = { read = 1 } }",
        &service("db", "gcp-firestore-nam5", Some("blaze")),
    );
    assert!(
        error_of(&text).contains(
            "services[0].plan: 'gcp-firestore-nam5' has no plans, so `plan = \"blaze\"` cannot be selected"
        ),
        "{}",
        error_of(&text)
    );
}

#[test]
fn a_product_without_prices_cannot_be_named() {
    for (preset, why) in [
        ("kinvey", "no public price list of Kinvey could be found"),
        ("back4app", "no copy of Back4App's price list was found"),
    ] {
        let text = scenario(
            DAY_US,
            100,
            "{ db = { read = 1 } }",
            &service("db", preset, None),
        );
        let at = line_of(&text, "pricing = ");
        let e = error_of(&text);
        assert!(
            e.starts_with(&format!(
                "plans.toml:{at}:11: deployments[0].services[0].pricing: '{preset}' has no prices to simulate: {why}"
            )),
            "{e}"
        );
    }
}

/// `pricing show` lists each plan with its figures; `pricing list` names the plans.
#[test]
fn pricing_show_lists_the_plans() {
    let out = common::cli::bin()
        .args(["pricing", "show", "firebase-firestore"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("\nPlan spark (plan = \"spark\"): No-cost plan"),
        "{text}"
    );
    assert!(
        text.contains("\nPlan blaze (plan = \"blaze\"): Pay as you go"),
        "{text}"
    );
    assert!(
        text.contains(
            "  operations.read.price = { free_per_day = 50000, per = 100000, usd = 0.06 }"
        )
    );
    let out = common::cli::bin()
        .args(["pricing", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("(plans: free, pro)"), "{text}");
    assert!(
        text.contains("Kinvey backend as a service (no prices)"),
        "{text}"
    );
}

/// `plan` works the same on a compute table: a compute preset without plans refuses one, at
/// the `plan` line; a `plan` that is not a string is refused too.
#[test]
fn plan_on_a_compute_table_and_a_plan_that_is_not_a_string_are_located() {
    let base = scenario(
        DAY_US,
        100,
        "{ db = { read = 1 } }",
        &service("db", "firebase-firestore", Some("blaze")),
    );
    let text = base.replace(
        "model = \"faas\"\n",
        "pricing = \"aws-lambda-x86\"\nplan = \"free\"\n",
    );
    let at = line_of(&text, "plan = \"free\"");
    assert_eq!(
        error_of(&text),
        format!(
            "plans.toml:{at}:8: deployments[0].compute.plan: 'aws-lambda-x86' has no plans, so \
             `plan = \"free\"` cannot be selected (remove `plan`)"
        )
    );
    let text = base.replace("plan = \"blaze\"", "plan = 2");
    let at = line_of(&text, "plan = 2");
    assert_eq!(
        error_of(&text),
        format!(
            "plans.toml:{at}:8: deployments[0].services[0].plan: must be a plan name (a string)"
        )
    );
}

/// `pricing show --format json` carries every plan with its params and cites their sources.
#[test]
fn pricing_show_json_carries_the_plans() {
    let out = common::cli::bin()
        .args(["pricing", "show", "supabase", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let plans = v["plans"].as_array().unwrap();
    let names: Vec<&str> = plans.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["free", "pro"]);
    let fee = plans[1]["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "usd_per_month")
        .unwrap();
    assert_eq!(fee["value"], 25.0);
    let ids: Vec<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"SB1") && ids.contains(&"SB3"), "{ids:?}");
}
