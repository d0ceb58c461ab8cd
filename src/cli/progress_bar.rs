//! The progress bars of `run` (requests simulated over the estimated total, with rate and
//! ETA) and `sweep` (requests simulated over the total its points expect, growing as the
//! break-even refinement announces its extra runs, with those runs done and planned and an
//! ETA that counts requests), drawn on stderr.
//!
//! The library only counts ([`Progress`]); this module owns the display. A ticker thread reads
//! the counter ten times a second and moves the bar; the bar appears only once the run has
//! lasted [`SHOW_AFTER`] (a quick run prints nothing) and is cleared when the run ends, so
//! stderr keeps only the messages that matter. The caller decides whether to show it at all
//! (`--quiet`, stderr not a terminal).

use std::sync::mpsc;
use std::time::{Duration, Instant};

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::engine::Progress;

/// How long a run must last before its bar is drawn.
const SHOW_AFTER: Duration = Duration::from_millis(500);

/// How often the bar reads the counter.
const TICK: Duration = Duration::from_millis(100);

/// Runs `work`, showing a bar of `progress` over `expected` requests on stderr when `show`.
pub fn with_bar<T: Send>(
    show: bool,
    expected: u64,
    progress: &Progress,
    work: impl FnOnce() -> T + Send,
) -> T {
    with_bar_of(
        show,
        expected,
        progress,
        "simulating {wide_bar} {human_pos}/{human_len} requests, {rate}/s, ETA {eta}",
        work,
    )
}

/// [`with_bar`] for a sweep: its total is what `progress` expects
/// ([`Progress::expected`]), read at every tick, and its message the break-even
/// refinement's extra runs once it has planned some.
pub fn with_sweep_bar<T: Send>(
    show: bool,
    progress: &Progress,
    work: impl FnOnce() -> T + Send,
) -> T {
    with_bar_of(
        show,
        progress.expected(),
        progress,
        "sweeping {wide_bar} {human_pos}/{human_len} requests{msg}, ETA {eta}",
        work,
    )
}

/// The sweep bar's message: the refinement's extra runs done and planned, once any is.
pub fn extra_runs_message(progress: &Progress) -> String {
    match progress.extra_runs() {
        (_, 0) => String::new(),
        (done, planned) => format!(", break-even refinement {done}/{planned} runs"),
    }
}

/// Runs `work`, showing a bar drawn with indicatif `template` of `progress` over `expected`.
fn with_bar_of<T: Send>(
    show: bool,
    expected: u64,
    progress: &Progress,
    template: &str,
    work: impl FnOnce() -> T + Send,
) -> T {
    if !show {
        return work();
    }
    let bar = ProgressBar::with_draw_target(Some(expected.max(1)), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(template)
            .map(|style| {
                style.with_key(
                    "rate",
                    |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{}", HumanCount(state.per_sec() as u64));
                    },
                )
            })
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let (done, ticks) = mpsc::channel::<()>();
    let out = std::thread::scope(|scope| {
        let bar = &bar;
        scope.spawn(move || {
            let started = Instant::now();
            let mut shown = false;
            while let Err(mpsc::RecvTimeoutError::Timeout) = ticks.recv_timeout(TICK) {
                if !shown && started.elapsed() >= SHOW_AFTER {
                    bar.set_draw_target(ProgressDrawTarget::stderr());
                    shown = true;
                }
                let n = progress.requests();
                // The total is an estimate: a run may go past it, and a sweep announces more.
                let total = progress.expected().max(bar.length().unwrap_or(0));
                bar.set_length(total.max(n));
                bar.set_message(extra_runs_message(progress));
                bar.set_position(n);
            }
        });
        let out = work();
        drop(done);
        out
    });
    bar.finish_and_clear();
    out
}
