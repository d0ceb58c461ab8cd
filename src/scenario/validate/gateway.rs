//! Validating `[deployments.gateway]`: its price (required: a preset or a `price` table),
//! its latency distribution (optional: none adds nothing), and its rate limit (`rate_limit`,
//! a rate such as `"10000/s"`, with an optional `burst`, the token bucket's size), and its
//! hard quotas (`quota = { requests = "..." }`, `quota_reset`).

use toml::Spanned;

use crate::platform::GatewaySpec;
use crate::platform::gateway::{REQUESTS_QUOTA, RateLimit};
use crate::scenario::file::GatewayFile;

use super::{Result, Validator};

/// The largest `burst` a gateway may give (a billion requests at once).
const MAX_BURST: i64 = 1_000_000_000;

impl Validator<'_> {
    pub(super) fn gateway(&self, g: &Spanned<GatewayFile>, path: &str) -> Result<GatewaySpec> {
        let f = g.get_ref();
        let field = |k: &str| format!("{path}.{k}");
        let price = self.required(
            &f.price,
            g,
            &field("price"),
            "the price per request: name a gateway preset (pricing = \"aws-api-gateway-http\"; `serverless-sim pricing list` shows them) or write price = { usd = 1.00, per = 1_000_000 }",
        )?;
        let price = self.price(price, &field("price"))?;
        let latency = f
            .latency
            .as_ref()
            .map(|l| self.distribution(l, &field("latency")))
            .transpose()?;
        let rate_limit = match (&f.rate_limit, &f.burst) {
            (None, Some(b)) => {
                return Err(self.err(
                    b,
                    field("burst"),
                    "a burst needs a rate_limit (the token bucket's steady rate, e.g. rate_limit = \"10000/s\")",
                ));
            }
            (None, None) => None,
            (Some(r), burst) => {
                let per_second = self.rate(r, &field("rate_limit"), false)?;
                let burst = match burst {
                    Some(b) => u64::from(self.count(b, &field("burst"), 1, MAX_BURST)?),
                    None => RateLimit::default_burst(per_second),
                };
                Some(RateLimit { per_second, burst })
            }
        };
        let quotas = self.quotas(
            &f.quota,
            &f.quota_reset,
            path,
            &[REQUESTS_QUOTA],
            "a gateway's requests",
        )?;
        Ok(GatewaySpec {
            price,
            latency,
            rate_limit,
            quotas,
            preset: f.pricing.as_ref().map(|p| p.get_ref().clone()),
        })
    }
}
