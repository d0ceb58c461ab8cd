//! The future-event list, ordered by (time, insertion sequence), in a 4-ary heap
//! ([`super::heap`]).
//!
//! Equal times pop in the order they were scheduled, so a run is deterministic without ever
//! comparing payloads. Events are small `Copy` values (ids, not objects); cancelling one is the
//! model's business (a generation counter in the payload, checked when it pops).
//!
//! Entries pack (time, sequence) into one `u128` key, time in the high half, so ordering is a
//! single integer comparison. The sequence's top bit marks *housekeeping* events (timers,
//! periodic ticks: see [`super::Sim::schedule_housekeeping`]); sequences stay below 2^63, so
//! the mark only orders ties: at equal times, work events pop before housekeeping ones (a
//! call ending at the very moment a keep-alive expires finds its instance still warm), each
//! kind in scheduling order.
//!
//! Measured on the engine benchmarks' scenarios (`benches/engine.rs`; instructions under
//! callgrind on 1M requests, wall time from `examples/engine_throughput` on 5M, median of
//! five): the 4-ary heap against std's binary `BinaryHeap`, +0.5% instructions and 3-11% more
//! requests a second (one-function FaaS 9.5 -> 10.6 M/s, ten functions 8.2 -> 9.0, with BaaS
//! 6.7 -> 7.1, fleet 13.1 -> 14.5, per-instance concurrency 80 10.9 -> 12.1, hybrid keep-alive
//! 5.7 -> 5.9). Popping is a chain of dependent loads and compares, one link per level, and
//! halving the depth shortens it. Tried and dropped: an 8-ary heap (1-5% slower than 4-ary);
//! a radix heap (keys are monotone in a simulation), +12% instructions; keeping housekeeping
//! events (keep-alive timers, one per warm instance) in a binary heap of their own, so that
//! completions sift through a shallower one: +6% on the hybrid benchmark but -7% on the fleet
//! and -8% with per-instance concurrency 80 (a second peek on every pop, for few timers).

use super::heap::QuadHeap;
use super::time::Micros;

/// The sequence bit marking a housekeeping event.
const HOUSEKEEPING: u64 = 1 << 63;

/// Pending events of one simulation, earliest first, ties in scheduling order.
pub struct EventQueue<E> {
    heap: QuadHeap<E>,
    next_seq: u64,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// Bytes one pending event takes in the heap (for the size estimate).
    pub const ENTRY_BYTES: usize = std::mem::size_of::<(u128, E)>();

    /// An empty queue.
    pub fn new() -> Self {
        Self {
            heap: QuadHeap::new(),
            next_seq: 0,
        }
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn push(&mut self, time: Micros, event: E) {
        self.push_marked(time, event, false);
    }

    /// Schedules `event` at `time`, marked as housekeeping or not.
    #[inline]
    pub fn push_marked(&mut self, time: Micros, event: E, housekeeping: bool) {
        let mark = if housekeeping { HOUSEKEEPING } else { 0 };
        let key = ((time as u128) << 64) | (self.next_seq | mark) as u128;
        self.next_seq += 1;
        self.heap.push(key, event);
    }

    /// The time of the earliest pending event.
    #[inline]
    pub fn peek_time(&self) -> Option<Micros> {
        self.heap.peek_key().map(time_of)
    }

    /// Removes and returns the earliest pending event.
    #[inline]
    pub fn pop(&mut self) -> Option<(Micros, E)> {
        self.pop_marked().map(|(t, e, _)| (t, e))
    }

    /// Removes and returns the earliest pending event and whether it is housekeeping.
    #[inline]
    pub fn pop_marked(&mut self) -> Option<(Micros, E, bool)> {
        self.heap
            .pop()
            .map(|(key, event)| (time_of(key), event, key as u64 & HOUSEKEEPING != 0))
    }

    /// Number of pending events (stale, lazily cancelled ones included).
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// The time half of a key.
#[inline]
fn time_of(key: u128) -> Micros {
    (key >> 64) as Micros
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn pops_by_time_then_by_insertion_order() {
        let mut q = EventQueue::new();
        q.push(30, 'a');
        q.push(10, 'b');
        q.push(30, 'c');
        q.push(10, 'd');
        q.push(20, 'e');
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(
            order,
            vec![(10, 'b'), (10, 'd'), (20, 'e'), (30, 'a'), (30, 'c')]
        );
        assert!(q.is_empty());
    }

    #[test]
    fn at_equal_times_work_pops_before_housekeeping() {
        let mut q = EventQueue::new();
        q.push_marked(10, 'a', true);
        q.push(10, 'b');
        q.push_marked(5, 'c', true);
        q.push(10, 'd');
        q.push_marked(10, 'e', true);
        assert_eq!(q.len(), 5);
        assert_eq!(q.peek_time(), Some(5));
        let order: Vec<_> = std::iter::from_fn(|| q.pop_marked()).collect();
        assert_eq!(
            order,
            vec![
                (5, 'c', true),
                (10, 'b', false),
                (10, 'd', false),
                (10, 'a', true),
                (10, 'e', true)
            ]
        );
    }

    #[test]
    fn matches_a_sorted_reference_under_random_interleaving() {
        // Reference: a list kept sorted by (time, housekeeping, sequence); a quarter of the
        // events are housekeeping.
        let mut rng = crate::rng::SimRng::seed_from_u64(3);
        let mut q = EventQueue::new();
        let mut reference: Vec<(Micros, bool, u64)> = Vec::new();
        let mut seq = 0u64;
        let mut now = 0;
        for _ in 0..20_000 {
            if rng.next_u32() % 3 != 0 || reference.is_empty() {
                let t = now + (rng.next_u32() % 50) as Micros;
                let housekeeping = rng.next_u32() % 4 == 0;
                q.push_marked(t, seq, housekeeping);
                reference.push((t, housekeeping, seq));
                seq += 1;
            } else {
                reference.sort();
                let want = reference.remove(0);
                let got = q.pop_marked().expect("non-empty");
                assert_eq!(got, (want.0, want.2, want.1));
                now = got.0;
            }
        }
        reference.sort();
        for want in reference {
            assert_eq!(q.pop_marked(), Some((want.0, want.2, want.1)));
        }
        assert_eq!(q.pop(), None);
    }
}
