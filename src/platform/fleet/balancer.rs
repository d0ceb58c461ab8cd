//! Load balancing: which instance a request goes to (`balancer`).
//!
//! | rule | where a request goes | queues |
//! |---|---|---|
//! | `shared_queue` (fleet default) | any free worker; else one FIFO queue for the fleet | one, shared |
//! | `round_robin` | the next instance in turn | one per instance |
//! | `least_outstanding` (FaaS default with `instance_concurrency` > 1) | the instance with the fewest requests in service or queued | one per instance |
//! | `power_of_two` | the less loaded of two instances drawn at random | one per instance |
//! | `random` | an instance drawn at random | one per instance |
//! | `most_recently_used` (FaaS only) | the ready instance whose slot freed last (packing) | none |
//!
//! On FaaS with `instance_concurrency` > 1 the balancer picks among ready instances with a
//! free slot; a call that finds none starts or waits for a new instance as before.
//!
//! On a fleet ([`Router`]), the per-instance rules pick among the *serving* instances (ready,
//! not draining), in launch order; an instance's load is its requests in service plus those
//! queued at it. `least_outstanding` takes the first of the least loaded; `power_of_two`
//! draws two distinct instances and takes the less loaded (the first drawn on a tie);
//! `round_robin` keeps one turn counter for the fleet. The random draws are the request's own
//! ([`Draw::Balancer`]): the same request draws the same numbers in every deployment.

use crate::platform::instances::InstanceId;
use crate::rng::{Draw, KeyedUniforms};

/// The `balancer` rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Balancer {
    #[default]
    SharedQueue,
    RoundRobin,
    LeastOutstanding,
    PowerOfTwo,
    Random,
    MostRecentlyUsed,
}

impl Balancer {
    /// The scenario names, in the order of the table above.
    pub const NAMES: [&'static str; 6] = [
        "shared_queue",
        "round_robin",
        "least_outstanding",
        "power_of_two",
        "random",
        "most_recently_used",
    ];

    /// The rule named `name` in a scenario file.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "shared_queue" => Self::SharedQueue,
            "round_robin" => Self::RoundRobin,
            "least_outstanding" => Self::LeastOutstanding,
            "power_of_two" => Self::PowerOfTwo,
            "random" => Self::Random,
            "most_recently_used" => Self::MostRecentlyUsed,
            _ => return None,
        })
    }

    /// The rule's scenario name.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// A fleet's choice of instance for each request (per-instance rules; `shared_queue` needs
/// none).
#[derive(Clone, Debug)]
pub struct Router {
    rule: Balancer,
    /// `round_robin`: requests routed so far.
    turn: u64,
}

impl Router {
    pub fn new(rule: Balancer) -> Self {
        Self { rule, turn: 0 }
    }

    /// The instance of `serving` (non-empty, else `None`) a request keyed `key` goes to;
    /// `load(i)` is instance `i`'s requests in service plus queued.
    #[inline]
    pub fn pick(
        &mut self,
        serving: &[InstanceId],
        key: u64,
        load: impl Fn(InstanceId) -> usize,
    ) -> Option<InstanceId> {
        let n = serving.len();
        if n <= 1 {
            return serving.first().copied();
        }
        let draw = |draws: &mut KeyedUniforms, among: usize| {
            ((draws.next_unit() * among as f64) as usize).min(among - 1)
        };
        Some(match self.rule {
            Balancer::RoundRobin => {
                let at = (self.turn % n as u64) as usize;
                self.turn += 1;
                serving[at]
            }
            Balancer::LeastOutstanding => {
                let mut best = serving[0];
                let mut best_load = load(best);
                for &i in &serving[1..] {
                    if best_load == 0 {
                        break;
                    }
                    let l = load(i);
                    if l < best_load {
                        best = i;
                        best_load = l;
                    }
                }
                best
            }
            Balancer::PowerOfTwo => {
                let mut draws = KeyedUniforms::new(key, Draw::Balancer);
                let a = draw(&mut draws, n);
                let mut b = draw(&mut draws, n - 1);
                if b >= a {
                    b += 1;
                }
                let (a, b) = (serving[a], serving[b]);
                if load(b) < load(a) { b } else { a }
            }
            Balancer::Random => serving[draw(&mut KeyedUniforms::new(key, Draw::Balancer), n)],
            // Not per-instance rules: the first serving instance.
            Balancer::SharedQueue | Balancer::MostRecentlyUsed => serving[0],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_picks_by_its_own_measure() {
        let serving = [4, 7, 9];
        let loads = |i: InstanceId| match i {
            4 => 3,
            7 => 1,
            _ => 1,
        };
        let mut rr = Router::new(Balancer::RoundRobin);
        let turns: Vec<_> = (0..4).map(|k| rr.pick(&serving, k, loads)).collect();
        assert_eq!(turns, [Some(4), Some(7), Some(9), Some(4)]);
        // The first of the least loaded.
        let mut lo = Router::new(Balancer::LeastOutstanding);
        assert_eq!(lo.pick(&serving, 0, loads), Some(7));
        // Two distinct draws: never the most loaded of three unless both draws were it,
        // which distinct draws rule out.
        let mut p2 = Router::new(Balancer::PowerOfTwo);
        for key in 0..200 {
            assert_ne!(p2.pick(&serving, key, loads), Some(4), "key {key}");
        }
        // Random covers every instance, and one instance is always the answer.
        let mut rnd = Router::new(Balancer::Random);
        let mut seen = [0; 3];
        for key in 0..300 {
            let i = rnd.pick(&serving, key, loads).unwrap();
            seen[serving.iter().position(|&s| s == i).unwrap()] += 1;
        }
        assert!(seen.iter().all(|&c| c > 50), "{seen:?}");
        assert_eq!(rnd.pick(&[5], 1, loads), Some(5));
        assert_eq!(rnd.pick(&[], 1, loads), None);
    }

    #[test]
    fn names_round_trip() {
        for name in Balancer::NAMES {
            assert_eq!(Balancer::from_name(name).map(Balancer::name), Some(name));
        }
        assert_eq!(Balancer::from_name("fifo"), None);
    }
}
