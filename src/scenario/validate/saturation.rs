//! Saturation said aloud: a warning for every fleet offered, on the workload's mean rates, at
//! least as much work as it can do (mean utilisation of 100% or more: its queue grows without
//! bound), naming the deployment and the `load` at which it saturates.
//!
//! Two capacities bound a fleet, and the one reached at the lower load is named:
//! - **CPU** (a fleet with `vcpus`): the offered CPU work, in vCPU-seconds per second, is the
//!   sum over functions of mean arrival rate x mean execution time x CPU-bound share
//!   (`cpu_bound`, unstated = 1, as on every shared vCPU) / `speed`; the capacity is instances
//!   x `vcpus` (autoscaled: its `max` instances).
//! - **Worker slots** (every fleet): a request holds its worker for its execution time /
//!   `speed` plus its backend operations (their mean latency), so the offered slot time per
//!   second is the sum of mean arrival rate x that time; the capacity is instances x
//!   `workers`. (Where requests share vCPUs they hold their workers longer than that, so this
//!   bound is reached no sooner than said.)
//!
//! The saturating load is the scenario's `load` x capacity / offered work (every synthetic
//! arrival rate scales with `load`). A trace workload is not judged here (its rates vary over
//! the replay); `run` judges every fleet on its measured utilisation.

use crate::platform::{ComputeSpec, DeploymentSpec, FleetSpec, ServiceSpec};
use crate::units::significant as number;
use crate::workload::{FunctionSpec, Source, Workload};

/// What bounds a fleet, and how much of it is offered.
struct Bound {
    /// Offered work per second, in units of the capacity.
    offered: f64,
    capacity: f64,
    /// `vCPU` or `worker`, for the message.
    unit: &'static str,
    /// `CPU work` or `worker time`.
    what: &'static str,
}

/// Every saturation warning of `deployments` on `workload` (scaled by `load`), in scenario
/// order.
pub fn saturation_warnings(
    load: f64,
    workload: &Workload,
    deployments: &[DeploymentSpec],
) -> Vec<String> {
    let Source::Synthetic(processes) = &workload.source else {
        return Vec::new();
    };
    let rates: Vec<f64> = processes.iter().map(|p| p.mean_rate()).collect();
    deployments
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let ComputeSpec::Fleet(fleet) = &d.compute else {
                return None;
            };
            saturation(load, &workload.functions, &rates, fleet, &d.services)
                .map(|message| format!("deployments[{i}] '{}': {message}", d.name))
        })
        .collect()
}

/// The warning for one fleet, or `None` when it keeps up with the mean rates.
fn saturation(
    load: f64,
    functions: &[FunctionSpec],
    rates: &[f64],
    fleet: &FleetSpec,
    services: &[ServiceSpec],
) -> Option<String> {
    let instances = fleet.autoscale.as_ref().map_or(fleet.instances, |a| a.max);
    let mut bounds = vec![Bound {
        offered: functions
            .iter()
            .zip(rates)
            .map(|(f, rate)| {
                rate * (f.exec.mean_ms() / fleet.speed + backend_ms(f, services)) / 1e3
            })
            .sum(),
        capacity: f64::from(instances) * f64::from(fleet.workers_per_instance),
        unit: "worker",
        what: "worker time",
    }];
    if let Some(vcpus) = fleet.vcpus {
        bounds.push(Bound {
            offered: functions
                .iter()
                .zip(rates)
                .map(|(f, rate)| {
                    rate * f.exec.mean_ms() / 1e3 * f.faas.cpu_bound.unwrap_or(1.0) / fleet.speed
                })
                .sum(),
            capacity: f64::from(instances) * vcpus,
            unit: "vCPU",
            what: "CPU work",
        });
    }
    let binding = bounds
        .into_iter()
        .filter(|b| b.offered > 0.0 && b.offered >= b.capacity)
        .min_by(|a, b| (a.capacity / a.offered).total_cmp(&(b.capacity / b.offered)))?;
    let per_instance = binding.capacity / f64::from(instances.max(1));
    Some(format!(
        "offered {} {}-seconds of {} per second on the workload's mean rates, on {instances} \
         instance{} x {} {}{}: mean utilisation {:.0}%, its queue grows without bound; it \
         saturates at load {} (this scenario's load is {}): add instances or {}s",
        number(binding.offered),
        binding.unit,
        binding.what,
        if instances == 1 { "" } else { "s" },
        number(per_instance),
        binding.unit,
        if per_instance == 1.0 { "" } else { "s" },
        binding.offered / binding.capacity * 100.0,
        number(load * binding.capacity / binding.offered),
        number(load),
        binding.unit,
    ))
}

/// Mean latency (ms) of one call's backend operations on these services.
fn backend_ms(f: &FunctionSpec, services: &[ServiceSpec]) -> f64 {
    f.calls
        .iter()
        .filter_map(|c| {
            let service = services.iter().find(|s| s.name == c.service)?;
            let op = service.operations.iter().find(|o| o.kind == c.operation)?;
            Some(op.latency.mean_ms() * f64::from(c.count))
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// Two fleets of one instance with 8 workers, identical but for `vcpus` (1 and 2, set on
    /// the spec), serving 100 ms calls that are half CPU-bound at 30/s x `load`.
    fn twins(load: &str) -> Scenario {
        let fleet = |name: &str| {
            format!(
                "[[deployments]]\nname = \"{name}\"\n[deployments.compute]\nmodel = \"fleet\"\n\
                 instances = 1\nworkers = 8\n[deployments.compute.billing]\n\
                 instance_hours = {{ usd = 0.1 }}\n"
            )
        };
        let text = format!(
            "duration = \"1h\"\nload = {load}\n[[workload.functions]]\nname = \"api\"\n\
             memory = \"512MB\"\ncpu_bound = 0.5\n\
             execution = {{ dist = \"constant\", value = \"100ms\" }}\n\
             arrivals = {{ process = \"poisson\", rate = \"30/s\" }}\n{}{}",
            fleet("small"),
            fleet("big")
        );
        let mut s = Scenario::parse("t.toml".as_ref(), &text).unwrap_or_else(|e| panic!("{e}"));
        for (d, vcpus) in s.deployments.iter_mut().zip([1.0, 2.0]) {
            let ComputeSpec::Fleet(f) = &mut d.compute else {
                panic!("a fleet")
            };
            f.vcpus = Some(vcpus);
        }
        s
    }

    #[test]
    fn the_fleet_with_fewer_vcpus_is_named_with_the_load_it_saturates_at() {
        // By hand: CPU work offered = 30/s x 0.1 s x 0.5 = 1.5 vCPU-s/s. small has 1 vCPU:
        // 150%, saturating at load 1 x 1 / 1.5 = 0.6667; big has 2: 75%, no warning. Worker
        // time is 30 x 0.1 = 3 of 8 workers: not the bound.
        let s = twins("1");
        let warnings = saturation_warnings(s.load, &s.workload, &s.deployments);
        assert_eq!(
            warnings,
            [
                "deployments[0] 'small': offered 1.5 vCPU-seconds of CPU work per second on the \
              workload's mean rates, on 1 instance x 1 vCPU: mean utilisation 150%, its queue \
              grows without bound; it saturates at load 0.6667 (this scenario's load is 1): \
              add instances or vCPUs"
            ]
        );
        // At load 0.5 (0.75 vCPU-s/s) neither saturates; at 1.5 (2.25) both, big at 1.5 x 2
        // / 2.25 = 1.333.
        let s = twins("0.5");
        assert!(saturation_warnings(s.load, &s.workload, &s.deployments).is_empty());
        let s = twins("1.5");
        let warnings = saturation_warnings(s.load, &s.workload, &s.deployments);
        assert_eq!(warnings.len(), 2);
        assert!(
            warnings[1].starts_with("deployments[1] 'big': offered 2.25 vCPU-seconds")
                && warnings[1].contains("2 vCPUs: mean utilisation 112%")
                && warnings[1].contains("saturates at load 1.333 (this scenario's load is 1.5)"),
            "{warnings:?}"
        );
    }

    #[test]
    fn numbers_keep_four_significant_digits() {
        assert_eq!(number(0.833_333), "0.8333");
        assert_eq!(number(1.25), "1.25");
        assert_eq!(number(120.0), "120");
        assert_eq!(number(12_345.6), "12346");
        assert_eq!(number(6.317e-9), "0.000000006317");
    }
}
