//! Load balancing on a fleet against queueing theory: four instances of one worker each,
//! exponential service of mean 100 ms (mu = 10/s), Poisson arrivals at 28/s (rho = 0.7).
//!
//! - `random` splits a Poisson stream into four independent Poisson streams of 7/s: each
//!   instance is an M/M/1 queue, mean wait rho / (mu - lambda / 4) = 0.7 / 3 s = 233.3 ms.
//! - `round_robin` gives each instance every fourth arrival: Erlang-4 interarrival times of
//!   mean 4 / lambda, so each instance is an E4/M/1 queue (GI/M/1): the mean wait is
//!   sigma / (mu (1 - sigma)) where sigma in (0, 1) solves sigma = A*(mu (1 - sigma)), A*
//!   being the interarrival Laplace transform, here (lambda / (lambda + s))^4 (Kleinrock,
//!   Queueing Systems vol. 1, section 6.4). Solved below by fixed-point iteration.
//! - `shared_queue` is M/M/4 (Erlang C, tests/closed_form.rs), the best any rule can do;
//!   `least_outstanding` (join the shortest queue) and `power_of_two` lie between it and
//!   `random`, in that order.
//!
//! The waits are the fleet's own queue waits (arrival to taking a worker), exact per request.
//! Standard errors from 8 independent replications of 2,000 s each; every deployment of a
//! replication sees the same requests, so the orderings are checked on paired differences.

mod common;

use common::{deployment, mean_se, scenario};
use serverless_sim::platform::fleet::Balancer;
use serverless_sim::platform::{ComputeSpec, DeploymentResult};
use serverless_sim::run;

const RULES: [&str; 5] = [
    "shared_queue",
    "least_outstanding",
    "power_of_two",
    "round_robin",
    "random",
];

/// Mean queue wait (s) of each rule in [`RULES`], for replication `seed`.
fn waits(seed: u64) -> Vec<f64> {
    let fleets: String = RULES
        .iter()
        .map(|rule| {
            format!(
                r#"
[[deployments]]
name = "{rule}"
[deployments.compute]
model = "fleet"
instances = 4
workers = 1
[deployments.compute.billing]
instance_hours = {{ usd = 0.0416 }}
"#
            )
        })
        .collect();
    let text = format!(
        r#"
name = "balancers"
seed = {seed}
duration = "2000s"
bucket = "60s"

[[workload.functions]]
name = "f"
memory = "128MB"
execution = {{ dist = "exponential", mean = "100ms" }}
arrivals = {{ process = "poisson", rate = "28/s" }}
{fleets}"#
    );
    let mut s = scenario(&text);
    for d in &mut s.deployments {
        let ComputeSpec::Fleet(f) = &mut d.compute else {
            unreachable!()
        };
        f.balancer = Balancer::from_name(&d.name).unwrap();
    }
    let r = run::run(&s).unwrap();
    RULES
        .iter()
        .map(|rule| {
            let d: &DeploymentResult = deployment(&r, rule);
            assert_eq!(d.recorder.totals.completed, d.recorder.totals.requests);
            let waits = d.recorder.queue_wait.as_ref().unwrap();
            assert_eq!(waits.count(), d.recorder.totals.requests);
            waits.mean_us().unwrap() / 1e6
        })
        .collect()
}

/// sigma of the E_k/M/1 queue: the root in (0, 1) of sigma = (lambda / (lambda + mu (1 -
/// sigma)))^k, by fixed-point iteration (a contraction near the root for rho < 1).
fn ek_m_1_sigma(k: i32, lambda: f64, mu: f64) -> f64 {
    let mut sigma = 0.5;
    for _ in 0..10_000 {
        sigma = (lambda / (lambda + mu * (1.0 - sigma))).powi(k);
    }
    sigma
}

#[test]
fn balancers_match_their_queues_and_order_as_theory_says() {
    let (lambda, mu, n) = (28.0, 10.0, 4);
    let per_instance = lambda / n as f64;
    let rho = per_instance / mu;
    let want_random = rho / (mu - per_instance);
    let sigma = ek_m_1_sigma(n, lambda, mu);
    // By hand: sigma = 0.5529 (28 / (28 + 4.471) = 0.86230, whose 4th power is 0.55288),
    // so the wait is 0.5529 / 4.471 = 123.7 ms.
    assert!((sigma - 0.5529).abs() < 1e-4, "sigma {sigma}");
    let want_rr = sigma / (mu * (1.0 - sigma));
    let runs: Vec<Vec<f64>> = (1..=8).map(waits).collect();
    let column = |i: usize| runs.iter().map(|w| w[i]).collect::<Vec<_>>();
    let check = |i: usize, want: f64| {
        let (got, se) = mean_se(&column(i));
        println!(
            "{}: wait {:.2} ms vs {:.2} ms (SE {:.2} ms)",
            RULES[i],
            got * 1e3,
            want * 1e3,
            se * 1e3
        );
        assert!(0.05 * want >= 3.0 * se, "runs too short for a 5% check");
        assert!(
            (got - want).abs() < 0.05 * want && (got - want).abs() < 4.0 * se,
            "{}: {got} vs {want}",
            RULES[i]
        );
    };
    check(4, want_random);
    check(3, want_rr);
    // shared_queue <= least_outstanding <= power_of_two <= random, on paired differences.
    for pair in [(0, 1), (1, 2), (2, 4)] {
        let diffs: Vec<f64> = runs.iter().map(|w| w[pair.1] - w[pair.0]).collect();
        let (d, se) = mean_se(&diffs);
        println!(
            "{} - {}: {:.2} ms (SE {:.2} ms)",
            RULES[pair.1],
            RULES[pair.0],
            d * 1e3,
            se * 1e3
        );
        assert!(
            d > 3.0 * se,
            "{} not above {}",
            RULES[pair.1],
            RULES[pair.0]
        );
    }
}
