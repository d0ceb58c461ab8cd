//! Hard quotas on a FaaS deployment: its invocation cap (`quota = { invocations = ... }`,
//! a free plan's) and its services' quotas, checked together when a call is admitted.
//!
//! Rule: a call is checked after the concurrency limit, and takes its units once past the
//! scale-up rate too, before it takes a slot. If its invocation (one unit) or any of its backend operations would pass
//! a used-up quota, it takes nothing from any quota and fails at once as `quota_exceeded`:
//! no instance, no slot, no bill (a provider refusing the invocation; a function that would
//! have failed on its first refused backend call is counted the same, without the few
//! milliseconds such a failing execution would bill). An asynchronous event refused so is
//! not retried. Each attempt (a retry too) is one invocation.
//!
//! A deployment with no quota at all (no invocation quota; no service quota or connection
//! cap any function's calls count against) skips both steps on one flag, `checks_quotas`.

use super::FaasModel;
use crate::engine::time::Micros;
use crate::platform::quota::{QuotaUse, Quotas};

impl FaasModel {
    /// Caps the deployment's invocations with `quotas` (one quota: the invocations), counted
    /// on the clock of billing month `month`.
    pub fn limit_invocations(&mut self, quotas: &Quotas, month: Micros) {
        let quota = quotas.start(month);
        self.invocation_quota = (!quota.is_empty()).then_some(quota);
        self.invocation_quotas = quotas.clone();
        self.checks_quotas = self.invocation_quota.is_some() || self.backend.has_quotas();
    }

    /// What the invocation quota (part `compute`) and the services' quotas saw.
    pub(super) fn compute_quota_uses(&self) -> Vec<QuotaUse> {
        let mut uses = Vec::new();
        if let Some(q) = &self.invocation_quota {
            uses.extend(q.report("compute", &self.invocation_quotas));
        }
        uses.extend(self.backend.quota_uses());
        uses
    }

    /// Whether a call of `function` at `now` fits the invocation quota and its services'
    /// quotas, taking nothing yet ([`Self::take_quotas`] does, once the call is admitted).
    /// Without any quota to check (no invocation quota, no service quota or connection cap
    /// any function's calls count against), true at once, without a call.
    #[inline]
    pub(super) fn quotas_allow(&mut self, function: u32, now: Micros) -> bool {
        !self.checks_quotas || self.quotas_allow_checked(function, now)
    }

    #[inline(never)]
    fn quotas_allow_checked(&mut self, function: u32, now: Micros) -> bool {
        self.invocation_quota
            .as_mut()
            .is_none_or(|q| q.allows(now, ONE_INVOCATION))
            && self.backend.admits(function, now)
    }

    /// Takes a call of `function`'s units (and connections) at `now` from every quota, after
    /// [`Self::quotas_allow`].
    #[inline]
    pub(super) fn take_quotas(&mut self, function: u32, now: Micros) {
        if self.checks_quotas {
            self.take_quotas_checked(function, now);
        }
    }

    #[inline(never)]
    fn take_quotas_checked(&mut self, function: u32, now: Micros) {
        if let Some(q) = &mut self.invocation_quota {
            q.take(ONE_INVOCATION);
        }
        self.backend.take_quotas(function, now);
    }
}

/// What one call takes from the invocation quota (the set's only quota).
const ONE_INVOCATION: &[(usize, u64)] = &[(0, 1)];
