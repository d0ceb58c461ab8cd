//! Processor sharing of one instance's vCPUs among the requests it serves at once.
//!
//! An instance with `V` vCPUs serving several requests (per-instance concurrency above 1)
//! shares its CPU among the requests that are in their CPU-bound part. A request can use at
//! most its *cap* of vCPUs (its function's `max_vcpus`, 1 by default: one thread). The CPU
//! is shared max-min fairly (water-filling): each computing request progresses at
//! `min(cap, level)` µs of work per µs, where the level is the largest with
//! `sum over requests of min(cap, level) <= V` (unbounded when every request gets its cap).
//! With equal caps `c` that is `min(c, V / k)` for `k` requests: `min(1, V / k)` by default,
//! so a request alone never runs faster than one full vCPU, and one with `max_vcpus = 2`
//! alone on 2 vCPUs runs twice as fast as on 1. A request's CPU-bound part is its *work*
//! `W`, in µs of one full vCPU.
//!
//! [`SharedCpu`] is one instance's CPU, in the virtual-time formulation of processor
//! sharing. Jobs with the same cap always progress at the same rate, so they form a
//! *class*: one *clock* per class counts the service every job of it has received, and a
//! job added with work `W` when its class's clock reads `A` finishes when the clock reaches
//! its *tag* `A + W`. Each class keeps its jobs in a binary min-heap of tags, so adding,
//! removing or finishing a job is O(log k + classes) and nothing is allocated once the
//! heaps and the job table have reached the instance's concurrency (classes are created
//! once per distinct cap, usually one).
//!
//! # Rounding rule (all times integer microseconds)
//!
//! - Clocks are kept in units of 2^-32 µs of work, and `V` and caps as the nearest multiple
//!   of 2^-32 vCPU. A class's rate is a ratio of integers: its cap (over 1), or the level,
//!   what `V` leaves after the classes held at their caps, over the number of jobs not
//!   held (water-filling over classes in increasing cap; a class is held at its cap when
//!   `cap x jobs not yet held <= V left`). Over a stretch of `dt` µs a class's clock
//!   advances by `floor(dt x 2^32 x rate)` units: exact integer arithmetic (128-bit), no
//!   float ever orders events. With one class of cap 1 this is `floor(dt x 2^32 x min(1,
//!   V / k))`.
//! - [`SharedCpu::next_finish`] is the first whole microsecond at which a clock reaches
//!   its class's smallest tag if nothing changes: `last + ceil((tag - clock) / rate)`,
//!   where `last` is the time of the latest change (the earliest over classes; equal times
//!   in insertion order). It is never earlier than that change,
//!   and advancing the clock to it always reaches the tag, because
//!   `floor(ceil(x / r) x r) >= x` for an integer `x`.
//! - Work is neither lost nor created beyond one microsecond per job: each stretch floors
//!   away less than 2^-32 µs of every job's service, and a job finishes at the next whole
//!   microsecond after its exact finish, which serves it less than `cap` extra µs of work
//!   (its rate is at most its cap). A job that lives through `n` changes of the instance's
//!   state receives between `W - n x 2^-32` and `W + cap` µs of work: within 1 µs of `W`
//!   for the default cap while `n < 2^32`.
//!   Its finish *time* can still move by the rounding of the jobs that left before it
//!   (each stays up to 1 µs longer and shares the CPU meanwhile).
//! - Ties: within a class the smallest tag finishes first, jobs with equal tags in the
//!   order they were added; across classes, equal finish times in the order added. Several
//!   jobs can finish in the same microsecond: [`SharedCpu::finish`] pops one per call, so a caller drains them with `while let Some(job) = cpu.finish(now)`.
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
//! intended id. Memory is 8 bytes x (largest id + 1) plus 32 bytes per job present. Times
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
/// [[`MIN_VCPUS`], [`MAX_VCPUS`]]. The same range holds for a job's cap.
pub fn is_valid_vcpus(vcpus: f64) -> bool {
    vcpus.is_finite() && (MIN_VCPUS..=MAX_VCPUS).contains(&vcpus)
}

/// `vcpus` in units of 2^-32 vCPU, rounded to nearest.
fn fixed(vcpus: f64) -> u128 {
    ((vcpus * ONE as f64) + 0.5) as u128
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    /// Clock reading (of its class) at which the job has received all its work.
    tag: u128,
    /// Insertion order, breaking ties.
    seq: u64,
    job: u32,
}

impl Entry {
    fn before(&self, other: &Entry) -> bool {
        (self.tag, self.seq) < (other.tag, other.seq)
    }
}

/// The jobs of one cap: they all progress at the same rate.
#[derive(Clone, Debug)]
struct Class {
    /// Largest rate of one job, in units of 2^-32 vCPU.
    cap: u128,
    /// Service received by every job of the class, in units of 2^-32 µs of work.
    clock: u128,
    /// Current rate of each job: `rate_num / rate_den` clock units per µs.
    rate_num: u128,
    rate_den: u128,
    heap: Vec<Entry>,
}

impl Class {
    /// When `top`, the first job of the heap, finishes if nothing changes, from `last`.
    fn finish_of(&self, top: Entry, last: Micros) -> Micros {
        let work_left = top.tag.saturating_sub(self.clock);
        let wait = if self.rate_den == 1 && self.rate_num == ONE {
            work_left.div_ceil(ONE)
        } else {
            work_left
                .saturating_mul(self.rate_den)
                .div_ceil(self.rate_num)
        };
        (u128::from(last) + wait).min(u128::from(Micros::MAX)) as Micros
    }

    fn sift_up(&mut self, position: &mut [u32], mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if !self.heap[i].before(&self.heap[parent]) {
                break;
            }
            self.swap(position, i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, position: &mut [u32], mut i: usize) {
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
            self.swap(position, i, child);
            i = child;
        }
    }

    fn swap(&mut self, position: &mut [u32], a: usize, b: usize) {
        self.heap.swap(a, b);
        position[self.heap[a].job as usize] = a as u32;
        position[self.heap[b].job as usize] = b as u32;
    }
}

/// One instance's vCPUs, shared among the jobs computing on it (see the module docs).
#[derive(Clone, Debug)]
pub struct SharedCpu {
    vcpus: f64,
    /// `vcpus` in units of 2^-32 vCPU.
    vcpus_fixed: u128,
    /// Time of the latest change; the clocks are read at this time.
    last: Micros,
    /// By increasing cap.
    classes: Vec<Class>,
    /// Job id -> index in its class's heap, or [`ABSENT`]; and its class.
    position: Vec<u32>,
    class_of: Vec<u32>,
    /// Jobs that finished before a later change was made without popping them, with their
    /// finish times, in finishing order (empty while the caller pops on time).
    done: VecDeque<(Micros, u32)>,
    next_seq: u64,
    /// Room reserved in each class's heap.
    jobs: usize,
    /// vCPU time computed so far, in units of 2^-32 vCPU-µs, and the current total rate
    /// (units of 2^-32 vCPU): `min(V, sum of the caps of the jobs computing)`.
    used: u128,
    busy_rate: u128,
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
        let mut cpu = Self {
            vcpus,
            vcpus_fixed: fixed(vcpus),
            last: 0,
            classes: Vec::new(),
            position: vec![ABSENT; jobs],
            class_of: vec![0; jobs],
            done: VecDeque::with_capacity(jobs),
            next_seq: 0,
            jobs,
            used: 0,
            busy_rate: 0,
        };
        cpu.class_for(ONE);
        cpu
    }

    /// The instance's vCPUs.
    pub fn vcpus(&self) -> f64 {
        self.vcpus
    }

    /// How many jobs are here (computing, or finished and not yet popped).
    pub fn len(&self) -> usize {
        self.computing() + self.done.len()
    }

    /// How many jobs are computing.
    fn computing(&self) -> usize {
        self.classes.iter().map(|c| c.heap.len()).sum()
    }

    /// Whether no job is here.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The vCPU time computed on this CPU from its creation to `now`, in vCPU-µs: the
    /// integral of `min(V, sum of the caps of the jobs computing)` (an owner's CPU
    /// utilisation over a span is the difference of two readings over `V x span`). Reading
    /// it is a change at `now` like any other (times never go backwards).
    pub fn busy_vcpu_us(&mut self, now: Micros) -> f64 {
        self.advance(now);
        self.used as f64 / ONE as f64
    }

    /// Whether `job` is here (computing, or finished and not yet popped).
    pub fn contains(&self, job: u32) -> bool {
        self.index_of(job).is_some() || self.done.iter().any(|&(_, j)| j == job)
    }

    /// Starts `job` at `now` with `work` µs of one full vCPU, using at most one vCPU.
    ///
    /// # Panics
    /// If `job` is already computing here (a caller bug: ids are the caller's slots).
    pub fn add(&mut self, now: Micros, job: u32, work: Micros) {
        self.add_capped(now, job, work, 1.0);
    }

    /// Starts `job` at `now` with `work` µs of one full vCPU, using at most `max_vcpus`
    /// vCPUs at once (its cap, valid per [`is_valid_vcpus`]).
    ///
    /// # Panics
    /// If `job` is already computing here, or the cap is not valid.
    pub fn add_capped(&mut self, now: Micros, job: u32, work: Micros, max_vcpus: f64) {
        assert!(
            is_valid_vcpus(max_vcpus),
            "a job's cap must be in [2^-20, 2^20] vCPUs, got {max_vcpus}"
        );
        self.advance(now);
        assert!(!self.contains(job), "job {job} is already on this CPU");
        let slot = job as usize;
        if slot >= self.position.len() {
            self.position.resize(slot + 1, ABSENT);
            self.class_of.resize(slot + 1, 0);
        }
        let c = self.class_for(fixed(max_vcpus));
        let class = &mut self.classes[c];
        let entry = Entry {
            tag: class.clock + u128::from(work) * ONE,
            seq: self.next_seq,
            job,
        };
        self.next_seq += 1;
        class.heap.push(entry);
        let last = class.heap.len() - 1;
        self.position[slot] = last as u32;
        self.class_of[slot] = c as u32;
        class.sift_up(&mut self.position, last);
        self.rerate();
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
        let c = self.class_of[job as usize] as usize;
        let class = &self.classes[c];
        let left = class.heap[index]
            .tag
            .saturating_sub(class.clock)
            .div_ceil(ONE);
        self.remove_at(c, index);
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
        self.next_heap_finish()
            .map(|(at, c)| (at, self.classes[c].heap[0].job))
    }

    /// The earliest finish over classes if nothing changes, and its class (equal times: the
    /// job added first).
    fn next_heap_finish(&self) -> Option<(Micros, usize)> {
        let mut best: Option<(Micros, u64, usize)> = None;
        for (c, class) in self.classes.iter().enumerate() {
            if let Some(&top) = class.heap.first() {
                let at = class.finish_of(top, self.last);
                if best.is_none_or(|(t, seq, _)| (at, top.seq) < (t, seq)) {
                    best = Some((at, top.seq, c));
                }
            }
        }
        best.map(|(at, _, c)| (at, c))
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
        let mut best: Option<(u64, usize)> = None;
        for (c, class) in self.classes.iter().enumerate() {
            if let Some(&top) = class.heap.first()
                && top.tag <= class.clock
                && best.is_none_or(|(seq, _)| top.seq < seq)
            {
                best = Some((top.seq, c));
            }
        }
        let (_, c) = best?;
        let job = self.classes[c].heap[0].job;
        self.remove_at(c, 0);
        Some(job)
    }

    /// Runs the clocks from the latest change to `now`. Jobs that finish strictly before
    /// `now` stop sharing the CPU at their finish time and wait in `done` to be popped, so
    /// a caller that is late to pop them does not slow the others.
    fn advance(&mut self, now: Micros) {
        debug_assert!(
            now >= self.last,
            "time went back from {} to {now}",
            self.last
        );
        while let Some((due, c)) = self.next_heap_finish() {
            if due >= now {
                break;
            }
            self.run_clocks(due);
            let job = self.classes[c].heap[0].job;
            self.remove_at(c, 0);
            self.done.push_back((due, job));
        }
        self.run_clocks(now);
    }

    /// Runs every class's clock from the latest change to `now` at its current rate.
    fn run_clocks(&mut self, now: Micros) {
        if now <= self.last {
            return;
        }
        let dt = u128::from(now - self.last);
        self.used += dt * self.busy_rate;
        for class in &mut self.classes {
            if !class.heap.is_empty() {
                class.clock += if class.rate_den == 1 {
                    dt * class.rate_num
                } else {
                    dt * class.rate_num / class.rate_den
                };
            }
        }
        self.last = now;
    }

    /// Sets every class's rate by water-filling (see the rounding rule).
    fn rerate(&mut self) {
        let demand: u128 = self
            .classes
            .iter()
            .map(|c| c.heap.len() as u128 * c.cap)
            .sum();
        self.busy_rate = demand.min(self.vcpus_fixed);
        let mut left = self.vcpus_fixed;
        let mut count = self.computing() as u128;
        let mut capped = true;
        for class in &mut self.classes {
            let n = class.heap.len() as u128;
            if capped && class.cap * count <= left {
                (class.rate_num, class.rate_den) = (class.cap, 1);
                left -= n * class.cap;
                count -= n;
            } else {
                capped = false;
                (class.rate_num, class.rate_den) = (left, count.max(1));
            }
        }
    }

    /// The index of the class of cap `cap` (units of 2^-32 vCPU), made if it is new.
    fn class_for(&mut self, cap: u128) -> usize {
        let at = self.classes.partition_point(|c| c.cap < cap);
        if self.classes.get(at).is_some_and(|c| c.cap == cap) {
            return at;
        }
        self.classes.insert(
            at,
            Class {
                cap,
                clock: 0,
                rate_num: cap,
                rate_den: 1,
                heap: Vec::with_capacity(self.jobs),
            },
        );
        // Jobs of the classes after it move up by one.
        for class in &self.classes[at + 1..] {
            for e in &class.heap {
                self.class_of[e.job as usize] += 1;
            }
        }
        at
    }

    fn index_of(&self, job: u32) -> Option<usize> {
        match self.position.get(job as usize) {
            Some(&i) if i != ABSENT => Some(i as usize),
            _ => None,
        }
    }

    fn remove_at(&mut self, c: usize, index: usize) {
        let class = &mut self.classes[c];
        let removed = class.heap.swap_remove(index);
        self.position[removed.job as usize] = ABSENT;
        if index < class.heap.len() {
            self.position[class.heap[index].job as usize] = index as u32;
            class.sift_down(&mut self.position, index);
            class.sift_up(&mut self.position, index);
        }
        if class.heap.is_empty() {
            // Only differences between the clock and tags matter: restart small.
            class.clock = 0;
        }
        self.rerate();
    }
}

#[cfg(test)]
#[path = "share_internal_tests.rs"]
mod tests;
