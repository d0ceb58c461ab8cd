//! Warnings about capacity that `check` and `run` print before the numbers: a fleet without
//! `vcpus` (its latency ignores CPU), `workers` that cannot all hold their requests'
//! `server_memory` on one instance, and a service's connection cap left out for want of a
//! `hold`.

use crate::platform::{ComputeSpec, DeploymentSpec};
use crate::workload::Workload;

/// The capacity warnings of `deployments` serving `workload`, one line each.
pub fn capacity_warnings(workload: &Workload, deployments: &[DeploymentSpec]) -> Vec<String> {
    let mut out = Vec::new();
    let largest_request_mb = workload
        .functions
        .iter()
        .filter_map(|f| f.faas.server_memory_mb)
        .max();
    for (i, d) in deployments.iter().enumerate() {
        for (j, s) in d.services.iter().enumerate() {
            if let Some(cap) = s.connections
                && cap.hold.is_none()
            {
                out.push(format!(
                    "deployments[{i}].services[{j}] '{}': connections.limit = {} is not applied: \
                     give connections.hold, how long a call holds a connection (a user's \
                     session), e.g. connections = {{ hold = \"5m\" }}, for the cap to refuse calls",
                    s.name, cap.limit
                ));
            }
        }
        let ComputeSpec::Fleet(fleet) = &d.compute else {
            continue;
        };
        let who = format!("deployments[{i}] '{}'", d.name);
        if fleet.vcpus.is_none() {
            out.push(format!(
                "{who}: a fleet without vcpus: its latency ignores CPU (requests share no CPU, \
                 its workers are independent slots, so a smaller instance is no slower): set \
                 vcpus to the instance's vCPUs"
            ));
        }
        if let (Some(instance_mb), Some(request_mb)) =
            (fleet.instance_memory_mb, largest_request_mb)
        {
            let workers = fleet.workers_per_instance;
            let needed = u64::from(workers) * u64::from(request_mb);
            if needed > u64::from(instance_mb) {
                out.push(format!(
                    "{who}: workers x server_memory = {workers} x {request_mb} MB = {needed} MB, \
                     more than instance_memory ({instance_mb} MB): only {} requests of the \
                     largest function fit on an instance at once, the others will wait for \
                     memory",
                    instance_mb / request_mb
                ));
            }
        }
    }
    out
}
