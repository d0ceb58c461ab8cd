//! Runs a scenario: every deployment on the same request stream, in parallel
//! ([`together`]), results in scenario order, and the run's warnings.

pub mod together;

use crate::engine::Progress;
use crate::error::SimError;
use crate::platform::{DeploymentResult, Window};
use crate::rng::Streams;
use crate::scenario::Scenario;
pub use together::Member;

/// The outcome of one scenario run.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub scenario: String,
    pub seed: u64,
    pub window: Window,
    pub deployments: Vec<DeploymentResult>,
    /// The scenario's latency objective, which the verdict judges deployments by.
    pub slo: crate::report::slo::Slo,
    /// The scenario's warnings, then any found while running; every report states them.
    pub warnings: Vec<String>,
}

/// Simulates every deployment of `scenario`.
///
/// # Errors
/// The first deployment error in scenario order (e.g. a trace that is malformed part-way).
pub fn run(scenario: &Scenario) -> Result<RunResult, SimError> {
    run_with_progress(scenario, &Progress::new())
}

/// [`run`], adding the requests each deployment simulates to `progress` as it goes (for a
/// progress display; the results do not depend on it).
///
/// # Errors
/// As [`run`].
pub fn run_with_progress(scenario: &Scenario, progress: &Progress) -> Result<RunResult, SimError> {
    let members: Vec<Member> = Member::all_of(scenario).collect();
    let streams = Streams::new(scenario.seed, 0);
    let deployments = together::simulate_together(
        &scenario.workload,
        streams,
        scenario.window,
        &members,
        progress,
    )
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?;
    Ok(finish(scenario, deployments))
}

/// The run of `scenario` whose deployments gave `deployments` (in scenario order): the
/// scenario's warnings, then those the results raise.
pub fn finish(scenario: &Scenario, deployments: Vec<DeploymentResult>) -> RunResult {
    let mut warnings = scenario.warnings.clone();
    warnings.extend(deployments.iter().filter_map(beyond_clock_warning));
    warnings.extend(
        deployments
            .iter()
            .filter_map(|d| overload_warning(d, scenario.load)),
    );
    RunResult {
        scenario: scenario.name.clone(),
        seed: scenario.seed,
        window: scenario.window,
        deployments,
        slo: scenario.slo.clone(),
        warnings,
    }
}

/// A warning for a deployment some of whose requests ran past the clock's range.
fn beyond_clock_warning(d: &DeploymentResult) -> Option<String> {
    let n = d.recorder.totals.beyond_clock;
    (n > 0).then(|| {
        format!(
            "deployment '{}': {n} request{} would end more than 584,942 years after the window \
             starts (the clock's range, 2^64 µs); their latency and billed time are capped \
             there, so its latency and cost are lower bounds: look at the heavy-tailed \
             distributions (a lognormal with p99 far above its median) or the speed factor",
            d.name,
            if n == 1 { "" } else { "s" }
        )
    })
}

/// A warning for a fleet that is overloaded ([`crate::report::verdict`]): offered as much work
/// as its workers can do in the window or more, or left more than 1% of its requests queued at
/// the window's end. Offered `u` times its capacity at the scenario's `load`, it saturates at
/// about `load / u` (every arrival rate scales with `load`), which the warning says.
fn overload_warning(d: &DeploymentResult, load: f64) -> Option<String> {
    use crate::report::verdict::{MAX_BACKLOG_SHARE, MAX_UTILISATION};
    let t = &d.recorder.totals;
    let utilisation = d.recorder.utilisation?;
    let share = |n: u64| 100.0 * n as f64 / t.requests.max(1) as f64;
    let backlog = share(t.queued_at_end) > 100.0 * MAX_BACKLOG_SHARE;
    let cause = if utilisation >= MAX_UTILISATION {
        format!(
            "fleet '{}' was offered {utilisation:.2}x its capacity (utilisation {:.0}%): it \
             takes in work faster than its workers can do it, and saturates at about load \
             {} (this run's load is {load})",
            d.name,
            utilisation * 100.0,
            crate::units::significant(load / utilisation)
        )
    } else if backlog {
        format!(
            "fleet '{}' (utilisation {:.0}% over the window) fell behind before the window \
             ended",
            d.name,
            utilisation * 100.0
        )
    } else {
        return None;
    };
    Some(format!(
        "{cause}; {} of its {} requests ({:.2}%) were still unfinished when the window ended \
         ({} of them queued), and were run to their end after it, so its latency includes \
         their wait; it does not serve the workload: add instances or workers",
        t.unfinished,
        t.requests,
        share(t.unfinished),
        t.queued_at_end,
    ))
}
