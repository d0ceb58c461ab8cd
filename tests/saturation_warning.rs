//! Saturation said aloud: `check` and `run` warn when a fleet is offered more work than it
//! can do on the workload's mean rates, naming it and the load at which it saturates
//! (figures by hand).

mod common;

use std::fs;

use common::cli::bin;

/// 30/s x `load` calls of 100 ms plus one backend read of 50 ms, on `small` (2 instances x 4
/// workers) and `large` (2 x 8).
fn scenario(load: &str) -> String {
    let fleet = |name: &str, workers: u32| {
        format!(
            r#"
[[deployments]]
name = "{name}"
[deployments.compute]
model = "fleet"
instances = 2
workers = {workers}
[deployments.compute.billing]
instance_hours = {{ usd = 0.1 }}
[[deployments.services]]
name = "db"
latency = {{ dist = "constant", value = "50ms" }}
operations.read = {{}}
"#
        )
    };
    format!(
        r#"duration = "10m"
load = {load}
[[workload.functions]]
name = "api"
memory = "512MB"
execution = {{ dist = "constant", value = "100ms" }}
arrivals = {{ process = "poisson", rate = "30/s" }}
calls = {{ db = {{ read = 1 }} }}
{}{}"#,
        fleet("small", 4),
        fleet("large", 8)
    )
}

#[test]
fn check_and_run_name_the_fleet_that_saturates_and_the_load_it_saturates_at() {
    // By hand, at load 2: 60 calls/s each hold a worker 0.1 s + 0.05 s = 0.15 s: 9
    // worker-seconds per second. small has 2 x 4 = 8 workers: 112.5%, saturating at load
    // 2 x 8 / 9 = 1.778; large has 16: 56%, no warning.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    fs::write(&file, scenario("2")).unwrap();
    let want = "warning: deployments[0] 'small': offered 9 worker-seconds of worker time per \
                second on the workload's mean rates, on 2 instances x 4 workers: mean \
                utilisation 112%, its queue grows without bound; it saturates at load 1.778 \
                (this scenario's load is 2): add instances or workers";
    let check = bin().arg("check").arg(&file).output().unwrap();
    assert!(check.status.success());
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains(want), "{stderr}");
    assert!(!stderr.contains("'large': offered"), "{stderr}");
    // run says it too, and measures it: offered 1.125x its capacity, saturating near 2 /
    // 1.125 = 1.778 (Poisson arrivals: within a few percent over 36,000 calls).
    let run = bin()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert!(run.status.success());
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains(want), "{stderr}");
    let measured = stderr
        .lines()
        .find(|l| l.starts_with("warning: fleet 'small' was offered"))
        .unwrap_or_else(|| panic!("{stderr}"));
    let at = measured
        .split("saturates at about load ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse::<f64>().ok())
        .unwrap_or_else(|| panic!("{measured}"));
    assert!((at - 1.778).abs() < 0.05, "{measured}");
    // At load 1.5 (6.75 worker-seconds per second, 84%) nothing is said.
    fs::write(&file, scenario("1.5")).unwrap();
    let check = bin().arg("check").arg(&file).output().unwrap();
    assert!(!String::from_utf8_lossy(&check.stderr).contains("saturates"));
}
