//! Validating the capacity keys fleets and FaaS share: `balancer` (which instance takes a
//! request) and `autoscale` (target tracking), into [`Balancer`] and [`AutoscaleSpec`].
//!
//! Defaults of an `autoscale` table: `min` 1 on a fleet, 0 on FaaS (scale to zero);
//! `interval` 60s; `window` 3m; `boot` 90s (fleets only: a FaaS instance pays its cold
//! start); `scale_in_cooldown` 5m; no `schedule`. `max` and `target` have no default.

use toml::Spanned;

use crate::engine::time::{MINUTE, Micros, SECOND};
use crate::platform::fleet::{AutoscaleSpec, Balancer, MinimumWindow, ScalingTarget};
use crate::platform::schedule::parse_clock;
use crate::scenario::file::{AutoscaleFile, TargetFile};

use super::{Result, Validator, toml_number};

/// Most instances an autoscaler may run (each is a slot in memory for the whole run).
pub(super) const MAX_AUTOSCALED_INSTANCES: i64 = 100_000;

/// Default evaluation period: AWS target tracking evaluates one-minute metrics.
pub const DEFAULT_INTERVAL: Micros = MINUTE;
/// Default averaging window of the metric.
pub const DEFAULT_WINDOW: Micros = 3 * MINUTE;
/// Default boot of a new fleet instance before it serves.
pub const DEFAULT_BOOT: Micros = 90 * SECOND;
/// Default wait after the last scaling action before a scale-in (the HPA's scale-down
/// stabilisation window is 5 minutes).
pub const DEFAULT_SCALE_IN_COOLDOWN: Micros = 5 * MINUTE;

/// Which model the capacity keys belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Model {
    Faas,
    Fleet,
}

impl Validator<'_> {
    /// The `balancer` named by `b` on a `model`, if given.
    pub(super) fn balancer(
        &self,
        b: &Option<Spanned<String>>,
        field: &str,
        model: Model,
    ) -> Result<Option<Balancer>> {
        let allowed: Vec<&str> = Balancer::NAMES
            .into_iter()
            .filter(|&n| allowed_on(n, model))
            .collect();
        let Some(chosen) = self.named(b, field, Balancer::from_name, &allowed.join(", "))? else {
            return Ok(None);
        };
        if !allowed_on(chosen.name(), model) {
            let what = match model {
                Model::Faas => "is the fleet's one FIFO queue, not a FaaS rule",
                Model::Fleet => {
                    "is FaaS's packing rule (a call goes to the instance whose slot freed \
                     last), not a fleet's"
                }
            };
            let written = b.as_ref().expect("named returned a value");
            return Err(self.err(
                written,
                field,
                format!(
                    "'{}' {what}: use one of {}",
                    chosen.name(),
                    allowed.join(", ")
                ),
            ));
        }
        Ok(Some(chosen))
    }

    /// The `autoscale` table `a` of a `model` under `path` (its own path, `...autoscale`);
    /// `vcpus` of the instance, which a CPU target needs.
    pub(super) fn autoscale(
        &self,
        a: &Spanned<AutoscaleFile>,
        path: &str,
        model: Model,
        vcpus: Option<f64>,
    ) -> Result<AutoscaleSpec> {
        let f = a.get_ref();
        let field = |k: &str| format!("{path}.{k}");
        let max = self.required(
            &f.max,
            a,
            &field("max"),
            "the most instances, e.g. max = 20",
        )?;
        let max = self.count(max, &field("max"), 1, MAX_AUTOSCALED_INSTANCES)?;
        let lowest = if model == Model::Fleet { 1 } else { 0 };
        let min = match &f.min {
            Some(m) => {
                let min = self.count(m, &field("min"), lowest, MAX_AUTOSCALED_INSTANCES)?;
                if min > max {
                    return Err(self.err(
                        m,
                        field("min"),
                        format!("({min}) must be at most max ({max})"),
                    ));
                }
                min
            }
            None => lowest as u32,
        };
        let target = self.required(
            &f.target,
            a,
            &field("target"),
            "what to track, e.g. target = { cpu = 0.6 }, { concurrency = 0.7 } or \
             { requests_per_instance = \"50/s\" }",
        )?;
        let target = self.scaling_target(target, &field("target"), vcpus)?;
        let duration = |d: &Option<Spanned<String>>, k: &str, default: Micros| match d {
            Some(d) => self.positive_duration(d, &field(k)),
            None => Ok(default),
        };
        let boot = match (&f.boot, model) {
            (Some(b), Model::Faas) => {
                return Err(self.err(
                    b,
                    field("boot"),
                    "does not apply to FaaS: a new instance serves after its cold start \
                     (cold_start, or the runtime's default)",
                ));
            }
            (Some(b), Model::Fleet) => self.duration(b, &field("boot"))?,
            (None, Model::Fleet) => DEFAULT_BOOT,
            (None, Model::Faas) => 0,
        };
        let mut schedule = Vec::new();
        for (i, e) in f.schedule.iter().flat_map(|s| s.get_ref()).enumerate() {
            let ep = field(&format!("schedule[{i}]"));
            let w = e.get_ref();
            let clock = |s: &Spanned<String>, k: &str| {
                parse_clock(s.get_ref()).map_err(|m| self.err(s, format!("{ep}.{k}"), m))
            };
            let (from, to) = (clock(&w.from, "from")?, clock(&w.to, "to")?);
            if from == to {
                return Err(self.err(
                    &w.to,
                    format!("{ep}.to"),
                    "must differ from `from` (a window from a time to itself is empty)",
                ));
            }
            let raised = self.count(&w.min, &format!("{ep}.min"), lowest, i64::from(max))?;
            schedule.push(MinimumWindow {
                from,
                to,
                min: raised,
            });
        }
        Ok(AutoscaleSpec {
            min,
            max,
            target,
            interval: duration(&f.interval, "interval", DEFAULT_INTERVAL)?,
            window: duration(&f.window, "window", DEFAULT_WINDOW)?,
            boot,
            scale_in_cooldown: match &f.scale_in_cooldown {
                Some(c) => self.duration(c, &field("scale_in_cooldown"))?,
                None => DEFAULT_SCALE_IN_COOLDOWN,
            },
            schedule,
        })
    }

    /// Exactly one of `cpu` (needs `vcpus`), `concurrency` (both fractions in (0, 1]) or
    /// `requests_per_instance` (a rate above zero).
    fn scaling_target(
        &self,
        t: &Spanned<TargetFile>,
        field: &str,
        vcpus: Option<f64>,
    ) -> Result<ScalingTarget> {
        let f = t.get_ref();
        let fraction = |x: &Spanned<f64>, k: &str| {
            let v = *x.get_ref();
            if v > 0.0 && v <= 1.0 {
                Ok(v)
            } else {
                Err(self.err(
                    x,
                    format!("{field}.{k}"),
                    format!(
                        "must be a fraction above 0 and at most 1 (got {})",
                        toml_number(v)
                    ),
                ))
            }
        };
        let given = [
            f.cpu.as_ref().map(|x| (x.span(), "cpu")),
            f.concurrency.as_ref().map(|x| (x.span(), "concurrency")),
            f.requests_per_instance
                .as_ref()
                .map(|x| (x.span(), "requests_per_instance")),
        ];
        let mut given = given.into_iter().flatten();
        let first = given.next();
        if let Some((span, k)) = given.next() {
            return Err(self.src.error(
                span,
                format!("{field}.{k}"),
                format!(
                    "the target is already {}: track one metric",
                    first.map_or("", |(_, k)| k)
                ),
            ));
        }
        if let Some(c) = &f.cpu {
            if vcpus.is_none() {
                return Err(self.err(
                    c,
                    format!("{field}.cpu"),
                    "needs the instance's vcpus (CPU utilisation is busy vCPU time over the \
                     vCPUs): set vcpus, or track concurrency or requests_per_instance",
                ));
            }
            return Ok(ScalingTarget::Cpu(fraction(c, "cpu")?));
        }
        if let Some(c) = &f.concurrency {
            return Ok(ScalingTarget::Concurrency(fraction(c, "concurrency")?));
        }
        if let Some(r) = &f.requests_per_instance {
            return Ok(ScalingTarget::RequestsPerInstance(self.rate(
                r,
                &format!("{field}.requests_per_instance"),
                false,
            )?));
        }
        Err(self.err(
            t,
            field,
            "missing: one metric, e.g. { cpu = 0.6 }, { concurrency = 0.7 } or \
             { requests_per_instance = \"50/s\" }",
        ))
    }
}

/// Whether balancer `name` applies to `model` (`shared_queue` is the fleet's,
/// `most_recently_used` FaaS's).
fn allowed_on(name: &str, model: Model) -> bool {
    match model {
        Model::Faas => name != "shared_queue",
        Model::Fleet => name != "most_recently_used",
    }
}
