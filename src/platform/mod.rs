//! Platform models: what a deployment is made of, and how one is simulated.
//!
//! A [`DeploymentSpec`] is a compute model (FaaS, an always-on fleet, or none: apps calling
//! the backend directly, [`client`]), an optional API gateway in front of it ([`gateway`]:
//! every request passes it first, whatever the compute model), the BaaS services it calls,
//! and flat monthly add-ons. [`simulate`] registers the deployment's price meters,
//! builds the compute model, runs it through the engine on a fresh request stream, and prices
//! what was recorded. A new compute model is a new module implementing
//! [`crate::engine::Model`] plus one arm in [`simulate`].

pub mod baas;
pub mod billing;
pub mod client;
pub mod cpu;
pub mod faas;
pub mod fleet;
pub mod gateway;
pub mod instances;
pub mod metering;
pub mod quota;
pub mod schedule;

use crate::engine::time::Micros;
use crate::engine::{self, Model, Progress, Sim};
use crate::error::SimError;
use crate::metrics::Recorder;
use crate::pricing::{self, Bill, CostPart, Meters, PriceSchedule};
use crate::rng::Streams;
use crate::workload::{RequestStream, Workload};

pub use baas::{BackendPlan, OperationSpec, QuotaExceeded, ServiceSpec};
pub use billing::{FaasBilling, InstanceBilling, InstancePrice};
pub use client::ClientSpec;
pub use faas::{BillingBasis, FaasSpec, FixedKeepAlive, KeepAlive, PoolMapping, Reset};
pub use fleet::FleetSpec;
pub use gateway::GatewaySpec;
pub use instances::IdleChoice;

use gateway::{FrontDoor, GatewayStage};

/// The compute model of a deployment.
// One spec per deployment, built once: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum ComputeSpec {
    Faas(FaasSpec),
    Fleet(FleetSpec),
    /// No compute: the apps call the backend directly ([`client`]).
    Client(ClientSpec),
}

impl ComputeSpec {
    /// Every model name [`ComputeSpec::kind`] gives.
    pub const KINDS: [&'static str; 3] = ["faas", "fleet", "client"];

    /// The model's name in reports: `faas`, `fleet` or `client`.
    pub fn kind(&self) -> &'static str {
        match self {
            ComputeSpec::Faas(_) => "faas",
            ComputeSpec::Fleet(_) => "fleet",
            ComputeSpec::Client(_) => "client",
        }
    }
}

/// A flat monthly charge (load balancer, database instance, support plan...).
#[derive(Clone, Debug, PartialEq)]
pub struct FixedCost {
    pub name: String,
    pub usd_per_month: f64,
}

impl FixedCost {
    /// Its cost part: the `fixed` column (after the services and the gateway), labelled
    /// `fixed: <name>`, no function's, priced in the scenario (never by a preset).
    pub fn cost_part(&self) -> CostPart {
        const FIXED_RANK: u8 = 70;
        CostPart::new(
            FIXED_RANK,
            "fixed",
            format!("fixed: {}", self.name),
            pricing::Attribution::Unattributed,
        )
    }
}

/// One way of running the workload, to be compared with the others.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentSpec {
    pub name: String,
    pub compute: ComputeSpec,
    /// The API gateway in front of the compute, if any.
    pub gateway: Option<GatewaySpec>,
    pub services: Vec<ServiceSpec>,
    pub fixed: Vec<FixedCost>,
    /// The presets that priced it, in the order written (compute first).
    pub pricing: Vec<PresetUse>,
}

/// A preset named by a deployment: which part it priced, its name and its price date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetUse {
    /// `compute`, `gateway`, or the service's name.
    pub part: String,
    pub preset: String,
    /// When the preset's prices were collected (`YYYY-MM-DD`).
    pub date: String,
}

/// The simulated window, how finely it is reported, and the month its costs are projected to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    /// Length of the simulated window; arrivals stop there.
    pub length: Micros,
    /// Width of the time buckets of the time series.
    pub bucket: Micros,
    /// The billing month (the scenario's `month`, [`crate::engine::time::DEFAULT_MONTH`]
    /// unless it sets one): monthly tiers and free allowances apply per month of this length,
    /// and every "per month" figure is a window total x `month / length`.
    pub month: Micros,
    /// The warm-up (the scenario's `warmup`, 0 without one): what happens before it is
    /// simulated but not measured; every metric, chart and bill covers `[warmup, length)`.
    pub warmup: Micros,
}

impl Window {
    /// The measured part of the window: its length minus the warm-up.
    pub fn measured(&self) -> Micros {
        self.length - self.warmup
    }
}

/// What one deployment did and cost.
#[derive(Clone, Debug)]
pub struct DeploymentResult {
    pub name: String,
    /// `faas`, `fleet` or `client`.
    pub model: &'static str,
    pub recorder: Recorder,
    pub meters: Meters,
    pub bill: Bill,
    /// The presets that priced it (empty: prices written in the scenario).
    pub pricing: Vec<PresetUse>,
    /// What each of its hard quotas saw, per period (gateway, compute, then services): drawn
    /// in `quotas.png`; empty when it has none.
    pub quotas: Vec<quota::QuotaUse>,
}

impl DeploymentResult {
    /// The preset that priced cost part `part`, if one did: the preset of the deployment's
    /// part the cost part names ([`CostPart::priced_by`]).
    pub fn preset_for(&self, part: &CostPart) -> Option<&PresetUse> {
        let priced_by = part.priced_by.as_deref()?;
        self.pricing.iter().find(|p| p.part == priced_by)
    }
}

/// Simulates `spec` on `workload` over `window`, with randomness from `streams`.
///
/// # Errors
/// A workload call the deployment cannot serve (validation normally catches it first), or a
/// trace that turns out malformed part-way through.
pub fn simulate(
    spec: &DeploymentSpec,
    workload: &Workload,
    streams: Streams,
    window: Window,
) -> Result<DeploymentResult, SimError> {
    simulate_with_progress(spec, workload, streams, window, &Progress::new())
}

/// [`simulate`], adding the requests simulated to `progress` as it goes (results do not
/// depend on it).
///
/// # Errors
/// As [`simulate`].
pub fn simulate_with_progress(
    spec: &DeploymentSpec,
    workload: &Workload,
    streams: Streams,
    window: Window,
    progress: &Progress,
) -> Result<DeploymentResult, SimError> {
    let requests = || workload.open(streams, window.length);
    simulate_on(spec, workload, requests, window, progress)
}

/// [`simulate_with_progress`] on the requests `requests` opens (called once, after the
/// deployment is checked against the workload): the workload's own stream, or a shared one
/// ([`crate::workload::broadcast`]) that yields exactly the same requests.
///
/// # Errors
/// As [`simulate`].
pub fn simulate_on(
    spec: &DeploymentSpec,
    workload: &Workload,
    requests: impl FnOnce() -> Result<RequestStream, SimError>,
    window: Window,
    progress: &Progress,
) -> Result<DeploymentResult, SimError> {
    simulate_on_with(spec, workload, requests, window, progress, Mergeable(false))
}

/// Whether a recorder also keeps what merging the parts of a sharded replay needs: the busy
/// level's changes and every bucket's latency histogram (memory then grows with the changes;
/// [`crate::shard::replay`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mergeable(pub bool);

/// [`simulate_on`], the recorder keeping what a merge needs when `mergeable` says so.
///
/// # Errors
/// As [`simulate`].
pub fn simulate_on_with(
    spec: &DeploymentSpec,
    workload: &Workload,
    requests: impl FnOnce() -> Result<RequestStream, SimError>,
    window: Window,
    progress: &Progress,
    mergeable: Mergeable,
) -> Result<DeploymentResult, SimError> {
    let mut meters = Meters::default();
    let (recorder, quotas) = match &spec.compute {
        ComputeSpec::Faas(faas) => {
            let faas_meters = faas::FaasMeters::register(faas, &mut meters);
            let backend = resolve_backend(spec, workload, &mut meters, window.month)?;
            let mut model =
                faas::FaasModel::new(faas.clone(), &workload.functions, backend, faas_meters);
            model.limit_invocations(&faas.quotas, window.month);
            let base_fee = faas::meters::base_fee_meter(faas, &mut meters);
            run_model(
                model,
                spec,
                workload,
                requests,
                window,
                &mut meters,
                base_fee,
                (progress, mergeable),
            )?
        }
        ComputeSpec::Fleet(fleet) => {
            let instance_meters = fleet
                .billing
                .meters(window.month)
                .into_iter()
                .map(|m| {
                    let part = fleet::instance_part(m.unit);
                    let index = meters.add(&part, m.name, m.unit, m.schedule);
                    (index, m.per_instance_hour)
                })
                .collect();
            let backend = resolve_backend(spec, workload, &mut meters, window.month)?;
            let model = fleet::FleetModel::new(
                fleet.clone(),
                &workload.functions,
                backend,
                instance_meters,
            );
            run_model(
                model,
                spec,
                workload,
                requests,
                window,
                &mut meters,
                None,
                (progress, mergeable),
            )?
        }
        ComputeSpec::Client(_) => {
            let backend = resolve_backend(spec, workload, &mut meters, window.month)?;
            let model = client::ClientModel::new(backend);
            run_model(
                model,
                spec,
                workload,
                requests,
                window,
                &mut meters,
                None,
                (progress, mergeable),
            )?
        }
    };
    let bill = pricing::bill(
        &meters,
        &recorder.usage,
        window.measured(),
        window.bucket,
        window.month,
    );
    Ok(DeploymentResult {
        name: spec.name.clone(),
        model: spec.compute.kind(),
        recorder,
        meters,
        bill,
        pricing: spec.pricing.clone(),
        quotas,
    })
}

fn resolve_backend(
    spec: &DeploymentSpec,
    workload: &Workload,
    meters: &mut Meters,
    month: Micros,
) -> Result<BackendPlan, SimError> {
    BackendPlan::resolve(&workload.functions, &spec.services, meters, month).map_err(|u| {
        SimError::Invalid(format!(
            "deployment '{}' has no operation '{}' on service '{}', which function '{}' calls",
            spec.name, u.operation, u.service, u.function
        ))
    })
}

/// Registers the gateway's meter (if the deployment has one) and the flat monthly charges
/// (services' plan fees, then the fixed add-ons), runs `model` behind the deployment's front
/// door (its gateway, or none) and books the charges (and the platform's monthly fee on meter `base_fee`, if any)
/// over the measured part of the window, and what its hard quotas saw.
#[allow(clippy::too_many_arguments)]
fn run_model<M: Model>(
    mut model: M,
    spec: &DeploymentSpec,
    workload: &Workload,
    requests: impl FnOnce() -> Result<RequestStream, SimError>,
    window: Window,
    meters: &mut Meters,
    base_fee: Option<usize>,
    (progress, mergeable): (&Progress, Mergeable),
) -> Result<(Recorder, Vec<quota::QuotaUse>), SimError> {
    let plan_fees: Vec<usize> = spec
        .services
        .iter()
        .filter_map(|s| {
            let usd = s.usd_per_month?;
            let m = meters.add(
                &s.cost_part(),
                baas::PLAN_METER,
                "months",
                PriceSchedule::flat(usd),
            );
            // A plan's fee is the service's, not any function's.
            meters.set_attribution(m, pricing::Attribution::Unattributed);
            Some(m)
        })
        .collect();
    let add_ons: Vec<usize> = spec
        .fixed
        .iter()
        .map(|f| {
            meters.add(
                &f.cost_part(),
                &f.name,
                "months",
                PriceSchedule::flat(f.usd_per_month),
            )
        })
        .collect();
    let mut front_door = match &spec.gateway {
        Some(gateway) => {
            let meter = meters.add(
                &gateway.cost_part(),
                gateway::REQUESTS_METER,
                "requests",
                gateway.price.clone(),
            );
            FrontDoor::Gateway(GatewayStage::new(gateway, meter, window.month))
        }
        None => FrontDoor::Direct(engine::Direct),
    };
    let mut rec = Recorder::with_warmup(window.length, window.bucket, meters.len(), window.warmup);
    if mergeable.0 {
        rec.levels.log_busy_changes();
        rec.bucket_latency.keep_histograms();
    }
    rec.gauges = crate::metrics::GaugeSet::new(meters, window.month);
    for (m, meter) in meters.list.iter().enumerate() {
        if meter.schedule.free_per_day > 0.0 {
            rec.track_daily_allowance(m, meter.schedule.free_per_day, meter.day_reset);
        }
    }
    rec.functions = crate::metrics::FunctionMetrics::new(
        workload.functions.iter().map(|f| f.name.clone()).collect(),
        meters.len(),
    );
    let mut stream = requests()?;
    let mut rec = engine::run(
        &mut model,
        &mut front_door,
        &mut stream,
        Sim::new(window.length, rec),
        progress,
    )?;
    // The recorder now covers the measured part only, its times counted from its start.
    let months = window.measured() as f64 / window.month as f64;
    for meter in plan_fees.into_iter().chain(add_ons).chain(base_fee) {
        rec.usage_spread(meter, 0, window.measured(), months);
    }
    let mut quotas = match &front_door {
        FrontDoor::Gateway(gateway) => gateway.quota_uses(),
        FrontDoor::Direct(_) => Vec::new(),
    };
    quotas.extend(model.quota_uses());
    Ok((rec, quotas))
}
