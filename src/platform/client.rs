//! Apps that call the backend directly (`model = "client"`): a deployment with no compute.
//!
//! The usual Firebase or Supabase mobile app: each request (one call of a function) makes its
//! function's backend operations from the user's device, one after another, and is answered
//! when the last one returns. Rules (docs/models.md, "Client deployments"):
//! - there are no instances, no cold starts, no concurrency limit and no queue: every request
//!   starts its operations at its arrival;
//! - its latency is the sum of its operations' latencies (drawn as on FaaS and fleets, from
//!   the request's own backend draws, so every deployment with the same services sees the
//!   same numbers), nothing added; a function that calls nothing answers in 0 ms;
//! - its operations are counted on their meters at its arrival, as on the other models when
//!   a call starts executing: the bill is the services' operations, plan fees and fixed
//!   add-ons, with no request, compute or instance line.
//!
//! - a request whose operations would pass a service's hard quota makes none of them and
//!   fails at its arrival as `quota_exceeded` (docs/models.md, "Hard quotas").

use super::baas::BackendPlan;
use crate::engine::time::Micros;
use crate::engine::{EventQueue, Model, Sim};
use crate::workload::Request;

/// A client deployment's compute: nothing to configure (`model = "client"` takes no other
/// key).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientSpec;

/// Bytes one request in flight holds (its pending answer in the event queue, doubled for the
/// queue's growth headroom), for the size estimate.
pub const BYTES_PER_IN_FLIGHT: u64 = 2 * EventQueue::<ClientEvent>::ENTRY_BYTES as u64;

/// Events of the client model.
#[derive(Clone, Copy, Debug)]
pub enum ClientEvent {
    /// The last backend operation of the request of `function` that arrived at `arrival`
    /// returned.
    Answered { function: u32, arrival: Micros },
}

/// The running client deployment: its services' operations and nothing else.
pub struct ClientModel {
    backend: BackendPlan,
}

impl ClientModel {
    /// A client deployment making the calls `backend` resolved.
    pub fn new(backend: BackendPlan) -> Self {
        Self { backend }
    }
}

impl Model for ClientModel {
    type Event = ClientEvent;

    fn arrive(&mut self, request: Request, sim: &mut Sim<ClientEvent>) {
        let now = sim.now();
        let Ok(wait) = self.backend.try_call(&request, now, &mut sim.rec) else {
            if sim.rec.measures(request.arrival) {
                sim.rec.quota_exceeded(now);
                sim.rec.functions.quota_exceeded(request.function);
            }
            return;
        };
        sim.schedule(
            now.saturating_add(wait),
            ClientEvent::Answered {
                function: request.function,
                arrival: request.arrival,
            },
        );
    }

    fn handle(&mut self, event: ClientEvent, sim: &mut Sim<ClientEvent>) {
        let ClientEvent::Answered { function, arrival } = event;
        let now = sim.now();
        sim.rec.completed(now, function, now - arrival);
    }

    fn finish(&mut self, _sim: &mut Sim<ClientEvent>) {}

    fn quota_uses(&self) -> Vec<crate::platform::quota::QuotaUse> {
        self.backend.quota_uses()
    }
}
