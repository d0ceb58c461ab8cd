//! BaaS: managed backend services priced per operation.
//!
//! A service has operation kinds (read, write, ...), each with a price schedule (free
//! allowance, volume tiers) and a latency distribution. The workload says how many operations
//! of each kind one call of a function makes; [`BackendPlan`] resolves that against one
//! deployment's services once, so the hot loop only walks small arrays.
//!
//! Operations are made one after another while the function (or server worker) waits: their
//! latencies add to the request's latency and to the time the instance is held (and billed).
//! The operations of a parallel group (`calls = { g = { parallel = true, ... } }`) are made
//! at once: the group takes as long as its slowest operation, and each is still billed.
//!
//! A service may carry hard quotas ([`crate::platform::quota`]) and a cap on simultaneous
//! connections ([`connections`]): [`BackendPlan::try_call`]
//! then refuses a call whose operations would pass one, before making any of them (the call
//! fails as `quota_exceeded`). FaaS checks them at admission ([`BackendPlan::admits`], with
//! its invocation quota) and makes the operations when the call starts ([`BackendPlan::call`]).
//!
//! A service may also charge a flat plan fee a month (`usd_per_month`), prorated over the
//! window like a fixed add-on and reported as its own line (`plan`) of the service.
//!
//! Stored data, egress and monthly active users are meters of their own ([`growth`]).

pub mod connections;
pub mod growth;

use crate::engine::time::Micros;
use crate::metrics::Recorder;
use crate::platform::quota::Quotas;

mod service_quotas;
use crate::pricing::{Attribution, CostPart, Meters, PriceSchedule};
use crate::rng::{Draw, KeyedUniforms};
use crate::workload::{DurationDist, FunctionSpec, Request};
use service_quotas::ServiceQuotas;

/// One operation kind of a service.
#[derive(Clone, Debug, PartialEq)]
pub struct OperationSpec {
    /// The kind's name as the workload refers to it ("read", "write", ...).
    pub kind: String,
    pub price: PriceSchedule,
    pub latency: DurationDist,
}

/// A managed backend service of a deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceSpec {
    pub name: String,
    pub operations: Vec<OperationSpec>,
    /// A flat plan fee per month (Supabase Pro: $25), billed whatever the usage on a line of
    /// its own (meter [`PLAN_METER`]) in the service's cost column.
    pub usd_per_month: Option<f64>,
    /// Stored data, egress and monthly active users ([`growth`]).
    pub growth: growth::GrowthSpec,
    /// Hard quotas by operation kind (`quota`, `quota_reset`): calls past them fail as
    /// `quota_exceeded`.
    pub quotas: Quotas,
    /// A cap on simultaneous connections (`connections`): calls past it fail as
    /// `quota_exceeded` too.
    pub connections: Option<connections::ConnectionCap>,
    /// The preset that priced it (`pricing = "..."`, without its plan), if one did.
    pub preset: Option<String>,
}

/// Where services' columns go among the cost columns ([`crate::pricing::Column`]).
const SERVICE_RANK: u8 = 50;

impl ServiceSpec {
    /// The cost part of all of this service's meters (operations, plan fee, stored data,
    /// egress, users): column `baas_<name>`, labelled `<name>: <preset>` (or its name alone
    /// when priced in the scenario), so two databases called `db` on different products are
    /// two parts of the cost chart; its operations are paid by the functions that make them.
    pub fn cost_part(&self) -> CostPart {
        let label = match &self.preset {
            Some(preset) => format!("{}: {preset}", self.name),
            None => self.name.clone(),
        };
        CostPart::new(
            SERVICE_RANK,
            format!("baas_{}", self.name),
            label,
            Attribution::PerCall,
        )
        .priced_by(self.name.clone())
    }
}

/// The meter name of a service's monthly plan fee.
pub const PLAN_METER: &str = "plan";

#[derive(Clone, Debug)]
struct ResolvedCall {
    meter: usize,
    latency: usize,
    count: u32,
    /// Its parallel group, if any (the calls of a group are adjacent).
    group: Option<u32>,
}

/// The backend calls of every function, resolved to one deployment's meters and latencies.
#[derive(Clone, Debug, Default)]
pub struct BackendPlan {
    per_function: Vec<Vec<ResolvedCall>>,
    latencies: Vec<DurationDist>,
    growth: growth::GrowthPlan,
    quotas: ServiceQuotas,
}

/// A call refused because one of its operations would pass a service's hard quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaExceeded;

/// A function calls a service or operation kind the deployment does not define.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnresolvedCall {
    pub function: String,
    pub service: String,
    pub operation: String,
}

impl BackendPlan {
    /// Registers a meter per operation kind of `services` and resolves every function's calls,
    /// with the services' quotas at zero on billing month `month`.
    ///
    /// # Errors
    /// The first call naming a service or operation kind that `services` lacks.
    pub fn resolve(
        functions: &[FunctionSpec],
        services: &[ServiceSpec],
        meters: &mut Meters,
        month: Micros,
    ) -> Result<Self, UnresolvedCall> {
        let mut plan = BackendPlan {
            quotas: ServiceQuotas::new(functions, services, month),
            ..BackendPlan::default()
        };
        let mut meter_of = Vec::new();
        for s in services {
            let part = s.cost_part();
            for op in &s.operations {
                let meter = meters.add(&part, op.kind.clone(), "operations", op.price.clone());
                meters.set_day_reset(meter, s.quotas.reset);
                meter_of.push((
                    s.name.as_str(),
                    op.kind.as_str(),
                    meter,
                    plan.latencies.len(),
                ));
                plan.latencies.push(op.latency.clone());
            }
        }
        plan.growth = growth::GrowthPlan::register(
            services,
            |service, kind| {
                let found = meter_of.iter().find(|m| m.0 == service && m.1 == kind);
                found.map(|m| m.2)
            },
            meters,
        );
        for f in functions {
            let mut calls = Vec::with_capacity(f.calls.len());
            for c in &f.calls {
                let Some(&(_, _, meter, latency)) = meter_of
                    .iter()
                    .find(|(s, k, _, _)| *s == c.service && *k == c.operation)
                else {
                    return Err(UnresolvedCall {
                        function: f.name.clone(),
                        service: c.service.clone(),
                        operation: c.operation.clone(),
                    });
                };
                calls.push(ResolvedCall {
                    meter,
                    latency,
                    count: c.count,
                    group: c.group,
                });
            }
            plan.per_function.push(calls);
        }
        Ok(plan)
    }

    /// Makes the backend calls of `request` at `now` if the services' quotas allow all of
    /// them: records the operations and returns their total latency; else makes none and
    /// returns the refusal.
    #[inline]
    pub fn try_call(
        &mut self,
        request: &Request,
        now: Micros,
        rec: &mut Recorder,
    ) -> Result<Micros, QuotaExceeded> {
        if !self.admits(request.function, now) {
            return Err(QuotaExceeded);
        }
        self.take_quotas(request.function, now);
        Ok(self.call(request, now, rec))
    }

    /// What the services' hard quotas saw over the run ([`crate::platform::quota`]).
    pub fn quota_uses(&self) -> Vec<crate::platform::quota::QuotaUse> {
        self.quotas.uses()
    }

    /// Whether the services' quotas allow a call of `function` at `now`, taking nothing yet.
    #[inline]
    pub fn admits(&mut self, function: u32, now: Micros) -> bool {
        self.quotas.allows(function, now)
    }

    /// Whether any function's calls count against a service quota or connection cap (else
    /// [`Self::admits`] is always true and [`Self::take_quotas`] takes nothing).
    pub fn has_quotas(&self) -> bool {
        self.quotas.has_needs()
    }

    /// Whether any function makes backend calls (else [`Self::call`] is always 0).
    pub fn has_calls(&self) -> bool {
        self.per_function.iter().any(|calls| !calls.is_empty())
    }

    /// Takes a call of `function`'s units (and connections) at `now` from the quotas, once
    /// [`Self::admits`] said yes.
    #[inline]
    pub fn take_quotas(&mut self, function: u32, now: Micros) {
        self.quotas.take(function, now);
    }

    /// Makes the backend calls of `request` at `now`, whose quotas are already taken
    /// ([`Self::try_call`] does both): records the operations and returns their total
    /// latency. Inline up to the check for a function that calls nothing.
    #[inline]
    pub fn call(&self, request: &Request, now: Micros, rec: &mut Recorder) -> Micros {
        match self.per_function.get(request.function as usize) {
            Some(calls) if !calls.is_empty() => self.make_calls(calls, request, now, rec),
            _ => 0,
        }
    }

    #[inline(never)]
    fn make_calls(
        &self,
        calls: &[ResolvedCall],
        request: &Request,
        now: Micros,
        rec: &mut Recorder,
    ) -> Micros {
        let mut draws = KeyedUniforms::new(request.key, Draw::Backend);
        let mut total: Micros = 0;
        // The running parallel group and the slowest of its operations so far.
        let mut group: Option<(u32, Micros)> = None;
        let measured = rec.measures(request.arrival);
        for c in calls {
            if measured {
                rec.usage(now, c.meter, c.count as f64);
                rec.functions
                    .used(request.function, c.meter, c.count as f64);
            }
            let (function, count) = (request.function, c.count);
            self.growth
                .record(c.meter, count, function, now, measured, rec);
            let dist = &self.latencies[c.latency];
            if group.is_some_and(|(g, _)| Some(g) != c.group) {
                // The previous group is over: the call waited for its slowest operation.
                total = total.saturating_add(group.take().map_or(0, |(_, slowest)| slowest));
            }
            match c.group {
                None => {
                    for _ in 0..c.count {
                        total = dist.sample(draws.next_unit()).saturating_add(total);
                    }
                }
                Some(g) => {
                    let mut slowest = group.map_or(0, |(_, s)| s);
                    for _ in 0..c.count {
                        slowest = slowest.max(dist.sample(draws.next_unit()));
                    }
                    group = Some((g, slowest));
                }
            }
        }
        total.saturating_add(group.map_or(0, |(_, slowest)| slowest))
    }
}
