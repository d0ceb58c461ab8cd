//! The billing rules the BaaS and always-on presets need, with inline prices: a fleet priced
//! per instance-month (prorated over the 30.4375-day month), a fleet priced on its instances'
//! size (vCPU-hours and GB-hours), and a service's monthly plan fee; then every bad value of
//! the new keys, each a located error.
//!
//! Expected amounts are computed by hand in each test: the month is 730.5 hours.

mod common;

use common::{deployment, run_text};
use serverless_sim::pricing::BillLine;
use serverless_sim::scenario::Scenario;

/// Hours in the 30.4375-day billing month.
const MONTH_H: f64 = 730.5;

fn assert_close(got: f64, want: f64, what: &str) {
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1.0),
        "{what}: got {got}, want {want}"
    );
}

fn line<'a>(lines: &'a [BillLine], meter: &str) -> &'a BillLine {
    lines
        .iter()
        .find(|l| l.meter == meter)
        .unwrap_or_else(|| panic!("no meter {meter}"))
}

/// One day of one 512 MB function at 1 call/s, then `deployments`.
fn day(deployments: &str) -> String {
    format!(
        r#"
name = "rules"
duration = "1d"
bucket = "1h"
[[workload.functions]]
name = "f"
memory = "512MB"
execution = {{ dist = "constant", value = "10ms" }}
arrivals = {{ process = "fixed_interval", every = "1s", offset = "500ms" }}
calls = {{ api = {{ invoke = 1 }} }}
{deployments}
"#
    )
}

/// A fleet of `instances` x 4 workers with `keys` under its compute table and `billing` under
/// its billing table, calling a free service `api`.
fn fleet(instances: u32, keys: &str, billing: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "fleet"
[deployments.compute]
model = "fleet"
instances = {instances}
workers = 4
{keys}
[deployments.compute.billing]
{billing}
[[deployments.services]]
name = "api"
latency = {{ dist = "constant", value = "1ms" }}
operations.invoke = {{}}
"#
    )
}

#[test]
fn a_monthly_plan_is_prorated_over_the_month() {
    // Two Standard-1X-like dynos at $25 a month: $50 a month; one day is 24 / 730.5 of it.
    let r = run_text(&day(&fleet(
        2,
        "",
        "instance_months = { usd = 25 }\ngranularity = \"1s\"",
    )));
    let d = deployment(&r, "fleet");
    let l = line(&d.bill.lines, "instance_months");
    assert_eq!(l.part.stem(), "instances");
    assert_eq!(l.unit, "instance-months");
    assert_close(l.monthly_quantity, 2.0, "instance-months a month");
    assert_close(
        l.window_quantity,
        2.0 * 24.0 / MONTH_H,
        "instance-months a day",
    );
    assert_close(l.monthly_usd, 50.0, "monthly");
    assert_close(l.window_usd, 50.0 * 24.0 / MONTH_H, "window");
    assert!(d.bill.lines.iter().all(|l| l.meter != "instance_hours"));
}

#[test]
fn a_discount_applies_to_a_monthly_plan() {
    let r = run_text(&day(&fleet(
        1,
        "",
        "instance_months = { usd = 25 }\ndiscount = 0.2",
    )));
    let l = line(&deployment(&r, "fleet").bill.lines, "instance_months");
    assert_close(l.monthly_usd, 20.0, "25 less 20%");
}

#[test]
fn a_size_priced_task_bills_its_vcpus_and_memory() {
    // Fargate-like x86 rates: $0.04048 per vCPU-hour, $0.004445 per GB-hour; 3 tasks of
    // 0.5 vCPU and 1 GB: 3 x 730.5 x (0.5 x 0.04048 + 1 x 0.004445) a month.
    let r = run_text(&day(&fleet(
        3,
        "vcpus = 0.5\ninstance_memory = \"1GB\"",
        "vcpu_hours = { usd = 0.04048 }\ngb_hours = { usd = 0.004445 }\n\
         granularity = \"1s\"\nminimum = \"1m\"",
    )));
    let d = deployment(&r, "fleet");
    let cpu = line(&d.bill.lines, "vcpu_hours");
    let mem = line(&d.bill.lines, "gb_hours");
    assert_eq!(
        (cpu.unit.as_str(), mem.unit.as_str()),
        ("vCPU-hours", "GB-hours")
    );
    assert_close(cpu.monthly_quantity, 3.0 * 0.5 * MONTH_H, "vCPU-hours");
    assert_close(mem.monthly_quantity, 3.0 * 1.0 * MONTH_H, "GB-hours");
    assert_close(cpu.monthly_usd, 3.0 * 0.5 * MONTH_H * 0.04048, "vCPU cost");
    assert_close(mem.monthly_usd, 3.0 * MONTH_H * 0.004445, "memory cost");
    assert_close(
        d.bill.monthly_usd_of("instances"),
        3.0 * MONTH_H * (0.5 * 0.04048 + 0.004445),
        "instances column",
    );
    // The task's memory also holds its requests: 1 GB fits two 512 MB calls at once.
    assert_eq!(d.recorder.totals.failed, 0);
    assert_eq!(d.recorder.totals.completed, 86_400);
}

#[test]
fn a_task_priced_on_vcpus_alone_needs_no_memory() {
    let r = run_text(&day(&fleet(
        1,
        "vcpus = 2",
        "vcpu_hours = { usd = 0.04048 }",
    )));
    let d = deployment(&r, "fleet");
    assert_close(
        line(&d.bill.lines, "vcpu_hours").monthly_usd,
        2.0 * MONTH_H * 0.04048,
        "vCPU cost",
    );
    assert!(d.bill.lines.iter().all(|l| l.meter != "gb_hours"));
}

/// A FaaS deployment (free compute) whose service `api` has `service_keys`.
fn faas_with_service(service_keys: &str) -> String {
    format!(
        r#"
[[deployments]]
name = "faas"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "0ms" }}
keep_alive = {{ policy = "forever" }}
[deployments.compute.billing]
requests = {{ usd = 0 }}
gb_seconds = {{ usd = 0 }}
[[deployments.services]]
name = "api"
latency = {{ dist = "constant", value = "1ms" }}
{service_keys}
"#
    )
}

#[test]
fn a_service_plan_fee_is_a_line_of_the_service() {
    // Supabase Pro-like: $25 a month, plus $2 per 1M invocations beyond 2M a month. One call
    // a second for a day is 86,400 calls, 2,629,800 a month: 629,800 billed, $1.2596.
    let r = run_text(&day(&faas_with_service(
        "usd_per_month = 25\n\
         operations.invoke = { price = { usd = 2, per = 1_000_000, free_per_month = 2_000_000 } }",
    )));
    let d = deployment(&r, "faas");
    let plan = line(&d.bill.lines, "plan");
    assert_eq!(plan.part.stem(), "baas_api");
    assert_eq!(plan.unit, "months");
    assert_close(plan.monthly_quantity, 1.0, "one plan a month");
    assert_close(plan.monthly_usd, 25.0, "plan fee");
    assert_close(plan.window_usd, 25.0 * 24.0 / MONTH_H, "a day of the plan");
    let invoke = line(&d.bill.lines, "invoke");
    assert_close(invoke.monthly_usd, 629_800.0 * 2e-6, "invocations");
    assert_close(
        d.bill.monthly_usd_of("baas_api"),
        25.0 + 1.2596,
        "the service's column",
    );
}

#[test]
fn a_service_without_a_plan_has_no_plan_line() {
    let r = run_text(&day(&faas_with_service("operations.invoke = {}")));
    assert!(
        deployment(&r, "faas")
            .bill
            .lines
            .iter()
            .all(|l| l.meter != "plan")
    );
}

/// The error of the scenario `day(deployments)` as a string; panics if it is valid.
fn error(deployments: &str) -> (String, String) {
    let text = day(deployments);
    let Err(e) = Scenario::parse("test.toml".as_ref(), &text) else {
        panic!("the scenario must be rejected:\n{text}");
    };
    (text, e.to_string())
}

/// Asserts the error names `test.toml`, the line and column where `at` starts, `field`
/// and `message`.
fn assert_located(deployments: &str, at: &str, field: &str, message: &str) {
    let (text, e) = error(deployments);
    let offset = text
        .find(at)
        .unwrap_or_else(|| panic!("{at:?} not in the scenario"));
    let line = text[..offset].matches('\n').count() + 1;
    let col = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1) + 1;
    let want = format!("test.toml:{line}:{col}: {field}: ");
    assert!(e.contains(&want), "want {want:?} in {e:?}");
    assert!(e.contains(message), "want {message:?} in {e:?}");
}

const FLEET_BILLING: &str = "deployments[0].compute.billing";

#[test]
fn bad_instance_months_are_located() {
    assert_located(
        &fleet(1, "", "instance_months = { usd = -25 }"),
        "-25",
        &format!("{FLEET_BILLING}.instance_months.usd"),
        "must be a finite number >= 0 (got -25)",
    );
    assert_located(
        &fleet(
            1,
            "",
            "instance_hours = { usd = 0.1 }\ninstance_months = { usd = 25 }",
        ),
        "{ usd = 25 }",
        &format!("{FLEET_BILLING}.instance_months"),
        "already priced by billing.instance_hours",
    );
}

#[test]
fn a_fleet_without_a_price_says_which_keys_price_it() {
    let (_, e) = error(&fleet(1, "", "granularity = \"1s\""));
    assert!(
        e.contains("deployments[0].compute.billing.instance_hours: missing: the price of the instances, one of instance_hours"),
        "{e}"
    );
    assert!(
        e.contains("instance_months") && e.contains("vcpu_hours and gb_hours"),
        "{e}"
    );
}

#[test]
fn a_task_size_price_without_the_size_says_so() {
    assert_located(
        &fleet(1, "", "vcpu_hours = { usd = 0.04048 }"),
        "{ usd = 0.04048 }",
        &format!("{FLEET_BILLING}.vcpu_hours"),
        "needs deployments[0].compute.vcpus, the vCPUs of one instance (a task size, e.g. vcpus = 1: presets leave the size to you)",
    );
    assert_located(
        &fleet(
            1,
            "vcpus = 1",
            "vcpu_hours = { usd = 0.04048 }\ngb_hours = { usd = 0.004445 }",
        ),
        "{ usd = 0.004445 }",
        &format!("{FLEET_BILLING}.gb_hours"),
        "needs deployments[0].compute.instance_memory, the memory of one instance",
    );
}

#[test]
fn bad_task_sizes_and_prices_are_located() {
    assert_located(
        &fleet(1, "vcpus = -1", "vcpu_hours = { usd = 0.04048 }"),
        "-1",
        "deployments[0].compute.vcpus",
        "must be a number of vCPUs",
    );
    assert_located(
        &fleet(
            1,
            "instance_memory = \"2 parsecs\"",
            "gb_hours = { usd = 0.004445 }",
        ),
        "\"2 parsecs\"",
        "deployments[0].compute.instance_memory",
        "",
    );
    assert_located(
        &fleet(1, "vcpus = 1", "vcpu_hours = { usd = nan }"),
        "nan",
        &format!("{FLEET_BILLING}.vcpu_hours.usd"),
        "(got nan)",
    );
    assert_located(
        &fleet(
            1,
            "instance_memory = \"1GB\"",
            "gb_hours = { per = 0, usd = 1 }",
        ),
        "0, usd",
        &format!("{FLEET_BILLING}.gb_hours.per"),
        "must be a finite number > 0 (got 0)",
    );
    assert_located(
        &fleet(
            1,
            "",
            "instance_months = { usd = 25 }\nvcpu_hours = { usd = 1 }",
        ),
        "{ usd = 1 }",
        &format!("{FLEET_BILLING}.vcpu_hours"),
        "already priced by billing.instance_months",
    );
}

#[test]
fn vcpus_on_a_fleet_priced_per_instance_hour_are_its_cpus() {
    // vcpus is the instance's CPU (requests share it), whatever prices the instance.
    let text = day(&fleet(1, "vcpus = 2", "instance_hours = { usd = 0.0832 }"));
    let s = Scenario::parse("test.toml".as_ref(), &text).expect("valid");
    let serverless_sim::platform::ComputeSpec::Fleet(f) = &s.deployments[0].compute else {
        panic!("a fleet");
    };
    assert_eq!(f.vcpus, Some(2.0));
}

#[test]
fn the_fleet_price_keys_are_refused_on_faas() {
    let faas = faas_with_service("operations.invoke = {}");
    for key in ["instance_months", "vcpu_hours", "gb_hours"] {
        let with = faas.replace(
            "gb_seconds = { usd = 0 }",
            &format!("gb_seconds = {{ usd = 0 }}\n{key} = {{ usd = 1 }}"),
        );
        assert_located(
            &with,
            &format!("{key} = {{ usd = 1 }}"),
            &format!("deployments[0].compute.billing.{key}"),
            &format!("`{key}` is a fleet billing key; this compute model is faas"),
        );
    }
}

#[test]
fn a_bad_plan_fee_is_located() {
    for (bad, message) in [
        ("-25", "(got -25)"),
        ("inf", "(got inf)"),
        ("nan", "(got nan)"),
    ] {
        assert_located(
            &faas_with_service(&format!("usd_per_month = {bad}\noperations.invoke = {{}}")),
            &format!("{bad}\n"),
            "deployments[0].services[0].usd_per_month",
            &format!("must be a finite number >= 0 {message}"),
        );
    }
    let (_, e) = error(&faas_with_service(
        "usd_per_month = \"25\"\noperations.invoke = {}",
    ));
    assert!(e.contains("usd_per_month"), "{e}");
}

#[test]
fn package_pricing_rounds_the_billable_units_up_to_whole_packages() {
    // 86,400 calls a day, 2,629,800 a month; 2M free; 629,800 billable, one package of 1M:
    // $2 a month (without packages: $1.2596).
    let r = run_text(&day(&faas_with_service(
        "operations.invoke = { price = { usd = 2, per = 1_000_000, free_per_month = 2_000_000, package = 1_000_000 } }",
    )));
    assert_close(
        line(&deployment(&r, "faas").bill.lines, "invoke").monthly_usd,
        2.0,
        "one package",
    );
}

#[test]
fn a_bad_package_is_located() {
    for (bad, message) in [
        // Zero is refused as a negative number is, and both say so.
        (
            "0",
            "must be a finite number > 0 (got 0): the units in one billed package",
        ),
        ("-1", "must be a finite number > 0 (got -1)"),
        ("nan", "(got nan)"),
    ] {
        assert_located(
            &faas_with_service(&format!(
                "operations.invoke = {{ price = {{ usd = 2, package = {bad} }} }}"
            )),
            &format!("{bad} }} }}"),
            "deployments[0].services[0].operations.invoke.price.package",
            message,
        );
    }
}
