//! The Cloud Run presets' autoscaling: Google's documented defaults (CPU utilisation kept near
//! 60% over a one-minute window, 0 to 100 instances; G8 to G12 in
//! `src/pricing/presets/gcp-cloud-run.toml`), typed here from the pages, and what a scenario
//! naming a preset gets from them, and how it overrides them.

use std::path::Path;

use serverless_sim::engine::time::SECOND;
use serverless_sim::platform::ComputeSpec;
use serverless_sim::platform::faas::FaasSpec;
use serverless_sim::platform::fleet::{Balancer, ScalingTarget};
use serverless_sim::pricing::presets::catalogue;
use serverless_sim::scenario::Scenario;

const CLOUD_RUN: [&str; 2] = ["gcp-cloud-run-request", "gcp-cloud-run-instance"];

#[test]
fn both_presets_carry_the_documented_autoscaling_defaults_with_their_sources() {
    for name in CLOUD_RUN {
        let p = catalogue().get(name).unwrap();
        let param = |key: &str| {
            p.params
                .iter()
                .find(|q| q.key == key)
                .unwrap_or_else(|| panic!("{name}: no {key}"))
        };
        // "targeting to keep scheduled instances to a 60% CPU utilization" (G8); "a
        // utilization target of 60% for both CPU and concurrency" (G9).
        let target = param("autoscale.target");
        assert_eq!(target.value.to_string(), "{ cpu = 0.6 }", "{name}");
        assert_eq!(target.sources, ["G8", "G9"]);
        // "over a one minute window" (G8).
        assert_eq!(param("autoscale.window").value.as_str(), Some("1m"));
        // Scaled to zero without traffic (G8); "a maximum of 100 instances" by default (G10,
        // G11).
        assert_eq!(param("autoscale.min").value.as_integer(), Some(0));
        assert_eq!(param("autoscale.max").value.as_integer(), Some(100));
        assert_eq!(param("autoscale.max").sources, ["G10", "G11"]);
        // "evalúa cada 5 segundos" in an older copy only: single-source.
        let interval = param("autoscale.interval");
        assert_eq!(interval.value.as_str(), Some("5s"));
        assert_eq!(interval.confidence.name(), "single-source");
        // No balancer param: the FaaS default (least_outstanding) applies, and no source
        // documents Cloud Run's routing.
        assert!(p.params.iter().all(|q| q.key != "balancer"), "{name}");
        let shown = serverless_sim::cli::pricing::capacity(p).unwrap();
        assert_eq!(
            shown,
            "autoscaled to keep CPU utilisation near 60% of the vCPUs, 0 to 100 instances, \
             averaged over 1m"
        );
    }
}

/// One function calling nothing, on a deployment naming `preset` with the keys a user must
/// give (keep-alive, vCPUs) and `extra`.
fn scenario(preset: &str, extra: &str) -> Scenario {
    let text = format!(
        r#"
name = "cloud-run-autoscale"
duration = "1h"
[[workload.functions]]
name = "f"
memory = "512MB"
execution = {{ dist = "constant", value = "20ms" }}
arrivals = {{ process = "poisson", rate = "50/s" }}
[[deployments]]
name = "d"
[deployments.compute]
pricing = "{preset}"
vcpus = 1
cold_start = {{ dist = "constant", value = "500ms" }}
keep_alive = {{ policy = "fixed", idle_timeout = "15m" }}
{extra}
"#
    );
    Scenario::parse(Path::new("t.toml"), &text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn faas(s: &Scenario) -> &FaasSpec {
    match &s.deployments[0].compute {
        ComputeSpec::Faas(f) => f,
        other => panic!("not FaaS: {other:?}"),
    }
}

/// Needs the `autoscale` and `balancer` keys wired into the schema (h-schema, issue 18).
#[test]
fn a_scenario_naming_a_preset_gets_its_autoscaling_and_may_override_it() {
    for preset in CLOUD_RUN {
        let s = scenario(preset, "");
        let f = faas(&s);
        let a = f.autoscale.as_ref().expect("the preset autoscales");
        assert_eq!(a.target, ScalingTarget::Cpu(0.6), "{preset}");
        assert_eq!((a.min, a.max), (0, 100));
        assert_eq!((a.window, a.interval), (60 * SECOND, 5 * SECOND));
        assert_eq!(f.balancer, Balancer::LeastOutstanding);
        // A target written in the scenario replaces the preset's whole (no cpu left over);
        // its other autoscaling keys stay.
        let s = scenario(
            preset,
            "autoscale.target = { concurrency = 0.7 }\nbalancer = \"most_recently_used\"",
        );
        let f = faas(&s);
        let a = f.autoscale.as_ref().unwrap();
        assert_eq!(a.target, ScalingTarget::Concurrency(0.7));
        assert_eq!(a.max, 100);
        assert_eq!(f.balancer, Balancer::MostRecentlyUsed);
    }
}
