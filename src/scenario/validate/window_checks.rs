//! Warnings about windows too short to project: every cost is scaled from the simulated
//! window to a month on the assumption that *the window repeats all month*. That holds only
//! when the window covers whole periods of the workload and the platform has reached its
//! steady state; these checks say when it does not, what the window covers, and what the
//! projection assumed. They never stop a run.
//!
//! The checks and their thresholds:
//! - `fixed_interval` timers: the window holds n firings; warned when it is shorter than the
//!   period, or when n projected to a month is more than [`TOLERANCE`] (10%) off the
//!   timer's real monthly count (a window that is not a whole number of periods).
//! - `daily` profiles (not constant): warned when the window is shorter than a day, or when
//!   the mean multiplier over the window is more than [`TOLERANCE`] off the day's.
//! - `on_off` processes: warned when the mean cycle (`mean_on + mean_off`) is longer than
//!   the window, which may then see only a burst or only a gap.
//! - FaaS `provisioned` daily schedules (not constant): as daily profiles, warned when the
//!   window is shorter than a day, or when the mean provisioned level over the window is more
//!   than [`TOLERANCE`] off the day's: provisioned capacity (billed whether used or not) and
//!   the calls it serves would be projected from the hours the window holds (2 night hours of
//!   a daytime schedule bill no provisioned capacity at all).
//! - FaaS keep-alive: warned when a `fixed` `idle_timeout` is more than [`TRANSIENT_SHARE`]
//!   (25%) of the window and the scenario's `warmup` is shorter than it. The platform starts
//!   with no instance, so every window begins with cold starts; an instance is not reclaimed
//!   until it has been idle that long, so the reclaim-and-restart steady state takes a large
//!   part of the window to appear, and the start-up transient is projected as if it recurred
//!   all month. The advice is a warm-up of the idle_timeout where that leaves at least as
//!   long measured, else a longer window with it. (`forever` and `none` have no such timer
//!   and are not judged.)
//!
//! The arrival checks judge the measured part `[warmup, duration)`, which is what is
//! projected.
//! - Fleet `queue_timeout`, `request_timeout`: each warned when more than
//!   [`TRANSIENT_SHARE`] of the window: queues fill and drain on that time scale, so
//!   queueing transients dominate.
//! - Traces: warned when the trace holds at least a day but the replayed window covers less
//!   of it than a day (the daily cycle is left out; the advice is a day's selection, or,
//!   where the selection has one and the duration cuts it, a longer duration), and when the
//!   scenario's duration runs past the end of the selected trace (the rest of the window
//!   replays nothing, yet is projected too); and when the whole trace holds less than a day
//!   (an excerpt of some hours: busy hours projected to a month overstate the bill, quiet
//!   ones understate it; the advice is a whole day of trace).
//!
//! Advice is always one the scenario can follow and does not already: a longer window is
//! never suggested past [`MAX_DURATION`] (the longest a scenario may simulate; where the
//! window already is that long, the warning says no window is long enough), a transient
//! share of exactly 25% (the suggested 4 x is the window itself) is not warned, and a
//! `fixed_interval` whose `offset` passes its period is told to shorten the offset, since no
//! duration would help.

use crate::engine::time::{DAY, MAX_DURATION, Micros, SECOND};
use crate::platform::faas::Provisioned;
use crate::platform::schedule::DailySchedule;
use crate::platform::{ComputeSpec, DeploymentSpec, KeepAlive, Window};
use crate::units::format_duration;
use crate::workload::trace::inspect::group;
use crate::workload::{ArrivalProcess, Source, Workload};

/// Relative error of a month projection above which a window is reported (10%).
pub const TOLERANCE: f64 = 0.10;

/// Share of the window a platform time constant may take before start-up transients are
/// said to dominate (25%).
pub const TRANSIENT_SHARE: f64 = 0.25;

/// What the month projection assumes, quoted in every warning.
const ASSUMED: &str = "the month projection assumes the window repeats all month";

/// Every warning about the window `simulated` of this workload and these deployments, in
/// scenario order (functions, then deployments). Monthly counts quoted are per month of
/// `simulated.month`.
pub fn window_warnings(
    simulated: Window,
    workload: &Workload,
    deployments: &[DeploymentSpec],
) -> Vec<String> {
    let window = simulated.length;
    let mut out = Vec::new();
    let w = format_duration(window);
    match &workload.source {
        Source::Synthetic(processes) => {
            for (i, (p, f)) in processes.iter().zip(&workload.functions).enumerate() {
                let who = format!("workload.functions[{i}] '{}'", f.name);
                let measured = (simulated.warmup, window);
                if let Some(msg) = arrival_warning(measured, simulated.month, p) {
                    out.push(format!("{who}: {msg}"));
                }
            }
        }
        Source::Trace(t) => {
            let i = &t.info;
            let scale = i.shaping.time_scale;
            let replayed = window.min(i.span);
            let traced = (replayed as f64 * scale).round() as Micros;
            if i.covered >= DAY && traced < DAY {
                // A selection of a day or more cut by the duration: the duration is the fix.
                let selected = (i.span as f64 * scale).round() as Micros;
                let advice = if selected >= DAY {
                    format!(
                        "set duration to at least {} (a day of trace at time_scale {scale})",
                        format_duration((DAY as f64 / scale).ceil() as Micros)
                    )
                } else {
                    "select a whole day (e.g. window = \"1d\")".to_string()
                };
                out.push(format!(
                    "workload.trace: the trace holds {} but the {w} window replays only {} of \
                     it, less than the day its traffic cycles over; {ASSUMED}, so the hours \
                     left out are assumed to look like these: {advice} to include the daily \
                     cycle",
                    format_duration(i.covered),
                    format_duration(traced),
                ));
            }
            if i.covered < DAY && traced < DAY {
                // The whole trace is an excerpt of part of a day: no selection can fix it.
                out.push(format!(
                    "workload.trace: the trace holds only {} of traffic, less than the day it \
                     cycles over, and {ASSUMED}: every hour of the month is taken to look like \
                     these {}. An excerpt of busy (daytime) hours overstates the monthly bill, \
                     one of quiet hours understates it: replay a whole day of trace to include \
                     the daily cycle",
                    format_duration(i.covered),
                    format_duration(traced),
                ));
            }
            if window > i.span {
                out.push(format!(
                    "duration: the {w} window is longer than the selected trace, which \
                     replays in {}: the last {} replays nothing, yet {ASSUMED} (idle part \
                     included)",
                    format_duration(i.span),
                    format_duration(window - i.span),
                ));
            }
        }
    }
    for (i, d) in deployments.iter().enumerate() {
        let who = format!("deployments[{i}] '{}'", d.name);
        let share = |t: Micros| t as f64 / window as f64;
        match &d.compute {
            ComputeSpec::Faas(f) => {
                if let Some(Provisioned::Daily(schedule)) = &f.provisioned
                    && let Some(msg) = provisioned_warning(window, schedule)
                {
                    out.push(format!("{who}: {msg}"));
                }
                if let KeepAlive::Fixed(fixed) = &f.keep_alive {
                    let idle = fixed.idle_timeout;
                    // A warm-up at least that long leaves the start-up out of every figure.
                    if share(idle) > TRANSIENT_SHARE && simulated.warmup < idle {
                        out.push(format!(
                            "{who}: keep_alive idle_timeout ({}) {}: \
                             the platform starts with no warm instance and reclaims none \
                             until it has been idle that long, so start-up cold starts weigh \
                             far more here than in steady state, and {ASSUMED} (cold start of \
                             a fresh platform included): {}",
                            format_duration(idle),
                            share_of(idle, window),
                            keep_alive_advice(idle, window),
                        ));
                    }
                }
            }
            ComputeSpec::Fleet(f) => {
                let timeouts = [
                    ("queue_timeout", f.queue_timeout),
                    ("request_timeout", f.request_timeout),
                ];
                for (key, timeout) in timeouts {
                    let Some(timeout) = timeout.filter(|t| share(*t) > TRANSIENT_SHARE) else {
                        continue;
                    };
                    out.push(format!(
                        "{who}: {key} ({}) {}: queues fill and \
                         drain on that time scale, so queueing transients (a queue still \
                         building, requests still waiting at the end) dominate, and \
                         {ASSUMED}: {}",
                        format_duration(timeout),
                        share_of(timeout, window),
                        simulate_at_least(
                            timeout.saturating_mul(4),
                            window,
                            &format!("4 x the {key}")
                        ),
                    ));
                }
            }
            // No instances, no timers: nothing whose start-up a short window overweights.
            ComputeSpec::Client(_) => {}
        }
    }
    out
}

/// What to do about a fixed keep-alive of `idle` that is a large share of `window`: a
/// warm-up of `idle` where it leaves at least as long measured, else a longer window.
fn keep_alive_advice(idle: Micros, window: Micros) -> String {
    let idle_text = format_duration(idle);
    let without = simulate_at_least(idle.saturating_mul(4), window, "4 x the idle_timeout");
    if idle.saturating_mul(2) <= window {
        format!(
            "set warmup = \"{idle_text}\" (the platform then reaches its reclaim-and-restart \
             steady state before measurement starts), or {without}"
        )
    } else if idle.saturating_mul(4) <= MAX_DURATION {
        format!(
            "simulate at least {} with warmup = \"{idle_text}\" (the platform then reaches \
             its reclaim-and-restart steady state before measurement starts), or at least {} \
             (4 x the idle_timeout) without",
            format_duration(idle.saturating_mul(2)),
            format_duration(idle.saturating_mul(4)),
        )
    } else if idle.saturating_mul(2) <= MAX_DURATION {
        format!(
            "simulate at least {} with warmup = \"{idle_text}\" (the platform then reaches \
             its reclaim-and-restart steady state before measurement starts); without a \
             warm-up, {without}",
            format_duration(idle.saturating_mul(2)),
        )
    } else {
        without
    }
}

/// The warning about arrival process `p` measured over `[from, to)` (after a warm-up of
/// `from`), if any (monthly counts per month of `month`).
fn arrival_warning(
    (from, to): (Micros, Micros),
    month: Micros,
    p: &ArrivalProcess,
) -> Option<String> {
    let window = to - from;
    let w = if from == 0 {
        format!("{} window", format_duration(window))
    } else {
        format!("{} measured window", format_duration(window))
    };
    match p {
        ArrivalProcess::Poisson { .. } => None,
        ArrivalProcess::FixedInterval { every_s, offset_s } => {
            let every = ((every_s * SECOND as f64).round() as Micros).max(1);
            let offset = (offset_s * SECOND as f64).round() as Micros;
            // Firings before `t`.
            let before = |t: Micros| {
                if t > offset {
                    (t - offset - 1) / every + 1
                } else {
                    0
                }
            };
            let fired = before(to) - before(from);
            let projected = fired as f64 * month as f64 / window as f64;
            let real = month as f64 / every as f64;
            if window >= every && (projected / real - 1.0).abs() <= TOLERANCE {
                return None;
            }
            let shorter = if window < every {
                format!(
                    "is shorter than its fixed_interval period ({})",
                    format_duration(every)
                )
            } else if window % every != 0 {
                format!(
                    "is not a whole number of its fixed_interval periods ({})",
                    format_duration(every)
                )
            } else {
                format!(
                    "holds whole fixed_interval periods ({}), but the offset ({}) passes the \
                     first",
                    format_duration(every),
                    format_duration(offset)
                )
            };
            // An offset past the period leaves the first periods empty whatever the
            // duration: shorten the offset instead.
            let advice = if offset >= every {
                format!(
                    "give an offset shorter than the period (e.g. offset = \"{}\"), since the \
                     first firing at {} leaves the periods before it empty",
                    format_duration(offset % every),
                    format_duration(offset)
                )
            } else {
                format!(
                    "simulate a whole number of periods (e.g. duration = \"{}\")",
                    format_duration(from + every * (window / every).max(1))
                )
            };
            Some(format!(
                "the {w} {shorter}: {fired} firing{} in the window {} projected to {} a \
                 month, but the timer fires {} times a month; {ASSUMED}: {advice}",
                if fired == 1 { "" } else { "s" },
                if fired == 1 { "is" } else { "are" },
                month_count(projected),
                month_count(real),
            ))
        }
        ArrivalProcess::Daily { profile, .. } => {
            let day_mean = profile.iter().sum::<f64>() / profile.len() as f64;
            if profile.iter().all(|x| *x == profile[0]) || day_mean <= 0.0 {
                return None;
            }
            let window_mean = (multiplier_integral(profile, to)
                - multiplier_integral(profile, from))
                / window as f64;
            let off = (window_mean / day_mean - 1.0).abs();
            if window >= DAY && off <= TOLERANCE {
                return None;
            }
            let what = if window < DAY {
                "is shorter than its daily profile's period (1d)".to_string()
            } else {
                "is not a whole number of days of its daily profile".to_string()
            };
            Some(format!(
                "the {w} {what}: its mean rate over the window is {:.3} times its \
                 daily mean (the rate written), {:+.0}% off; {ASSUMED}: simulate whole days \
                 (e.g. duration = \"{}\")",
                window_mean / day_mean,
                100.0 * (window_mean / day_mean - 1.0),
                format_duration(from + DAY * (window / DAY).max(1)),
            ))
        }
        ArrivalProcess::OnOff {
            mean_on_s,
            mean_off_s,
            ..
        } => {
            let cycle = ((mean_on_s + mean_off_s) * SECOND as f64).round() as Micros;
            if cycle <= window {
                return None;
            }
            Some(format!(
                "the {w} is shorter than the on_off process's mean cycle ({}: mean_on \
                 {} + mean_off {}): the window may see only a burst or only a gap, so its \
                 traffic can be far from the long-run mean of {:.4}/s; {ASSUMED}: {}",
                format_duration(cycle),
                format_duration((mean_on_s * SECOND as f64).round() as Micros),
                format_duration((mean_off_s * SECOND as f64).round() as Micros),
                p.mean_rate(),
                if cycle.saturating_mul(10) <= MAX_DURATION {
                    format!(
                        "simulate many cycles (e.g. duration = \"{}\", 10 cycles)",
                        format_duration(cycle * 10)
                    )
                } else {
                    simulate_at_least(cycle.saturating_mul(10), window, "10 cycles")
                },
            ))
        }
    }
}

/// The warning about a daily `provisioned` schedule in a window of length `window`, if any
/// (see the module docs).
fn provisioned_warning(window: Micros, schedule: &DailySchedule) -> Option<String> {
    let day_mean = schedule.instance_time(DAY) as f64 / DAY as f64;
    if schedule.changes().next().is_none() || day_mean <= 0.0 {
        return None;
    }
    let window_mean = schedule.instance_time(window) as f64 / window as f64;
    let ratio = window_mean / day_mean;
    if window >= DAY && (ratio - 1.0).abs() <= TOLERANCE {
        return None;
    }
    let what = if window < DAY {
        "is shorter than its provisioned schedule's period (1d)"
    } else {
        "is not a whole number of days of its provisioned schedule"
    };
    Some(format!(
        "the {} window {what}: it keeps {window_mean:.3} always-warm instances per pool on \
         average over the window against {day_mean:.3} over the day, {ratio:.3} times, {:+.0}% \
         off; {ASSUMED}, so provisioned capacity and the calls it serves are projected from \
         the hours the window holds: simulate whole days (e.g. duration = \"{}d\")",
        format_duration(window),
        100.0 * (ratio - 1.0),
        (window / DAY).max(1),
    ))
}

/// `is 40% of the 1h window`, or `is as long as` / `is longer than the 1s window`.
fn share_of(t: Micros, window: Micros) -> String {
    let w = format_duration(window);
    match t.cmp(&window) {
        std::cmp::Ordering::Less => {
            format!(
                "is {:.0}% of the {w} window",
                100.0 * t as f64 / window as f64
            )
        }
        std::cmp::Ordering::Equal => format!("is as long as the {w} window"),
        std::cmp::Ordering::Greater => format!("is longer than the {w} window"),
    }
}

/// The advice to simulate at least `want` (`why`: what it is), or, past [`MAX_DURATION`],
/// the longest window a scenario may simulate, or, when `window` already is that long, that
/// no window is long enough.
fn simulate_at_least(want: Micros, window: Micros, why: &str) -> String {
    let limit = format_duration(MAX_DURATION);
    if want <= MAX_DURATION {
        format!("simulate at least {} ({why})", format_duration(want))
    } else if window < MAX_DURATION {
        format!(
            "simulate as long as a scenario may (duration = \"{limit}\"): {why} would be {}, \
             past that limit",
            format_duration(want)
        )
    } else {
        format!(
            "no window a scenario may simulate is long enough ({why} would be {}, past \
             {limit})",
            format_duration(want)
        )
    }
}

/// A monthly count for messages: whole numbers grouped, fractions to one decimal.
fn month_count(x: f64) -> String {
    if x.fract() == 0.0 && x < u64::MAX as f64 {
        group(x as u64)
    } else {
        format!("{x:.1}")
    }
}

/// Mean of the daily `profile` (equal slots from midnight, time zero) over `[0, window)`.
#[cfg(test)]
fn mean_multiplier(profile: &[f64], window: Micros) -> f64 {
    multiplier_integral(profile, window) / window as f64
}

/// Integral of the daily `profile` (equal slots from midnight, time zero) over `[0, t)`, in
/// multiplier x µs.
fn multiplier_integral(profile: &[f64], window: Micros) -> f64 {
    let slot = DAY as f64 / profile.len() as f64;
    let day_sum: f64 = profile.iter().map(|x| x * slot).sum();
    let days = window / DAY;
    let mut integral = days as f64 * day_sum;
    let mut rest = (window % DAY) as f64;
    for x in profile {
        if rest <= 0.0 {
            break;
        }
        integral += x * rest.min(slot);
        rest -= slot;
    }
    integral
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_mean_is_integrated_over_the_window() {
        // Two slots of 12 h: 1 then 3. Six hours: 1; 18 hours: (12 + 3 x 6) / 18 = 5/3;
        // 36 hours: (12 + 36 + 12) / 36 = 5/3.
        let p = [1.0, 3.0];
        assert_eq!(mean_multiplier(&p, DAY / 4), 1.0);
        assert!((mean_multiplier(&p, 3 * DAY / 4) - 5.0 / 3.0).abs() < 1e-12);
        assert!((mean_multiplier(&p, 3 * DAY / 2) - 5.0 / 3.0).abs() < 1e-12);
        assert_eq!(mean_multiplier(&p, DAY), 2.0);
    }
}
