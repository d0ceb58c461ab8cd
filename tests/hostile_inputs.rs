//! A table of hostile inputs through the binary — scenario values, TOML mistakes, flags and
//! output paths (traces are in `hostile_traces.rs`) — each asserting the exact error: the file, the line and column
//! (computed here from where the test put the bad text, not read from the simulator), the
//! field and the message; a non-zero exit; no panic; and no report written.

mod common;

use std::fs;

use common::cli::{bin, fails, line_col};

/// `base.toml` of the issue: one hour of a 10/s Poisson function, a FaaS deployment `lam`
/// and a fleet `flt` of 2 x 8 workers on 2 vCPUs with a 30 s timeout.
const BASE: &str = r#"name = "base"
seed = 1
duration = "1h"

[[workload.functions]]
name = "f1"
memory = "256MB"
execution = { dist = "lognormal", median = "20ms", p99 = "120ms" }
arrivals = { process = "poisson", rate = "10/s" }
calls = { db = { read = 2 } }

[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = { dist = "lognormal", median = "250ms", p99 = "700ms" }
keep_alive = { policy = "fixed", idle_timeout = "10m" }
account_concurrency = 1000
[deployments.compute.billing]
requests = { usd = 0.20, per = 1_000_000 }
gb_seconds = { usd = 0.0000166667 }
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "3ms" }
operations.read = { price = { usd = 0.25, per = 1_000_000 } }

[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 2
workers = 8
vcpus = 2
queue_timeout = "30s"
[deployments.compute.billing]
instance_hours = { usd = 0.0416 }
[[deployments.services]]
name = "db"
latency = { dist = "constant", value = "3ms" }
operations.read = {}
"#;

/// Where an error must point.
#[derive(Clone, Copy)]
enum At {
    /// At the start of this text, which occurs in the replacement.
    Start(&'static str),
    /// Just after this text, which occurs in the replacement.
    End(&'static str),
    /// At the whole file (no line).
    File,
}

/// One bad scenario: `from` in [`BASE`] replaced by `to`.
struct Case {
    from: &'static str,
    to: &'static str,
    at: At,
    /// The dotted field named (empty for whole-file errors that name none).
    field: &'static str,
    /// A part of the message that says what is wrong.
    message: &'static str,
}

const fn case(
    from: &'static str,
    to: &'static str,
    at: At,
    field: &'static str,
    message: &'static str,
) -> Case {
    Case {
        from,
        to,
        at,
        field,
        message,
    }
}

use At::{End, File, Start};

#[rustfmt::skip]
const SCENARIO_CASES: &[Case] = &[
    case(r#"rate = "10/s""#, r#"rate = "-4/s""#, Start(r#""-4/s""#), "workload.functions[0].arrivals.rate", "'-4/s' is negative"),
    case(r#"rate = "10/s""#, r#"rate = "5/fortnight""#, Start(r#""5/"#), "workload.functions[0].arrivals.rate", "unknown rate unit '/fortnight'"),
    case(r#"duration = "1h""#, r#"duration = "10""#, Start(r#""10""#), "duration", "'10' has no unit"),
    case(r#"duration = "1h""#, r#"duration = "3651d""#, Start(r#""3651d""#), "duration", "is longer than 3650d, the longest duration a scenario may give"),
    case(r#"median = "20ms", p99"#, r#"median = "53375995d", p99"#, Start(r#""53375995d""#), "workload.functions[0].execution.median", "'53375995d' is longer than 3650d"),
    case(r#"queue_timeout = "30s""#, "queue_timeout = \"30s\"\nspeed = 1e-18", Start("1e-18"), "deployments[1].compute.speed", "must be a number from 0.001 to 1000 (got 1e-18)"),
    case(r#"queue_timeout = "30s""#, "queue_timeout = \"30s\"\nspeed = nan", Start("nan"), "deployments[1].compute.speed", "(got nan)"),
    case("instances = 2", "instances = 4294967296", Start("4294967296"), "deployments[1].compute.instances", "must be a whole number from 1 to 10000000 (got 4294967296)"),
    case("account_concurrency = 1000", "account_concurrency = 4294967296", Start("4294967296"), "deployments[0].compute.account_concurrency", "must be a whole number from 1 to 4294967295 (got 4294967296)"),
    case("account_concurrency = 1000", "account_concurrency = 0", Start("0"), "deployments[0].compute.account_concurrency", "from 1 to 4294967295 (got 0)"),
    case("account_concurrency = 1000", "account_concurrency = 1000\nreserved_concurrency = { nope = 1 }", Start("1 }"), "deployments[0].compute.reserved_concurrency.nope", "no function named 'nope'"),
    case("read = 2", "read = 1000000000", Start("1000000000"), "workload.functions[0].calls.db.read", "must be a whole number from 0 to 10000 (got 1000000000)"),
    case("read = 2", "read = 6000, write = 6000", End("write = "), "workload.functions[0].calls", "add up to 12000"),
    case("seed = 1", "seed = 1\ncolour = \"red\"", Start("colour"), "colour", "unknown key 'colour'"),
    case(r#"model = "faas""#, "model = \"faas\"\nidle = \"5m\"", Start("idle"), "deployments[0].compute.idle", "unknown key 'idle'"),
    case("instances = 2", r#"instances = "2""#, Start(r#""2""#), "deployments[1].compute.instances", "must be a whole number (got the string \"2\")"),
    case(r#"duration = "1h""#, "duration = 10", Start("10"), "duration", "must be a string such as \"10m\" (got 10)"),
    case("workers = 8", "workers = 8.5", Start("8.5"), "deployments[1].compute.workers", "must be a whole number (got 8.5)"),
    case(r#"name = "base""#, r#"name = "..""#, Start(r#"".."#), "name", "'..' is not a safe folder name"),
    case(r#"name = "base""#, r#"name = "a/b""#, Start(r#""a/b""#), "name", "'a/b' is not a safe folder name"),
    case("usd = 0.20, per", "usd = nan, per", Start("nan"), "deployments[0].compute.billing.requests.usd", "must be a finite number >= 0 (got nan)"),
    case("usd = 0.20, per", "usd = inf, per", Start("inf"), "deployments[0].compute.billing.requests.usd", "(got inf)"),
    case("usd = 0.20, per", "usd = -0.20, per", Start("-0.20"), "deployments[0].compute.billing.requests.usd", "(got -0.2)"),
    case("instance_hours = { usd = 0.0416 }", "instance_hours = { usd = 0.0416 }\ndiscount = 1.5", Start("1.5"), "deployments[1].compute.billing.discount", "(got 1.5)"),
    case(r#"memory = "256MB""#, r#"memory = "4TB""#, Start(r#""4TB""#), "workload.functions[0].memory", "unknown memory unit 'TB'"),
    case(r#"memory = "256MB""#, r#"memory = "17000GB""#, Start(r#""17000GB""#), "workload.functions[0].memory", "larger than 16TB"),
    case(r#"median = "20ms", p99 = "120ms""#, r#"median = "200ms", p99 = "120ms""#, Start(r#""120ms""#), "workload.functions[0].execution.p99", "must not be below the median"),
    case(r#"arrivals = { process = "poisson", rate = "10/s" }"#, r#"arrivals = { process = "daily", rate = "10/s", profile = [1.0, 2.0, -1.0, 1.0] }"#, Start("-1.0"), "workload.functions[0].arrivals.profile[2]", "(got -1)"),
    case(r#"policy = "fixed", idle_timeout = "10m""#, r#"policy = "sometimes""#, Start(r#""sometimes""#), "deployments[0].compute.keep_alive.policy", "unknown keep-alive policy 'sometimes'"),
    case(r#"policy = "fixed", idle_timeout = "10m""#, r#"policy = "fixd", idle_timeout = "10m""#, Start(r#""fixd""#), "deployments[0].compute.keep_alive.policy", "unknown keep-alive policy 'fixd' (use none, fixed, forever or hybrid)"),
    case(r#"keep_alive = { policy = "fixed", idle_timeout = "10m" }"#, r#"keep_alive = ["fixed", "10m"]"#, Start("["), "deployments[0].compute.keep_alive", "must not be a list"),
    case(r#"model = "faas""#, r#"model = "lambda""#, Start(r#""lambda""#), "deployments[0].compute.model", "unknown compute model 'lambda'"),
    case(r#"name = "flt""#, r#"name = "lam""#, Start(r#""lam""#), "deployments[1].name", "is used by another deployment"),
    case(r#"name = "flt""#, r#"name = "flt ""#, Start(r#""flt ""#), "deployments[1].name", "'flt ' starts or ends with white space, which makes it print like another name"),
    case(r#"name = "flt""#, r#"name = " flt""#, Start(r#"" flt""#), "deployments[1].name", "starts or ends with white space"),
    case(r#"name = "lam""#, r#"name = "=HYPERLINK(\"http://x\")""#, Start(r#""=HYP"#), "deployments[0].name", "starts with '=', which a spreadsheet opening a report CSV reads as a formula"),
    case(r#"name = "lam""#, r#"name = "+lam""#, Start(r#""+lam""#), "deployments[0].name", "starts with '+'"),
    case(r#"name = "lam""#, r#"name = "@lam""#, Start(r#""@lam""#), "deployments[0].name", "starts with '@'"),
    case(r#"name = "lam""#, r#"name = "la\tm""#, Start(r#""la\tm""#), "deployments[0].name", "holds a control character (U+0009)"),
    case(r#"name = "lam""#, r#"name = "lam\u2066x""#, Start(r#""lam\u2066x""#), "deployments[0].name", "holds a Unicode bidirectional control (U+2066), which makes a name display as another"),
    case(r#"name = "f1""#, r#"name = "f1\u202Etxt""#, Start(r#""f1\u202Etxt""#), "workload.functions[0].name", "(U+202E)"),
    case(r#"name = "f1""#, r#"name = "-f1""#, Start(r#""-f1""#), "workload.functions[0].name", "starts with '-'"),
    case(r#"name = "base""#, r#"name = "-base""#, Start(r#""-base""#), "name", "starts with '-'"),
    case("name = \"db\"\nlatency = { dist = \"constant\", value = \"3ms\" }\noperations.read = {}", "name = \"-db\"\nlatency = { dist = \"constant\", value = \"3ms\" }\noperations.read = {}", Start("\"-db\""), "deployments[1].services[0].name", "starts with '-'"),
    case(r#"duration = "1h""#, "duration = \"1h\"\nbucket = \"2h\"", Start(r#""2h""#), "bucket", "is longer than the simulated duration"),
    case(r#"duration = "1h""#, "duration = \"1h\"\nwarmup = \"1h\"", End("warmup = "), "warmup", "(1h) must be shorter than the simulated window (1h)"),
    case(r#"duration = "1h""#, "duration = \"1h\"\nwarmup = \"-5m\"", Start(r#""-5m""#), "warmup", "negative"),
    case(r#"duration = "1h""#, "duration = \"1h\"\nbucket = \"1us\"", Start(r#""1us""#), "bucket", "3600000000 time buckets (more than 1000000)"),
    case(r#"rate = "10/s""#, r#"rate = "1e12/s""#, File, "", "the run is too large: 3.60e16 engine events (limit 10,000,000,000)"),
    case(r#"arrivals = { process = "poisson", rate = "10/s" }"#, r#"arrivals = { process = "fixed_interval", every = "1us" }"#, File, "", "36,000,000,000 engine events"),
    case(r#"queue_timeout = "30s""#, "queue_timeout = \"30s\"\nqueue_limit = 0", End("queue_limit = "), "deployments[1].compute.queue_limit", "(got 0)"),
    case(r#"name = "f1""#, r#"name = "f1"#, End(r#""f1"#), "workload.functions[0].name", "invalid basic string"),
    case("seed = 1", "seed = 1\nseed = 2", Start("seed = 2"), "seed", "duplicate key"),
    case("seed = 1", "seed = -1", Start("-1"), "seed", "must be a whole number from 0 to 9223372036854775807 (got -1)"),
    case("account_concurrency = 1000", "account_concurrency = 1000\nvcpus = 0", End("vcpus = "), "deployments[0].compute.vcpus", "must be a number of vCPUs from 9.5367431640625e-7 (2^-20) to 1048576 (2^20) (got 0)"),
    case("account_concurrency = 1000", "account_concurrency = 1000\nvcpus = nan", End("vcpus = "), "deployments[0].compute.vcpus", "(got NaN)"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nbasis = \"hourly\"", Start("\"hourly\""), "deployments[0].compute.billing.basis", "unknown value 'hourly' (use request, serving, instance)"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nvcpu_seconds = { usd = 0.000024 }", End("vcpu_seconds = "), "deployments[0].compute.billing.vcpu_seconds", "does not apply to basis = \"request\""),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nbasis = \"serving\"\nvcpu_seconds = { usd = 0.000024 }", End("vcpu_seconds = "), "deployments[0].compute.billing.vcpu_seconds", "needs deployments[0].compute.vcpus, the vCPUs of one instance"),
    case("vcpus = 2", "vcpus = 0", End("vcpus = "), "deployments[1].compute.vcpus", "must be a number of vCPUs from 9.5367431640625e-7 (2^-20) to 1048576 (2^20) (got 0)"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nbill_init = true\nbasis = \"serving\"", Start("\"serving\""), "deployments[0].compute.billing.bill_init", "does not apply to basis = \"serving\" (instance time includes the boot)"),
    case("instance_hours = { usd = 0.0416 }", "instance_hours = { usd = 0.0416 }\nbasis = \"instance\"", Start("basis = "), "deployments[1].compute.billing.basis", "`basis` is a faas billing key; this compute model is fleet (model = \"fleet\")"),
    case(r#"duration = "1h""#, "duration = \"1h\"\nmonth = \"1h\"", End("month = "), "month", "'1h' is not a month: a billing month must be from 28d to 31d long"),
    case(r#"duration = "1h""#, "duration = \"1h\"\nmonth = \"45d\"", End("month = "), "month", "'45d' is not a month: a billing month must be from 28d to 31d long"),
    case(r#"duration = "1h""#, "duration = \"1h\"\nmonth = \"27.99d\"", End("month = "), "month", "'27.99d' is not a month"),
    case(r#"duration = "1h""#, "duration = \"1h\"\nmonth = \"abc\"", End("month = "), "month", "'abc' does not start with a number"),
    case(r#"duration = "1h""#, "duration = \"1h\"\nmonth = 730", End("month = "), "month", "must be a string (got 730)"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nghz_seconds = { usd = 0.00001 }", End("ghz_seconds = "), "deployments[0].compute.billing.ghz_seconds", "needs deployments[0].compute.billing.cpu_tiers, the CPU clock of each memory size"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\ncpu_tiers = [{ memory = \"512MB\", ghz = 0.8 }]", End("cpu_tiers = "), "deployments[0].compute.billing.cpu_tiers", "needs deployments[0].compute.billing.ghz_seconds, the price per GHz-s"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nghz_seconds = { usd = 0.00001 }\ncpu_tiers = []", End("cpu_tiers = "), "deployments[0].compute.billing.cpu_tiers", "is empty"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nghz_seconds = { usd = 0.00001 }\ncpu_tiers = [{ memory = \"512MB\", ghz = 0.8 }, { memory = \"256MB\", ghz = 0.4 }]", Start("\"256MB\""), "deployments[0].compute.billing.cpu_tiers[1].memory", "tiers must have increasing memory (256 MB after 512 MB)"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nghz_seconds = { usd = 0.00001 }\ncpu_tiers = [{ memory = \"512MB\", ghz = -0.5 }]", End("ghz = "), "deployments[0].compute.billing.cpu_tiers[0].ghz", "must be a finite number > 0 (got -0.5)"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nghz_seconds = { usd = 0.00001 }\ncpu_tiers = [{ memory = \"512\", ghz = 0.8 }]", Start("\"512\""), "deployments[0].compute.billing.cpu_tiers[0].memory", "'512' has no unit"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nghz_seconds = { usd = 0.00001 }\ncpu_tiers = [{ memory = \"128MB\", ghz = 0.2 }]", End("cpu_tiers = "), "deployments[0].compute.billing.cpu_tiers", "function 'f1' is billed for 256 MB, more than the largest tier (128 MB)"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nghz_seconds = { usd = -0.00001 }\ncpu_tiers = [{ memory = \"512MB\", ghz = 0.8 }]", Start("-0.00001"), "deployments[0].compute.billing.ghz_seconds.usd", "must be a finite number >= 0"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nbasis = \"serving\"\ncpu_ms = { usd = 0.02, per = 1_000_000 }", End("cpu_ms = "), "deployments[0].compute.billing.cpu_ms", "does not apply to basis = \"serving\" (it prices each call: use basis = \"request\")"),
    case("account_concurrency = 1000\n[deployments.compute.billing]\n", "account_concurrency = 1000\nvcpus = 1\n[deployments.compute.billing]\ncpu_ms = { usd = 0.02 }\n", End("cpu_ms = "), "deployments[0].compute.billing.cpu_ms", "does not apply with deployments[0].compute.vcpus"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\ncpu_ms = { usd = 0.02, per = 0 }", Start("0 }"), "deployments[0].compute.billing.cpu_ms.per", "must be a finite number > 0 (got 0)"),
    case("requests = { usd = 0.20, per = 1_000_000 }", "requests = { usd = 0.20, per = -1 }", Start("-1"), "deployments[0].compute.billing.requests.per", "must be a finite number > 0 (got -1): the units one usd prices"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nusd_per_month = -5.0", End("usd_per_month = "), "deployments[0].compute.billing.usd_per_month", "must be a finite number >= 0 (got -5"),
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nusd_per_month = nan", End("usd_per_month = "), "deployments[0].compute.billing.usd_per_month", "(got nan)"),
    case("instance_hours = { usd = 0.0416 }", "instance_hours = { usd = 0.0416 }\nusd_per_month = 5.0", Start("usd_per_month = "), "deployments[1].compute.billing.usd_per_month", "`usd_per_month` is a faas billing key; this compute model is fleet"),
    case("instance_hours = { usd = 0.0416 }", "instance_hours = { usd = 0.0416 }\ncpu_tiers = [{ memory = \"512MB\", ghz = 0.8 }]", Start("cpu_tiers = "), "deployments[1].compute.billing.cpu_tiers", "`cpu_tiers` is a faas billing key; this compute model is fleet"),
    // Issue 17, item 4: a 256 MB function would be billed at 128 MB.
    case("gb_seconds = { usd = 0.0000166667 }", "gb_seconds = { usd = 0.0000166667 }\nmemory_min = \"1GB\"\nmemory_max = \"128MB\"", End("memory_max = "), "deployments[0].compute.billing.memory_max", "is 128 MB, below memory_min (1024 MB): billed memory is raised to memory_min and capped at memory_max, so every call would be billed at 128 MB whatever its memory"),
    case("account_concurrency = 1000\n[deployments.compute.billing]\n", "account_concurrency = 1000\npricing = \"azure-functions-consumption\"\n[deployments.compute.billing]\nmemory_min = \"2GB\"\n", End("memory_min = "), "deployments[0].compute.billing.memory_min", "is 2048 MB, above memory_max (1536 MB)"),
];

#[test]
fn bad_scenario_values_and_toml_are_located_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    let out = dir.path().join("out");
    let mut checked = 0;
    for c in SCENARIO_CASES {
        assert_eq!(
            BASE.matches(c.from).count(),
            1,
            "{} must occur once",
            c.from
        );
        let at = BASE.find(c.from).unwrap();
        let text = BASE.replacen(c.from, c.to, 1);
        fs::write(&file, &text).unwrap();
        let want = match c.at {
            Start(s) | End(s) => {
                let offset =
                    c.to.find(s)
                        .unwrap_or_else(|| panic!("{s} not in {}", c.to));
                let extra = if matches!(c.at, End(_)) { s.len() } else { 0 };
                let (line, col) = line_col(&text, at + offset + extra);
                format!("error: {}:{line}:{col}: {}: ", file.display(), c.field)
            }
            File => format!("error: {}: ", file.display()),
        };
        for args in [&["check"][..], &["run", "--out", out.to_str().unwrap()]] {
            let stderr = fails(bin().args(args).arg(&file), 1);
            assert!(
                stderr.starts_with(&want),
                "{} -> {}:\nwant {want}\ngot  {stderr}",
                c.from,
                c.to
            );
            assert!(stderr.contains(c.message), "{}: {stderr}", c.to);
            assert!(!out.exists(), "{}: a report was written", c.to);
        }
        checked += 1;
    }
    assert_eq!(checked, SCENARIO_CASES.len());
    assert!(checked >= 40, "{checked} cases");
}

#[test]
fn a_call_to_a_missing_service_names_the_deployment() {
    let text = BASE.replacen(
        "calls = { db = { read = 2 } }",
        "calls = { cache = { get = 2 } }",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    fs::write(&file, &text).unwrap();
    let stderr = fails(bin().arg("check").arg(&file), 1);
    // Blamed on the first deployment's name, which lacks the service.
    let (line, col) = line_col(&text, text.find(r#""lam""#).unwrap());
    assert!(
        stderr.starts_with(&format!(
            "error: {}:{line}:{col}: deployments[0].services: deployment 'lam' does not define service 'cache', which function 'f1' calls",
            file.display()
        )),
        "{stderr}"
    );
}

#[test]
fn bad_flags_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("base.toml");
    fs::write(&file, BASE).unwrap();
    let out = dir.path().join("out");
    let cases: &[(&[&str], &str)] = &[
        (
            &["--threads", "0"],
            "invalid value '0' for '--threads <N>': 0 is not in 1..=256",
        ),
        (
            &["--threads", "100000"],
            "invalid value '100000' for '--threads <N>': 100000 is not in 1..=256",
        ),
        (
            &["--threads", "many"],
            "invalid value 'many' for '--threads <N>'",
        ),
        (&["--seed", "-1"], "unexpected argument '-1'"),
        (
            &["--seed", "18446744073709551616"],
            "invalid value '18446744073709551616' for '--seed <N>'",
        ),
        (&["--frobnicate"], "unexpected argument '--frobnicate'"),
    ];
    for (args, want) in cases {
        let stderr = fails(
            bin()
                .arg("run")
                .arg(&file)
                .arg("--out")
                .arg(&out)
                .args(*args),
            2,
        );
        assert!(
            stderr.starts_with(&format!("error: {want}")),
            "{args:?}: {stderr}"
        );
        assert!(!out.exists());
    }
    let missing = dir.path().join("nothere.toml");
    let stderr = fails(bin().arg("check").arg(&missing), 1);
    assert!(
        stderr.starts_with(&format!(
            "error: {}: (file): cannot read: No such file",
            missing.display()
        )),
        "{stderr}"
    );
    let stderr = fails(
        bin()
            .args(["trace", "inspect"])
            .arg(dir.path().join("nothere.csv")),
        1,
    );
    assert!(
        stderr.contains("nothere.csv: (file): cannot open"),
        "{stderr}"
    );
}

#[test]
fn output_paths_that_are_not_a_report_folder_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("base.toml");
    fs::write(&file, BASE).unwrap();
    let foreign = dir.path().join("mydocs");
    fs::create_dir_all(foreign.join("sub")).unwrap();
    fs::write(foreign.join("thesis.txt"), "draft").unwrap();
    let afile = dir.path().join("afile");
    fs::write(&afile, "data").unwrap();
    let cases = [
        (
            foreign.clone(),
            "it is a folder that is not empty and not a serverless-sim report",
        ),
        (afile.clone(), "not used as the output folder"),
        (
            afile.join("inside"),
            "is a file, not a folder; nothing was changed",
        ),
    ];
    for (out, want) in &cases {
        let stderr = fails(bin().arg("run").arg(&file).arg("--out").arg(out), 1);
        assert!(stderr.contains(want), "{}: {stderr}", out.display());
        assert_eq!(
            stderr.matches("(os error").count().min(1),
            stderr.matches("(os error").count()
        );
    }
    assert_eq!(
        fs::read_to_string(foreign.join("thesis.txt")).unwrap(),
        "draft"
    );
    assert!(foreign.join("sub").is_dir());
    assert_eq!(fs::read_to_string(&afile).unwrap(), "data");
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["afile", "base.toml", "mydocs"],
        "nothing left beside them"
    );
}
