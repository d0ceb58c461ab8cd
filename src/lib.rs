//! # serverless-sim
//!
//! A cost-and-capacity simulator answering: *what will this workload cost per month, and what
//! latency and cold starts will its users see, on functions plus managed backends (FaaS +
//! BaaS) versus always-on servers, and where is the break-even?*
//!
//! The architecture, one module per concept:
//!
//! - [`scenario`]: the TOML scenario file, parsed then validated into typed values.
//! - [`workload`]: functions, arrival processes and execution-time distributions, streamed as
//!   [`workload::Request`]s.
//! - [`engine`]: the discrete-event loop (integer µs clock, (time, sequence) event heap).
//! - [`platform`]: the models (FaaS, fleet, BaaS) and the metering rules of providers.
//! - [`pricing`]: tiered price schedules with free allowances and the month projection.
//! - [`metrics`]: the recorder every model writes to.
//! - [`run`]: every deployment of a scenario, in parallel, deterministically.
//! - [`report`]: CSV and PNG exporters and the terminal table.
//! - [`cli`]: the command line.
//!
//! ```no_run
//! use serverless_sim::{run, scenario::Scenario};
//! let scenario = Scenario::load("scenarios/web-api.toml".as_ref())?;
//! let result = run::run(&scenario)?;
//! for d in &result.deployments {
//!     println!("{}: ${:.2}/month", d.name, d.bill.monthly_usd);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod cli;
pub mod engine;
pub mod error;
pub mod metrics;
pub mod platform;
pub mod pricing;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod shard;
pub mod sweep;
pub mod units;
pub mod workload;
