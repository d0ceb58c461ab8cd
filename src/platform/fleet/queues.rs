//! The requests a fleet holds waiting for a worker: one FIFO queue shared by the fleet
//! (`shared_queue`, queue 0) or one per instance (the other balancers, queue = instance id),
//! with the fleet's `queue_limit` on their total and its `queue_timeout` on each wait.
//!
//! Rules (docs/models.md, "Always-on fleets"):
//! - The limit counts every waiting request of the fleet, whatever the queue: the fleet's
//!   memory stays bounded by it however many instances there are.
//! - A request that has waited longer than the timeout when a worker could take it has failed
//!   (*timed out*, counted at the moment its wait exceeded the timeout). In a FIFO queue with
//!   one timeout, expired requests are always at the front.
//!
//! The queue length is a recorded level ([`Level::Queued`]), for the time series.

use std::collections::VecDeque;

use super::FleetEvent;
use crate::engine::Sim;
use crate::engine::time::Micros;
use crate::metrics::Level;
use crate::workload::Request;

/// The waiting requests of a fleet.
#[derive(Debug, Default)]
pub struct Queues {
    queues: Vec<VecDeque<Request>>,
    /// Requests waiting in all queues.
    total: usize,
    limit: usize,
    timeout: Option<Micros>,
}

impl Queues {
    /// No request waiting; at most `limit` in all; each waits at most `timeout`.
    pub fn new(limit: u32, timeout: Option<Micros>) -> Self {
        Self {
            queues: vec![VecDeque::new()],
            total: 0,
            limit: limit as usize,
            timeout,
        }
    }

    /// Requests waiting in all queues.
    #[inline]
    pub fn total(&self) -> usize {
        self.total
    }

    /// Requests waiting in queue `q`.
    #[inline]
    pub fn len(&self, q: u32) -> usize {
        self.queues.get(q as usize).map_or(0, VecDeque::len)
    }

    /// True if queue `q` holds no request.
    #[inline]
    pub fn is_empty(&self, q: u32) -> bool {
        self.len(q) == 0
    }

    /// The request at the front of queue `q`.
    #[inline]
    pub fn front(&self, q: u32) -> Option<&Request> {
        self.queues.get(q as usize)?.front()
    }

    /// Waiting requests for which `keep` holds, over all queues.
    pub fn count_where(&self, keep: impl Fn(&Request) -> bool) -> usize {
        self.queues.iter().flatten().filter(|r| keep(r)).count()
    }

    /// True when `request` has waited longer than the queue timeout at `now` (and so has
    /// failed).
    #[inline]
    pub fn expired(&self, request: &Request, now: Micros) -> bool {
        self.timeout
            .is_some_and(|timeout| now - reached_fleet(request) > timeout)
    }

    /// Counts `request` as timed out, at the moment its wait exceeded the timeout.
    pub fn count_timed_out(&self, request: &Request, sim: &mut Sim<FleetEvent>) {
        if sim.rec.measures(request.arrival) {
            sim.rec
                .timed_out(reached_fleet(request) + self.timeout.unwrap_or(0));
            sim.rec.functions.timed_out(request.function);
        }
    }

    /// Puts `request` at the back of queue `q` if the limit allows, first dropping expired
    /// requests at the fronts when it does not; else counts it *rejected*. True if queued.
    pub fn push(&mut self, q: u32, request: Request, sim: &mut Sim<FleetEvent>) -> bool {
        if self.total >= self.limit && !self.drop_expired(sim) {
            self.reject(&request, sim);
            return false;
        }
        if q as usize >= self.queues.len() {
            self.queues.resize_with(q as usize + 1, VecDeque::new);
        }
        self.queues[q as usize].push_back(request);
        self.total += 1;
        sim.rec.level(Level::Queued, sim.now(), 1);
        true
    }

    /// Counts `request` *rejected* (an HTTP 503 from the load balancer) at now.
    pub fn reject(&self, request: &Request, sim: &mut Sim<FleetEvent>) {
        if sim.rec.measures(request.arrival) {
            sim.rec.rejected(sim.now());
            sim.rec.functions.rejected(request.function);
        }
    }

    /// Takes the request at the front of queue `q`.
    #[inline]
    pub fn pop(&mut self, q: u32, sim: &mut Sim<FleetEvent>) -> Option<Request> {
        let request = self.queues.get_mut(q as usize)?.pop_front()?;
        self.total -= 1;
        sim.rec.level(Level::Queued, sim.now(), -1);
        Some(request)
    }

    /// Takes the first live request of queue `q`, failing the expired ones before it.
    #[inline]
    pub fn pop_live(&mut self, q: u32, sim: &mut Sim<FleetEvent>) -> Option<Request> {
        while let Some(request) = self.pop(q, sim) {
            if !self.expired(&request, sim.now()) {
                return Some(request);
            }
            self.count_timed_out(&request, sim);
        }
        None
    }

    /// Fails the expired requests at the front of queue `q`; the live one now at its front.
    pub fn drop_expired_front(&mut self, q: u32, sim: &mut Sim<FleetEvent>) -> Option<Request> {
        loop {
            let request = *self.front(q)?;
            if !self.expired(&request, sim.now()) {
                return Some(request);
            }
            self.pop(q, sim);
            self.count_timed_out(&request, sim);
        }
    }

    /// Drops the requests at the fronts of the queues that have waited past the timeout
    /// (counting them as timed out); true if any was dropped. Only called when the limit is
    /// reached, so the common path never looks.
    #[cold]
    fn drop_expired(&mut self, sim: &mut Sim<FleetEvent>) -> bool {
        let before = self.total;
        for q in 0..self.queues.len() as u32 {
            self.drop_expired_front(q, sim);
        }
        self.total < before
    }
}

/// When `request` reached the fleet: its arrival, plus the time it spent in a gateway in
/// front (the queue wait and `queue_timeout` count from here; latency from the arrival).
#[inline]
pub fn reached_fleet(request: &Request) -> Micros {
    request.arrival.saturating_add(request.gateway_latency)
}
