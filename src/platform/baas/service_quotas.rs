//! The hard quotas of a deployment's services, as a call meets them: each function's
//! operations resolved once to the quotas they count against, checked all together.
//!
//! A call is admitted only if every quota its operations count against has room for all of
//! them (operations, not calls: `read = 2` takes 2 units); otherwise it takes nothing from
//! any quota and makes none of its operations. Each service keeps its own clock (its
//! `quota_reset`; monthly quotas on the billing month), [`crate::platform::quota`].
//!
//! A service's `egress` quota counts bytes: each operation takes its kind's
//! `egress.per_<kind>` bytes from it (kinds that send nothing take nothing).
//!
//! A service's connection cap ([`super::connections`]) is checked with them, after the
//! service's quotas: a call of a function that uses the service needs one free connection.

use crate::engine::time::Micros;
use crate::platform::quota::{QuotaSet, QuotaUse, Quotas};
use crate::workload::FunctionSpec;

use super::ServiceSpec;
use super::connections::Connections;
use super::growth::{BYTES_PER_GB, EGRESS_QUOTA};

/// One function's needs from one service's quotas: `(quota, units)` pairs, and a connection
/// when the service caps them.
#[derive(Clone, Debug)]
struct Needs {
    service: usize,
    units: Vec<(usize, u64)>,
    connection: bool,
}

/// The running quota counters of every service, and what a call of each function takes.
#[derive(Clone, Debug, Default)]
pub(super) struct ServiceQuotas {
    sets: Vec<QuotaSet>,
    /// Each service's connections, if it caps them.
    connections: Vec<Option<Connections>>,
    /// Each service's name and quotas, for [`Self::uses`].
    services: Vec<(String, Quotas)>,
    per_function: Vec<Vec<Needs>>,
}

/// The service's egress quota and the bytes one operation of `kind` sends, if both exist.
fn egress_bytes(s: &ServiceSpec, kind: &str) -> Option<(usize, u64)> {
    let q = s
        .quotas
        .limits
        .iter()
        .position(|q| q.counts == EGRESS_QUOTA)?;
    let per = s
        .growth
        .egress
        .as_ref()?
        .per_kind
        .iter()
        .find(|p| p.kind == kind)?;
    Some((q, (per.gb * BYTES_PER_GB).round() as u64))
}

impl ServiceQuotas {
    /// Counters at zero for `services`' quotas on billing month `month`, and the units a
    /// call of each of `functions` needs (calls that resolve nowhere are the plan's to
    /// report, and need nothing here).
    pub(super) fn new(functions: &[FunctionSpec], services: &[ServiceSpec], month: Micros) -> Self {
        let sets: Vec<QuotaSet> = services.iter().map(|s| s.quotas.start(month)).collect();
        let connections = services
            .iter()
            .zip(&sets)
            .map(|(s, set)| {
                s.connections
                    .and_then(|cap| Connections::new(cap, set.clock()))
            })
            .collect();
        let per_function = functions
            .iter()
            .map(|f| {
                let mut needs: Vec<Needs> = Vec::new();
                for c in &f.calls {
                    let Some((si, s)) = services
                        .iter()
                        .enumerate()
                        .find(|(_, s)| s.name == c.service)
                    else {
                        continue;
                    };
                    let index = match needs.iter().position(|n| n.service == si) {
                        Some(i) => i,
                        None => {
                            needs.push(Needs {
                                service: si,
                                units: Vec::new(),
                                connection: s.connections.is_some_and(|c| c.hold.is_some()),
                            });
                            needs.len() - 1
                        }
                    };
                    let units = &mut needs[index].units;
                    if let Some(q) = s.quotas.limits.iter().position(|q| q.counts == c.operation) {
                        units.push((q, u64::from(c.count)));
                    }
                    if let Some(bytes) = egress_bytes(s, &c.operation) {
                        units.push((bytes.0, bytes.1 * u64::from(c.count)));
                    }
                }
                needs.retain(|n| n.connection || !n.units.is_empty());
                needs
            })
            .collect();
        let services = services
            .iter()
            .map(|s| (s.name.clone(), s.quotas.clone()))
            .collect();
        Self {
            sets,
            connections,
            services,
            per_function,
        }
    }

    /// Whether a call of any function counts against a quota or connection cap.
    pub(super) fn has_needs(&self) -> bool {
        self.per_function.iter().any(|needs| !needs.is_empty())
    }

    /// Whether a call of `function` at `now` fits every quota it counts against, taking
    /// nothing yet ([`Self::take`]).
    #[inline]
    pub(super) fn allows(&mut self, function: u32, now: Micros) -> bool {
        let Some(needs) = self.per_function.get(function as usize) else {
            return true;
        };
        needs.iter().all(|n| {
            self.sets[n.service].allows(now, &n.units)
                && (!n.connection
                    || self.connections[n.service]
                        .as_mut()
                        .is_none_or(|c| c.allows(now)))
        })
    }

    /// What each service's quotas saw, in service then quota order.
    pub(super) fn uses(&self) -> Vec<QuotaUse> {
        self.sets
            .iter()
            .zip(&self.connections)
            .zip(&self.services)
            .flat_map(|((set, connections), (name, quotas))| {
                let cap = connections.as_ref().map(|c| c.report(name));
                set.report(name, quotas).into_iter().chain(cap)
            })
            .collect()
    }

    /// Takes the units (and connections) of a call of `function` at `now` that
    /// [`Self::allows`] has just accepted.
    #[inline]
    pub(super) fn take(&mut self, function: u32, now: Micros) {
        if let Some(needs) = self.per_function.get(function as usize) {
            for n in needs {
                self.sets[n.service].take(&n.units);
                if n.connection
                    && let Some(c) = &mut self.connections[n.service]
                {
                    c.take(now);
                }
            }
        }
    }
}
