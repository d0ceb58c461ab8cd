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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for name in Balancer::NAMES {
            assert_eq!(Balancer::from_name(name).map(Balancer::name), Some(name));
        }
        assert_eq!(Balancer::from_name("fifo"), None);
    }
}
