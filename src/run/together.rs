//! Deployments simulated together on one request stream.
//!
//! A [`Member`] is a deployment with the workload and window it runs under. Members whose
//! workloads give the same requests (the same [`crate::workload::Workload::stream_key`], seed
//! and window length: a run's deployments, or a sweep's points that differ only in what does
//! not shape the requests) are simulated together: the requests are generated once and
//! broadcast in blocks to one thread per member ([`crate::workload::broadcast`]), memory
//! bounded by the block size. With one worker thread (`--threads 1`), or one member, each
//! member instead opens its own copy of the stream, one after another.
//!
//! The stream is the same either way (common random numbers), and each deployment's own
//! randomness is keyed by it and its requests, so a deployment's results do not depend on
//! which others run beside it, or how: output is byte-identical whatever the number of
//! threads.

use crate::engine::Progress;
use crate::error::SimError;
use crate::platform::{self, DeploymentResult, DeploymentSpec, Window};
use crate::rng::Streams;
use crate::workload::broadcast::broadcast;
use crate::workload::{RequestStream, Workload};

/// One deployment to simulate, with the workload (its functions) and window it runs under.
#[derive(Clone, Copy)]
pub struct Member<'a> {
    pub spec: &'a DeploymentSpec,
    pub workload: &'a Workload,
    pub window: Window,
}

impl<'a> Member<'a> {
    /// Every deployment of `scenario`, in order, under its workload and window.
    pub fn all_of(scenario: &'a crate::scenario::Scenario) -> impl Iterator<Item = Member<'a>> {
        scenario.deployments.iter().map(|spec| Member {
            spec,
            workload: &scenario.workload,
            window: scenario.window,
        })
    }
}

/// Simulates every member on the requests of `stream` (opened with `streams` over `window`,
/// the same requests every member's own workload would give), each member's requests counted
/// on `progress`: one result per member, in order.
pub fn simulate_together(
    stream: &Workload,
    streams: Streams,
    window: Window,
    members: &[Member],
    progress: &Progress,
) -> Vec<Result<DeploymentResult, SimError>> {
    simulate_shard_together(stream, streams, window, members, progress, None)
}

/// Which requests a sharded replay keeps, and that its recorders keep what a merge needs.
#[derive(Clone, Debug)]
pub struct ShardFilter {
    /// Per function (workload order): whether its requests are replayed.
    pub keep: std::sync::Arc<[bool]>,
}

/// [`simulate_together`] replaying only the requests of the functions `shard` keeps (all of
/// them when `None`), each recorder keeping what merging parts needs
/// ([`platform::Mergeable`]) when `shard` is given.
pub fn simulate_shard_together(
    stream: &Workload,
    streams: Streams,
    window: Window,
    members: &[Member],
    progress: &Progress,
    shard: Option<&ShardFilter>,
) -> Vec<Result<DeploymentResult, SimError>> {
    let open = || {
        let s = stream.open(streams, window.length)?;
        Ok(match shard {
            Some(f) => RequestStream::Filtered(Box::new(s), std::sync::Arc::clone(&f.keep)),
            None => s,
        })
    };
    let mergeable = platform::Mergeable(shard.is_some());
    if members.len() < 2 || rayon::current_num_threads() < 2 {
        return members
            .iter()
            .map(|m| {
                platform::simulate_on_with(m.spec, m.workload, open, m.window, progress, mergeable)
            })
            .collect();
    }
    let source = match open() {
        Ok(source) => source,
        Err(e) => return each_fails(e, members.len()),
    };
    let (producer, shared) = broadcast(source, members.len());
    std::thread::scope(|scope| {
        scope.spawn(|| producer.run());
        let workers: Vec<_> = members
            .iter()
            .zip(shared)
            .map(|(m, shared)| {
                scope.spawn(move || {
                    let requests = move || Ok(RequestStream::Shared(shared));
                    platform::simulate_on_with(
                        m.spec, m.workload, requests, m.window, progress, mergeable,
                    )
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// `error` for the first of `n` members, its message for the others (each would have met it
/// opening its own stream).
fn each_fails(error: SimError, n: usize) -> Vec<Result<DeploymentResult, SimError>> {
    let message = error.to_string();
    let mut out = vec![Err(error)];
    out.extend((1..n).map(|_| Err(SimError::Invalid(message.clone()))));
    out
}
