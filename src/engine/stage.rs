//! The front door: the stage every request passes at its arrival, before the compute model
//! sees it.
//!
//! One request path serves every compute model: the engine counts the arrival, asks the
//! deployment's [`Stage`] whether to admit the request, and hands an admitted request to the
//! model after the delay the stage answers (0: at once, in the same step). A refused request
//! never reaches the model; the stage has recorded why (a gateway's rate limit records it
//! `throttled`). A deployment without a gateway uses [`Direct`], which admits everything at
//! once, so its runs are exactly what they were before stages existed.
//!
//! The request keeps its `arrival` (when it reached the front door), so a model measuring
//! latency from `arrival` includes the stage's delay; the delay is also carried in the
//! request's `gateway_latency`, for measurements that start when the request reached the
//! compute model (a fleet's queue wait).

use super::time::Micros;
use crate::metrics::Recorder;
use crate::workload::Request;

/// What the front door does with an arriving request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Hand the request to the compute model this many µs after its arrival.
    After(Micros),
    /// Refused: the stage has recorded the failure; the model never sees the request.
    Refused,
}

/// A stage in front of the compute model (an API gateway).
pub trait Stage {
    /// `request` arrives at `now` (the engine has counted it in `rec`): admit it, with its
    /// delay, or refuse it, recording the failure and anything billed in `rec`.
    fn admit(&mut self, request: &Request, now: Micros, rec: &mut Recorder) -> Admission;
}

/// No front door: every request reaches the compute model at its arrival.
#[derive(Clone, Copy, Debug, Default)]
pub struct Direct;

impl Stage for Direct {
    #[inline(always)]
    fn admit(&mut self, _request: &Request, _now: Micros, _rec: &mut Recorder) -> Admission {
        Admission::After(0)
    }
}
