//! Sharded trace replays: `run --shard K/N` replays the requests of the apps that hash to
//! shard K ([`shard_of_app`]; a function always lands with its app), and `merge` puts the
//! parts back together into exactly the run one machine would have made.
//!
//! **Why the merge is exact.** Every random draw a function's requests see comes from
//! streams keyed by that function ([`crate::workload::FunctionSpec::stream_id`]) or by its
//! requests' keys, so a shard replays its functions' requests bit for bit as the whole run
//! does, and (with nothing coupling apps: [`couplings`]) each function's simulation is the
//! same too. A shard's recorder is then the run's for its own functions plus what every
//! deployment books whoever calls it (plan fees, provisioned instances of the other shards'
//! functions): the recorder of the deployment replaying no request at all, its *baseline*.
//! So the run's recorder is the sum of the parts' less N - 1 baselines, and every quantity
//! summed is an integer or an exact sum ([`crate::metrics::ExactSum`]), so that sum is the
//! run's to the bit. What is not a sum is rebuilt from what the parts keep: the busy peak
//! from the busy level's changes ([`merged_peak`]), each bucket's p50 and p99 from its
//! histogram. The merged meters are priced once, so free allowances, daily allowances and
//! volume tiers apply to the account's totals.
//!
//! **Couplings.** An account concurrency limit shares one budget among all functions; a
//! fleet shares its instances and queue; quotas, rate limits and connection caps of a
//! gateway, a service or the platform are shared; stored data, egress and users of a service
//! are levels of the whole account; an autoscaler tracks the whole deployment. `--shard`
//! refuses those, naming the key. With `--shard-approximate`, an account concurrency limit
//! is given in full to every shard (each shard's functions may use all of it, so the merged
//! run throttles less than one run would) and the merged report says so; the other
//! couplings are refused all the same. A scale-up rate is per pool (per function, or per
//! app with `pools = "app"`), which a shard holds whole: it does not couple apps.

use std::path::Path;
use std::sync::Arc;

use super::ShardSpec;
use super::replay_part::{DeploymentPart, RunIdentity, RunPart};
use crate::engine::Progress;
use crate::engine::time::Micros;
use crate::error::SimError;
use crate::metrics::{BucketLatency, Level};
use crate::platform::{self, ComputeSpec, DeploymentResult};
use crate::rng::Streams;
use crate::run::{Member, RunResult, together};
use crate::scenario::Scenario;
use crate::workload::RequestStream;

/// Something in a scenario that couples apps, so that shards cannot be replayed apart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coupling {
    /// The scenario key, as in error messages (`deployments[0].compute.account_concurrency`).
    pub key: String,
    /// What it shares between apps.
    pub what: &'static str,
    /// Whether `--shard-approximate` approximates it (else it is refused all the same).
    pub approximable: bool,
}

/// Everything in `scenario` that couples apps, in scenario order.
pub fn couplings(scenario: &Scenario) -> Vec<Coupling> {
    let mut found = Vec::new();
    let mut add = |key: String, what: &'static str, approximable: bool| {
        found.push(Coupling {
            key,
            what,
            approximable,
        });
    };
    for (i, d) in scenario.deployments.iter().enumerate() {
        let at = format!("deployments[{i}]");
        match &d.compute {
            ComputeSpec::Fleet(_) => add(
                format!("{at}.compute"),
                "a fleet: every request shares its instances and queue",
                false,
            ),
            ComputeSpec::Faas(f) => {
                if f.account_concurrency.is_some() {
                    add(
                        format!("{at}.compute.account_concurrency"),
                        "an account concurrency limit: every function's calls count against it",
                        true,
                    );
                }
                if !f.quotas.limits.is_empty() {
                    add(
                        format!("{at}.compute.quota"),
                        "an invocation quota: every function's calls use it up",
                        false,
                    );
                }
                if f.autoscale.is_some() {
                    add(
                        format!("{at}.compute.autoscale"),
                        "an autoscaler: it tracks the whole deployment",
                        false,
                    );
                }
            }
            ComputeSpec::Client(_) => {}
        }
        if let Some(g) = &d.gateway {
            if g.rate_limit.is_some() {
                add(
                    format!("{at}.gateway.rate_limit"),
                    "a gateway rate limit: every request counts against it",
                    false,
                );
            }
            if !g.quotas.limits.is_empty() {
                add(
                    format!("{at}.gateway.quota"),
                    "a gateway quota: every request uses it up",
                    false,
                );
            }
        }
        for (j, s) in d.services.iter().enumerate() {
            let at = format!("{at}.services[{j}]");
            if !s.quotas.limits.is_empty() {
                add(
                    format!("{at}.quota"),
                    "a service quota: every function's operations use it up",
                    false,
                );
            }
            if s.connections.is_some() {
                add(
                    format!("{at}.connections"),
                    "a connection cap: every function's calls hold its connections",
                    false,
                );
            }
            for (key, present) in [
                ("storage", s.growth.storage.is_some()),
                ("egress", s.growth.egress.is_some()),
                ("users", s.growth.users.is_some()),
            ] {
                if present {
                    add(
                        format!("{at}.{key}"),
                        "a level of the whole account (stored data, egress, users)",
                        false,
                    );
                }
            }
        }
    }
    found
}

/// Refuses to shard `scenario` (read from `path`) when something couples its apps, unless
/// `approximate` and every coupling can be approximated.
///
/// # Errors
/// The first coupling refused, naming the file and key.
pub fn check_shardable(path: &Path, scenario: &Scenario, approximate: bool) -> Result<(), String> {
    for c in couplings(scenario) {
        if !c.approximable {
            return Err(format!(
                "{}: {}: {}, so the apps cannot be replayed in separate shards (not even with \
                 --shard-approximate); run it unsharded",
                path.display(),
                c.key,
                c.what
            ));
        }
        if !approximate {
            return Err(format!(
                "{}: {}: {}, so the apps cannot be replayed in separate shards exactly; give \
                 --shard-approximate to give every shard the full limit (the merged report then \
                 says it is approximate), or run it unsharded",
                path.display(),
                c.key,
                c.what
            ));
        }
    }
    Ok(())
}

/// The warning of a merged run whose couplings were approximated.
pub fn approximation_warning(scenario: &Scenario) -> Option<String> {
    let keys: Vec<String> = couplings(scenario).into_iter().map(|c| c.key).collect();
    (!keys.is_empty()).then(|| {
        format!(
            "approximate: this run was replayed in shards with --shard-approximate, each shard \
             given the full limit of {} (couplings between apps in different shards are not \
             simulated), so it may throttle less than one run would",
            keys.join(", ")
        )
    })
}

/// The shard (of `count`) of the app named `app`: FNV-1a 64 of its name, modulo `count`.
pub fn shard_of_app(app: &str, count: usize) -> usize {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for b in app.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
    }
    (h % count as u64) as usize
}

/// Per function of `scenario`'s workload: whether shard `shard` replays it.
pub fn kept_functions(scenario: &Scenario, shard: ShardSpec) -> Vec<bool> {
    scenario
        .workload
        .functions
        .iter()
        .map(|f| shard_of_app(&f.app, shard.count) == shard.index)
        .collect()
}

/// Replays shard `shard` of `scenario` (read from `path`, whose text is `text`), returning
/// its part and the run's own warnings (the scenario's, then those the part raised).
///
/// # Errors
/// A deployment error, as [`crate::run::run`].
pub fn run_shard(
    path: &Path,
    text: &str,
    scenario: &Scenario,
    shard: ShardSpec,
    approximate: bool,
    progress: &Progress,
) -> Result<RunPart, SimError> {
    let keep: Arc<[bool]> = kept_functions(scenario, shard).into();
    let filter = together::ShardFilter { keep };
    let members: Vec<Member> = Member::all_of(scenario).collect();
    let results = together::simulate_shard_together(
        &scenario.workload,
        Streams::new(scenario.seed, 0),
        scenario.window,
        &members,
        progress,
        Some(&filter),
    );
    let mut deployments = Vec::with_capacity(results.len());
    for result in results {
        let mut d = result?;
        let buckets = d.recorder.bucket_latency.kept().unwrap_or_default();
        d.recorder.bucket_latency = BucketLatency::new(0);
        deployments.push(DeploymentPart {
            name: d.name,
            recorder: d.recorder,
            buckets,
        });
    }
    Ok(RunPart {
        header: super::PartHeader::new("run", shard),
        run: identity(path, text, scenario, approximate),
        deployments,
    })
}

/// The identity of the run of `scenario` from `path` (text `text`).
pub fn identity(path: &Path, text: &str, scenario: &Scenario, approximate: bool) -> RunIdentity {
    RunIdentity {
        scenario: path.display().to_string(),
        scenario_digest: super::replay_part::digest(text),
        name: scenario.name.clone(),
        seed: scenario.seed,
        approximate,
        deployments: scenario
            .deployments
            .iter()
            .map(|d| d.name.clone())
            .collect(),
    }
}

/// The run whose parts are `parts` (complete, in shard order: [`super::replay_part::read_set`])
/// of `scenario` (read again from the file they name, at their seed): each deployment's
/// recorder is the sum of the parts' less N - 1 baselines, priced once.
///
/// # Errors
/// A part that does not fit the scenario (another shape of recorder), a deployment error of
/// a baseline.
pub fn merge(scenario: &Scenario, parts: &[RunPart]) -> Result<RunResult, SimError> {
    let n = parts.len() as i64;
    let mut deployments = Vec::with_capacity(scenario.deployments.len());
    for (i, spec) in scenario.deployments.iter().enumerate() {
        let baseline = baseline(scenario, spec)?;
        let base = &baseline.recorder;
        if base.totals.requests != 0 || base.levels[Level::Busy as usize].peak() != 0 {
            return Err(SimError::Invalid(format!(
                "deployment '{}' is busy without requests: its parts cannot be merged exactly",
                spec.name
            )));
        }
        let mut recorder = base.clone();
        recorder.add_times(base, -n);
        for part in parts {
            let p = &part.deployments[i];
            if p.name != spec.name || !p.recorder.same_shape(base) {
                return Err(SimError::Invalid(format!(
                    "the part of shard {} does not fit deployment '{}' of the scenario",
                    part.header.shard, spec.name
                )));
            }
            recorder.add_times(&p.recorder, 1);
        }
        let kept: Vec<_> = parts
            .iter()
            .map(|p| p.deployments[i].buckets.clone())
            .collect();
        recorder.bucket_latency = BucketLatency::merged(&kept);
        let logs: Vec<&[(Micros, i64)]> = parts
            .iter()
            .map(|p| {
                p.deployments[i]
                    .recorder
                    .levels
                    .busy_changes()
                    .unwrap_or_default()
            })
            .collect();
        let peak = merged_peak(&logs, scenario.window.warmup);
        recorder.levels.set_peak(Level::Busy as usize, peak);
        let window = scenario.window;
        let bill = crate::pricing::bill(
            &baseline.meters,
            &recorder.usage,
            window.measured(),
            window.bucket,
            window.month,
        );
        deployments.push(DeploymentResult {
            recorder,
            bill,
            ..baseline
        });
    }
    let mut result = crate::run::finish(scenario, deployments);
    if parts.first().is_some_and(|p| p.run.approximate)
        && let Some(w) = approximation_warning(scenario)
    {
        result.warnings.push(w);
    }
    Ok(result)
}

/// What deployment `spec` of `scenario` records replaying no request at all.
fn baseline(
    scenario: &Scenario,
    spec: &platform::DeploymentSpec,
) -> Result<DeploymentResult, SimError> {
    let nothing = || {
        Ok(RequestStream::Filtered(
            Box::new(scenario.workload.open(Streams::new(scenario.seed, 0), 0)?),
            Arc::from(vec![false; scenario.workload.functions.len()]),
        ))
    };
    platform::simulate_on(
        spec,
        &scenario.workload,
        nothing,
        scenario.window,
        &Progress::new(),
    )
}

/// The peak of the sum of levels whose net changes per instant are `logs` (each in time
/// order): the highest sum held over an interval from `warmup` on, the sum at `warmup`
/// included (as [`crate::metrics::LevelSet`] keeps a peak).
pub fn merged_peak(logs: &[&[(Micros, i64)]], warmup: Micros) -> i64 {
    let mut all: Vec<(Micros, i64)> = logs.iter().flat_map(|l| l.iter().copied()).collect();
    all.sort_by_key(|&(t, _)| t);
    let mut level = 0i64;
    let mut peak = 0i64;
    let mut measuring = false;
    let mut k = 0;
    while k < all.len() {
        let t = all[k].0;
        if !measuring && t >= warmup {
            measuring = true;
            peak = level;
        }
        while k < all.len() && all[k].0 == t {
            level += all[k].1;
            k += 1;
        }
        peak = peak.max(level);
    }
    if !measuring {
        peak = level;
    }
    peak
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peak_of_a_sum_counts_each_instant_after_all_its_changes() {
        // Shard a: 1 busy over [10, 20); shard b: 1 busy over [20, 30). At 20 one ends as the
        // other starts: the sum is 1 throughout, never 2.
        let a = [(10, 1), (20, -1)];
        let b = [(20, 1), (30, -1)];
        assert_eq!(merged_peak(&[&a, &b], 0), 1);
        // Overlapping by one microsecond: 2.
        let c = [(19, 1), (30, -1)];
        assert_eq!(merged_peak(&[&a, &c], 0), 2);
        // A warm-up to 25 leaves out the overlap at 19..20; what holds at 25 counts.
        assert_eq!(merged_peak(&[&a, &c], 25), 1);
        assert_eq!(merged_peak(&[&a, &c], 40), 0);
    }

    #[test]
    fn apps_land_in_one_shard_whatever_the_function() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector).
        assert_eq!(shard_of_app("a", 1 << 20), 0xaf63dc4c8601ec8c % (1 << 20));
        assert_eq!(shard_of_app("anything", 1), 0);
    }
}
