//! Validating a FaaS keep-alive policy: `none`, `fixed` (with `reset`), `forever`, `hybrid`
//! (with its histogram parameters). A key that belongs to another policy is refused.

use toml::Spanned;

use crate::platform::faas::{FixedKeepAlive, HybridConfig, KeepAlive, Reset};
use crate::scenario::file::KeepAliveFile;

use super::{Result, Validator};

impl Validator<'_> {
    pub(super) fn keep_alive(&self, k: &Spanned<KeepAliveFile>, path: &str) -> Result<KeepAlive> {
        let f = k.get_ref();
        let field = |x: &str| format!("{path}.{x}");
        let policy = f.policy.get_ref().as_str();
        // The policy first: with an unknown one, no other key can be judged.
        if !["none", "fixed", "forever", "hybrid"].contains(&policy) {
            return Err(self.err(
                &f.policy,
                field("policy"),
                format!(
                    "unknown keep-alive policy '{policy}' (use none, fixed, forever or hybrid)"
                ),
            ));
        }
        let v = format!("policy = \"{policy}\"");
        if policy != "fixed" {
            self.not_for(&f.idle_timeout, &field("idle_timeout"), &v)?;
            self.not_for(&f.reset, &field("reset"), &v)?;
        }
        if policy != "hybrid" {
            self.not_for(&f.range, &field("range"), &v)?;
            self.not_for(&f.prewarm_percentile, &field("prewarm_percentile"), &v)?;
            self.not_for(
                &f.keep_alive_percentile,
                &field("keep_alive_percentile"),
                &v,
            )?;
            self.not_for(&f.prewarm_margin, &field("prewarm_margin"), &v)?;
            self.not_for(&f.keep_alive_margin, &field("keep_alive_margin"), &v)?;
            self.not_for(&f.min_samples, &field("min_samples"), &v)?;
            self.not_for(&f.cv_threshold, &field("cv_threshold"), &v)?;
        }
        match policy {
            "none" => Ok(KeepAlive::None),
            "forever" => Ok(KeepAlive::Forever),
            "fixed" => {
                let t = self.required(
                    &f.idle_timeout,
                    k,
                    &field("idle_timeout"),
                    "how long an idle instance stays warm, e.g. idle_timeout = \"10m\"",
                )?;
                Ok(KeepAlive::Fixed(FixedKeepAlive {
                    idle_timeout: self.duration(t, &field("idle_timeout"))?,
                    reset: self
                        .named(
                            &f.reset,
                            &field("reset"),
                            Reset::from_name,
                            "on_use or never",
                        )?
                        .unwrap_or_default(),
                }))
            }
            _ => self.hybrid(k, path).map(KeepAlive::Hybrid),
        }
    }

    /// The hybrid policy's parameters over the paper's defaults, checked together.
    fn hybrid(&self, k: &Spanned<KeepAliveFile>, path: &str) -> Result<HybridConfig> {
        let f = k.get_ref();
        let mut c = HybridConfig::default();
        if let Some(r) = &f.range {
            c.range = self.positive_duration(r, &format!("{path}.range"))?;
        }
        let float = |v: &Option<Spanned<f64>>, into: &mut f64| {
            if let Some(x) = v {
                *into = *x.get_ref();
            }
        };
        float(&f.prewarm_percentile, &mut c.prewarm_percentile);
        float(&f.keep_alive_percentile, &mut c.keep_alive_percentile);
        float(&f.prewarm_margin, &mut c.prewarm_margin);
        float(&f.keep_alive_margin, &mut c.keep_alive_margin);
        float(&f.cv_threshold, &mut c.cv_threshold);
        if let Some(n) = &f.min_samples {
            c.min_samples =
                u64::from(self.count(n, &format!("{path}.min_samples"), 1, 1_000_000_000)?);
        }
        let Err(message) = c.validate() else {
            return Ok(c);
        };
        // The message starts with the field it is about; point at that key if it was written.
        let key = message.split(':').next().unwrap_or("");
        let span_of = |v: &Option<Spanned<f64>>| v.as_ref().map(Spanned::span);
        let span = match key {
            "range" => f.range.as_ref().map(Spanned::span),
            "prewarm_percentile" => span_of(&f.prewarm_percentile),
            "keep_alive_percentile" => span_of(&f.keep_alive_percentile),
            "prewarm_margin" => span_of(&f.prewarm_margin),
            "keep_alive_margin" => span_of(&f.keep_alive_margin),
            "cv_threshold" => span_of(&f.cv_threshold),
            "min_samples" => f.min_samples.as_ref().map(Spanned::span),
            _ => None,
        }
        .unwrap_or_else(|| k.span());
        let detail = message
            .split_once(": ")
            .map_or(message.as_str(), |(_, d)| d);
        Err(self
            .src
            .error(span, format!("{path}.{key}"), detail.to_string()))
    }
}
