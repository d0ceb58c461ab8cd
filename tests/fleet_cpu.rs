//! Fleets with vCPUs against queueing theory: the requests in service share the instance's
//! vCPUs by processor sharing.
//!
//! - One instance of 1 vCPU with many workers, Poisson arrivals, exponential fully CPU-bound
//!   service: the M/M/1-PS queue, mean response time S / (1 - rho) (Kleinrock, Queueing
//!   Systems vol. 2, section 4.4; insensitive to the service distribution).
//! - Two fleets that differ only in `vcpus`, near saturation: the smaller has the higher p99.
//!
//! `vcpus` is set on the parsed scenario (the key is wired by the scenario schema).

mod common;

use common::{deployment, mean_se, scenario};
use serverless_sim::platform::ComputeSpec;
use serverless_sim::run;
use serverless_sim::scenario::Scenario;

/// The scenario `text` with `vcpus` set on each fleet deployment as `vcpus_of` its name says.
fn with_vcpus(text: &str, vcpus_of: impl Fn(&str) -> f64) -> Scenario {
    let mut s = scenario(text);
    for d in &mut s.deployments {
        let ComputeSpec::Fleet(f) = &mut d.compute else {
            unreachable!()
        };
        f.vcpus = Some(vcpus_of(&d.name));
    }
    s
}

fn fleet(name: &str, workers: u32) -> String {
    format!(
        r#"
[[deployments]]
name = "{name}"
[deployments.compute]
model = "fleet"
instances = 1
workers = {workers}
[deployments.compute.billing]
instance_hours = {{ usd = 0.0416 }}
"#
    )
}

fn workload(seed: u64, duration: &str, rate: &str, mean: &str) -> String {
    format!(
        r#"
name = "fleet-cpu"
seed = {seed}
duration = "{duration}"
bucket = "60s"

[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "exponential", mean = "{mean}" }}
arrivals = {{ process = "poisson", rate = "{rate}" }}
"#
    )
}

#[test]
fn one_vcpu_with_many_workers_is_m_m_1_ps() {
    // S = 10 ms, lambda = 70/s: rho = 0.7, mean response 10 / 0.3 = 33.33 ms. 200 workers:
    // the chance that more than 200 requests are in service is 0.7^200 (about 1e-31), so
    // none waits for a worker. 8 replications of 2,000 s (140,000 requests each).
    let want = 0.010 / (1.0 - 0.7);
    let means: Vec<f64> = (1..=8)
        .map(|seed| {
            let text = workload(seed, "2000s", "70/s", "10ms") + &fleet("ps", 200);
            let r = run::run(&with_vcpus(&text, |_| 1.0)).unwrap();
            let d = deployment(&r, "ps");
            assert_eq!(d.recorder.totals.completed, d.recorder.totals.requests);
            assert_eq!(d.recorder.queue_wait.as_ref().unwrap().max_us(), Some(0));
            d.recorder.latency.mean_us().unwrap() / 1e6
        })
        .collect();
    let (got, se) = mean_se(&means);
    println!(
        "M/M/1-PS: {:.3} ms vs {:.3} ms (SE {:.3} ms)",
        got * 1e3,
        want * 1e3,
        se * 1e3
    );
    assert!(0.05 * want >= 3.0 * se, "runs too short for a 5% check");
    assert!((got - want).abs() < 0.05 * want, "{got} vs {want}");
    assert!((got - want).abs() < 4.0 * se, "more than 4 SE off");
}

#[test]
fn fewer_vcpus_near_saturation_give_the_higher_p99() {
    // 15 requests/s of 100 ms of CPU: 1.5 vCPUs of work. On 2 vCPUs rho = 0.75; on 1.6,
    // 0.94. The response time of M/M/c-PS grows like 1 / (1 - rho): the p99 on 1.6 vCPUs is
    // several times that on 2 (at least twice, a generous bound for a 2,000 s run).
    let text = workload(7, "2000s", "15/s", "100ms") + &fleet("two", 64) + &fleet("one-six", 64);
    let s = with_vcpus(&text, |name| if name == "two" { 2.0 } else { 1.6 });
    let r = run::run(&s).unwrap();
    let p99 = |name| {
        deployment(&r, name)
            .recorder
            .latency
            .quantile_us(0.99)
            .unwrap()
    };
    let (big, small) = (p99("two"), p99("one-six"));
    println!("p99: 2 vCPUs {big} µs, 1.6 vCPUs {small} µs");
    assert!(small > 2 * big, "{small} vs {big}");
}
