//! The scenario file as written: serde structs that mirror the TOML one to one.
//!
//! Nothing here is interpreted. Unknown keys are rejected by `deny_unknown_fields`; values
//! that need checking keep their source span (`Spanned`) so validation can name the line.
//! The compute model is a serde enum, one struct per model ([`super::compute_file`], selected
//! by `model` after [`super::model_tag`] rewrites the document to the externally tagged form,
//! which keeps spans). Smaller variants (arrival process, distribution, keep-alive policy) are
//! plain structs with a discriminating string and optional fields, and validation reports a
//! field that does not belong to the chosen variant.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

pub use super::calls_file::{CallValue, CallsFile};
pub use super::compute_file::*;

/// A whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Report folder name; defaults to the file's stem.
    pub name: Option<Spanned<String>>,
    /// Free text describing the scenario.
    pub description: Option<String>,
    pub seed: Option<Spanned<i64>>,
    /// Length of the simulated window, e.g. `"1h"`.
    pub duration: Option<Spanned<String>>,
    /// Start-up transient left out of every measurement, e.g. `"4h"` (default none): the
    /// platform runs from time zero, measurement starts at the end of the warm-up.
    pub warmup: Option<Spanned<String>>,
    /// Time-series bucket width, e.g. `"1m"`.
    pub bucket: Option<Spanned<String>>,
    /// The billing month costs are projected to, e.g. `"730h"` (default `"30.4375d"`).
    pub month: Option<Spanned<String>>,
    /// Multiplier of every function's arrival rate and of a trace's counts (default 1).
    pub load: Option<Spanned<f64>>,
    pub workload: Option<Spanned<WorkloadFile>>,
    #[serde(default)]
    pub deployments: Vec<Spanned<DeploymentFile>>,
    /// The latency objective a deployment must meet to serve the workload.
    pub slo: Option<Spanned<SloFile>>,
}

/// The workload: synthetic `[[workload.functions]]`, or one `[workload.trace]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadFile {
    #[serde(default)]
    pub functions: Vec<Spanned<FunctionFile>>,
    pub trace: Option<Spanned<TraceFile>>,
}

/// A trace to replay (see `crate::workload::trace`). Paths are relative to the scenario
/// file's folder.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraceFile {
    /// `azure2019`, `azure2021` or `csv`.
    pub format: Spanned<String>,
    /// The trace file of the single-file formats (azure2021, csv).
    pub file: Option<Spanned<String>>,
    /// Azure 2019: a folder holding the public dataset's day files, found by their names
    /// (instead of `invocations`, `durations` and `memory_file`).
    pub dir: Option<Spanned<String>>,
    /// Azure 2019: invocation files, one per day in order.
    pub invocations: Option<Spanned<Paths>>,
    /// Azure 2019: duration percentile files.
    pub durations: Option<Spanned<Paths>>,
    /// Azure 2019: memory files (per app or per function).
    pub memory_file: Option<Spanned<Paths>>,
    /// Window: offsets from the trace's origin, e.g. `start = "1h"`, `end = "3h"`, or
    /// `window = "2h"` (from `start`).
    pub start: Option<Spanned<String>>,
    pub end: Option<Spanned<String>>,
    pub window: Option<Spanned<String>>,
    pub top_functions: Option<Spanned<i64>>,
    pub sample_apps: Option<Spanned<i64>>,
    pub sample_seed: Option<Spanned<i64>>,
    pub time_scale: Option<Spanned<f64>>,
    pub rate_multiplier: Option<Spanned<f64>>,
    /// `"trace"` or a size such as `"512MB"`.
    pub memory: Option<Spanned<String>>,
    pub memory_step: Option<Spanned<String>>,
    pub memory_fallback: Option<Spanned<String>>,
    /// Azure 2019: `uniform` or `even` placement inside a minute.
    pub spread: Option<Spanned<String>>,
    /// Plain CSV: sort in memory instead of rejecting unsorted rows.
    pub sort: Option<Spanned<bool>>,
    /// Plain CSV without durations: every function's execution-time distribution.
    pub execution: Option<Spanned<DistributionFile>>,
    /// Backend operations per call of every function: service -> operation kind -> count.
    #[serde(default)]
    pub calls: CallsFile,
    // FaaS settings of every function of the trace (see `crate::workload::FaasSettings`)
    /// `"sync"` (default) or `"async"`.
    pub invocation: Option<Spanned<String>>,
    /// Async: retries after function errors (0 to 2, default 2).
    pub max_retries: Option<Spanned<i64>>,
    /// Async: how long after its first arrival an event may still be tried (default 6h).
    pub max_event_age: Option<Spanned<String>>,
    /// Longest execution on FaaS, overriding the deployment's `timeout`.
    pub timeout: Option<Spanned<String>>,
    /// Language runtime, for a default cold-start time.
    pub runtime: Option<Spanned<String>>,
    /// Fraction of the execution time that is CPU-bound (0 to 1, default 0).
    pub cpu_bound: Option<Spanned<f64>>,
    /// Memory the execution time was measured at (default: the function's memory).
    pub reference_memory: Option<Spanned<String>>,
    /// Most vCPUs one call can use (default 1).
    pub max_vcpus: Option<Spanned<f64>>,
    /// Memory one request holds on a fleet instance, e.g. `"256MB"` (default: not checked).
    pub server_memory: Option<Spanned<String>>,
}

/// One path or a list of paths.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Paths {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionFile {
    pub name: Spanned<String>,
    pub app: Option<String>,
    pub memory: Spanned<String>,
    pub execution: Spanned<DistributionFile>,
    pub arrivals: Spanned<ArrivalFile>,
    /// Backend operations per call: service -> operation kind -> count.
    #[serde(default)]
    pub calls: CallsFile,
    // FaaS settings of the function (see `crate::workload::FaasSettings`)
    /// `"sync"` (default) or `"async"`.
    pub invocation: Option<Spanned<String>>,
    /// Async: retries after function errors (0 to 2, default 2).
    pub max_retries: Option<Spanned<i64>>,
    /// Async: how long after its first arrival an event may still be tried (default 6h).
    pub max_event_age: Option<Spanned<String>>,
    /// Longest execution on FaaS, overriding the deployment's `timeout`.
    pub timeout: Option<Spanned<String>>,
    /// Language runtime, for a default cold-start time.
    pub runtime: Option<Spanned<String>>,
    /// Fraction of the execution time that is CPU-bound (0 to 1, default 0).
    pub cpu_bound: Option<Spanned<f64>>,
    /// Memory the execution time was measured at (default: the function's memory).
    pub reference_memory: Option<Spanned<String>>,
    /// Most vCPUs one call can use (default 1).
    pub max_vcpus: Option<Spanned<f64>>,
    /// Memory one request holds on a fleet instance, e.g. `"256MB"` (default: not checked).
    pub server_memory: Option<Spanned<String>>,
}

/// A duration distribution: `dist` picks the family, the other keys its parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributionFile {
    pub dist: Spanned<String>,
    pub value: Option<Spanned<String>>,
    pub mean: Option<Spanned<String>>,
    pub median: Option<Spanned<String>>,
    pub p99: Option<Spanned<String>>,
}

/// An arrival process: `process` picks the kind, the other keys its parameters.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalFile {
    pub process: Spanned<String>,
    pub rate: Option<Spanned<String>>,
    /// Multipliers, each with its own span so a bad element can be pointed at.
    pub profile: Option<Spanned<Vec<Spanned<f64>>>>,
    pub on_rate: Option<Spanned<String>>,
    pub off_rate: Option<Spanned<String>>,
    pub mean_on: Option<Spanned<String>>,
    pub mean_off: Option<Spanned<String>>,
    pub every: Option<Spanned<String>>,
    pub offset: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFile {
    pub name: Spanned<String>,
    pub compute: Spanned<ComputeFile>,
    /// The API gateway in front of the compute (`[deployments.gateway]`).
    pub gateway: Option<Spanned<GatewayFile>>,
    #[serde(default)]
    pub services: Vec<Spanned<ServiceFile>>,
    #[serde(default)]
    pub fixed: Vec<Spanned<FixedFile>>,
}

/// One memory size and the CPU clock a provider gives it (`billing.cpu_tiers`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CpuTierFile {
    pub memory: Spanned<String>,
    pub ghz: Spanned<f64>,
}

/// A price schedule: `usd` per `per` units (flat), or `tiers`; optional free allowances.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceFile {
    pub usd: Option<Spanned<f64>>,
    pub per: Option<Spanned<f64>>,
    pub tiers: Option<Vec<Spanned<TierFile>>>,
    pub free_per_month: Option<Spanned<f64>>,
    pub free_per_day: Option<Spanned<f64>>,
    /// Units beyond the free allowance are billed in whole packages of this many.
    pub package: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierFile {
    pub up_to: Option<Spanned<f64>>,
    pub usd: Spanned<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceFile {
    pub name: Spanned<String>,
    /// The preset that priced it, already merged in.
    pub pricing: Option<Spanned<String>>,
    /// The plan of that preset, already merged in.
    pub plan: Option<Spanned<String>>,
    /// Default latency of every operation kind.
    pub latency: Option<Spanned<DistributionFile>>,
    #[serde(default)]
    pub operations: BTreeMap<String, Spanned<OperationFile>>,
    /// A flat plan fee per month (Supabase Pro), billed whatever the usage.
    pub usd_per_month: Option<Spanned<f64>>,
    /// Stored data: its initial level, its change per operation kind, its price per GB-month.
    pub storage: Option<Spanned<super::growth_file::StorageFile>>,
    /// GB sent per operation kind, and the price per GB.
    pub egress: Option<Spanned<super::growth_file::EgressFile>>,
    /// Monthly active users and the price per MAU.
    pub users: Option<Spanned<super::growth_file::UsersFile>>,
    /// Hard quotas by operation kind: `{ read = "50000/day", write = "2000000/month" }`.
    pub quota: Option<Spanned<QuotaFile>>,
    /// UTC time of day at which the daily quotas reset, e.g. `"08:00"` (default `"00:00"`).
    pub quota_reset: Option<Spanned<String>>,
    /// A cap on simultaneous connections: `{ limit = 100, hold = "5m" }`.
    pub connections: Option<Spanned<ConnectionsFile>>,
}

/// `connections = { limit = 100, hold = "5m" }`: at most `limit` held at once, each call
/// holding one for `hold` from its admission.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionsFile {
    pub limit: Option<Spanned<i64>>,
    pub hold: Option<Spanned<String>>,
}

/// Hard quotas: what is counted (an operation kind, `invocations`) -> `"<units>/day"` or
/// `"<units>/month"`.
pub type QuotaFile = BTreeMap<String, Spanned<String>>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationFile {
    pub price: Option<Spanned<PriceFile>>,
    pub latency: Option<Spanned<DistributionFile>>,
}

/// `[deployments.gateway]`: a per-request price, an added latency and a rate limit.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GatewayFile {
    /// The preset that priced it, already merged in.
    pub pricing: Option<Spanned<String>>,
    pub price: Option<Spanned<PriceFile>>,
    pub latency: Option<Spanned<DistributionFile>>,
    /// The steady rate of the token bucket, e.g. `"10000/s"`.
    pub rate_limit: Option<Spanned<String>>,
    /// The token bucket's size (requests).
    pub burst: Option<Spanned<i64>>,
    /// Hard quotas on its requests: `{ requests = "1000000/month" }`.
    pub quota: Option<Spanned<QuotaFile>>,
    /// UTC time of day at which a daily quota resets (default `"00:00"`).
    pub quota_reset: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedFile {
    pub name: Spanned<String>,
    pub usd_per_month: Spanned<f64>,
}

/// `slo = { p99 = "300ms", functions = { checkout = { p99 = "150ms" } } }`: latency
/// percentiles and their limits, over every completed request and per function.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SloFile {
    pub p50: Option<Spanned<String>>,
    pub p90: Option<Spanned<String>>,
    pub p95: Option<Spanned<String>>,
    pub p99: Option<Spanned<String>>,
    pub p999: Option<Spanned<String>>,
    /// Objectives of single functions, by function name.
    pub functions: Option<Spanned<BTreeMap<String, Spanned<SloPercentilesFile>>>>,
}

/// One function's objectives in `slo.functions`: the same percentiles as [`SloFile`].
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SloPercentilesFile {
    pub p50: Option<Spanned<String>>,
    pub p90: Option<Spanned<String>>,
    pub p95: Option<Spanned<String>>,
    pub p99: Option<Spanned<String>>,
    pub p999: Option<Spanned<String>>,
}
