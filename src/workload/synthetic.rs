//! Merges the synthetic arrival processes of all functions into one time-ordered stream.
//!
//! Each function owns two generators: one for its arrival times, one for its execution times
//! and request keys. A small heap keyed by (next arrival, function index) merges them, so
//! memory is O(functions) whatever the window length.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::Rng;

use super::arrival::{ArrivalProcess, ArrivalState};
use super::{DurationDist, FunctionId, FunctionSpec, Request};
use crate::engine::time::{Micros, as_secs};
use crate::rng::{Purpose, SimRng, Streams, unit_open};

struct FunctionArrivals {
    state: ArrivalState,
    arrivals_rng: SimRng,
    requests_rng: SimRng,
    exec: DurationDist,
}

/// The merged request stream of a synthetic workload.
pub struct SyntheticStream {
    functions: Vec<FunctionArrivals>,
    heap: BinaryHeap<Reverse<(Micros, FunctionId)>>,
    end_s: f64,
}

impl SyntheticStream {
    /// Streams the requests of `functions` (arriving per `processes`) before `end`.
    pub fn new(
        functions: &[FunctionSpec],
        processes: &[ArrivalProcess],
        streams: Streams,
        end: Micros,
    ) -> Self {
        let end_s = as_secs(end);
        let mut heap = BinaryHeap::with_capacity(functions.len());
        let functions = functions
            .iter()
            .zip(processes)
            .enumerate()
            .map(|(i, (f, p))| {
                let mut arrivals_rng = streams.stream(Purpose::Arrivals, f.stream_id());
                let mut state = ArrivalState::new(p.clone(), &mut arrivals_rng);
                if let Some(t) = state.next(&mut arrivals_rng, end_s) {
                    heap.push(Reverse((t, i as FunctionId)));
                }
                FunctionArrivals {
                    state,
                    arrivals_rng,
                    requests_rng: streams.stream(Purpose::Requests, f.stream_id()),
                    exec: f.exec.clone(),
                }
            })
            .collect();
        Self {
            functions,
            heap,
            end_s,
        }
    }

    /// The next request, or `None` when every process has passed the end of the window.
    #[inline]
    pub fn next_request(&mut self) -> Option<Request> {
        let mut top = self.heap.peek_mut()?;
        let Reverse((arrival, function)) = *top;
        let f = &mut self.functions[function as usize];
        let bits = f.requests_rng.next_u64();
        let exec = f.exec.sample(unit_open(bits));
        let key = f.requests_rng.next_u64();
        // Replace the top in place (one sift-down) rather than pop then push.
        match f.state.next(&mut f.arrivals_rng, self.end_s) {
            Some(t) => *top = Reverse((t, function)),
            None => drop(std::collections::binary_heap::PeekMut::pop(top)),
        }
        Some(Request {
            arrival,
            function,
            exec,
            key,
        })
    }
}
