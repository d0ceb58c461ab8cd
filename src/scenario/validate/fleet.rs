//! Validating an always-on fleet: a fixed count of instances or an autoscaler, workers,
//! vCPUs, speed, balancer, queue and request timeouts (a bare `timeout` is refused, naming
//! both), queue limit, the instance's memory (which each function's `server_memory` must fit
//! in), and how its time is priced: per instance-hour
//! (`billing.instance_hours`), per instance-month prorated (`billing.instance_months`), or per
//! vCPU-hour and GB-hour of the instance's size (`billing.vcpu_hours`, `billing.gb_hours`,
//! which need `vcpus` and `instance_memory`), with an optional `discount`, granularity and
//! minimum.

use toml::Spanned;

use crate::platform::fleet::{Balancer, DEFAULT_QUEUE_LIMIT};
use crate::platform::{ComputeSpec, FleetSpec, InstanceBilling, InstancePrice};
use crate::pricing::PriceSchedule;
use crate::scenario::file::*;
use crate::units::parse_memory_mb;
use crate::workload::Workload;

use super::autoscale::Model;
use super::{Result, Validator, toml_number};

/// Slowest and fastest fleet speed factor: a thousand times slower or faster than the
/// workload's reference platform (beyond that the factor is a typo, and `1e-18` would stretch
/// a millisecond past the clock's range).
const MIN_SPEED: f64 = 0.001;
const MAX_SPEED: f64 = 1000.0;

/// Most workers a fleet may have in all (each is a slot in memory while the run lasts).
const MAX_FLEET_WORKERS: u64 = 10_000_000;

/// What the price keys of a fleet may be, for messages.
const PRICE_KEYS: &str = "instance_hours (EC2), instance_months (a monthly plan, prorated), \
                          or vcpu_hours and gb_hours (priced on the instance's size, Fargate)";

impl Validator<'_> {
    /// The fleet model of `c`, priced by `billing`.
    pub(super) fn fleet(
        &self,
        c: &Spanned<ComputeFile>,
        f: &FleetFile,
        billing: &Spanned<FleetBillingFile>,
        path: &str,
        workload: &Workload,
    ) -> Result<ComputeSpec> {
        let b = billing.get_ref();
        let field = |k: &str| format!("{path}.{k}");
        let bpath = field("billing");
        let bfield = |k: &str| format!("{bpath}.{k}");
        if let Some(t) = &f.timeout {
            return Err(self.err(
                t,
                field("timeout"),
                format!(
                    "a fleet has two timeouts: write queue_timeout (how long a request may \
                     wait in the queue: queue_timeout = \"{0}\" keeps what timeout = \"{0}\" \
                     meant before) or request_timeout (how long the load balancer waits for \
                     the response, queue and service together)",
                    t.get_ref()
                ),
            ));
        }
        let vcpus = f
            .vcpus
            .as_ref()
            .map(|v| self.vcpus(v, &field("vcpus")))
            .transpose()?;
        let autoscale = match (&f.autoscale, &f.instances) {
            // A preset's autoscaling gives way to a fixed count the scenario writes.
            (Some(a), Some(_)) if self.is_from_preset(a) => None,
            (Some(_), Some(n)) => {
                return Err(self.err(
                    n,
                    field("instances"),
                    "a fleet is either fixed (instances = N) or autoscaled (autoscale = { ... }, \
                     starting at its min): give one",
                ));
            }
            (Some(a), None) => Some(self.autoscale(a, &field("autoscale"), Model::Fleet, vcpus)?),
            (None, _) => None,
        };
        let workers = self.required(
            &f.workers,
            c,
            &field("workers"),
            "concurrent requests per instance, e.g. workers = 8",
        )?;
        let speed = match &f.speed {
            Some(s) if !(MIN_SPEED..=MAX_SPEED).contains(s.get_ref()) => {
                return Err(self.err(
                    s,
                    field("speed"),
                    format!(
                        "must be a number from {MIN_SPEED} to {MAX_SPEED} (got {}): \
                         the execution-time divisor relative to the reference platform",
                        toml_number(*s.get_ref())
                    ),
                ));
            }
            Some(s) => *s.get_ref(),
            None => 1.0,
        };
        // An autoscaled fleet starts at its min and may grow to its max.
        let (n_instances, most_instances) = match &autoscale {
            Some(a) => (a.min, a.max),
            None => {
                let instances = self.required(
                    &f.instances,
                    c,
                    &field("instances"),
                    "how many always-on instances, e.g. instances = 2 (or autoscale = { ... })",
                )?;
                let n = self.count(instances, &field("instances"), 1, MAX_FLEET_WORKERS as i64)?;
                (n, n)
            }
        };
        let n_workers = self.count(workers, &field("workers"), 1, MAX_FLEET_WORKERS as i64)?;
        if most_instances as u64 * n_workers as u64 > MAX_FLEET_WORKERS {
            let most = if autoscale.is_some() {
                "autoscale.max"
            } else {
                "instances"
            };
            return Err(self.err(
                workers,
                field("workers"),
                format!(
                    "{most} x workers must be at most {MAX_FLEET_WORKERS} (got {most_instances} x {n_workers} = {})",
                    most_instances as u64 * n_workers as u64
                ),
            ));
        }
        let instance_memory_mb = match &f.instance_memory {
            Some(m) => Some(self.instance_memory(m, &field("instance_memory"), workload)?),
            None => None,
        };
        let queue_limit = match &f.queue_limit {
            Some(q) => self.count(q, &field("queue_limit"), 1, u32::MAX as i64)?,
            None => DEFAULT_QUEUE_LIMIT,
        };
        Ok(ComputeSpec::Fleet(FleetSpec {
            vcpus,
            balancer: self
                .balancer(&f.balancer, &field("balancer"), Model::Fleet)?
                .unwrap_or(Balancer::SharedQueue),
            autoscale,
            instance_memory_mb,
            queue_limit,
            instances: n_instances,
            workers_per_instance: n_workers,
            speed,
            queue_timeout: f
                .queue_timeout
                .as_ref()
                .map(|t| self.positive_duration(t, &field("queue_timeout")))
                .transpose()?,
            request_timeout: f
                .request_timeout
                .as_ref()
                .map(|t| self.positive_duration(t, &field("request_timeout")))
                .transpose()?,
            billing: InstanceBilling {
                price: self.instance_price(billing, path, vcpus, instance_memory_mb)?,
                granularity: match &b.granularity {
                    Some(g) => self.positive_duration(g, &bfield("granularity"))?,
                    None => 1_000_000,
                },
                minimum: match &b.minimum {
                    Some(m) => self.duration(m, &bfield("minimum"))?,
                    None => 0,
                },
            },
        }))
    }

    /// What the fleet's instance time is priced on: exactly one of the price keys (or the
    /// size pair), discounted by `discount`.
    fn instance_price(
        &self,
        billing: &Spanned<FleetBillingFile>,
        path: &str,
        vcpus: Option<f64>,
        instance_memory_mb: Option<u32>,
    ) -> Result<InstancePrice> {
        let b = billing.get_ref();
        let bfield = |k: &str| format!("{path}.billing.{k}");
        let discount = match &b.discount {
            Some(d) if !(0.0..1.0).contains(d.get_ref()) => {
                return Err(self.err(
                    d,
                    bfield("discount"),
                    format!(
                        "must be a fraction from 0 up to (not including) 1 (got {})",
                        toml_number(*d.get_ref())
                    ),
                ));
            }
            Some(d) => *d.get_ref(),
            None => 0.0,
        };
        let priced = |p: &Spanned<PriceFile>, key: &str| -> Result<PriceSchedule> {
            let mut schedule = self.price(p, &bfield(key))?;
            for t in &mut schedule.tiers {
                t.unit_price *= 1.0 - discount;
            }
            Ok(schedule)
        };
        // The keys given, in the order they are listed in messages.
        let given: Vec<(&str, &Spanned<PriceFile>)> = [
            ("instance_hours", &b.instance_hours),
            ("instance_months", &b.instance_months),
            ("vcpu_hours", &b.vcpu_hours),
            ("gb_hours", &b.gb_hours),
        ]
        .into_iter()
        .filter_map(|(k, p)| Some((k, p.as_ref()?)))
        .collect();
        let by_size = |k: &str| k == "vcpu_hours" || k == "gb_hours";
        if let Some(&(second, p)) = given.iter().skip(1).find(|(k, _)| {
            // vcpu_hours and gb_hours go together; anything else is a second way of pricing.
            !(by_size(k) && by_size(given[0].0))
        }) {
            return Err(self.err(
                p,
                bfield(second),
                format!(
                    "the instances are already priced by billing.{}: give one of {PRICE_KEYS}",
                    given[0].0
                ),
            ));
        }
        match given.first() {
            None => Err(self.err(
                billing,
                bfield("instance_hours"),
                format!(
                    "missing: the price of the instances, one of {PRICE_KEYS}, e.g. \
                     instance_hours = {{ usd = 0.0416 }}"
                ),
            )),
            Some(&("instance_hours", p)) => Ok(InstancePrice::Hours(priced(p, "instance_hours")?)),
            Some(&("instance_months", p)) => {
                Ok(InstancePrice::Months(priced(p, "instance_months")?))
            }
            Some(_) => {
                let vcpus = match (&b.vcpu_hours, vcpus) {
                    (Some(p), None) => {
                        return Err(self.err(
                            p,
                            bfield("vcpu_hours"),
                            format!(
                                "needs {path}.vcpus, the vCPUs of one instance (a task size, \
                                 e.g. vcpus = 1: presets leave the size to you)"
                            ),
                        ));
                    }
                    (_, Some(v)) => v,
                    (None, None) => 0.0,
                };
                let memory_gb = match (&b.gb_hours, instance_memory_mb) {
                    (Some(p), None) => {
                        return Err(self.err(
                            p,
                            bfield("gb_hours"),
                            format!(
                                "needs {path}.instance_memory, the memory of one instance (a \
                                 task size, e.g. instance_memory = \"2GB\": presets leave the \
                                 size to you)"
                            ),
                        ));
                    }
                    (_, Some(mb)) => mb as f64 / 1024.0,
                    (None, None) => 0.0,
                };
                Ok(InstancePrice::Size {
                    vcpu_hours: b
                        .vcpu_hours
                        .as_ref()
                        .map(|p| priced(p, "vcpu_hours"))
                        .transpose()?,
                    gb_hours: b
                        .gb_hours
                        .as_ref()
                        .map(|p| priced(p, "gb_hours"))
                        .transpose()?,
                    vcpus,
                    memory_gb,
                })
            }
        }
    }

    /// An instance memory size, which every function's `server_memory` must fit in.
    fn instance_memory(
        &self,
        m: &Spanned<String>,
        field: &str,
        workload: &Workload,
    ) -> Result<u32> {
        let mb = parse_memory_mb(m.get_ref()).map_err(|e| self.err(m, field, e))?;
        let need = |f: &crate::workload::FunctionSpec| f.faas.server_memory_mb.unwrap_or(0);
        if let Some(f) = workload.functions.iter().find(|f| need(f) > mb) {
            return Err(self.err(
                m,
                field,
                format!(
                    "function '{}' has server_memory = {} MB, more than an instance has ({mb} MB): its requests could never run",
                    f.name,
                    need(f)
                ),
            ));
        }
        Ok(mb)
    }
}
