//! The BaaS presets against worked examples from the providers' own pricing pages and
//! documentation, run end to end: a scenario naming the preset (`pricing = "..."`) whose
//! window holds the example's quantities, priced by the simulator, compared with the figure
//! the provider prints, and with a hand computation where the provider's figure is rounded or
//! its month differs from the simulator's.
//!
//! Windows: with neither free allowance nor tiers, or with tiers on the monthly total, a window
//! of MONTH / k holding 1/k of the example's monthly quantities projects to exactly the
//! example's month. A daily free allowance (Firestore) is prorated by days, so a window of
//! the example's own 30-day month / k, times k, reproduces the example's bill exactly.

mod common;

use common::billing::{assert_close, baas_scenario as scenario, cents, line};
use common::{deployment, run_text};

/// The simulator's month, in µs.
const MONTH_US: u64 = 2_629_800_000_000;

/// A day, in µs.
const DAY_US: u64 = 86_400_000_000;

/// A service `name` priced by `preset`, answering in no time.
fn service(name: &str, preset: &str) -> String {
    format!(
        r#"
[[deployments.services]]
name = "{name}"
pricing = "{preset}"
latency = {{ dist = "constant", value = "0ms" }}
"#
    )
}

/// Firebase's Cloud Firestore pricing example (firebase.google.com/docs/firestore/pricing,
/// "Pricing example"; the copy seen is the page's example as quoted in the ccckmit/misavo
/// wiki page "Firebase", revision of 2018-05-23, at the multi-region prices the page still
/// lists): in a 30-day month, 100,000,000 reads, 50,000,000 writes and 5,000,000 deletes, less
/// the daily free quota x 30 days (1,500,000 reads, 600,000 writes, 600,000 deletes):
/// reads $0.06 x 985 = $59.10, writes $0.18 x 494 = $88.92, deletes $0.02 x 44 = $0.88. The
/// example's storage line ($17.82, for 100 GiB) is left out: storage is not modelled. Its
/// total, $166.72, less storage is $148.90.
#[test]
fn firestore_nam5_reproduces_the_firebase_pricing_example() {
    // A thousandth of the example's month: 2,592 s with 100,000 reads, 50,000 writes and 5,000
    // deletes (50 calls of 2,000 + 1,000 + 100 operations).
    let k = 1000.0;
    let r = run_text(&scenario(
        30 * DAY_US / 1000,
        50,
        "{ db = { read = 2000, write = 1000, delete = 100 } }",
        &service("db", "gcp-firestore-nam5"),
    ));
    let d = deployment(&r, "d");
    let month = |meter: &str| line(d, meter).window_usd * k;
    assert_close(month("read"), 59.10, 1e-9, "reads");
    assert_close(month("write"), 88.92, 1e-9, "writes");
    assert_close(month("delete"), 0.88, 1e-9, "deletes");
    assert_close(d.bill.window_usd * k, 166.72 - 17.82, 1e-9, "operations");
    // The simulator's own month is 30.4375 days: the same daily rate of operations, with the
    // free quota of 30.4375 days, is a little more: reads (100M x 30.4375/30 - 1,521,875) x
    // $0.06 / 100,000, and so on.
    let scale = 30.4375 / 30.0;
    let want = (100e6 * scale - 50_000.0 * 30.4375) * 0.06e-5
        + (50e6 * scale - 20_000.0 * 30.4375) * 0.18e-5
        + (5e6 * scale - 20_000.0 * 30.4375) * 0.02e-5;
    assert_close(d.bill.monthly_usd, want, 1e-9, "30.4375-day month");
}

/// The same example at the regional prices (half the multi-region ones; computed by hand,
/// the provider prints no regional example): reads 985 x $0.03 = $29.55, writes 494 x $0.09 =
/// $44.46, deletes 44 x $0.01 = $0.44, $74.45 in all.
#[test]
fn firestore_regional_prices_the_example_at_half() {
    let k = 1000.0;
    let r = run_text(&scenario(
        30 * DAY_US / 1000,
        50,
        "{ db = { read = 2000, write = 1000, delete = 100 } }",
        &service("db", "gcp-firestore-regional"),
    ));
    let d = deployment(&r, "d");
    assert_close(line(d, "read").window_usd * k, 29.55, 1e-9, "reads");
    assert_close(line(d, "write").window_usd * k, 44.46, 1e-9, "writes");
    assert_close(line(d, "delete").window_usd * k, 0.44, 1e-9, "deletes");
    assert_close(d.bill.window_usd * k, 74.45, 1e-9, "in all");
}

/// The daily free quota alone: 50,000 reads a day stay free; one more read a day is billed.
#[test]
fn firestore_free_quota_is_per_day() {
    let free = run_text(&scenario(
        DAY_US,
        50,
        "{ db = { read = 1000 } }",
        &service("db", "gcp-firestore-nam5"),
    ));
    let free_usd = deployment(&free, "d").bill.monthly_usd;
    assert!(free_usd.abs() < 1e-12, "within the quota: {free_usd}");
    let over = run_text(&scenario(
        DAY_US,
        60,
        "{ db = { read = 1000 } }",
        &service("db", "gcp-firestore-nam5"),
    ));
    // 10,000 reads a day over the quota, 304,375 a month: $0.182625.
    assert_close(
        deployment(&over, "d").bill.monthly_usd,
        304_375.0 * 0.06e-5,
        1e-9,
        "over the quota",
    );
}

/// AWS's DynamoDB on-demand pricing page, "Key terms" (aws.amazon.com/dynamodb/pricing/
/// on-demand/): a strongly consistent read of an 8 KB item takes 2 read request units, an
/// eventually consistent one 1, a transactional one 4; a standard write of 1 KB takes 1 write
/// request unit, of 3 KB 3, a transactional write of 3 KB 6. A million of each a month, at
/// the page's on-demand prices ($0.125 per million RRU, $0.625 per million WRU): 7M RRU =
/// $0.875 and 10M WRU = $6.25, and a million eventually consistent reads of up to 4 KB
/// (half a unit each, `read_eventual`): $0.0625. The page prints the unit counts, not a bill:
/// the dollar amounts are computed here from them.
#[test]
fn dynamodb_prices_the_request_units_of_the_aws_key_terms() {
    let k = 1000.0;
    let r = run_text(&scenario(
        MONTH_US / k as u64,
        1000,
        "{ db = { read = 7, write = 10, read_eventual = 1 } }",
        &service("db", "aws-dynamodb-on-demand"),
    ));
    let d = deployment(&r, "d");
    assert_close(line(d, "read").monthly_quantity, 7e6, 1e-12, "RRU");
    assert_close(line(d, "write").monthly_quantity, 10e6, 1e-12, "WRU");
    assert_close(line(d, "read").monthly_usd, 0.875, 1e-9, "reads");
    assert_close(line(d, "write").monthly_usd, 6.25, 1e-9, "writes");
    assert_close(
        line(d, "read_eventual").monthly_usd,
        0.0625,
        1e-9,
        "eventual",
    );
}

/// airbyte.com's DynamoDB pricing guide (2025-07-21; one of the preset's price sources, a
/// third-party example: AWS's page prints none for on-demand request prices): 550,000 reads
/// (2 KB items, one RRU each) and 650,000 writes (1 KB, one WRU each) a month: writes 0.65M x
/// $0.625 = $0.41, reads 0.55M x $0.125 = $0.07 (rounded to cents; exactly $0.40625 and
/// $0.06875).
#[test]
fn dynamodb_reproduces_the_airbyte_example() {
    let k = 1000.0;
    let r = run_text(&scenario(
        MONTH_US / k as u64,
        50,
        "{ db = { read = 11, write = 13 } }",
        &service("db", "aws-dynamodb-on-demand"),
    ));
    let d = deployment(&r, "d");
    assert_eq!(cents(line(d, "write").monthly_usd), 0.41);
    assert_eq!(cents(line(d, "read").monthly_usd), 0.07);
    assert_close(line(d, "write").monthly_usd, 0.40625, 1e-9, "writes");
    assert_close(line(d, "read").monthly_usd, 0.06875, 1e-9, "reads");
}

/// The Amazon S3 FAQs' "Request Example" (aws.amazon.com/s3/faqs/, billing; four stored copies
/// agree): 10,000 files put and 20,000 files got each day of March, 5,000 deleted on March 31:
/// 310,000 PUTs x $0.005 per 1,000 = $1.55; 620,000 GETs x $0.0004 per 1,000 = $0.25
/// (exactly $0.248); 5,000 DELETEs, no charge. A 31-day window reproduces March itself.
#[test]
fn s3_standard_reproduces_the_faq_request_example() {
    // 10,000 calls a day (every 8.64 s), each one PUT and two GETs; one call on March 31
    // deleting 5,000 files.
    let text = scenario(
        31 * DAY_US,
        310_000,
        "{ files = { put = 1, get = 2 } }",
        &service("files", "aws-s3-standard"),
    )
    .replace(
        "[[deployments]]",
        r#"[[workload.functions]]
name = "cleanup"
memory = "128MB"
execution = { dist = "constant", value = "1ms" }
arrivals = { process = "fixed_interval", every = "31d", offset = "30.5d" }
calls = { files = { delete = 5000 } }

[[deployments]]"#,
    );
    let d_run = run_text(&text);
    let d = deployment(&d_run, "d");
    assert_eq!(line(d, "put").window_quantity, 310_000.0);
    assert_eq!(line(d, "get").window_quantity, 620_000.0);
    assert_eq!(line(d, "delete").window_quantity, 5_000.0);
    assert_close(line(d, "put").window_usd, 1.55, 1e-9, "PUTs");
    assert_eq!(cents(line(d, "get").window_usd), 0.25);
    assert_close(line(d, "get").window_usd, 0.248, 1e-9, "GETs");
    assert_eq!(line(d, "delete").window_usd, 0.0);
}

/// S3 LIST requests are priced as PUTs: $0.005 per 1,000 (hand-computed: a million LISTs a
/// month are $5).
#[test]
fn s3_list_costs_as_much_as_put() {
    let k = 1000.0;
    let r = run_text(&scenario(
        MONTH_US / k as u64,
        1000,
        "{ files = { list = 1 } }",
        &service("files", "aws-s3-standard"),
    ));
    assert_close(
        line(deployment(&r, "d"), "list").monthly_usd,
        5.0,
        1e-9,
        "LISTs",
    );
}

/// S3's data sent to the internet, by hand from its published first tier: 200 GB in a month
/// less the free 100 GB at $0.09 per GB = $9.00; 80 GB is within the free amount, $0.
#[test]
fn s3_egress_bills_past_its_free_100_gb_a_month() {
    for (per_get, usd) in [("200KB", 9.0), ("80KB", 0.0)] {
        // A thousandth of a month with 1,000 GETs: 1,000 x 200 KB = 0.2 GB, 200 GB a month.
        let files = format!(
            "{}egress = {{ per_get = \"{per_get}\" }}\n",
            service("files", "aws-s3-standard")
        );
        let r = run_text(&scenario(
            MONTH_US / 1000,
            1000,
            "{ files = { get = 1 } }",
            &files,
        ));
        let egress = line(deployment(&r, "d"), "egress");
        assert_close(egress.monthly_usd, usd, 1e-9, per_get);
    }
}

/// Supabase's "Manage Edge Function Invocations usage" (supabase.com/docs/guides/platform/
/// manage-your-usage/edge-function-invocations, "Billing examples"): on the Pro plan,
/// 1,800,000 invocations a month are within the quota: Pro Plan $25, invocations $0, total
/// $25; 3,400,000 invocations exceed it by 1.4 million, billed as 2 packages of 1 million:
/// $4, total $29. (The examples' Micro compute line, $10, is cancelled by the plan's $10 of
/// compute credits; compute is not modelled, so neither appears.)
#[test]
fn supabase_pro_reproduces_the_edge_function_billing_examples() {
    // A thousandth of a month with 100 calls of 18 invocations (1.8M a month), or 200 calls
    // of 17 (3.4M a month).
    for (calls, each, invocations_usd, total) in [(100, 18, 0.0, 25.0), (200, 17, 4.0, 29.0)] {
        let r = run_text(&scenario(
            MONTH_US / 1000,
            calls,
            &format!("{{ supa = {{ invoke = {each} }} }}"),
            &service("supa", "supabase-pro"),
        ));
        let d = deployment(&r, "d");
        assert_close(line(d, "plan").monthly_usd, 25.0, 1e-12, "plan fee");
        let invoke = line(d, "invoke").monthly_usd;
        assert!(
            (invoke - invocations_usd).abs() < 1e-9,
            "invocations: {invoke}"
        );
        assert_close(d.bill.monthly_usd, total, 1e-9, "total");
    }
}

/// A key written next to `pricing` overrides the preset's: a price replaces the preset's
/// whole (tiers and allowances with it), the plan fee can be set to the Team plan's.
#[test]
fn written_keys_override_the_preset() {
    let k = 1000;
    let r = run_text(&scenario(
        MONTH_US / k,
        1000,
        "{ db = { read = 100 } }",
        &(service("db", "gcp-firestore-nam5")
            + "operations.read.price = { usd = 0.05, per = 100_000 }\n"),
    ));
    // 100M reads at $0.05 per 100,000 with no free quota: $50.
    assert_close(deployment(&r, "d").bill.monthly_usd, 50.0, 1e-9, "override");
    let team = run_text(&scenario(
        MONTH_US / k,
        1000,
        "{ supa = { invoke = 1 } }",
        &(service("supa", "supabase-pro") + "usd_per_month = 599\n"),
    ));
    assert_close(
        line(deployment(&team, "d"), "plan").monthly_usd,
        599.0,
        1e-12,
        "plan fee",
    );
}

/// AWS AppSync, computed by hand from the published rates (no provider example is on
/// record): a month of 3,000,000 queries and mutations and 1,000,000 real-time updates is
/// 3 x $4.00 + 1 x $2.00 = $14.00.
#[test]
fn appsync_bills_queries_and_real_time_updates() {
    // A thousandth of the month: 1,000 calls of 3 queries and 1 update.
    let r = run_text(&scenario(
        MONTH_US / 1000,
        1000,
        "{ api = { query = 3, update = 1 } }",
        &service("api", "aws-appsync"),
    ));
    let d = deployment(&r, "d");
    assert_close(line(d, "query").monthly_usd, 12.0, 1e-9, "queries");
    assert_close(line(d, "update").monthly_usd, 2.0, 1e-9, "updates");
    assert_close(d.bill.monthly_usd, 14.0, 1e-9, "in all");
}
