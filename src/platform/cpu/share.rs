//! Processor sharing of one instance's vCPUs among the requests it serves at once.
//!
//! An instance with `V` vCPUs serving several requests (per-instance concurrency above 1)
//! shares its CPU among the requests that are in their CPU-bound part. Each such request is
//! one thread: while `k` of them compute, each progresses at `min(1, V / k)` µs of work per
//! µs of real time. A request alone on an instance never runs faster than one full vCPU; a
//! request's CPU-bound part is its *work* `W`, in µs of one full vCPU.
//!
//! [`SharedCpu`] is one instance's CPU, in the virtual-time formulation of processor
//! sharing: one *clock* per instance counts the service every job present has received
//! (all jobs present progress at the same rate), and a job added with work `W` when the
//! clock reads `A` finishes when the clock reaches its *tag* `A + W`. The jobs sit in a
//! binary min-heap of tags, so adding, removing or finishing a job is O(log k) and nothing
//! is allocated once the heap and the job table have reached the instance's concurrency.
//!
//! # Rounding rule (all times integer microseconds)
//!
//! - The clock is kept in units of 2^-32 µs of work, and `V` as the nearest multiple of
//!   2^-32 vCPU. Over a stretch of `dt` µs with `k` jobs the clock advances by
//!   `floor(dt x 2^32 x min(1, V / k))` units: exact integer arithmetic (128-bit), no
//!   float ever orders events.
//! - [`SharedCpu::next_finish`] is the first whole microsecond at which the clock reaches
//!   the smallest tag if nothing changes: `last + ceil((tag - clock) / min(1, V / k))`,
//!   where `last` is the time of the latest change. It is never earlier than that change,
//!   and advancing the clock to it always reaches the tag, because
//!   `floor(ceil(x / r) x r) >= x` for an integer `x`.
//! - Work is neither lost nor created beyond one microsecond per job: each stretch floors
//!   away less than 2^-32 µs of every job's service, and a job finishes at the next whole
//!   microsecond after its exact finish, which serves it less than one extra µs (its rate
//!   is at most 1). A job that lives through `n` changes of the instance's state receives
//!   between `W - n x 2^-32` and `W + 1` µs of work: within 1 µs of `W` while `n < 2^32`.
//!   Its finish *time* can still move by the rounding of the jobs that left before it
//!   (each stays up to 1 µs longer and shares the CPU meanwhile).
//! - Ties: the smallest tag finishes first; jobs with equal tags in the order they were
//!   added. Several jobs can finish in the same microsecond: [`SharedCpu::finish`] pops one
//!   per call, so a caller drains them with `while let Some(job) = cpu.finish(now)`.
//! - A job that finishes is meant to be popped at the time [`SharedCpu::next_finish`]
//!   gave. A change made later without popping it does not let it keep a share: it stops
//!   computing at its finish time, and `next_finish` reports it first, with that (earlier)
//!   time, until it is popped. Changes at the very microsecond a job finishes (an arrival
//!   handled before the finish event) cost nothing, as no time passes.
//!
//! # What the caller owns
//!
//! Job ids are `u32`s chosen by the caller and index a table inside the instance, so they
//! should be small and dense: the request's slot on the instance (`0..concurrency`) is the
//! intended id. Memory is 4 bytes x (largest id + 1) plus 32 bytes per job present. Times
//! passed in never go backwards (a time before the latest change counts as that change's
//! time; debug builds assert). Only the CPU-bound part of a request belongs here: backend
//! calls and the rest of its execution run beside it and are not slowed.

use std::collections::VecDeque;

use crate::engine::time::Micros;

/// Units of the clock per microsecond of work.
const ONE: u128 = 1 << 32;
/// Marks a job id with no job in the table.
const ABSENT: u32 = u32::MAX;

/// The smallest vCPU count an instance may have (2^-20, about a millionth of a vCPU).
pub const MIN_VCPUS: f64 = 1.0 / 1_048_576.0;
/// The largest vCPU count an instance may have (2^20); keeps every product in 128 bits.
pub const MAX_VCPUS: f64 = 1_048_576.0;

/// Whether `vcpus` is a CPU size [`SharedCpu`] accepts: finite, in
/// [[`MIN_VCPUS`], [`MAX_VCPUS`]].
pub fn is_valid_vcpus(vcpus: f64) -> bool {
    vcpus.is_finite() && (MIN_VCPUS..=MAX_VCPUS).contains(&vcpus)
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Clock reading at which the job has received all its work.
    tag: u128,
    /// Insertion order, breaking ties between equal tags.
    seq: u64,
    job: u32,
}

impl Entry {
    fn before(&self, other: &Entry) -> bool {
        (self.tag, self.seq) < (other.tag, other.seq)
    }
}

/// One instance's vCPUs, shared among the jobs computing on it (see the module docs).
#[derive(Clone, Debug)]
pub struct SharedCpu {
    vcpus: f64,
    /// `vcpus` in units of 2^-32 vCPU.
    vcpus_fixed: u128,
    /// Service received by every job present, in units of 2^-32 µs of work.
    clock: u128,
    /// Time of the latest change; the clock is read at this time.
    last: Micros,
    heap: Vec<Entry>,
    /// Job id -> index in `heap`, or [`ABSENT`].
    position: Vec<u32>,
    /// Jobs that finished before a later change was made without popping them, with their
    /// finish times, in finishing order (empty while the caller pops on time).
    done: VecDeque<(Micros, u32)>,
    next_seq: u64,
}

impl SharedCpu {
    /// An idle CPU of `vcpus` vCPUs.
    ///
    /// # Panics
    /// If `vcpus` is not valid ([`is_valid_vcpus`]); the scenario checks it first.
    pub fn new(vcpus: f64) -> Self {
        Self::with_capacity(vcpus, 0)
    }

    /// An idle CPU of `vcpus` vCPUs, with room for jobs `0..jobs` allocated up front (pass
    /// the instance's concurrency: nothing is allocated afterwards).
    ///
    /// # Panics
    /// As [`SharedCpu::new`].
    pub fn with_capacity(vcpus: f64, jobs: usize) -> Self {
        assert!(
            is_valid_vcpus(vcpus),
            "an instance's vCPUs must be in [2^-20, 2^20], got {vcpus}"
        );
        Self {
            vcpus,
            vcpus_fixed: ((vcpus * ONE as f64) + 0.5) as u128,
            clock: 0,
            last: 0,
            heap: Vec::with_capacity(jobs),
            position: vec![ABSENT; jobs],
            done: VecDeque::with_capacity(jobs),
            next_seq: 0,
        }
    }

    /// The instance's vCPUs.
    pub fn vcpus(&self) -> f64 {
        self.vcpus
    }

    /// How many jobs are here (computing, or finished and not yet popped).
    pub fn len(&self) -> usize {
        self.heap.len() + self.done.len()
    }

    /// Whether no job is here.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty() && self.done.is_empty()
    }

    /// Whether `job` is here (computing, or finished and not yet popped).
    pub fn contains(&self, job: u32) -> bool {
        self.index_of(job).is_some() || self.done.iter().any(|&(_, j)| j == job)
    }

    /// Starts `job` at `now` with `work` µs of one full vCPU.
    ///
    /// # Panics
    /// If `job` is already computing here (a caller bug: ids are the caller's slots).
    pub fn add(&mut self, now: Micros, job: u32, work: Micros) {
        self.advance(now);
        assert!(!self.contains(job), "job {job} is already on this CPU");
        let slot = job as usize;
        if slot >= self.position.len() {
            self.position.resize(slot + 1, ABSENT);
        }
        let entry = Entry {
            tag: self.clock + u128::from(work) * ONE,
            seq: self.next_seq,
            job,
        };
        self.next_seq += 1;
        self.heap.push(entry);
        let last = self.heap.len() - 1;
        self.position[slot] = last as u32;
        self.sift_up(last);
    }

    /// Stops `job` at `now` before it finishes (a timeout, a crash) and returns the work it
    /// had left, rounded up to the microsecond; `None` if it is not here.
    pub fn remove(&mut self, now: Micros, job: u32) -> Option<Micros> {
        self.advance(now);
        if let Some(i) = self.done.iter().position(|&(_, j)| j == job) {
            self.done.remove(i);
            return Some(0);
        }
        let index = self.index_of(job)?;
        let left = self.heap[index]
            .tag
            .saturating_sub(self.clock)
            .div_ceil(ONE);
        self.remove_at(index);
        Some(u64::try_from(left).unwrap_or(Micros::MAX))
    }

    /// When the next job finishes if nothing changes, and which: the first whole
    /// microsecond at which it has received all its work (see the rounding rule). Never
    /// earlier than the latest change, except for a job the caller let finish unpopped
    /// before that change, which comes first with its real finish time. Saturates at
    /// [`Micros::MAX`].
    pub fn next_finish(&self) -> Option<(Micros, u32)> {
        if let Some(&late) = self.done.front() {
            return Some(late);
        }
        self.heap.first().map(|&top| self.next_heap_finish(top))
    }

    /// When `top`, the first job of the heap, finishes if nothing changes.
    fn next_heap_finish(&self, top: Entry) -> (Micros, u32) {
        let work_left = top.tag.saturating_sub(self.clock);
        let k = self.heap.len() as u128;
        let wait = if self.vcpus_fixed >= ONE * k {
            work_left.div_ceil(ONE)
        } else {
            work_left.saturating_mul(k).div_ceil(self.vcpus_fixed)
        };
        let at = (u128::from(self.last) + wait).min(u128::from(Micros::MAX));
        (at as Micros, top.job)
    }

    /// Removes and returns the job that has received all its work by `now` (the first in
    /// tie order), or `None` if no job is done yet. Call it at the time
    /// [`SharedCpu::next_finish`] gave, until it returns `None`.
    pub fn finish(&mut self, now: Micros) -> Option<u32> {
        // A late job is popped at the finish time next_finish gave, which may be earlier
        // than the latest change.
        if self.done.is_empty() || now > self.last {
            self.advance(now);
        }
        if let Some((_, job)) = self.done.pop_front() {
            return Some(job);
        }
        let top = *self.heap.first()?;
        if top.tag > self.clock {
            return None;
        }
        self.remove_at(0);
        Some(top.job)
    }

    /// Runs the clock from the latest change to `now`. Jobs that finish strictly before
    /// `now` stop sharing the CPU at their finish time and wait in `done` to be popped, so
    /// a caller that is late to pop them does not slow the others.
    fn advance(&mut self, now: Micros) {
        debug_assert!(
            now >= self.last,
            "time went back from {} to {now}",
            self.last
        );
        while let Some(&top) = self.heap.first() {
            let (due, _) = self.next_heap_finish(top);
            if due >= now {
                break;
            }
            self.run_clock(due);
            self.remove_at(0);
            self.done.push_back((due, top.job));
        }
        self.run_clock(now);
    }

    /// Runs the clock from the latest change to `now` at the current sharing rate.
    fn run_clock(&mut self, now: Micros) {
        if now <= self.last {
            return;
        }
        let dt = u128::from(now - self.last);
        let k = self.heap.len() as u128;
        if k > 0 {
            self.clock += if self.vcpus_fixed >= ONE * k {
                dt * ONE
            } else {
                dt * self.vcpus_fixed / k
            };
        }
        self.last = now;
    }

    fn index_of(&self, job: u32) -> Option<usize> {
        match self.position.get(job as usize) {
            Some(&i) if i != ABSENT => Some(i as usize),
            _ => None,
        }
    }

    fn remove_at(&mut self, index: usize) {
        let removed = self.heap.swap_remove(index);
        self.position[removed.job as usize] = ABSENT;
        if index < self.heap.len() {
            self.position[self.heap[index].job as usize] = index as u32;
            self.sift_down(index);
            self.sift_up(index);
        }
        if self.heap.is_empty() {
            // Only differences between the clock and tags matter: restart small.
            self.clock = 0;
        }
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if !self.heap[i].before(&self.heap[parent]) {
                break;
            }
            self.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        loop {
            let left = 2 * i + 1;
            if left >= self.heap.len() {
                break;
            }
            let right = left + 1;
            let child = if right < self.heap.len() && self.heap[right].before(&self.heap[left]) {
                right
            } else {
                left
            };
            if !self.heap[child].before(&self.heap[i]) {
                break;
            }
            self.swap(i, child);
            i = child;
        }
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        self.position[self.heap[a].job as usize] = a as u32;
        self.position[self.heap[b].job as usize] = b as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_allocated_after_warm_up() {
        let mut cpu = SharedCpu::with_capacity(2.0, 8);
        let (heap, table) = (cpu.heap.capacity(), cpu.position.len());
        let mut now = 0;
        for round in 0..1000u64 {
            for job in 0..8 {
                cpu.add(now, job, 100 + round % 7 + u64::from(job));
            }
            while let Some((at, _)) = cpu.next_finish() {
                now = at;
                while cpu.finish(now).is_some() {}
            }
        }
        assert_eq!((cpu.heap.capacity(), cpu.position.len()), (heap, table));
        assert!(heap >= 8);
    }

    #[test]
    fn an_idle_cpu_restarts_its_clock() {
        let mut cpu = SharedCpu::new(1.0);
        cpu.add(0, 0, 10);
        assert_eq!(cpu.finish(10), Some(0));
        assert_eq!(cpu.clock, 0);
        // The idle gap does not count as service.
        cpu.add(50, 1, 10);
        assert_eq!(cpu.next_finish(), Some((60, 1)));
    }
}
