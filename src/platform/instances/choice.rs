//! Which warm instance serves when several have a free slot (`idle_instance`).
//!
//! The choice changes how many instances stay warm: sending work to the most recently used
//! one lets the others age out under a keep-alive timeout; spreading it keeps them all warm.
//!
//! | rule | picks | cost |
//! |---|---|---|
//! | `most_recently_used` (default) | the instance whose slot freed last | O(1) |
//! | `least_recently_used` | the instance whose slot freed first | O(1) |
//! | `newest_created` (SimFaaS's rule) | the instance launched last | O(warm instances) |
//! | `random` | uniformly at random, from the request's own draw | O(warm instances) |
//!
//! Always-warm (provisioned) instances are offered before on-demand ones whatever the rule
//! ([`super::Instances::choose_warm`]).

use super::{InstanceId, Instances, NIL};

/// The `idle_instance` rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IdleChoice {
    #[default]
    MostRecentlyUsed,
    LeastRecentlyUsed,
    NewestCreated,
    Random,
}

impl IdleChoice {
    /// The scenario names, in the order of the table above.
    pub const NAMES: [&'static str; 4] = [
        "most_recently_used",
        "least_recently_used",
        "newest_created",
        "random",
    ];

    /// The rule named `name` in a scenario file.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "most_recently_used" => Self::MostRecentlyUsed,
            "least_recently_used" => Self::LeastRecentlyUsed,
            "newest_created" => Self::NewestCreated,
            "random" => Self::Random,
            _ => return None,
        })
    }

    /// Whether the rule consumes the request's uniform draw.
    pub fn is_random(self) -> bool {
        self == Self::Random
    }
}

/// Picks from the non-empty list running from `newest` to `oldest` (`len` entries).
#[inline]
pub(super) fn pick(
    all: &Instances,
    newest: InstanceId,
    oldest: InstanceId,
    len: u32,
    rule: IdleChoice,
    unit: f64,
) -> InstanceId {
    match rule {
        IdleChoice::MostRecentlyUsed => newest,
        IdleChoice::LeastRecentlyUsed => oldest,
        IdleChoice::NewestCreated => {
            let mut best = newest;
            let mut at = all.older(newest);
            while at != NIL {
                if all.get(at).created > all.get(best).created {
                    best = at;
                }
                at = all.older(at);
            }
            best
        }
        IdleChoice::Random => {
            let k = ((unit * len as f64) as u32).min(len - 1);
            let mut at = newest;
            for _ in 0..k {
                at = all.older(at);
            }
            at
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three_idle() -> (Instances, [InstanceId; 3]) {
        // Launched a, b, c; freed in the order c, a, b: b is the most recent.
        let mut all = Instances::new(1, 1);
        let ids = [0, 1, 2].map(|_| {
            let i = all.launch(0, 0, 0, false);
            all.take_slot(i);
            i
        });
        let [a, b, c] = ids;
        all.release_slot(c, 1);
        all.release_slot(a, 2);
        all.release_slot(b, 3);
        (all, ids)
    }

    #[test]
    fn each_rule_picks_its_instance() {
        let (all, [a, b, c]) = three_idle();
        let pick = |rule, u| all.choose_warm(0, rule, u).unwrap();
        assert_eq!(pick(IdleChoice::MostRecentlyUsed, 0.5), b);
        assert_eq!(pick(IdleChoice::LeastRecentlyUsed, 0.5), c);
        assert_eq!(pick(IdleChoice::NewestCreated, 0.5), c);
        // Random walks from the most recent: [b, a, c] by thirds.
        assert_eq!(pick(IdleChoice::Random, 0.1), b);
        assert_eq!(pick(IdleChoice::Random, 0.5), a);
        assert_eq!(pick(IdleChoice::Random, 0.99), c);
    }

    #[test]
    fn names_round_trip() {
        for name in IdleChoice::NAMES {
            assert!(IdleChoice::from_name(name).is_some(), "{name}");
        }
        assert_eq!(IdleChoice::from_name("fifo"), None);
    }
}
