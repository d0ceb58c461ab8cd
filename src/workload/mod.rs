//! The workload: which functions exist, and the stream of requests they receive.
//!
//! A workload is a table of [`FunctionSpec`]s plus a [`Source`] of arrivals: synthetic
//! processes, or a recorded [`trace`]. Running a deployment opens a [`RequestStream`] on the
//! source; deployments run together share one ([`broadcast`]), a deployment run alone opens
//! its own, and either way every deployment gets the same requests in the same order (common
//! random numbers) without the requests ever being held in memory.

pub mod arrival;
pub mod broadcast;
pub mod distribution;
pub mod faas_settings;
pub mod load;
pub mod synthetic;
pub mod trace;

use crate::engine::time::Micros;
use crate::error::SimError;
use crate::rng::Streams;

pub use arrival::ArrivalProcess;
pub use distribution::DurationDist;
pub use faas_settings::{FaasSettings, Invocation};

/// Index of a function in [`Workload::functions`].
pub type FunctionId = u32;

/// One request, as every deployment sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    /// Arrival time.
    pub arrival: Micros,
    /// Which function is called.
    pub function: FunctionId,
    /// Execution time on the reference platform (before any speed or CPU scaling).
    pub exec: Micros,
    /// Seed of this request's deployment-specific randomness (see [`crate::rng::KeyedUniforms`]).
    pub key: u64,
    /// Time spent in the deployment's gateway before the compute model received it (set by
    /// the engine's front door, [`crate::engine::stage`]; 0 without a gateway): the request
    /// reached compute at `arrival + gateway_latency`.
    pub gateway_latency: Micros,
}

/// Backend operations one call of a function makes against a named BaaS service.
#[derive(Clone, Debug, PartialEq)]
pub struct BackendCalls {
    /// The service name, resolved against each deployment's BaaS services.
    pub service: String,
    /// The operation kind ("read", "write", ...).
    pub operation: String,
    /// Operations per call.
    pub count: u32,
    /// The parallel group it belongs to (`parallel = true`): the operations of one group are
    /// made at once; `None`: made one after another.
    pub group: Option<u32>,
}

/// One function of the workload.
#[derive(Clone, Debug, PartialEq)]
pub struct FunctionSpec {
    pub name: String,
    /// The application the function belongs to (platforms that scale per app pool by it).
    pub app: String,
    /// Memory the function is configured with (MB).
    pub memory_mb: u32,
    /// Execution time on the reference platform.
    pub exec: DurationDist,
    /// Backend operations per call, in the order they are made.
    pub calls: Vec<BackendCalls>,
    /// Invocation kind, timeout, runtime and CPU-boundness on FaaS platforms.
    pub faas: FaasSettings,
}

impl FunctionSpec {
    /// The function's stable identity for random streams: a hash of its app and name (FNV-1a,
    /// then mixed), so its numbers do not depend on its position in the function table.
    pub fn stream_id(&self) -> u64 {
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        for b in self.app.bytes().chain([0xFF]).chain(self.name.bytes()) {
            h = (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01B3);
        }
        crate::rng::mix64(h)
    }
}

/// Where arrivals come from.
#[derive(Clone, Debug)]
pub enum Source {
    /// One synthetic arrival process per function (same order as the function table).
    Synthetic(Vec<ArrivalProcess>),
    /// A recorded trace (the function table was built from it).
    Trace(trace::TraceSource),
}

/// A workload ready to be streamed.
#[derive(Clone, Debug)]
pub struct Workload {
    pub functions: Vec<FunctionSpec>,
    pub source: Source,
}

impl Workload {
    /// What its requests depend on, as text: the source (arrival processes, or the trace and
    /// how it is read) and each function's name, app and execution time. Workloads with the
    /// same key, opened with the same seed over the same length, give the same requests
    /// ([`crate::run::together`] runs them on one stream); memory, backend calls and FaaS
    /// settings do not shape the requests and are left out.
    pub fn stream_key(&self) -> String {
        let functions: Vec<_> = self
            .functions
            .iter()
            .map(|f| (&f.name, &f.app, &f.exec))
            .collect();
        format!("{:?} {functions:?}", self.source)
    }

    /// Opens a fresh stream of the requests arriving before `end`.
    pub fn open(&self, streams: Streams, end: Micros) -> Result<RequestStream, SimError> {
        Ok(match &self.source {
            Source::Synthetic(processes) => RequestStream::Synthetic(
                synthetic::SyntheticStream::new(&self.functions, processes, streams, end),
            ),
            Source::Trace(source) => {
                RequestStream::Trace(source.open(&self.functions, streams, end)?)
            }
        })
    }
}

/// A time-ordered stream of requests. An enum rather than a trait object so that the engine's
/// hot loop calls it without dynamic dispatch.
pub enum RequestStream {
    Synthetic(synthetic::SyntheticStream),
    Trace(trace::TraceStream),
    /// A stream read once for several deployments ([`broadcast`]).
    Shared(broadcast::SharedStream),
    /// The requests of another stream whose function is kept (`keep[function]`): one shard
    /// of a sharded replay ([`crate::shard::replay`]).
    Filtered(Box<RequestStream>, std::sync::Arc<[bool]>),
}

impl RequestStream {
    /// The next request in arrival order, `Ok(None)` at the end. Errors come from traces that
    /// turn out malformed part-way through.
    #[inline]
    pub fn next_request(&mut self) -> Result<Option<Request>, SimError> {
        match self {
            RequestStream::Synthetic(s) => Ok(s.next_request()),
            RequestStream::Trace(s) => Ok(s.next_request()?),
            RequestStream::Shared(s) => s.next_request(),
            RequestStream::Filtered(s, keep) => filtered_next(s, keep),
        }
    }
}

/// The next request of `stream` whose function `keep` keeps (out of line: the unsharded
/// run's hot path does not carry it).
#[inline(never)]
fn filtered_next(stream: &mut RequestStream, keep: &[bool]) -> Result<Option<Request>, SimError> {
    loop {
        match stream.next_request()? {
            Some(r) if !keep.get(r.function as usize).copied().unwrap_or(true) => {}
            other => return Ok(other),
        }
    }
}
