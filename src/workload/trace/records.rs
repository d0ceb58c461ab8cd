//! Invocations held in memory as compact sorted records: the Azure 2021 trace (its rows are
//! unsorted) and plain CSV files with `sort = true`.
//!
//! A record is 24 bytes (start, function, execution time). The list is built once when the
//! scenario is loaded, already filtered to the selected functions and window, sorted by start
//! (stable: equal starts keep file order), and shared read-only by every deployment.

use std::sync::Arc;

use super::shape::{Clock, Emitter, Fed, Invocation, Multiplier, Requests};
use crate::engine::time::Micros;
use crate::rng::Streams;
use crate::workload::{FunctionId, FunctionSpec, Request};

/// Marks a record whose execution time is sampled from the function's distribution.
pub const SAMPLED: Micros = Micros::MAX;

/// One traced invocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// Start, µs on the trace's clock.
    pub t: i64,
    pub function: FunctionId,
    /// Execution time, or [`SAMPLED`].
    pub exec: Micros,
}

/// Sorted records and how to replay them.
#[derive(Debug)]
pub struct Records {
    pub records: Vec<Record>,
    pub clock: Clock,
    pub multiplier: f64,
}

impl Records {
    /// Sorts `records` by start, stably, and keeps those of selected functions (`ids` maps
    /// trace function index to function id or [`super::select::DROPPED`]) inside the window.
    pub fn new(mut records: Vec<Record>, ids: &[u32], clock: Clock, multiplier: f64) -> Self {
        records.retain_mut(|r| {
            let id = ids[r.function as usize];
            r.function = id;
            id != super::select::DROPPED && clock.contains(r.t)
        });
        records.sort_by_key(|r| r.t);
        records.shrink_to_fit();
        Self {
            records,
            clock,
            multiplier,
        }
    }
}

/// The request stream over shared records.
pub struct RecordStream {
    records: Arc<Records>,
    pos: usize,
    emitter: Emitter,
}

impl RecordStream {
    pub fn new(records: Arc<Records>, functions: &[FunctionSpec], streams: Streams) -> Self {
        let emitter = Emitter::new(
            records.clock,
            Multiplier::new(records.multiplier),
            Requests::new(functions, streams),
        );
        Self {
            records,
            pos: 0,
            emitter,
        }
    }

    /// The next request in arrival order.
    #[inline]
    pub fn next_request(&mut self) -> Option<Request> {
        if let Some(r) = self.emitter.pending() {
            return Some(r);
        }
        while let Some(rec) = self.records.records.get(self.pos) {
            self.pos += 1;
            let inv = Invocation {
                t: rec.t,
                function: rec.function,
                exec: (rec.exec != SAMPLED).then_some(rec.exec),
            };
            match self.emitter.feed(inv) {
                Fed::Emit(r) => return Some(r),
                Fed::Skip => {}
                Fed::Done => break,
            }
        }
        None
    }
}
