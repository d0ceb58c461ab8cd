//! One autoscaler for fleets and for FaaS deployments with `instance_concurrency` > 1:
//! target tracking as AWS target tracking and the Kubernetes HPA compute it.
//!
//! (Spec types only so far; the controller is being built on them.)

use crate::engine::time::Micros;

/// What the autoscaler tracks, and the level it aims for per instance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ScalingTarget {
    /// Mean CPU utilisation of the instances' vCPUs, in (0, 1].
    Cpu(f64),
    /// Mean requests in service over the instance's request slots, in (0, 1].
    Concurrency(f64),
    /// Requests per second per instance.
    RequestsPerInstance(f64),
}

/// A raised minimum over part of each day (UTC), e.g. 08:00 to 20:00.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MinimumWindow {
    /// Offsets from midnight; `to < from` wraps past midnight.
    pub from: Micros,
    pub to: Micros,
    pub min: u32,
}

/// `autoscale = { min, max, target, interval, window, boot, scale_in_cooldown, schedule }`.
#[derive(Clone, Debug, PartialEq)]
pub struct AutoscaleSpec {
    pub min: u32,
    pub max: u32,
    pub target: ScalingTarget,
    /// How often the desired count is evaluated.
    pub interval: Micros,
    /// The span the metric is averaged over at each evaluation.
    pub window: Micros,
    /// How long a new fleet instance takes before it serves (FaaS: its cold start instead).
    pub boot: Micros,
    /// How long after the last scaling action a scale-in may happen.
    pub scale_in_cooldown: Micros,
    pub schedule: Vec<MinimumWindow>,
}
