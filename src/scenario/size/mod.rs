//! The size of a run, estimated before simulating: expected requests, engine events and
//! memory (with its bound where one exists) per deployment, and the limits above which a run
//! is refused.
//!
//! Per deployment (every deployment sees the same requests):
//! - **requests**: the expected count of the workload in the window, in closed form from each
//!   arrival source ([`arrivals`]), with its standard deviation.
//! - **events**: loop iterations of the engine, an upper bound on their expected number:
//!   every request is an arrival and at most one completion; on FaaS at most one cold start's
//!   ready event and (fixed keep-alive) one keep-alive timer per request (a timer is armed only
//!   by a completion or by a timer it replaces, see `platform::faas`); and every backend
//!   operation is one more iteration (its latency is drawn on its own). Exact for a fleet that
//!   fails nothing and for FaaS without keep-alive. Retries of asynchronous FaaS calls are
//!   not counted (each is one more arrival-like iteration). The arrival generators' steps
//!   that yield no request (a `daily` profile's rejected draws, `on_off` state switches:
//!   [`arrivals`]) cost time like events and are counted with them.
//! - **memory**: what the deployment's state grows to: the time series (buckets x meters),
//!   a fixed part (latency histogram, tables, its copy of every daily profile) and the
//!   model's state. The run adds the reports' memory once ([`REPORT_BYTES_PER_BUCKET`]), and
//!   reading the scenario file, before any of it, is estimated and refused on its own
//!   ([`reading`]). A fleet's is *bounded* by
//!   its queue at `queue_limit` plus its workers; a client deployment's is its requests in
//!   flight (Little's law, unbounded: [`client`]). A FaaS deployment's instance table is
//!   bounded where every function has a concurrency limit (each pool at most its own limit or
//!   what the account leaves; with keep-alive idle instances do not count against a limit
//!   but never outnumber their pool's peak) and *expected* from Little's law (peak arrival
//!   rate x time an instance is held, plus a margin of 5 standard deviations and an idle
//!   instance per function), capped by any bound. With an asynchronous function the
//!   deployment has no bound: events waiting for a retry are held until they complete or
//!   are dropped, up to `max_event_age`, whatever the limits. The memory limit is judged on
//!   the expected figure, the bound where there is no other.
//!
//! Limits ([`MAX_EVENTS`], [`MAX_MEMORY_BYTES`]) are far above any run that finishes in
//! minutes on a laptop (10^10 events take about 15 minutes at 12 M events/s);
//! [`SizeEstimate::check`] refuses above them, naming the flag `--allow-large` that
//! overrides. [`rates`] describes each synthetic function's traffic (mean and peak rate) for
//! `check`.

pub mod arrivals;
mod client;
pub mod rates;
pub mod reading;

use std::fmt::Write as _;

use crate::metrics::{BucketCounts, BucketLatency};
use crate::platform::{ComputeSpec, DeploymentSpec, FaasSpec, FleetSpec, KeepAlive, faas, fleet};
use crate::scenario::Scenario;
use crate::workload::{FunctionSpec, Source};
use arrivals::ExpectedArrivals;

/// Most engine events a run may need in all (every deployment together) without
/// `--allow-large`.
pub const MAX_EVENTS: f64 = 1e10;

/// Largest memory bound (or, without a bound, expected peak) of a run's simulation state, all
/// deployments together (they run in parallel), without `--allow-large`: 8 GiB.
pub const MAX_MEMORY_BYTES: f64 = 8.0 * GIB;

/// The command-line flag that lifts the limits.
pub const OVERRIDE_FLAG: &str = "--allow-large";

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Memory of a deployment that does not depend on the scenario's size: the latency histogram
/// (1 µs to 10^12 µs at 3 significant digits, about 250 KiB, growing to about 450 KiB if
/// latencies reach the clock's range) and small tables.
const FIXED_BYTES: f64 = 512.0 * 1024.0;

/// The estimated size of one deployment's run.
#[derive(Clone, Debug, PartialEq)]
pub struct DeploymentSize {
    pub name: String,
    /// `faas`, `fleet` or `client`.
    pub model: &'static str,
    /// Expected requests in the window.
    pub requests: f64,
    /// Standard deviation of the request count.
    pub requests_sd: f64,
    /// Upper bound on the expected engine events (see the module docs).
    pub events: f64,
    /// Memory the simulation state is expected to reach (bytes), what the limit is judged
    /// on: the bound for a fleet; for FaaS the expected peak of instances, capped by the bound.
    pub memory_bytes: f64,
    /// A hard bound on the memory, where the configuration sets one (a fleet's queue limit,
    /// FaaS concurrency limits on every function).
    pub memory_bound_bytes: Option<f64>,
    /// What the memory is made of, for the user.
    pub memory_detail: String,
}

/// Memory the reports take per time bucket of the window, once per run, besides the
/// deployments' state: the charts' series while they are drawn. Measured as the peak resident
/// memory (`/usr/bin/time -v`) of runs of one and of four idle FaaS deployments over 300,000
/// and 1,000,000 one-second buckets, less a one-bucket run's: 332 bytes a bucket for one,
/// 736 for four, so 135 a bucket per deployment (the state, estimated above that at 192)
/// and 197 a bucket per run, rounded up here.
pub const REPORT_BYTES_PER_BUCKET: f64 = 200.0;

/// The estimated size of a whole run.
#[derive(Clone, Debug, PartialEq)]
pub struct SizeEstimate {
    pub deployments: Vec<DeploymentSize>,
    /// Memory of writing the reports, besides the deployments' state
    /// ([`REPORT_BYTES_PER_BUCKET`] per time bucket).
    pub report_bytes: f64,
    /// The function with the most expected requests ("the trace" for a trace workload), and
    /// that number: what to change first when the run is too large.
    pub busiest: (String, f64),
}

/// The demand of one function (or of a whole trace) on a deployment.
struct Demand<'a> {
    arrivals: ExpectedArrivals,
    /// The functions it stands for (one for a synthetic workload, all for a trace).
    functions: &'a [FunctionSpec],
}

impl SizeEstimate {
    /// Estimates the run of `scenario` (no simulation; for a trace, from the counts its first
    /// pass made).
    pub fn of(scenario: &Scenario) -> Self {
        let window = scenario.window.length;
        let functions = &scenario.workload.functions;
        let (demands, busiest) = match &scenario.workload.source {
            Source::Synthetic(processes) => {
                let demands: Vec<Demand> = processes
                    .iter()
                    .zip(functions.chunks(1))
                    .map(|(p, f)| Demand {
                        arrivals: arrivals::of_process(p, window),
                        functions: f,
                    })
                    .collect();
                let busiest = demands
                    .iter()
                    .max_by(|a, b| a.arrivals.mean.total_cmp(&b.arrivals.mean))
                    .map_or((String::new(), 0.0), |d| {
                        (
                            format!("function '{}'", d.functions[0].name),
                            d.arrivals.mean,
                        )
                    });
                (demands, busiest)
            }
            Source::Trace(t) => {
                let a = arrivals::of_trace(t, window);
                let demands = vec![Demand {
                    arrivals: a,
                    functions,
                }];
                (demands, ("the trace".to_string(), a.mean))
            }
        };
        let deployments = scenario
            .deployments
            .iter()
            .map(|d| deployment_size(d, &demands, scenario))
            .collect();
        let buckets = window.div_ceil(scenario.window.bucket).max(1) as f64;
        Self {
            deployments,
            report_bytes: buckets * REPORT_BYTES_PER_BUCKET,
            busiest,
        }
    }

    /// Expected requests of the workload (each deployment sees them all).
    pub fn requests(&self) -> f64 {
        self.deployments.first().map_or(0.0, |d| d.requests)
    }

    /// Engine events of all deployments together.
    pub fn events(&self) -> f64 {
        self.deployments.iter().map(|d| d.events).sum()
    }

    /// Memory of all deployments together (they may all run at once), and of the reports.
    pub fn memory_bytes(&self) -> f64 {
        self.deployments.iter().map(|d| d.memory_bytes).sum::<f64>() + self.report_bytes
    }

    /// One line per deployment, then one for the whole run.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .deployments
            .iter()
            .map(|d| {
                format!(
                    "estimate: {} ({}): {} requests (sd {}), at most {} events, memory {} ({})",
                    d.name,
                    d.model,
                    count(d.requests),
                    count(d.requests_sd),
                    count(d.events),
                    match d.memory_bound_bytes {
                        Some(b) if b <= d.memory_bytes => format!("at most {}", bytes(b)),
                        Some(b) => format!("about {}, at most {}", bytes(d.memory_bytes), bytes(b)),
                        None => format!("about {}, no bound", bytes(d.memory_bytes)),
                    },
                    d.memory_detail
                )
            })
            .collect();
        lines.push(format!(
            "estimate: in all {} events (limit {}), memory {} (limit {}; the reports {})",
            count(self.events()),
            count(MAX_EVENTS),
            bytes(self.memory_bytes()),
            bytes(MAX_MEMORY_BYTES),
            bytes(self.report_bytes)
        ));
        lines
    }

    /// Refuses a run above [`MAX_EVENTS`] or [`MAX_MEMORY_BYTES`].
    ///
    /// # Errors
    /// A message with the estimate, what exceeds which limit, the busiest function, and the
    /// flag that overrides.
    pub fn check(&self) -> Result<(), String> {
        let mut over = Vec::new();
        if self.events() > MAX_EVENTS {
            over.push(format!(
                "{} engine events (limit {})",
                count(self.events()),
                count(MAX_EVENTS)
            ));
        }
        if self.memory_bytes() > MAX_MEMORY_BYTES {
            let biggest = self
                .deployments
                .iter()
                .max_by(|a, b| a.memory_bytes.total_cmp(&b.memory_bytes))
                .map(|d| format!(" (largest: deployment '{}', {})", d.name, d.memory_detail))
                .unwrap_or_default();
            over.push(format!(
                "{} of memory (limit {}){biggest}",
                bytes(self.memory_bytes()),
                bytes(MAX_MEMORY_BYTES)
            ));
        }
        if over.is_empty() {
            return Ok(());
        }
        let mut msg = format!("the run is too large: {}", over.join(", and "));
        let _ = write!(
            msg,
            "; {} expected requests per deployment, most from {} ({}). Shorten the duration, \
             lower the rates or cap the queues and concurrency; or pass {OVERRIDE_FLAG} to \
             run it anyway.\n{}",
            count(self.requests()),
            self.busiest.0,
            count(self.busiest.1),
            self.lines().join("\n")
        );
        Err(msg)
    }
}

fn deployment_size(d: &DeploymentSpec, demands: &[Demand], scenario: &Scenario) -> DeploymentSize {
    let requests: f64 = demands.iter().map(|x| x.arrivals.mean).sum();
    let variance: f64 = demands.iter().map(|x| x.arrivals.variance).sum();
    let per_request_extra = match &d.compute {
        ComputeSpec::Faas(f) => {
            1.0 + if matches!(f.keep_alive, KeepAlive::Fixed(_)) {
                1.0
            } else {
                0.0
            }
        }
        ComputeSpec::Fleet(_) | ComputeSpec::Client(_) => 0.0,
    };
    let events: f64 = demands
        .iter()
        .map(|x| {
            x.arrivals.mean * (2.0 + per_request_extra + operations_per_call(x.functions))
                + x.arrivals.steps
        })
        .sum();
    let window = scenario.window;
    let buckets = window.length.div_ceil(window.bucket).max(1) as f64;
    let meters = 2 + d.fixed.len() + d.services.iter().map(|s| s.operations.len()).sum::<usize>();
    // Per bucket: its counts, the meters' usage, the level integrals (exact i128, held twice
    // while the run's end publishes them per level) and its latency p50 and p99.
    let per_bucket = std::mem::size_of::<BucketCounts>()
        + 8 * meters
        + 2 * crate::metrics::levels::LEVELS * std::mem::size_of::<i128>()
        + BucketLatency::BYTES_PER_BUCKET;
    let series = buckets * per_bucket as f64;
    let (expected, bound, detail) = match &d.compute {
        ComputeSpec::Fleet(f) => {
            let (bound, detail) = fleet_memory(f);
            (bound, Some(bound), detail)
        }
        ComputeSpec::Faas(f) => faas_memory(f, d, demands),
        ComputeSpec::Client(_) => client::client_memory(d, demands),
    };
    // Per function: its counts and per-call meter quantities, and a latency histogram: up to
    // 16 functions a fine one of about 150 kB, up to 1,000 a compact one of about 20 kB.
    let functions = scenario.workload.functions.len();
    let per_function = (std::mem::size_of::<crate::metrics::FunctionCounts>() + 8 * meters) as f64;
    let histograms = if functions <= crate::metrics::functions::MAX_FUNCTIONS_MERGED {
        functions as f64 * 150_000.0
    } else if functions <= crate::metrics::functions::MAX_FUNCTIONS_WITH_LATENCY {
        functions as f64 * 20_000.0
    } else {
        0.0
    };
    // Each deployment's arrival generators hold their own copy of every daily profile.
    let profiles = match &scenario.workload.source {
        Source::Synthetic(processes) => processes
            .iter()
            .map(|p| match p {
                crate::workload::ArrivalProcess::Daily { profile, .. } => profile.len(),
                _ => 0,
            })
            .sum::<usize>(),
        Source::Trace(_) => 0,
    };
    // A service's connection cap holds one release time per connection held, at most its
    // limit (`crate::platform::baas::connections`).
    let connections: u64 = d
        .services
        .iter()
        .filter_map(|s| s.connections.filter(|c| c.hold.is_some()))
        .map(|c| c.limit)
        .sum();
    let fixed = series
        + FIXED_BYTES
        + functions as f64 * per_function
        + histograms
        + (profiles * std::mem::size_of::<f64>()) as f64
        + (connections as usize * std::mem::size_of::<crate::engine::time::Micros>()) as f64;
    DeploymentSize {
        name: d.name.clone(),
        model: d.compute.kind(),
        requests,
        requests_sd: variance.sqrt(),
        events,
        memory_bytes: expected + fixed,
        memory_bound_bytes: bound.map(|b| b + fixed),
        memory_detail: format!("{detail}; {} time buckets", count(buckets)),
    }
}

/// Backend operations one call makes, the most over `functions` (a trace's are all equal).
fn operations_per_call(functions: &[FunctionSpec]) -> f64 {
    functions
        .iter()
        .map(|f| f.calls.iter().map(|c| c.count as f64).sum::<f64>())
        .fold(0.0, f64::max)
}

/// A fleet's memory bound (bytes) and what it is made of.
fn fleet_memory(f: &FleetSpec) -> (f64, String) {
    // An autoscaled fleet may grow to its max.
    let instances = f.autoscale.as_ref().map_or(f.instances, |a| a.max);
    let workers = instances as f64 * f.workers_per_instance as f64;
    // The queue's storage grows by doubling: at most the next power of two.
    let slots = (f.queue_limit as u64).next_power_of_two() as f64;
    let bytes = slots * fleet::BYTES_PER_QUEUED as f64
        + workers * fleet::BYTES_PER_WORKER as f64
        + instances as f64 * 12.0;
    let detail = format!(
        "queue of at most {} requests, {} workers",
        count(f.queue_limit as f64),
        count(workers)
    );
    (bytes, detail)
}

/// A FaaS deployment's expected memory and bound (bytes), and what they are made of.
///
/// Bound: each pool's instances never exceed its peak in-flight, so its limit (reservation,
/// per-function limit, or what the account leaves), summed over the pools; without keep-alive
/// nothing idles, so the account limit bounds the whole table. Expected: Little's law over
/// the whole workload (peak arrival rate x mean hold time, plus 5 standard deviations and one
/// idle instance per function), capped by the bound. The limit is judged on the expected
/// figure: a loose bound (a trace of 50,000 functions under a 1,000 account limit) must not
/// refuse a small run.
fn faas_memory(f: &FaasSpec, d: &DeploymentSpec, demands: &[Demand]) -> (f64, Option<f64>, String) {
    let reserved_total: u64 = f.reserved_concurrency.iter().map(|&(_, r)| r as u64).sum();
    let unreserved = f
        .account_concurrency
        .map(|a| (a as u64).saturating_sub(reserved_total));
    let pool_limit = |name: &str| -> Option<u64> {
        if let Some(&(_, r)) = f.reserved_concurrency.iter().find(|(n, _)| n == name) {
            return Some(r as u64);
        }
        match (f.function_concurrency.map(u64::from), unreserved) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    };
    let mut bound = Some(0.0);
    let mut expected = 0.0;
    for x in demands {
        for func in x.functions {
            bound = bound.zip(pool_limit(&func.name)).map(|(b, l)| b + l as f64);
        }
        let busy = x.arrivals.peak_rate * hold_seconds(f, d, x.functions);
        expected += busy + 5.0 * busy.sqrt() + x.functions.len() as f64;
    }
    if f.keep_alive == KeepAlive::None
        && let Some(a) = f.account_concurrency
    {
        bound = Some(bound.map_or(a as f64, |b| b.min(a as f64)));
    }
    let expected = bound.map_or(expected, |b| expected.min(b));
    // Always-warm instances exist whatever the limits: the provisioned level in every pool
    // (at most one pool per function), or in those of the functions named.
    let pools: usize = match &f.provisioned_functions {
        Some(names) => names.len(),
        None => demands.iter().map(|x| x.functions.len()).sum(),
    };
    let kept = f.provisioned.as_ref().map_or(0, |p| p.max_level()) as f64 * pools as f64;
    let (expected, bound) = (expected + kept, bound.map(|b| b + kept));
    let has_async = demands
        .iter()
        .flat_map(|x| x.functions)
        .any(|func| func.faas.invocation.retries().is_some());
    let mut detail = match bound {
        Some(b) => format!(
            "about {} instances at peak, at most {} by the concurrency limits",
            count(expected),
            count(b)
        ),
        None => format!(
            "about {} instances at peak, no concurrency limit",
            count(expected)
        ),
    };
    if has_async {
        detail.push_str(", plus asynchronous events waiting for a retry (not bounded)");
    }
    let per = faas::BYTES_PER_INSTANCE as f64;
    let bound = bound.filter(|_| !has_async);
    (expected * per, bound.map(|b| b * per), detail)
}

/// Mean time (s) an instance is held per request of `functions`: execution, a cold start, and
/// the backend operations.
fn hold_seconds(f: &FaasSpec, d: &DeploymentSpec, functions: &[FunctionSpec]) -> f64 {
    let n = functions.len().max(1) as f64;
    let per_function: f64 = functions
        .iter()
        .map(|func| {
            (func.exec.mean_ms()
                + crate::platform::faas::functions::cold_start_of(
                    f.cold_start.as_ref(),
                    f.cold_start_figures,
                    func,
                )
                .mean_ms())
                / 1e3
                + client::backend_seconds(d, func)
        })
        .sum();
    per_function / n
}

/// A count for people: grouped digits below 10^12, else scientific.
pub fn count(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let v = v.round();
    if v.abs() >= 1e12 {
        return format!("{v:.2e}");
    }
    let digits = format!("{}", v.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

/// Bytes for people, in binary units.
pub fn bytes(v: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut v = v;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{v:.0} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}
