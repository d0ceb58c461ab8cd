//! What an autoscaler decided over time ([`crate::platform::fleet::autoscale`]): the desired
//! instance count after every evaluation that changed it, each change a *scale event*
//! (scale-out when it rose, scale-in when it fell). Kept for `instances.png`; empty for a
//! deployment without `autoscale`. One entry per change, so its memory is bounded by the
//! window over the evaluation interval, never by the number of requests.

use crate::engine::time::Micros;

/// The desired count from `at` on (summed over a FaaS deployment's pools).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DesiredChange {
    pub at: Micros,
    pub desired: u32,
}

/// The desired-count series of one deployment.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ScalingTrace {
    /// The first entry is the count at time 0; later ones are scale events, in time order.
    pub changes: Vec<DesiredChange>,
}

impl ScalingTrace {
    /// Notes that the desired count is `desired` from `at` on (nothing if unchanged).
    pub fn desired(&mut self, at: Micros, desired: u32) {
        if self.changes.last().is_none_or(|c| c.desired != desired) {
            self.changes.push(DesiredChange { at, desired });
        }
    }

    /// True when the deployment is autoscaled (an initial count was noted).
    pub fn is_autoscaled(&self) -> bool {
        !self.changes.is_empty()
    }

    /// The scale events: every change after the initial count.
    pub fn events(&self) -> &[DesiredChange] {
        self.changes.get(1..).unwrap_or(&[])
    }

    /// Drops what happened before `from` (a warm-up's end), keeping the count in force then
    /// as the initial one at 0, and counts times from `from` (as [`super::Recorder::finish`]
    /// does for everything else).
    pub(super) fn drop_before(&mut self, from: Micros) {
        if from == 0 || self.changes.is_empty() {
            return;
        }
        let kept = self.changes.partition_point(|c| c.at <= from).max(1);
        let initial = self.changes[kept - 1].desired;
        let mut changes = vec![DesiredChange {
            at: 0,
            desired: initial,
        }];
        changes.extend(self.changes[kept..].iter().map(|c| DesiredChange {
            at: c.at - from,
            desired: c.desired,
        }));
        self.changes = changes;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_changes_are_kept_and_a_warm_up_is_cut_off() {
        let mut t = ScalingTrace::default();
        assert!(!t.is_autoscaled());
        t.desired(0, 2);
        t.desired(60, 2);
        t.desired(120, 5);
        t.desired(180, 5);
        t.desired(600, 3);
        assert_eq!(t.changes.len(), 3);
        assert_eq!(t.events().len(), 2);
        t.drop_before(150);
        assert_eq!(
            t.changes,
            [
                DesiredChange { at: 0, desired: 5 },
                DesiredChange {
                    at: 450,
                    desired: 3
                }
            ]
        );
    }
}
