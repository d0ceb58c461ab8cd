//! The per-model compute schema and issue 18's capacity keys as `check` reads them: a key of
//! the other model is named as such at its line; `model` is required and known; `vcpus`,
//! `balancer` and `autoscale` on fleets and FaaS, and the per-function `max_vcpus` and
//! `server_memory`, map to their spec values with the documented defaults, and every invalid
//! value is an error naming the file, line, column and field. Expected values are written
//! out here from docs/models.md ("Capacity keys"), not read from the simulator.

use std::path::Path;

use serverless_sim::engine::time::{MINUTE, SECOND};
use serverless_sim::platform::fleet::{AutoscaleSpec, Balancer, MinimumWindow, ScalingTarget};
use serverless_sim::platform::{ComputeSpec, FaasSpec, FleetSpec};
use serverless_sim::scenario::patch::Patch;
use serverless_sim::scenario::{Scenario, read_keys};

/// One function, a FaaS deployment `lam` (Cloud Run-like, 80 calls per instance, 1 vCPU) and
/// a fleet `flt`; `FAAS_KEYS`, `FLEET_KEYS` and `FUNCTION_KEYS` mark where cases add keys.
const BASE: &str = r#"name = "capacity"
duration = "1h"

[[workload.functions]]
name = "api"
memory = "512MB"
execution = { dist = "constant", value = "20ms" }
arrivals = { process = "poisson", rate = "10/s" }
FUNCTION_KEYS

[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = { dist = "constant", value = "200ms" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
FAAS_KEYS
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
FAAS_BILLING

[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
workers = 8
FLEET_KEYS
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }
FLEET_BILLING
"#;

/// `BASE` with its markers replaced (an unset marker becomes an empty line).
fn scenario_text(function: &str, faas: &str, fleet: &str) -> String {
    BASE.replace("FUNCTION_KEYS", function)
        .replace("FAAS_KEYS", faas)
        .replace("FLEET_KEYS", fleet)
        .replace("FAAS_BILLING", "")
        .replace("FLEET_BILLING", "")
}

fn parse(text: &str) -> Scenario {
    Scenario::parse(Path::new("cap.toml"), text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn faas(s: &Scenario) -> &FaasSpec {
    match &s.deployments[0].compute {
        ComputeSpec::Faas(f) => f,
        other => panic!("not FaaS: {other:?}"),
    }
}

fn fleet(s: &Scenario) -> &FleetSpec {
    match &s.deployments[1].compute {
        ComputeSpec::Fleet(f) => f,
        other => panic!("not a fleet: {other:?}"),
    }
}

/// Asserts `text` is refused at the start of the last `at` in it (the cases add their keys
/// after the base's), naming `field` and saying `message`.
fn assert_refused(text: &str, at: &str, field: &str, message: &str) {
    let offset = text
        .rfind(at)
        .unwrap_or_else(|| panic!("{at:?} not in:\n{text}"));
    let line = text[..offset].matches('\n').count() + 1;
    let col = offset - text[..offset].rfind('\n').map_or(0, |i| i + 1) + 1;
    let e = match Scenario::parse(Path::new("cap.toml"), text) {
        Ok(_) => panic!("must be refused:\n{text}"),
        Err(e) => e.to_string(),
    };
    let want = format!("cap.toml:{line}:{col}: {field}: ");
    assert!(e.contains(&want), "want {want:?} in {e:?}");
    assert!(e.contains(message), "want {message:?} in {e:?}");
}

#[test]
fn a_fleet_autoscale_table_is_read_key_by_key() {
    let s = parse(&scenario_text(
        "",
        "",
        r#"vcpus = 2
balancer = "power_of_two"
autoscale = { min = 2, max = 20, target = { cpu = 0.6 }, interval = "30s", window = "2m", boot = "45s", scale_in_cooldown = "10m", schedule = [ { from = "08:00", to = "20:00", min = 4 }, { from = "22:00", to = "02:00", min = 3 } ] }"#,
    ));
    let f = fleet(&s);
    assert_eq!(f.vcpus, Some(2.0));
    assert_eq!(f.balancer, Balancer::PowerOfTwo);
    // An autoscaled fleet starts at its min.
    assert_eq!(f.instances, 2);
    assert_eq!(
        f.autoscale,
        Some(AutoscaleSpec {
            min: 2,
            max: 20,
            target: ScalingTarget::Cpu(0.6),
            interval: 30 * SECOND,
            window: 2 * MINUTE,
            boot: 45 * SECOND,
            scale_in_cooldown: 10 * MINUTE,
            schedule: vec![
                MinimumWindow {
                    from: 8 * 60 * MINUTE,
                    to: 20 * 60 * MINUTE,
                    min: 4
                },
                MinimumWindow {
                    from: 22 * 60 * MINUTE,
                    to: 2 * 60 * MINUTE,
                    min: 3
                },
            ],
        })
    );
}

#[test]
fn omitted_keys_take_the_documented_defaults() {
    let s = parse(&scenario_text(
        "",
        "instance_concurrency = 80\nvcpus = 1\nautoscale = { max = 100, target = { cpu = 0.6 } }",
        "autoscale = { max = 5, target = { concurrency = 0.7 } }",
    ));
    // Fleet: min 1, 60 s, 3 min, 90 s boot, 5 min cooldown; one shared queue; no vcpus.
    let f = fleet(&s);
    assert_eq!(f.balancer, Balancer::SharedQueue);
    assert_eq!(f.vcpus, None);
    assert_eq!(f.instances, 1);
    assert_eq!(
        f.autoscale,
        Some(AutoscaleSpec {
            min: 1,
            max: 5,
            target: ScalingTarget::Concurrency(0.7),
            interval: 60 * SECOND,
            window: 3 * MINUTE,
            boot: 90 * SECOND,
            scale_in_cooldown: 5 * MINUTE,
            schedule: vec![],
        })
    );
    // FaaS with several calls per instance: least outstanding, min 0, no boot.
    let l = faas(&s);
    assert_eq!(l.balancer, Balancer::LeastOutstanding);
    assert_eq!(
        l.autoscale,
        Some(AutoscaleSpec {
            min: 0,
            max: 100,
            target: ScalingTarget::Cpu(0.6),
            interval: 60 * SECOND,
            window: 3 * MINUTE,
            boot: 0,
            scale_in_cooldown: 5 * MINUTE,
            schedule: vec![],
        })
    );
    // Function keys unset: max_vcpus 1 (None), server_memory unchecked (None).
    assert_eq!(s.workload.functions[0].faas.max_vcpus, None);
    assert_eq!(s.workload.functions[0].faas.server_memory_mb, None);
}

#[test]
fn fixed_fleets_and_one_call_faas_keep_todays_rules() {
    let s = parse(&scenario_text("", "", "instances = 3"));
    let f = fleet(&s);
    assert_eq!((f.instances, f.autoscale.clone()), (3, None));
    assert_eq!(f.balancer, Balancer::SharedQueue);
    let l = faas(&s);
    assert_eq!(l.instance_concurrency, 1);
    assert_eq!(
        (l.balancer, l.autoscale.clone()),
        (Balancer::MostRecentlyUsed, None)
    );
    // A request target in requests per second; packing kept on request.
    let s = parse(&scenario_text(
        "",
        "instance_concurrency = 10\nbalancer = \"most_recently_used\"\nautoscale = { min = 0, max = 3, target = { requests_per_instance = \"50/s\" } }",
        "instances = 3\nbalancer = \"round_robin\"",
    ));
    assert_eq!(faas(&s).balancer, Balancer::MostRecentlyUsed);
    assert_eq!(
        faas(&s).autoscale.as_ref().map(|a| a.target),
        Some(ScalingTarget::RequestsPerInstance(50.0))
    );
    assert_eq!(fleet(&s).balancer, Balancer::RoundRobin);
}

#[test]
fn function_keys_reach_the_faas_settings() {
    let s = parse(&scenario_text(
        "max_vcpus = 2\nserver_memory = \"256MB\"",
        "",
        "instances = 1\ninstance_memory = \"4GB\"",
    ));
    let settings = &s.workload.functions[0].faas;
    assert_eq!(settings.max_vcpus, Some(2.0));
    assert_eq!(settings.server_memory_mb, Some(256));
    // The trace table takes them too (keys and types; its files are not read here).
    let trace = "name = \"t\"\nduration = \"1h\"\n[workload.trace]\nformat = \"csv\"\nfile = \"x.csv\"\nmax_vcpus = 0.5\nserver_memory = \"1GB\"\n";
    read_keys(Path::new("t.toml"), trace).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_key_of_the_other_model_is_named_as_such() {
    assert_refused(
        &scenario_text("", "workers = 4", "instances = 1"),
        "workers = 4",
        "deployments[0].compute.workers",
        "`workers` is a fleet key; this compute model is faas (model = \"faas\")",
    );
    assert_refused(
        &scenario_text("", "", "instances = 1\nidle_instance = \"random\""),
        "idle_instance",
        "deployments[1].compute.idle_instance",
        "`idle_instance` is a faas key; this compute model is fleet (model = \"fleet\")",
    );
    let text = BASE
        .replace("FUNCTION_KEYS", "")
        .replace("FAAS_KEYS", "")
        .replace("FLEET_KEYS", "instances = 1")
        .replace("FAAS_BILLING", "discount = 0.2")
        .replace("FLEET_BILLING", "");
    assert_refused(
        &text,
        "discount",
        "deployments[0].compute.billing.discount",
        "`discount` is a fleet billing key; this compute model is faas",
    );
    let text = BASE
        .replace("FUNCTION_KEYS", "")
        .replace("FAAS_KEYS", "")
        .replace("FLEET_KEYS", "instances = 1")
        .replace("FAAS_BILLING", "")
        .replace("FLEET_BILLING", "memory_step = \"64MB\"");
    assert_refused(
        &text,
        "memory_step",
        "deployments[1].compute.billing.memory_step",
        "`memory_step` is a faas billing key; this compute model is fleet",
    );
    // A key neither model has keeps serde's message, listing this model's keys only.
    let text = scenario_text("", "", "instances = 1\nwokers = 2");
    let e = Scenario::parse(Path::new("cap.toml"), &text)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        e.contains(
            "deployments[1].compute.wokers: unknown key 'wokers' (allowed here: pricing, plan, instances,"
        ) && !e.contains("keep_alive"),
        "{e}"
    );
}

#[test]
fn the_model_is_required_and_known() {
    let ok = scenario_text("", "", "instances = 1");
    assert_refused(
        &ok.replacen("model = \"fleet\"", "model = \"vm\"", 1),
        "\"vm\"",
        "deployments[1].compute.model",
        "unknown compute model 'vm' (use faas, fleet or client)",
    );
    assert_refused(
        &ok.replacen("model = \"fleet\"", "model = 2", 1),
        "2\n",
        "deployments[1].compute.model",
        "must be a string: model = \"faas\", model = \"fleet\" or model = \"client\"",
    );
    assert_refused(
        &ok.replacen("model = \"fleet\"\n", "", 1),
        "[deployments.compute]\nworkers",
        "deployments[1].compute.model",
        "missing: the compute model",
    );
    let not_a_table = "name = \"c\"\nduration = \"1h\"\n[[workload.functions]]\nname = \"api\"\nmemory = \"512MB\"\nexecution = { dist = \"constant\", value = \"20ms\" }\narrivals = { process = \"poisson\", rate = \"10/s\" }\n[[deployments]]\nname = \"d\"\ncompute = \"faas\"\n";
    assert_refused(
        not_a_table,
        "\"faas\"",
        "deployments[0].compute",
        "must be a table with model = \"faas\", model = \"fleet\" or model = \"client\"",
    );
}

#[test]
fn values_deep_in_a_compute_table_keep_their_line() {
    assert_refused(
        &scenario_text(
            "",
            "",
            "vcpus = 2\nautoscale = { max = 4,\n  target = { cpu = 1.5 } }",
        ),
        "1.5",
        "deployments[1].compute.autoscale.target.cpu",
        "must be a fraction above 0 and at most 1 (got 1.5)",
    );
    assert_refused(
        &scenario_text(
            "",
            "",
            "[deployments.compute.autoscale]\nmax = 4\ntarget = { concurrency = 0 }",
        ),
        "0 }",
        "deployments[1].compute.autoscale.target.concurrency",
        "(got 0)",
    );
    assert_refused(
        &scenario_text(
            "",
            "",
            "autoscale = { max = 4, target = { concurrency = 0.5 }, interval = 60 }",
        ),
        "60 }",
        "deployments[1].compute.autoscale.interval",
        "must be a string such as \"10m\" (got 60)",
    );
    assert_refused(
        &scenario_text(
            "",
            "",
            "autoscale = { max = 4, target = { concurrency = 0.5 }, cooldown = \"5m\" }",
        ),
        "cooldown",
        "deployments[1].compute.autoscale.cooldown",
        "unknown key 'cooldown'",
    );
}

#[test]
fn bad_autoscale_tables_are_located() {
    let fleet_with = |autoscale: &str| scenario_text("", "", &format!("vcpus = 2\n{autoscale}"));
    for (autoscale, at, field, message) in [
        (
            "autoscale = { min = 5, max = 4, target = { cpu = 0.5 } }",
            "5,",
            "autoscale.min",
            "(5) must be at most max (4)",
        ),
        (
            "autoscale = { min = 0, max = 4, target = { cpu = 0.5 } }",
            "0,",
            "autoscale.min",
            "must be a whole number from 1 to 100000 (got 0)",
        ),
        (
            "autoscale = { max = 0, target = { cpu = 0.5 } }",
            "0,",
            "autoscale.max",
            "must be a whole number from 1 to 100000 (got 0)",
        ),
        (
            "autoscale = { target = { cpu = 0.5 } }",
            "{ target",
            "autoscale.max",
            "missing: the most instances",
        ),
        (
            "autoscale = { max = 4 }",
            "{ max",
            "autoscale.target",
            "missing: what to track",
        ),
        (
            "autoscale = { max = 4, target = {} }",
            "{} }",
            "autoscale.target",
            "missing: one metric",
        ),
        (
            "autoscale = { max = 4, target = { cpu = 0.5, requests_per_instance = \"5/s\" } }",
            "\"5/s\"",
            "autoscale.target.requests_per_instance",
            "the target is already cpu: track one metric",
        ),
        (
            "autoscale = { max = 4, target = { requests_per_instance = \"0/s\" } }",
            "\"0/s\"",
            "autoscale.target.requests_per_instance",
            "must be greater than zero",
        ),
        (
            "autoscale = { max = 4, target = { cpu = 0.5 }, window = \"0s\" }",
            "\"0s\"",
            "autoscale.window",
            "must be greater than zero",
        ),
        (
            "autoscale = { max = 4, target = { cpu = 0.5 }, schedule = [ { from = \"08:00\", to = \"20:00\", min = 5 } ] }",
            "5 }",
            "autoscale.schedule[0].min",
            "must be a whole number from 1 to 4 (got 5)",
        ),
        (
            "autoscale = { max = 4, target = { cpu = 0.5 }, schedule = [ { from = \"08:00\", to = \"08:00\", min = 2 } ] }",
            "\"08:00\", min",
            "autoscale.schedule[0].to",
            "must differ from `from`",
        ),
        (
            "autoscale = { max = 4, target = { cpu = 0.5 }, schedule = [ { from = \"8am\", to = \"20:00\", min = 2 } ] }",
            "\"8am\"",
            "autoscale.schedule[0].from",
            "is not a time of day",
        ),
    ] {
        assert_refused(
            &fleet_with(autoscale),
            at,
            &format!("deployments[1].compute.{field}"),
            message,
        );
    }
    // A CPU target needs the instance's vCPUs.
    assert_refused(
        &scenario_text("", "", "autoscale = { max = 4, target = { cpu = 0.5 } }"),
        "0.5 }",
        "deployments[1].compute.autoscale.target.cpu",
        "needs the instance's vcpus",
    );
    // Fixed or autoscaled, not both; and one of them.
    assert_refused(
        &scenario_text(
            "",
            "",
            "instances = 2\nautoscale = { max = 4, target = { concurrency = 0.5 } }",
        ),
        "2\n",
        "deployments[1].compute.instances",
        "a fleet is either fixed (instances = N) or autoscaled",
    );
    assert_refused(
        &scenario_text("", "", ""),
        "[deployments.compute]\nmodel = \"fleet\"",
        "deployments[1].compute.instances",
        "missing: how many always-on instances, e.g. instances = 2 (or autoscale = { ... })",
    );
    // The autoscaled maximum bounds the workers like a fixed count.
    assert_refused(
        &scenario_text(
            "",
            "",
            "autoscale = { max = 100000, target = { concurrency = 0.5 } }",
        )
        .replace("workers = 8", "workers = 101"),
        "101",
        "deployments[1].compute.workers",
        "autoscale.max x workers must be at most 10000000 (got 100000 x 101 = 10100000)",
    );
}

#[test]
fn faas_capacity_keys_need_several_calls_per_instance() {
    let fixed = "instances = 1";
    assert_refused(
        &scenario_text("", "balancer = \"random\"", fixed),
        "\"random\"",
        "deployments[0].compute.balancer",
        "applies only with instance_concurrency > 1",
    );
    assert_refused(
        &scenario_text(
            "",
            "autoscale = { max = 3, target = { concurrency = 0.5 } }",
            fixed,
        ),
        "{ max",
        "deployments[0].compute.autoscale",
        "applies only with instance_concurrency > 1",
    );
    assert_refused(
        &scenario_text(
            "",
            "instance_concurrency = 8\nbalancer = \"shared_queue\"",
            fixed,
        ),
        "\"shared_queue\"",
        "deployments[0].compute.balancer",
        "'shared_queue' is the fleet's one FIFO queue, not a FaaS rule: use one of round_robin, least_outstanding, power_of_two, random, most_recently_used",
    );
    assert_refused(
        &scenario_text(
            "",
            "instance_concurrency = 8\nautoscale = { max = 3, target = { concurrency = 0.5 }, boot = \"30s\" }",
            fixed,
        ),
        "\"30s\"",
        "deployments[0].compute.autoscale.boot",
        "does not apply to FaaS: a new instance serves after its cold start",
    );
    assert_refused(
        &scenario_text("", "", "instances = 1\nbalancer = \"most_recently_used\""),
        "\"most_recently_used\"",
        "deployments[1].compute.balancer",
        "'most_recently_used' is FaaS's packing rule",
    );
    assert_refused(
        &scenario_text("", "", "instances = 1\nbalancer = \"fifo\""),
        "\"fifo\"",
        "deployments[1].compute.balancer",
        "unknown value 'fifo' (use shared_queue, round_robin, least_outstanding, power_of_two, random)",
    );
}

#[test]
fn bad_function_keys_are_located() {
    for (keys, at, field, message) in [
        (
            "max_vcpus = 0",
            "0\n",
            "max_vcpus",
            "must be a number of vCPUs from",
        ),
        ("max_vcpus = -1", "-1", "max_vcpus", "(got -1)"),
        (
            "max_vcpus = 2e6",
            "2e6",
            "max_vcpus",
            "to 1048576 (2^20) (got 2000000)",
        ),
        (
            "max_vcpus = \"2\"",
            "\"2\"",
            "max_vcpus",
            "must be a number (got the string \"2\")",
        ),
        (
            "server_memory = \"0MB\"",
            "\"0MB\"",
            "server_memory",
            "must be greater than zero (got '0MB')",
        ),
        (
            "server_memory = 512",
            "512",
            "server_memory",
            "must be a string such as \"512MB\" (got 512)",
        ),
    ] {
        assert_refused(
            &scenario_text(keys, "", "instances = 1"),
            at,
            &format!("workload.functions[0].{field}"),
            message,
        );
    }
    // A request larger than an instance could never run; the FaaS memory does not count.
    assert_refused(
        &scenario_text(
            "server_memory = \"2GB\"",
            "",
            "instances = 1\ninstance_memory = \"1GB\"",
        ),
        "\"1GB\"",
        "deployments[1].compute.instance_memory",
        "function 'api' has server_memory = 2048 MB, more than an instance has (1024 MB)",
    );
    let s = parse(&scenario_text(
        "",
        "",
        "instances = 1\ninstance_memory = \"256MB\"",
    ));
    assert_eq!(fleet(&s).instance_memory_mb, Some(256));
}

#[test]
fn check_warns_about_fleet_capacity() {
    // No vcpus: the fleet's latency ignores CPU.
    let s = parse(&scenario_text("", "", "instances = 1"));
    assert_eq!(
        s.warnings,
        [
            "deployments[1] 'flt': a fleet without vcpus: its latency ignores CPU (requests share \
          no CPU, its workers are independent slots, so a smaller instance is no slower): set \
          vcpus to the instance's vCPUs"
        ]
    );
    // 8 workers x 300 MB = 2,400 MB on a 1,024 MB instance: floor(1024 / 300) = 3 fit.
    let s = parse(&scenario_text(
        "server_memory = \"300MB\"",
        "",
        "instances = 1\nvcpus = 2\ninstance_memory = \"1GB\"",
    ));
    assert_eq!(
        s.warnings,
        [
            "deployments[1] 'flt': workers x server_memory = 8 x 300 MB = 2400 MB, more than \
          instance_memory (1024 MB): only 3 requests of the largest function fit on an instance \
          at once, the others will wait for memory"
        ]
    );
    // 8 x 128 MB = 1,024 MB fits exactly: no warning.
    let s = parse(&scenario_text(
        "server_memory = \"128MB\"",
        "",
        "instances = 1\nvcpus = 2\ninstance_memory = \"1GB\"",
    ));
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn sweeps_patch_the_new_keys_and_name_misplaced_ones() {
    let text = scenario_text(
        "",
        "",
        "vcpus = 2\nautoscale = { max = 4, target = { cpu = 0.5 } }",
    );
    let patch = |path: &str, literal: &str| Patch {
        path: path.into(),
        literal: literal.into(),
    };
    let s = Scenario::parse_patched(
        Path::new("cap.toml"),
        &text,
        &[
            patch("deployments[1].compute.autoscale.max", "9"),
            patch("deployments[1].compute.balancer", "\"random\""),
            patch("workload.functions[0].max_vcpus", "4"),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fleet(&s).autoscale.as_ref().map(|a| a.max), Some(9));
    assert_eq!(fleet(&s).balancer, Balancer::Random);
    assert_eq!(s.workload.functions[0].faas.max_vcpus, Some(4.0));
    // A fleet key patched onto the FaaS deployment: named, at its compute table.
    let e = Scenario::parse_patched(
        Path::new("cap.toml"),
        &text,
        &[patch("deployments[0].compute.workers", "3")],
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        e.contains("`workers` is a fleet key; this compute model is faas"),
        "{e}"
    );
}

#[test]
fn the_shipped_scenarios_still_load() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
            seen += 1;
        }
    }
    assert!(seen >= 5, "found {seen} scenarios");
}

#[test]
fn autoscale_false_turns_a_presets_autoscaling_off_and_provisioned_is_not_its_minimum() {
    // The Cloud Run preset autoscales on CPU (docs/price-sources.md); `autoscale = false`
    // leaves the deployment without an autoscaler, as before issue 18.
    let cloud_run = |keys: &str| {
        format!(
            "name = \"cr\"\nduration = \"1h\"\n\n[[workload.functions]]\nname = \"api\"\n\
             memory = \"512MB\"\nexecution = {{ dist = \"constant\", value = \"20ms\" }}\n\
             arrivals = {{ process = \"poisson\", rate = \"10/s\" }}\n\n[[deployments]]\n\
             name = \"cr\"\n[deployments.compute]\npricing = \"gcp-cloud-run-request\"\n\
             vcpus = 1\ncold_start = {{ dist = \"constant\", value = \"500ms\" }}\nkeep_alive = {{ policy = \"fixed\", idle_timeout = \"15m\" }}\n{keys}\n"
        )
    };
    let with_preset = parse(&cloud_run(""));
    assert!(faas(&with_preset).autoscale.is_some());
    let off = parse(&cloud_run(
        "autoscale = false\nbalancer = \"most_recently_used\"",
    ));
    assert_eq!(faas(&off).autoscale, None);
    assert_eq!(faas(&off).balancer, Balancer::MostRecentlyUsed);
    let text = cloud_run("autoscale = true");
    assert_refused(
        &text,
        "true",
        "deployments[0].compute.autoscale",
        "autoscale = true needs its settings",
    );
    // Provisioned instances and the autoscaler's floor would both keep instances warm.
    let text = cloud_run("provisioned = { instances = 1 }");
    assert_refused(
        &text,
        "{ instances = 1 }",
        "deployments[0].compute.provisioned",
        "cannot be combined with autoscale",
    );
    let min = parse(&cloud_run("autoscale = { min = 1 }"));
    assert_eq!(faas(&min).autoscale.as_ref().map(|a| a.min), Some(1));
}
