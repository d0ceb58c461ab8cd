//! FaaS: per-function instance pools with cold starts, keep-alive, concurrency limits and
//! per-call billing.
//!
//! Rules (docs/models.md, "FaaS"):
//! - A request goes to the most recently used idle instance of its pool; if none is idle, a
//!   new instance starts (cold start: the sampled init time is added to its latency). Either
//!   way, a request that finds the function's or the account's concurrency limit reached is
//!   throttled (a synchronous 429: counted as failed, never retried), even if an idle
//!   instance is waiting: the limits count concurrent executions, warm or cold.
//! - Concurrency counts instances that are starting or busy; idle ones do not count.
//! - Reserved concurrency (Lambda's): a function with a reservation may run up to that many
//!   at once, whatever the others do, and never more; the functions without one share what
//!   the account limit leaves after all reservations (and each is capped by the
//!   per-function limit, if set).
//! - One request per instance at a time (Lambda, Azure Consumption).
//! - The instance is held for init + execution + backend operations; that is the request's
//!   latency and (init only where the provider bills it) its billed duration.
//! - After a request the instance idles; the keep-alive policy says for how long before it is
//!   reclaimed.
//!
//! Keep-alive timers use lazy cancellation with a single live timer per instance: the
//! instance remembers when its live timer is due (`armed_at`), a timer that pops at another
//! time, or for an earlier incarnation of a reused slot, is stale and ignored. The event list
//! therefore holds O(instances) entries however many requests reuse them.

use super::baas::BackendPlan;
use super::billing::FaasBilling;
use crate::engine::time::Micros;
use crate::engine::{EventQueue, Model, Sim};
use crate::metrics::Level;
use crate::rng::KeyedUniforms;
use crate::workload::{DurationDist, FunctionSpec, Request};

/// How long an idle instance is kept warm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepAlive {
    /// Reclaimed as soon as it finishes: every request is a cold start.
    None,
    /// Reclaimed after this long idle.
    Fixed(Micros),
    /// Never reclaimed (the M/G/inf reference case).
    Forever,
}

/// A FaaS platform as configured in a deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct FaasSpec {
    pub cold_start: DurationDist,
    pub keep_alive: KeepAlive,
    /// Concurrent executions across all functions (Lambda's account limit, 1,000 by default).
    pub account_concurrency: Option<u32>,
    /// Concurrent executions of any one function without a reservation.
    pub function_concurrency: Option<u32>,
    /// Reserved concurrency per function name: carved out of the account limit.
    pub reserved_concurrency: Vec<(String, u32)>,
    pub billing: FaasBilling,
}

/// The meters a FaaS deployment bills.
#[derive(Clone, Copy, Debug)]
pub struct FaasMeters {
    pub requests: usize,
    pub gb_seconds: usize,
}

/// Bytes of model state one instance slot can hold, for the size estimate: the slot, its
/// free-list entry and up to three pending events (ready, complete, one live keep-alive
/// timer), doubled for the growth headroom of the vectors that hold them.
pub const BYTES_PER_INSTANCE: u64 = 2
    * (std::mem::size_of::<Instance>()
        + std::mem::size_of::<u32>()
        + 3 * EventQueue::<FaasEvent>::ENTRY_BYTES) as u64;

const NIL: u32 = u32::MAX;
const NOT_ARMED: Micros = Micros::MAX;
/// Counter of the per-request uniform used for the cold-start time.
const COLD_START_DRAW: u64 = 0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Starting,
    Busy,
    Idle,
    /// The slot holds no instance.
    Free,
}

#[derive(Clone, Copy, Debug)]
struct Instance {
    pool: u32,
    state: State,
    incarnation: u32,
    /// Idle list links (towards more / less recently used).
    newer: u32,
    older: u32,
    idle_since: Micros,
    armed_at: Micros,
    /// The request in flight.
    arrival: Micros,
    billed_gb_s: f64,
}

#[derive(Clone, Copy, Debug)]
struct Pool {
    /// Most and least recently used idle instances.
    newest_idle: u32,
    oldest_idle: u32,
    in_flight: u32,
    /// Most executions the pool may run at once.
    limit: u32,
    /// Whether the limit is a reservation (outside the shared, unreserved account pool).
    reserved: bool,
    /// Billed memory of the pool's function, in GB.
    billed_gb: f64,
}

/// Events of the FaaS model.
#[derive(Clone, Copy, Debug)]
pub enum FaasEvent {
    /// A cold start finished initialising; the instance begins executing.
    Ready(u32),
    /// The instance finished its request.
    Complete(u32),
    /// A keep-alive timer (instance, incarnation) is due.
    Expire(u32, u32),
}

/// The running FaaS platform.
pub struct FaasModel {
    spec: FaasSpec,
    meters: FaasMeters,
    backend: BackendPlan,
    pools: Vec<Pool>,
    instances: Vec<Instance>,
    free_slots: Vec<u32>,
    /// Executions in flight in functions without a reservation, and how many they may have.
    unreserved_in_flight: u32,
    unreserved_limit: u32,
}

impl FaasModel {
    /// A platform serving `functions`, one pool per function.
    pub fn new(
        spec: FaasSpec,
        functions: &[FunctionSpec],
        backend: BackendPlan,
        meters: FaasMeters,
    ) -> Self {
        let reservation = |name: &str| {
            spec.reserved_concurrency
                .iter()
                .find(|(n, _)| n == name)
                .map(|&(_, r)| r)
        };
        let pools = functions
            .iter()
            .map(|f| {
                let reserved = reservation(&f.name);
                Pool {
                    newest_idle: NIL,
                    oldest_idle: NIL,
                    in_flight: 0,
                    limit: reserved.or(spec.function_concurrency).unwrap_or(u32::MAX),
                    reserved: reserved.is_some(),
                    billed_gb: spec.billing.billed_memory_mb(f.memory_mb) as f64 / 1024.0,
                }
            })
            .collect();
        let reserved_total: u32 = spec.reserved_concurrency.iter().map(|&(_, r)| r).sum();
        let unreserved_limit = spec
            .account_concurrency
            .map_or(u32::MAX, |a| a.saturating_sub(reserved_total));
        Self {
            spec,
            meters,
            backend,
            pools,
            instances: Vec::new(),
            free_slots: Vec::new(),
            unreserved_in_flight: 0,
            unreserved_limit,
        }
    }

    fn at_limit(&self, pool: usize) -> bool {
        let p = &self.pools[pool];
        p.in_flight >= p.limit
            || (!p.reserved && self.unreserved_in_flight >= self.unreserved_limit)
    }

    /// One more (`1`) or one fewer (`-1`) execution in flight in `pool`.
    fn count_in_flight(&mut self, pool: usize, delta: i32) {
        let p = &mut self.pools[pool];
        p.in_flight = p.in_flight.wrapping_add_signed(delta);
        if !p.reserved {
            self.unreserved_in_flight = self.unreserved_in_flight.wrapping_add_signed(delta);
        }
    }

    fn allocate(&mut self, pool: u32) -> u32 {
        let fresh = Instance {
            pool,
            state: State::Starting,
            incarnation: 0,
            newer: NIL,
            older: NIL,
            idle_since: 0,
            armed_at: NOT_ARMED,
            arrival: 0,
            billed_gb_s: 0.0,
        };
        match self.free_slots.pop() {
            Some(i) => {
                let inst = &mut self.instances[i as usize];
                let incarnation = inst.incarnation.wrapping_add(1);
                *inst = Instance {
                    incarnation,
                    ..fresh
                };
                i
            }
            None => {
                self.instances.push(fresh);
                (self.instances.len() - 1) as u32
            }
        }
    }

    fn push_idle(&mut self, i: u32) {
        let pool = self.instances[i as usize].pool as usize;
        let head = self.pools[pool].newest_idle;
        {
            let inst = &mut self.instances[i as usize];
            inst.newer = NIL;
            inst.older = head;
        }
        if head == NIL {
            self.pools[pool].oldest_idle = i;
        } else {
            self.instances[head as usize].newer = i;
        }
        self.pools[pool].newest_idle = i;
    }

    fn unlink_idle(&mut self, i: u32) {
        let Instance {
            pool, newer, older, ..
        } = self.instances[i as usize];
        let pool = &mut self.pools[pool as usize];
        match newer {
            NIL => pool.newest_idle = older,
            n => self.instances[n as usize].older = older,
        }
        match older {
            NIL => pool.oldest_idle = newer,
            o => self.instances[o as usize].newer = newer,
        }
    }

    /// Books the memory instance `i` kept warm since it went idle, up to `now` (within the
    /// window).
    fn end_idle(&mut self, i: u32, sim: &mut Sim<FaasEvent>) {
        let inst = &self.instances[i as usize];
        let until = sim.now().min(sim.window());
        if until > inst.idle_since {
            let gb = self.pools[inst.pool as usize].billed_gb;
            sim.rec.idle_gb_seconds += (until - inst.idle_since) as f64 / 1e6 * gb;
        }
    }

    fn reclaim(&mut self, i: u32, sim: &mut Sim<FaasEvent>) {
        self.end_idle(i, sim);
        self.unlink_idle(i);
        self.instances[i as usize].state = State::Free;
        self.free_slots.push(i);
        sim.rec.level(Level::Idle, sim.now(), -1);
    }

    /// Arms the keep-alive timer of instance `i` for `deadline` (saturated: an instance that
    /// goes idle at the clock's end is never reclaimed).
    fn arm(&mut self, i: u32, deadline: Micros, sim: &mut Sim<FaasEvent>) {
        let inst = &mut self.instances[i as usize];
        if inst.armed_at > deadline {
            inst.armed_at = deadline;
            sim.schedule(deadline, FaasEvent::Expire(i, inst.incarnation));
        }
    }

    /// Starts `request` on instance `i` (already counted as in flight) after `init`.
    fn begin(&mut self, i: u32, request: &Request, init: Micros, sim: &mut Sim<FaasEvent>) {
        let now = sim.now();
        let start = now.saturating_add(init);
        let backend = self.backend.call(request, start, &mut sim.rec);
        let held = request.exec.saturating_add(backend);
        let billing = &self.spec.billing;
        let billed = billing.billed_duration(if billing.bill_init {
            held.saturating_add(init)
        } else {
            held
        });
        let inst = &mut self.instances[i as usize];
        inst.arrival = request.arrival;
        inst.billed_gb_s = billed as f64 / 1e6 * self.pools[inst.pool as usize].billed_gb;
        sim.schedule(start.saturating_add(held), FaasEvent::Complete(i));
    }
}

impl Model for FaasModel {
    type Event = FaasEvent;

    fn arrive(&mut self, request: Request, sim: &mut Sim<FaasEvent>) {
        let now = sim.now();
        let pool = request.function as usize;
        // The limits count executions, warm or cold (Lambda's concurrency is concurrent
        // executions): an idle instance does not let a request past a full account.
        if self.at_limit(pool) {
            sim.rec.throttled(now);
            return;
        }
        let warm = self.pools[pool].newest_idle;
        if warm != NIL {
            self.end_idle(warm, sim);
            self.unlink_idle(warm);
            self.instances[warm as usize].state = State::Busy;
            self.count_in_flight(pool, 1);
            sim.rec.level(Level::Idle, now, -1);
            sim.rec.level(Level::Busy, now, 1);
            self.begin(warm, &request, 0, sim);
            return;
        }
        let i = self.allocate(pool as u32);
        self.count_in_flight(pool, 1);
        sim.rec.cold_start(now);
        let init = self
            .spec
            .cold_start
            .sample(KeyedUniforms::new(request.key, COLD_START_DRAW).next_unit());
        if init > 0 {
            sim.rec.level(Level::Starting, now, 1);
            sim.schedule(now.saturating_add(init), FaasEvent::Ready(i));
        } else {
            self.instances[i as usize].state = State::Busy;
            sim.rec.level(Level::Busy, now, 1);
        }
        self.begin(i, &request, init, sim);
    }

    fn handle(&mut self, event: FaasEvent, sim: &mut Sim<FaasEvent>) {
        let now = sim.now();
        match event {
            FaasEvent::Ready(i) => {
                self.instances[i as usize].state = State::Busy;
                sim.rec.level(Level::Starting, now, -1);
                sim.rec.level(Level::Busy, now, 1);
            }
            FaasEvent::Complete(i) => {
                let inst = self.instances[i as usize];
                sim.rec.completed(now, now - inst.arrival);
                sim.rec.usage(now, self.meters.requests, 1.0);
                sim.rec.usage(now, self.meters.gb_seconds, inst.billed_gb_s);
                self.count_in_flight(inst.pool as usize, -1);
                sim.rec.level(Level::Busy, now, -1);
                sim.rec.level(Level::Idle, now, 1);
                let inst = &mut self.instances[i as usize];
                inst.state = State::Idle;
                inst.idle_since = now;
                self.push_idle(i);
                match self.spec.keep_alive {
                    KeepAlive::None => self.reclaim(i, sim),
                    KeepAlive::Fixed(ttl) => self.arm(i, now.saturating_add(ttl), sim),
                    KeepAlive::Forever => {}
                }
            }
            FaasEvent::Expire(i, incarnation) => {
                let inst = self.instances[i as usize];
                if inst.incarnation != incarnation || inst.armed_at != now {
                    return; // stale: superseded by a later timer or a reused slot
                }
                self.instances[i as usize].armed_at = NOT_ARMED;
                if inst.state != State::Idle {
                    return; // busy again: it re-arms when it next goes idle
                }
                let KeepAlive::Fixed(ttl) = self.spec.keep_alive else {
                    return;
                };
                let deadline = inst.idle_since.saturating_add(ttl);
                if deadline <= now {
                    self.reclaim(i, sim);
                } else {
                    self.arm(i, deadline, sim);
                }
            }
        }
    }

    fn finish(&mut self, sim: &mut Sim<FaasEvent>) {
        for i in 0..self.instances.len() as u32 {
            if self.instances[i as usize].state == State::Idle {
                self.end_idle(i, sim);
            }
        }
    }
}
pub mod scaling {
    pub mod retries;
    pub mod runtimes;
    pub mod scale_rate;
}
