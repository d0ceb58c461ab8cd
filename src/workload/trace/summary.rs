//! The line `check` and `run` print about a trace workload: what was selected and how many
//! invocations the replay will produce in the simulated window, after selection, the
//! scenario's duration, `time_scale` and `rate_multiplier`.

use super::TraceInfo;
use super::profile_text::group;
use crate::units::format_duration;

impl TraceInfo {
    /// `trace (FORMAT): N functions in M apps, X invocations replayed in the WINDOW window`,
    /// with what the figure is made of when shaping changed it; a random count (fractional
    /// multiplier, a 2019 minute cut part-way) is given as its expected value and says so.
    pub fn summary(&self, window: crate::engine::time::Micros) -> String {
        let count = &self.replayed;
        let rounded = count.count.round().max(0.0) as u64;
        let figure = if count.exact {
            format!("{} invocations replayed", group(rounded))
        } else {
            format!("about {} invocations expected", group(rounded))
        };
        let mut parts = Vec::new();
        let r = self.shaping.rate_multiplier;
        if r != 1.0 {
            parts.push(format!(
                "{} traced x rate_multiplier {r}",
                group(self.invocations)
            ));
        } else if !count.exact || rounded != self.invocations {
            parts.push(format!(
                "{} traced, the last minute cut part-way by the duration",
                group(self.invocations)
            ));
        }
        let scale = self.shaping.time_scale;
        if scale != 1.0 {
            parts.push(format!(
                "time_scale {scale}: {} of trace in {}",
                format_duration((window as f64 * scale).round() as u64),
                format_duration(window)
            ));
        }
        if !count.exact {
            parts.push("the realised count varies with the seed".into());
        }
        let detail = if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join("; "))
        };
        format!(
            "trace ({}): {} functions in {} apps, {figure} in the {} window{detail}",
            self.format.name(),
            self.functions,
            self.apps,
            format_duration(window),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, ReplayCount, Shaping, TraceInfo};
    use crate::engine::time::HOUR;

    fn info(invocations: u64, count: f64, exact: bool, shaping: Shaping) -> TraceInfo {
        TraceInfo {
            format: Format::Azure2019,
            functions: 100,
            apps: 80,
            invocations,
            replayed: ReplayCount { count, exact },
            span: 8 * HOUR,
            covered: 8 * HOUR,
            skipped: Vec::new(),
            shaping,
        }
    }

    #[test]
    fn plain_doubled_expected_and_compressed() {
        let plain = info(339_657, 339_657.0, true, Shaping::default());
        assert_eq!(
            plain.summary(8 * HOUR),
            "trace (azure2019): 100 functions in 80 apps, 339,657 invocations replayed in the 8h window"
        );
        let doubled = Shaping {
            rate_multiplier: 2.0,
            ..Shaping::default()
        };
        assert_eq!(
            info(339_657, 679_314.0, true, doubled).summary(8 * HOUR),
            "trace (azure2019): 100 functions in 80 apps, 679,314 invocations replayed in the 8h \
             window (339,657 traced x rate_multiplier 2)"
        );
        let half_fast = Shaping {
            rate_multiplier: 0.5,
            time_scale: 10.0,
        };
        // 339,657 / 2 = 169,828.5, printed rounded; 48 minutes of simulated time hold 8 h of
        // trace at ten times the speed.
        assert_eq!(
            info(339_657, 169_828.5, false, half_fast).summary(48 * 60_000_000),
            "trace (azure2019): 100 functions in 80 apps, about 169,829 invocations expected in \
             the 48m window (339,657 traced x rate_multiplier 0.5; time_scale 10: 8h of trace in \
             48m; the realised count varies with the seed)"
        );
    }
}
