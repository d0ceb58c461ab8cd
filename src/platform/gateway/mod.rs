//! An API gateway in front of a deployment's compute: the front-door stage
//! ([`crate::engine::stage`]) that every request of the deployment passes at its arrival,
//! whatever the compute model behind it.
//!
//! At a request's arrival the gateway
//! 1. applies its rate limit, if it has one ([`rate_limit`]: a token bucket): a request that
//!    finds no token is refused, counted `throttled` (a 429, as a FaaS concurrency throttle)
//!    and in `failed`, never reaches compute and is not billed;
//! 2. applies its hard quotas, if it has any (`quota = { requests = "1000000/month" }`,
//!    [`crate::platform::quota`]): a request past an exhausted quota is refused, counted
//!    `quota_exceeded` and in `failed`, never reaches compute and is not billed;
//! 3. bills the admitted request on its own cost part (`gateway`, meter `requests`), priced
//!    with the gateway's schedule: tiers on the month's requests, as Amazon API Gateway
//!    prices them;
//! 4. draws its latency (`latency`, a duration distribution; none: 0) and hands the request
//!    to compute that much later. The request's latency counts from its arrival at the
//!    gateway, so the gateway latency adds to it exactly; a fleet's queue wait and
//!    `queue_timeout` count from when the request reached the fleet.
//!
//! The gateway's latency is drawn from the request's own key ([`Draw::Gateway`]), so every
//! deployment with the same gateway latency adds the same delay to the same request.

pub mod rate_limit;

use crate::engine::time::Micros;
use crate::engine::{Admission, Stage};
use crate::metrics::Recorder;
use crate::platform::quota::{QuotaSet, QuotaUse, Quotas};
use crate::pricing::{Attribution, CostPart, PriceSchedule};
use crate::rng::{Draw, KeyedUniforms};
use crate::workload::{DurationDist, Request};

pub use rate_limit::{RateLimit, TokenBucket};

/// The meter name of a gateway's per-request charge.
pub const REQUESTS_METER: &str = "requests";

/// What a gateway's quota counts: the requests that passed its rate limit.
pub const REQUESTS_QUOTA: &str = "requests";

/// A deployment's API gateway, as the scenario's `[deployments.gateway]` gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct GatewaySpec {
    /// The price per admitted request (free allowance, monthly volume tiers).
    pub price: PriceSchedule,
    /// The latency the gateway adds to each admitted request; `None`: none.
    pub latency: Option<DurationDist>,
    /// Requests beyond it are refused as `throttled`.
    pub rate_limit: Option<RateLimit>,
    /// Hard quotas on its requests: requests past them are refused as `quota_exceeded`.
    pub quotas: Quotas,
    /// The preset that priced it (`pricing = "..."`), if one did.
    pub preset: Option<String>,
}

impl GatewaySpec {
    /// Its cost part: the `gateway` column (after the services), labelled
    /// `gateway: <preset>` (`API gateway` when priced in the scenario), paid by the functions
    /// whose requests it admitted.
    pub fn cost_part(&self) -> CostPart {
        const GATEWAY_RANK: u8 = 60;
        let label = match &self.preset {
            Some(preset) => format!("gateway: {preset}"),
            None => "API gateway".to_string(),
        };
        CostPart::new(GATEWAY_RANK, "gateway", label, Attribution::PerCall).priced_by("gateway")
    }
}

/// A gateway during one run: its bucket and its meter.
#[derive(Clone, Debug)]
pub struct GatewayStage {
    latency: Option<DurationDist>,
    bucket: Option<TokenBucket>,
    /// The counters of its quota on requests, if it has one.
    quota: Option<QuotaSet>,
    /// The quotas `quota` counts, to name them after the run.
    quotas: Quotas,
    /// The index of the `requests` meter.
    meter: usize,
}

impl GatewayStage {
    /// The gateway `spec`, billing admitted requests on meter `meter`, its quotas counted on
    /// the clock of billing month `month`.
    pub fn new(spec: &GatewaySpec, meter: usize, month: Micros) -> Self {
        let quota = spec.quotas.start(month);
        Self {
            latency: spec.latency.clone(),
            bucket: spec.rate_limit.map(TokenBucket::new),
            quota: (!quota.is_empty()).then_some(quota),
            quotas: spec.quotas.clone(),
            meter,
        }
    }
}

impl GatewayStage {
    /// What its quota on requests (part `gateway`) saw over the run.
    pub fn quota_uses(&self) -> Vec<QuotaUse> {
        self.quota
            .as_ref()
            .map(|q| q.report("gateway", &self.quotas))
            .unwrap_or_default()
    }
}

impl Stage for GatewayStage {
    fn admit(&mut self, request: &Request, now: Micros, rec: &mut Recorder) -> Admission {
        let measured = rec.measures(request.arrival);
        if let Some(bucket) = &mut self.bucket
            && !bucket.take(now)
        {
            if measured {
                rec.functions.throttled(request.function);
                rec.throttled(now);
            }
            return Admission::Refused;
        }
        if let Some(quota) = &mut self.quota
            && !quota.try_take_one(now, 0, 1)
        {
            if measured {
                rec.functions.quota_exceeded(request.function);
                rec.quota_exceeded(now);
            }
            return Admission::Refused;
        }
        if measured {
            rec.usage(now, self.meter, 1.0);
            rec.functions.used(request.function, self.meter, 1.0);
        }
        let delay = match &self.latency {
            Some(dist) => dist.sample(KeyedUniforms::new(request.key, Draw::Gateway).next_unit()),
            None => 0,
        };
        Admission::After(delay)
    }
}

/// Either front door: a gateway, or none.
pub enum FrontDoor {
    Direct(crate::engine::Direct),
    Gateway(GatewayStage),
}

impl Stage for FrontDoor {
    #[inline]
    fn admit(&mut self, request: &Request, now: Micros, rec: &mut Recorder) -> Admission {
        match self {
            FrontDoor::Direct(d) => d.admit(request, now, rec),
            FrontDoor::Gateway(g) => g.admit(request, now, rec),
        }
    }
}
