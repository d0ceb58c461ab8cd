//! The `[deployments.compute]` table as written: one serde struct per compute model, each with
//! its own billing table, unknown keys refused by serde.
//!
//! The file writes `model = "faas"` inside the table; [`super::model_tag`] rewrites the parsed
//! document to serde's externally tagged form (`compute = { faas = { ... } }`) before the typed
//! parse, so every value keeps its span. A key of the other model is refused by serde and the
//! error says so ([`other_model_key`]).

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::file::{CpuTierFile, DistributionFile, PriceFile};

/// A compute model, chosen by `model` (`faas`, `fleet` or `client`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComputeFile {
    Faas(Box<FaasFile>),
    Fleet(Box<FleetFile>),
    Client(ClientFile),
}

impl ComputeFile {
    /// The preset that priced it (`pricing = "aws-lambda-x86"`), already merged in.
    pub fn pricing(&self) -> Option<&Spanned<String>> {
        match self {
            ComputeFile::Faas(f) => f.pricing.as_ref(),
            ComputeFile::Fleet(f) => f.pricing.as_ref(),
            ComputeFile::Client(_) => None,
        }
    }

    /// The plan of that preset (`plan = "blaze"`), already merged in.
    pub fn plan(&self) -> Option<&Spanned<String>> {
        match self {
            ComputeFile::Faas(f) => f.plan.as_ref(),
            ComputeFile::Fleet(f) => f.plan.as_ref(),
            ComputeFile::Client(_) => None,
        }
    }
}

/// `model = "client"`: no compute, the apps call the backend directly. It takes no other
/// key: one of another model is refused, naming that model ([`other_model_key`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientFile {}

/// `model = "faas"`: instances started on demand, billed per call or per instance time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaasFile {
    /// The preset that priced it, already merged in.
    pub pricing: Option<Spanned<String>>,
    /// The plan of that preset, already merged in.
    pub plan: Option<Spanned<String>>,
    pub cold_start: Option<Spanned<DistributionFile>>,
    pub keep_alive: Option<Spanned<KeepAliveFile>>,
    /// Whose measurements the functions' `runtime` cold-start defaults come from.
    pub cold_start_figures: Option<Spanned<String>>,
    pub account_concurrency: Option<Spanned<i64>>,
    pub function_concurrency: Option<Spanned<i64>>,
    /// Reserved concurrency: function name -> executions reserved for it.
    pub reserved_concurrency: Option<Spanned<BTreeMap<String, Spanned<i64>>>>,
    /// `"function"` (default) or `"app"`: which functions share instances.
    pub pools: Option<Spanned<String>>,
    /// Which warm instance serves when several are free.
    pub idle_instance: Option<Spanned<String>>,
    /// Calls one instance serves at once.
    pub instance_concurrency: Option<Spanned<i64>>,
    /// With `instance_concurrency` > 1: which ready instance with a free slot takes a call.
    pub balancer: Option<Spanned<String>>,
    /// With `instance_concurrency` > 1: target-tracking autoscaling (no `boot`: FaaS
    /// instances pay their cold start).
    pub autoscale: Option<Spanned<AutoscaleFile>>,
    /// vCPUs of one instance: instance-time billing, CPU sharing between its calls.
    pub vcpus: Option<Spanned<f64>>,
    /// Always-warm instances per pool: a count or a daily schedule.
    pub provisioned: Option<Spanned<ProvisionedFile>>,
    /// Most new instances per pool per period, e.g. `"1000/10s"`.
    pub scale_up_rate: Option<Spanned<String>>,
    /// The longest execution.
    pub timeout: Option<Spanned<String>>,
    /// A hard cap on invocations: `{ invocations = "100000/day" }` (a free plan's).
    pub quota: Option<Spanned<super::file::QuotaFile>>,
    /// UTC time of day at which a daily invocation quota resets (default `"00:00"`).
    pub quota_reset: Option<Spanned<String>>,
    pub billing: Option<Spanned<FaasBillingFile>>,
}

/// `model = "fleet"`: always-on instances with `workers` request slots each.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetFile {
    /// The preset that priced it, already merged in.
    pub pricing: Option<Spanned<String>>,
    /// The plan of that preset, already merged in.
    pub plan: Option<Spanned<String>>,
    /// A fixed count of instances (or `autoscale`).
    pub instances: Option<Spanned<i64>>,
    /// Target-tracking autoscaling, starting at `min` instances (or `instances`).
    pub autoscale: Option<Spanned<AutoscaleFile>>,
    pub workers: Option<Spanned<i64>>,
    /// vCPUs of one instance: requests in service share them; `billing.vcpu_hours` charges
    /// them.
    pub vcpus: Option<Spanned<f64>>,
    pub speed: Option<Spanned<f64>>,
    /// Which instance a request goes to (default `shared_queue`).
    pub balancer: Option<Spanned<String>>,
    /// Refused with a message naming `queue_timeout` and `request_timeout` (the old
    /// queue-only meaning is not silently kept).
    pub timeout: Option<Spanned<String>>,
    /// How long a request may wait in the queue before it fails (not started).
    pub queue_timeout: Option<Spanned<String>>,
    /// How long the load balancer waits for a response (queue + service); a request not
    /// finished by then fails for the client while its worker finishes the work.
    pub request_timeout: Option<Spanned<String>>,
    /// Memory of one instance, e.g. `"4GB"`: requests of functions with a `server_memory`
    /// then also need that much free on the instance.
    pub instance_memory: Option<Spanned<String>>,
    /// Most requests that may wait in the queue; one arriving at a full queue is rejected.
    pub queue_limit: Option<Spanned<i64>>,
    pub billing: Option<Spanned<FleetBillingFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeepAliveFile {
    pub policy: Spanned<String>,
    pub idle_timeout: Option<Spanned<String>>,
    /// Fixed: `"on_use"` (default) or `"never"`.
    pub reset: Option<Spanned<String>>,
    // hybrid
    pub range: Option<Spanned<String>>,
    pub prewarm_percentile: Option<Spanned<f64>>,
    pub keep_alive_percentile: Option<Spanned<f64>>,
    pub prewarm_margin: Option<Spanned<f64>>,
    pub keep_alive_margin: Option<Spanned<f64>>,
    pub min_samples: Option<Spanned<i64>>,
    pub cv_threshold: Option<Spanned<f64>>,
}

/// Provisioned concurrency: `{ instances = N }` or `{ schedule = [ { from, to, instances } ] }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionedFile {
    pub instances: Option<Spanned<i64>>,
    pub schedule: Option<Spanned<Vec<Spanned<ScheduleEntryFile>>>>,
    /// Only the pools of these functions keep the always-warm instances (default: every
    /// pool).
    pub functions: Option<Spanned<Vec<Spanned<String>>>>,
}

/// One entry of a daily schedule.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEntryFile {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub instances: Spanned<i64>,
}

/// `autoscale = { min, max, target, interval, window, boot, scale_in_cooldown, schedule }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoscaleFile {
    pub min: Option<Spanned<i64>>,
    pub max: Option<Spanned<i64>>,
    pub target: Option<Spanned<TargetFile>>,
    pub interval: Option<Spanned<String>>,
    pub window: Option<Spanned<String>>,
    pub boot: Option<Spanned<String>>,
    pub scale_in_cooldown: Option<Spanned<String>>,
    pub schedule: Option<Spanned<Vec<Spanned<MinimumWindowFile>>>>,
}

/// `target = { cpu = 0.6 }`, `{ concurrency = 0.7 }` or `{ requests_per_instance = "50/s" }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub cpu: Option<Spanned<f64>>,
    pub concurrency: Option<Spanned<f64>>,
    pub requests_per_instance: Option<Spanned<String>>,
}

/// A raised autoscaling minimum over part of each day: `{ from = "08:00", to = "20:00", min = 4 }`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MinimumWindowFile {
    pub from: Spanned<String>,
    pub to: Spanned<String>,
    pub min: Spanned<i64>,
}

/// Billing of a FaaS model.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaasBillingFile {
    pub requests: Option<Spanned<PriceFile>>,
    pub gb_seconds: Option<Spanned<PriceFile>>,
    pub memory_step: Option<Spanned<String>>,
    pub memory_min: Option<Spanned<String>>,
    pub memory_max: Option<Spanned<String>>,
    pub bill_init: Option<bool>,
    /// What compute is billed on: `"request"` (default), `"serving"` or `"instance"`.
    pub basis: Option<Spanned<String>>,
    /// Price per vCPU-second of instance time (`basis` serving or instance).
    pub vcpu_seconds: Option<Spanned<PriceFile>>,
    /// Price per GB-s of provisioned (always-warm) memory, used or not.
    pub provisioned_gb_seconds: Option<Spanned<PriceFile>>,
    /// Price per GB-s of execution on provisioned instances.
    pub provisioned_compute: Option<Spanned<PriceFile>>,
    /// Price per GHz-s of billed execution, at the CPU clock `cpu_tiers` gives each memory.
    pub ghz_seconds: Option<Spanned<PriceFile>>,
    /// Memory sizes and their CPU clocks: `[{ memory = "128MB", ghz = 0.2 }, ...]`.
    pub cpu_tiers: Option<Spanned<Vec<Spanned<CpuTierFile>>>>,
    /// Price per CPU-ms of each call's CPU time (not its wall time).
    pub cpu_ms: Option<Spanned<PriceFile>>,
    /// Flat monthly fee of the FaaS platform, whatever the traffic.
    pub usd_per_month: Option<Spanned<f64>>,
    pub granularity: Option<Spanned<String>>,
    pub minimum: Option<Spanned<String>>,
}

/// Billing of a fleet: one of `instance_hours`, `instance_months`, or `vcpu_hours` and/or
/// `gb_hours`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FleetBillingFile {
    /// Price per instance-hour (EC2).
    pub instance_hours: Option<Spanned<PriceFile>>,
    /// Price per instance-month, prorated over the billing month (Heroku, Render).
    pub instance_months: Option<Spanned<PriceFile>>,
    /// Price per vCPU-hour of the instance's `vcpus` (Fargate).
    pub vcpu_hours: Option<Spanned<PriceFile>>,
    /// Price per GB-hour of the instance's `instance_memory` (Fargate).
    pub gb_hours: Option<Spanned<PriceFile>>,
    pub discount: Option<Spanned<f64>>,
    pub granularity: Option<Spanned<String>>,
    pub minimum: Option<Spanned<String>>,
}

/// The model names, as `model = "..."` writes them.
pub const MODELS: [&str; 3] = ["faas", "fleet", "client"];

/// When serde refuses `key` in a table whose allowed keys are `allowed` (as its "unknown
/// field" error lists them), and `key` belongs to the same table of the other compute model:
/// the message saying so ("`workers` is a fleet key; this compute model is faas"). A client
/// compute table (at `path`, `deployments[i].compute.<key>`) allows no key at all: a key of
/// FaaS or of a fleet there is named as such, with what a client deployment lacks.
pub fn other_model_key(key: &str, allowed: &[&str], path: &str) -> Option<String> {
    if allowed.is_empty() && path.ends_with(&format!(".compute.{key}")) {
        let owners: Vec<&str> = [
            ("faas", fields::<FaasFile>()),
            ("fleet", fields::<FleetFile>()),
        ]
        .into_iter()
        .filter(|(_, keys)| keys.contains(&key))
        .map(|(model, _)| model)
        .collect();
        let lacks = "the apps call the backend directly, with no instances and no compute \
                     bill, so it takes no other key";
        return Some(if owners.is_empty() {
            format!(
                "unknown key '{key}': this compute model is client (model = \"client\"): {lacks}"
            )
        } else {
            format!(
                "`{key}` is a {} key; this compute model is client (model = \"client\"): {lacks}",
                owners.join(" and ")
            )
        });
    }
    let tables = [
        ("", fields::<FaasFile>(), fields::<FleetFile>()),
        (
            " billing",
            fields::<FaasBillingFile>(),
            fields::<FleetBillingFile>(),
        ),
    ];
    for (what, faas, fleet) in tables {
        for (mine, theirs, this, other) in [
            (faas, fleet, "faas", "fleet"),
            (fleet, faas, "fleet", "faas"),
        ] {
            if same_keys(allowed, mine) && theirs.contains(&key) {
                return Some(format!(
                    "`{key}` is a {other}{what} key; this compute model is {this} (model = \"{this}\")"
                ));
            }
        }
    }
    None
}

fn same_keys(a: &[&str], b: &[&str]) -> bool {
    a.len() == b.len() && a.iter().all(|k| b.contains(k))
}

/// The field names serde's derive gives struct `T` (what its "unknown field" error lists).
pub fn fields<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    struct Fields(Option<&'static [&'static str]>);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> serde::Deserializer<'de> for &mut Fields {
        type Error = Stop;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = Some(fields);
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut probe = Fields(None);
    let _ = T::deserialize(&mut probe);
    probe.0.unwrap_or(&[])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_of_the_other_model_is_named_as_such() {
        let faas = fields::<FaasFile>();
        let fleet = fields::<FleetFile>();
        assert!(faas.contains(&"keep_alive") && !faas.contains(&"workers"));
        assert!(fleet.contains(&"workers") && !fleet.contains(&"keep_alive"));
        assert_eq!(
            other_model_key("workers", faas, "deployments[0].compute.workers").as_deref(),
            Some("`workers` is a fleet key; this compute model is faas (model = \"faas\")")
        );
        assert_eq!(
            other_model_key(
                "instance_hours",
                fields::<FaasBillingFile>(),
                "deployments[0].compute.billing.instance_hours"
            )
            .as_deref(),
            Some(
                "`instance_hours` is a fleet billing key; this compute model is faas (model = \"faas\")"
            )
        );
        assert_eq!(
            other_model_key("keep_alive", fleet, "deployments[0].compute.keep_alive").as_deref(),
            Some("`keep_alive` is a faas key; this compute model is fleet (model = \"fleet\")")
        );
        // Neither model's key, or another table's: serde's own message stands.
        assert_eq!(other_model_key("wokers", faas, "x.compute.wokers"), None);
        assert_eq!(
            other_model_key("workers", fields::<KeepAliveFile>(), "x.keep_alive.workers"),
            None
        );
    }

    #[test]
    fn a_client_compute_table_names_the_model_a_key_belongs_to() {
        let client = fields::<ClientFile>();
        assert!(client.is_empty());
        let path = |k: &str| format!("deployments[2].compute.{k}");
        assert_eq!(
            other_model_key("keep_alive", client, &path("keep_alive")).as_deref(),
            Some(
                "`keep_alive` is a faas key; this compute model is client (model = \"client\"): \
                 the apps call the backend directly, with no instances and no compute bill, so \
                 it takes no other key"
            )
        );
        let workers = other_model_key("workers", client, &path("workers")).unwrap();
        assert!(
            workers.starts_with("`workers` is a fleet key;"),
            "{workers}"
        );
        // Both models have a billing table and a preset.
        let billing = other_model_key("billing", client, &path("billing")).unwrap();
        assert!(
            billing.starts_with("`billing` is a faas and fleet key;"),
            "{billing}"
        );
        // Neither model's key: still said to be refused by the client model; an empty table
        // elsewhere is not taken for a client's.
        assert_eq!(
            other_model_key("memory", client, &path("memory")).as_deref(),
            Some(
                "unknown key 'memory': this compute model is client (model = \"client\"): the \
                 apps call the backend directly, with no instances and no compute bill, so it \
                 takes no other key"
            )
        );
        assert_eq!(
            other_model_key("workers", client, "deployments[0].services[0].workers"),
            None
        );
    }
}
