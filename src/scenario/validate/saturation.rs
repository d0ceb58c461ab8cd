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
        .filter_map(|d| {
            let ComputeSpec::Fleet(fleet) = &d.compute else {
                return None;
            };
            saturation(load, &workload.functions, &rates, fleet, &d.services)
                .map(|message| format!("deployment '{}': {message}", d.name))
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

/// `x` with 4 significant digits, trailing zeros dropped: `0.8333`, `1.25`, `120`.
fn number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let decimals = (3 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_keep_four_significant_digits() {
        assert_eq!(number(0.833_333), "0.8333");
        assert_eq!(number(1.25), "1.25");
        assert_eq!(number(120.0), "120");
        assert_eq!(number(12_345.6), "12346");
    }
}
