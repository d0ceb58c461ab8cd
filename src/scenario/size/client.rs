//! The size of a client deployment (`model = "client"`): no instances, only the requests in
//! flight, each waiting for its backend operations.
//!
//! Memory: one pending answer per request in flight
//! ([`crate::platform::client::BYTES_PER_IN_FLIGHT`]); by Little's law about peak arrival
//! rate x mean backend time of a call, plus 5 standard deviations. Nothing bounds it (there is
//! no limit to refuse requests), so the limit is judged on that expected figure.

use super::Demand;
use crate::platform::DeploymentSpec;
use crate::platform::client::BYTES_PER_IN_FLIGHT;
use crate::workload::FunctionSpec;

/// A client deployment's expected memory (bytes), no bound, and what it is made of.
pub(super) fn client_memory(d: &DeploymentSpec, demands: &[Demand]) -> (f64, Option<f64>, String) {
    let in_flight: f64 = demands
        .iter()
        .map(|x| {
            let n = x.functions.len().max(1) as f64;
            let seconds: f64 = x.functions.iter().map(|f| backend_seconds(d, f)).sum();
            let busy = x.arrivals.peak_rate * seconds / n;
            busy + 5.0 * busy.sqrt()
        })
        .sum();
    let detail = format!(
        "requests in flight at peak: about {}, waiting for the backend (no instances)",
        super::count(in_flight)
    );
    (in_flight * BYTES_PER_IN_FLIGHT as f64, None, detail)
}

/// The mean time (s) one call of `func` spends on its backend operations on `d`, one after
/// another.
pub(super) fn backend_seconds(d: &DeploymentSpec, func: &FunctionSpec) -> f64 {
    let ms: f64 = func
        .calls
        .iter()
        .map(|c| {
            let latency = d
                .services
                .iter()
                .filter(|s| s.name == c.service)
                .flat_map(|s| &s.operations)
                .find(|o| o.kind == c.operation)
                .map_or(0.0, |o| o.latency.mean_ms());
            c.count as f64 * latency
        })
        .sum();
    ms / 1e3
}
