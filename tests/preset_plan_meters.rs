//! The plans' growing meters: the storage, egress and user prices the Supabase Pro and
//! Firebase Blaze plans carry, against bills computed by hand from the published rates (and
//! Firebase's pricing example), with the sizes and users the scenario adds.

mod common;

use common::billing::{assert_close, baas_scenario as scenario, line};
use common::{deployment, run_text};
use serverless_sim::run::RunResult;

/// The simulator's month, in µs: the window of every run here, so a constant level held for
/// the window is that many units a month.
const MONTH_US: u64 = 2_629_800_000_000;

/// A service `name` priced by `preset` on `plan` (empty: none), answering at once, with
/// `extra` keys.
fn service(name: &str, preset: &str, plan: &str, extra: &str) -> String {
    let plan = if plan.is_empty() {
        String::new()
    } else {
        format!("plan = \"{plan}\"\n")
    };
    format!(
        "[[deployments.services]]\nname = \"{name}\"\npricing = \"{preset}\"\n{plan}\
         latency = {{ dist = \"constant\", value = \"0ms\" }}\n{extra}\n"
    )
}

/// Supabase (plan `plan`) for a month: `gb` GB stored throughout, 300 reads of 1 GB each
/// (300 GB of egress) and `users` monthly active users.
fn supabase_month(plan: &str, gb: &str, reads: u64, users: u32) -> RunResult {
    let extra = format!(
        "operations.read = {{}}\nstorage = {{ initial = \"{gb}\" }}\n\
         egress = {{ per_read = \"1GB\" }}\nusers = {{ monthly_active = {users} }}"
    );
    run_text(&scenario(
        MONTH_US,
        reads,
        "{ supa = { read = 1 } }",
        &service("supa", "supabase", plan, &extra),
    ))
}

/// Supabase Pro's usage items (supabase.com, "How billing works"): database size 8 GB
/// included then $0.125 per GB, egress 250 GB included then $0.09 per GB, 100,000 MAU
/// included then $0.00325 per MAU, on a $25 plan fee. A month of 10 GB stored, 300 GB of
/// egress and 120,000 MAU: $25 + 2 x $0.125 + 50 x $0.09 + 20,000 x $0.00325
/// = $25 + $0.25 + $4.50 + $65.00 = $94.75.
#[test]
fn supabase_pro_bills_database_size_egress_and_users_past_the_included_usage() {
    let r = supabase_month("pro", "10GB", 300, 120_000);
    let d = deployment(&r, "d");
    // (meter, USD a month, units included a month)
    for (meter, usd, included) in [
        ("storage", 0.25, 8.0),
        ("egress", 4.50, 250.0),
        ("monthly_active_users", 65.00, 100_000.0),
    ] {
        let l = line(d, meter);
        assert_close(l.monthly_usd, usd, 1e-9, meter);
        assert_eq!(l.free_allowance, included, "{meter}: included");
    }
    assert_close(line(d, "plan").monthly_usd, 25.0, 1e-12, "plan fee");
    assert_close(d.bill.monthly_usd, 94.75, 1e-9, "Pro, a month");
}

/// At exactly the included usage (8 GB, 250 GB, 100,000 MAU) the Pro bill is the plan fee.
#[test]
fn supabase_pro_at_the_included_usage_bills_the_fee_alone() {
    let r = supabase_month("pro", "8GB", 250, 100_000);
    assert_close(
        deployment(&r, "d").bill.monthly_usd,
        25.0,
        1e-9,
        "fee alone",
    );
}

/// The Free plan carries no storage, egress or user price (its limits are restrictions, not
/// bills): the same month bills $0.
#[test]
fn supabase_free_bills_nothing_for_the_same_usage() {
    let r = supabase_month("free", "10GB", 300, 120_000);
    assert_eq!(deployment(&r, "d").bill.monthly_usd, 0.0);
}

/// Without sizes or users the plan's meters stand at 0: a month of one Edge Function
/// invocation on Pro is the fee alone, and the meters' lines are $0.
#[test]
fn a_plan_price_without_sizes_or_users_meters_zero() {
    let r = run_text(&scenario(
        MONTH_US,
        2,
        "{ supa = { invoke = 1 } }",
        &service("supa", "supabase", "pro", ""),
    ));
    let d = deployment(&r, "d");
    for meter in ["storage", "egress", "monthly_active_users"] {
        assert_eq!(line(d, meter).monthly_quantity, 0.0, "{meter}");
        assert_eq!(line(d, meter).monthly_usd, 0.0, "{meter}");
    }
    assert_close(d.bill.monthly_usd, 25.0, 1e-12, "fee alone");
}

/// Firebase's Cloud Firestore pricing example (firebase.google.com/docs/firestore/pricing,
/// "Pricing example", as quoted in the ccckmit/misavo wiki page "Firebase", revision of
/// 2018-05-23): "Stored data Free quota: 1 GiB Additional data: $0.18 * 99 GiB = $17.82",
/// 100 GiB stored in all.
/// Written as `initial = "100GiB"` (107.3741824 GB of 10^9 bytes) it bills the same on Blaze,
/// the price being per 1.073741824 GB; Spark bills $0.
#[test]
fn firestore_blaze_bills_the_example_s_storage_line_and_spark_bills_nothing() {
    let extra = "storage = { initial = \"100GiB\" }";
    let blaze = run_text(&scenario(
        MONTH_US,
        2,
        "{ db = { read = 1 } }",
        &service("db", "firebase-firestore", "blaze", extra),
    ));
    let d = deployment(&blaze, "d");
    let s = line(d, "storage");
    assert_close(s.monthly_quantity, 107.374_182_4, 1e-9, "GB-months");
    assert_close(s.free_allowance, 1.073_741_824, 1e-12, "1 GiB free, in GB");
    assert_close(s.monthly_usd, 17.82, 1e-9, "the example's storage line");
    assert_close(d.bill.monthly_usd, 17.82, 1e-9, "2 reads a month are free");
    let spark = run_text(&scenario(
        MONTH_US,
        2,
        "{ db = { read = 1 } }",
        &service("db", "firebase-firestore", "spark", extra),
    ));
    assert_eq!(deployment(&spark, "d").bill.monthly_usd, 0.0);
}

/// A month of `users` monthly active users on Firebase Authentication with Identity Platform.
fn auth_month(users: u32) -> f64 {
    let r = run_text(&scenario(
        MONTH_US,
        2,
        "{ auth = { signin = 1 } }",
        &service(
            "auth",
            "firebase-auth",
            "",
            &format!("operations.signin = {{}}\nusers = {{ monthly_active = {users} }}"),
        ),
    ));
    line(deployment(&r, "d"), "monthly_active_users").monthly_usd
}

/// Identity Platform's tier 1 price per MAU (cloud.google.com/identity-platform/pricing):
/// 0-50,000 free, 50,000-100,000 $0.0055, 100,000-1,000,000 $0.0046, 1M-10M $0.0032, then
/// $0.0025, each band's users at its price.
#[test]
fn firebase_auth_bills_monthly_active_users_per_tier() {
    // 50,000: all free.
    assert_eq!(auth_month(50_000), 0.0);
    // 120,000: 50,000 x $0.0055 + 20,000 x $0.0046 = $275 + $92 = $367.
    assert_close(auth_month(120_000), 367.0, 1e-9, "120,000 MAU");
    // 1,200,000: $275 + 900,000 x $0.0046 + 200,000 x $0.0032 = $275 + $4,140 + $640.
    assert_close(auth_month(1_200_000), 5_055.0, 1e-9, "1,200,000 MAU");
    // 12,000,000: $275 + $4,140 + 9,000,000 x $0.0032 + 2,000,000 x $0.0025
    // = $275 + $4,140 + $28,800 + $5,000 = $38,215.
    assert_close(auth_month(12_000_000), 38_215.0, 1e-9, "12,000,000 MAU");
}

/// Realtime Database (firebase.google.com/docs/database/usage/billing): storage at $5 per
/// GB a month, 1 GB no-cost on both plans. 10 GB held for a month on Blaze: 9 x $5 = $45;
/// on Spark, $0.
#[test]
fn realtime_database_blaze_bills_stored_gb_past_the_free_one_and_spark_nothing() {
    let month = |plan: &str| {
        let r = run_text(&scenario(
            MONTH_US,
            2,
            "{ rtdb = { read = 1 } }",
            &service(
                "rtdb",
                "firebase-realtime-database",
                plan,
                "operations.read = {}\nstorage = { initial = \"10GB\" }\nconnections = { hold = \"5m\" }",
            ),
        ));
        deployment(&r, "d").bill.monthly_usd
    };
    assert_close(month("blaze"), 45.0, 1e-9, "Blaze");
    assert_eq!(month("spark"), 0.0, "Spark");
}
