//! Seeded, portable randomness with independent streams per purpose.
//!
//! Every random quantity comes from a stream named by (scenario seed, replication, purpose,
//! index). Streams are `Xoshiro256PlusPlus` generators ([`SimRng`]), which rand documents as portable, so
//! a seed gives the same numbers on every machine and in every rand patch release. Adding a
//! function to a scenario does not shift the numbers another function sees, and every
//! deployment is fed the same requests (common random numbers).
//!
//! Per-request randomness that depends on the deployment (cold-start time, backend latency)
//! is drawn from a *counter-based* sequence keyed by the request's `key`
//! ([`KeyedUniforms`]): it depends only on the request, never on the order in which a model
//! happens to consume numbers, so two deployments of the same platform see the same draws.
//! Each use of those draws is named by a [`Draw`] and owns its own counter range.
//!
//! Per-function streams are indexed by the function's stable id
//! ([`crate::workload::FunctionSpec::stream_id`], a hash of its app and name), not by its
//! position in the function table: selecting, sampling or reordering functions does not
//! change the numbers any other function sees.

use rand::SeedableRng;
pub use rand::rngs::Xoshiro256PlusPlus as SimRng;

/// What a stream is used for; part of the stream's identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Purpose {
    /// Arrival times of one function.
    Arrivals = 1,
    /// Execution times and request keys of one function.
    Requests = 2,
    /// Choices made while reading or shaping a trace (sampling apps, spreading a minute).
    Trace = 3,
}

/// The SplitMix64 finaliser: a bijective 64-bit mixer with good avalanche.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Maps 64 random bits to a uniform in the open interval (0, 1): never 0, never 1, so that
/// quantile functions with infinite tails stay finite.
pub fn unit_open(bits: u64) -> f64 {
    // 52 bits plus one half: every value is exact in an f64 and the largest is 1 - 2^-53.
    ((bits >> 12) as f64 + 0.5) * (1.0 / (1u64 << 52) as f64)
}

/// Derives independent generators from one scenario seed.
#[derive(Clone, Copy, Debug)]
pub struct Streams {
    seed: u64,
    replication: u64,
}

impl Streams {
    /// Streams for replication `replication` of a scenario seeded with `seed`.
    pub fn new(seed: u64, replication: u64) -> Self {
        Self { seed, replication }
    }

    /// The generator for `purpose` number `index` (a function index, a trace file index...).
    pub fn stream(&self, purpose: Purpose, index: u64) -> SimRng {
        let mut h = mix64(self.seed);
        h = mix64(h ^ self.replication);
        h = mix64(h ^ purpose as u64);
        h = mix64(h ^ index);
        SimRng::seed_from_u64(h)
    }
}

/// What a per-request draw is for. Each use owns its own range of 2^48 counters of the
/// request's sequence, so uses never collide, and adding one never moves another's numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Draw {
    /// The cold-start (initialisation) time of the instance the request starts.
    ColdStart = 0,
    /// Backend operation latencies, one draw per operation, in call order.
    Backend = 1,
    /// Which warm instance serves (`idle_instance = "random"`).
    IdleChoice = 2,
    /// Which instance a fleet's random balancers send the request to (`random`,
    /// `power_of_two`).
    Balancer = 3,
    /// The latency the deployment's gateway adds ([`crate::platform::gateway`]).
    Gateway = 4,
}

/// The key of attempt `attempt` (1 = the first retry) of the request keyed `key`: a retry
/// draws its cold start and backend latencies afresh, from its own sequence.
#[inline]
pub fn attempt_key(key: u64, attempt: u32) -> u64 {
    mix64(key ^ mix64(0xA24B_AED4_963E_E407 ^ attempt as u64))
}

/// A counter-based sequence of uniforms keyed by one request: draw `i` is a pure function of
/// (key, i), so every deployment gets the same numbers for the same request.
#[derive(Clone, Copy, Debug)]
pub struct KeyedUniforms {
    key: u64,
    counter: u64,
}

impl KeyedUniforms {
    /// The draws of `purpose` for the request with this key.
    #[inline]
    pub fn new(key: u64, purpose: Draw) -> Self {
        Self {
            key,
            counter: (purpose as u64) << 48,
        }
    }

    /// The next uniform in (0, 1).
    #[inline]
    pub fn next_unit(&mut self) -> f64 {
        let bits = mix64(self.key ^ mix64(self.counter));
        self.counter += 1;
        unit_open(bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    const GOLDEN: [u64; 2] = [5_658_501_476_965_422_576, 11_364_605_711_029_109_536];

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let s = Streams::new(42, 0);
        let a1 = s.stream(Purpose::Arrivals, 0).next_u64();
        let a2 = s.stream(Purpose::Arrivals, 0).next_u64();
        let b = s.stream(Purpose::Arrivals, 1).next_u64();
        let c = s.stream(Purpose::Requests, 0).next_u64();
        let d = Streams::new(42, 1).stream(Purpose::Arrivals, 0).next_u64();
        assert_eq!(a1, a2);
        assert!(a1 != b && a1 != c && a1 != d && b != c);
    }

    #[test]
    fn golden_first_draws_are_pinned() {
        // Pins the stream derivation and the generator: if this changes, every user's
        // results change, so it must be a deliberate, announced decision.
        let mut rng = Streams::new(1, 0).stream(Purpose::Arrivals, 0);
        let got = [rng.next_u64(), rng.next_u64()];
        assert_eq!(got, GOLDEN);
    }

    #[test]
    fn unit_open_never_reaches_the_ends() {
        assert!(unit_open(0) > 0.0);
        assert!(unit_open(u64::MAX) < 1.0);
        let mut u = KeyedUniforms::new(7, Draw::ColdStart);
        let mean = (0..100_000).map(|_| u.next_unit()).sum::<f64>() / 100_000.0;
        assert!((mean - 0.5).abs() < 0.005, "mean {mean}");
    }
}
