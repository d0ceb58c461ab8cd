//! The progress bars of `run` (requests simulated over the estimated total, with rate and
//! ETA) and `sweep` (runs done over points x replications, with ETA), drawn on stderr.
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

/// [`with_bar`] counting runs of a sweep (points x replications) instead of requests.
pub fn with_runs_bar<T: Send>(
    show: bool,
    expected: u64,
    progress: &Progress,
    work: impl FnOnce() -> T + Send,
) -> T {
    with_bar_of(
        show,
        expected,
        progress,
        "sweeping {wide_bar} {human_pos}/{human_len} runs, ETA {eta}",
        work,
    )
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
                // The total is an estimate: a run may go past it.
                if bar.length().is_some_and(|len| n > len) {
                    bar.set_length(n);
                }
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
