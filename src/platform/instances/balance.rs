//! Which ready instance with a free slot takes a call when instances serve several calls at
//! once (`balancer`, on FaaS with `instance_concurrency` > 1).
//!
//! The candidates are the group's *warm* instances (ready, at least one free slot), in a fixed
//! order: always-warm (provisioned) ones first, then on-demand ones, each most recently used
//! first ([`super::Instances::warm`]). Then:
//!
//! | rule | picks | cost |
//! |---|---|---|
//! | `least_outstanding` | the fewest busy slots; ties to the first in order (the most recently used) | O(warm) |
//! | `round_robin` | the next instance in turn: the smallest slot id above the last chosen, else the smallest | O(warm) |
//! | `power_of_two` | of two distinct candidates drawn at random, the one with fewer busy slots (ties: the first in order) | O(warm) |
//! | `random` | a candidate drawn uniformly | O(warm) |
//! | `most_recently_used` | no balancer: the `idle_instance` rule decides, exactly as before ([`super::choice`]) | O(1) |
//!
//! Draws come from the call's own uniform (the one `idle_instance = "random"` uses, keyed by
//! the request: common random numbers across deployments, the same whatever the thread
//! count). `power_of_two` takes both candidates from that one uniform `u`: the first at
//! position `a = floor(u n)` of the `n` candidates, the second at `b = floor(f (n - 1))`
//! where `f = u n - a`, shifted past `a` (`b + 1` when `b >= a`), so the two differ. With one
//! slot per instance every warm instance is idle and `idle_instance` decides whatever the
//! balancer. `shared_queue` is a fleet rule; here it also leaves the choice to
//! `idle_instance`. Nothing is allocated per call.

use super::{InstanceId, Instances, NIL};
use crate::platform::fleet::Balancer;

/// The balancer of one deployment's warm instances, with its round-robin turn per group.
#[derive(Clone, Debug)]
pub struct WarmBalancer {
    rule: Balancer,
    /// Per group: the slot id chosen last by `round_robin` ([`NIL`]: none yet).
    turn: Vec<InstanceId>,
}

impl WarmBalancer {
    /// The balancer for `rule` over `groups` groups of instances with `capacity` slots each,
    /// or `None` when the `idle_instance` rule decides (one slot per instance,
    /// `most_recently_used` or `shared_queue`).
    pub fn new(rule: Balancer, capacity: u32, groups: usize) -> Option<Self> {
        let balances = matches!(
            rule,
            Balancer::LeastOutstanding
                | Balancer::RoundRobin
                | Balancer::PowerOfTwo
                | Balancer::Random
        );
        (balances && capacity > 1).then(|| Self {
            rule,
            turn: vec![NIL; groups],
        })
    }

    /// Whether the rule uses the call's uniform draw.
    #[inline]
    pub fn uses_draw(&self) -> bool {
        matches!(self.rule, Balancer::PowerOfTwo | Balancer::Random)
    }

    /// The warm instance of `group` that takes the next call, if any; `unit` is the call's
    /// uniform in (0, 1) (used by the random rules).
    pub fn pick(&mut self, all: &Instances, group: u32, unit: f64) -> Option<InstanceId> {
        let n = all.warm_count(group);
        if n == 0 {
            return None;
        }
        let busy = |i: InstanceId| all.get(i).busy;
        Some(match self.rule {
            Balancer::RoundRobin => {
                let last = self.turn[group as usize];
                let after = |i: &InstanceId| last == NIL || *i > last;
                let next = all.warm(group).filter(after).min();
                let chosen = next.or_else(|| all.warm(group).min())?;
                self.turn[group as usize] = chosen;
                chosen
            }
            Balancer::PowerOfTwo if n > 1 => {
                let (a, b) = two_positions(unit, n);
                let (first, second) = (nth(all, group, a.min(b)), nth(all, group, a.max(b)));
                if busy(second) < busy(first) {
                    second
                } else {
                    first
                }
            }
            Balancer::Random | Balancer::PowerOfTwo => nth(all, group, position(unit, n)),
            // Least outstanding (the other rules never make a balancer).
            _ => all.warm(group).fold(NIL, |best, i| {
                if best == NIL || busy(i) < busy(best) {
                    i
                } else {
                    best
                }
            }),
        })
    }
}

/// Position `floor(u n)` of `n` candidates (at most `n - 1`).
fn position(unit: f64, n: u32) -> u32 {
    ((unit * f64::from(n)) as u32).min(n - 1)
}

/// Two distinct positions among `n >= 2` from one uniform (see the module docs).
fn two_positions(unit: f64, n: u32) -> (u32, u32) {
    let a = position(unit, n);
    let rest = (unit * f64::from(n) - f64::from(a)).clamp(0.0, 1.0 - f64::EPSILON);
    let b = position(rest, n - 1);
    (a, if b >= a { b + 1 } else { b })
}

/// The candidate at position `k` (in the order of the module docs).
fn nth(all: &Instances, group: u32, k: u32) -> InstanceId {
    all.warm(group).nth(k as usize).unwrap_or(NIL)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three on-demand instances with 4 slots, busy 2, 1, 3, used most recently in the
    /// order c (busy 3), b (busy 1), a (busy 2): candidates [c, b, a].
    fn three() -> (Instances, [InstanceId; 3]) {
        let mut all = Instances::new(1, 4);
        let ids = [0, 1, 2].map(|_| all.launch(0, 0, 0, false));
        let [a, b, c] = ids;
        for (i, k) in [(a, 3), (b, 2), (c, 4)] {
            for _ in 0..k {
                all.take_slot(i);
            }
        }
        all.release_slot(a, 1); // a: 2 busy
        all.release_slot(b, 2); // b: 1 busy
        all.release_slot(c, 3); // c: 3 busy, the most recent
        (all, ids)
    }

    #[test]
    fn least_outstanding_takes_the_fewest_busy_then_the_most_recent() {
        let (mut all, [a, b, c]) = three();
        assert_eq!(all.warm(0).collect::<Vec<_>>(), [c, b, a]);
        let mut lo = WarmBalancer::new(Balancer::LeastOutstanding, 4, 1).unwrap();
        assert_eq!(lo.pick(&all, 0, 0.5), Some(b));
        // b at 2 busy ties with a; b comes first (its slot freed after a's).
        all.take_slot(b);
        assert_eq!(lo.pick(&all, 0, 0.5), Some(b));
        all.take_slot(b); // b: 3 busy; a (2) is now the least loaded
        assert_eq!(lo.pick(&all, 0, 0.5), Some(a));
    }

    #[test]
    fn round_robin_turns_through_the_slot_ids() {
        let (all, [a, b, c]) = three();
        let mut rr = WarmBalancer::new(Balancer::RoundRobin, 4, 1).unwrap();
        let picks: Vec<_> = (0..4).map(|_| rr.pick(&all, 0, 0.5).unwrap()).collect();
        assert_eq!(picks, [a, b, c, a]);
    }

    #[test]
    fn random_rules_follow_the_calls_draw() {
        let (all, [a, b, c]) = three();
        let mut random = WarmBalancer::new(Balancer::Random, 4, 1).unwrap();
        // Candidates [c, b, a] by thirds.
        assert_eq!(random.pick(&all, 0, 0.1), Some(c));
        assert_eq!(random.pick(&all, 0, 0.5), Some(b));
        assert_eq!(random.pick(&all, 0, 0.9), Some(a));
        // Power of two: u = 0.1: a = floor(0.3) = 0 (c), f = 0.3, b = floor(0.6) = 0 -> 1
        // (b): b has fewer busy slots. u = 0.9: a = 2 (a), f = 0.7, b = floor(1.4) = 1 (b):
        // b again. u = 0.05: positions 0 (c) and floor(0.15 x 2) = 0 -> 1 (b): b.
        // u = 0.95: a = 2, f = 0.85, b = floor(1.7) = 1: a (2 busy) against b (1): b.
        let mut two = WarmBalancer::new(Balancer::PowerOfTwo, 4, 1).unwrap();
        for u in [0.1, 0.9, 0.05, 0.95, 0.5] {
            assert_eq!(two.pick(&all, 0, u), Some(b), "u = {u}");
        }
        // u = 0.5: a = 1 (b), f = 0.5, b = floor(1.0) = 1 -> 2 (a): b (1) beats a (2).
        // u = 0.7: a = 2 (a), f = 0.1, b = 0 (c): a (2 busy) beats c (3).
        assert_eq!(two.pick(&all, 0, 0.7), Some(a));
        assert_eq!(two_positions(0.7, 3), (2, 0));
        assert_eq!(two_positions(0.5, 3), (1, 2));
        // Every draw gives two distinct positions in range.
        for k in 1..1000 {
            let (x, y) = two_positions(f64::from(k) / 1000.0, 5);
            assert!(x != y && x < 5 && y < 5, "{k}: {x} {y}");
        }
    }

    #[test]
    fn no_balancer_where_idle_instance_decides() {
        for rule in [Balancer::MostRecentlyUsed, Balancer::SharedQueue] {
            assert!(WarmBalancer::new(rule, 80, 1).is_none());
        }
        assert!(WarmBalancer::new(Balancer::LeastOutstanding, 1, 1).is_none());
        let (all, _) = three();
        let mut lo = WarmBalancer::new(Balancer::LeastOutstanding, 4, 2).unwrap();
        assert!(lo.pick(&all, 0, 0.5).is_some());
        let empty = Instances::new(2, 4);
        assert_eq!(lo.pick(&empty, 1, 0.5), None);
    }
}
