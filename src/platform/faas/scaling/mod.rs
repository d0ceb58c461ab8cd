//! How fast a FaaS platform may add instances, and what becomes of asynchronous calls it
//! cannot run: the scale-up rate limit ([`scale_rate`]) and asynchronous retries
//! ([`retries`]).

pub mod retries;
pub mod scale_rate;
