//! A provisioned schedule that falls (docs/models.md, "Provisioned concurrency"): the excess
//! always-warm instances are taken from the idle ones first, which are reclaimed at once,
//! then from the busy ones, which finish their calls and from then on are on-demand
//! instances under the keep-alive policy (billed as on-demand, reclaimed when it says so).
//!
//! Every case runs the same 10-minute window: N provisioned instances from 00:00 to 00:05,
//! M from 00:05 on (so the fall is at 300 s), 1,024 MB (1 GB billed) per instance, a 100 ms
//! cold start and a fixed 1-minute keep-alive. Calls of 360 s start at 0 s (the trace's
//! origin), so they are busy at the fall and end at 360 s; one probe call of 1 s at 500 s
//! finds either an always-warm instance or none (a cold start), since on-demand ones freed at
//! 360 s expire at 420 s. Idle memory is in GB-s = instance-seconds at 1 GB. Instances are
//! launched in order 0, 1, 2 and the most recently listed serves first, so the first call
//! takes the last launched one; a busy one returned to on-demand is the first launched.

mod common;

use common::deployment;

/// What a case is checked on, all over the window.
#[derive(Debug, PartialEq)]
struct Outcome {
    cold_starts: u64,
    /// Idle memory (GB-s): instance-seconds kept loaded and idle.
    idle_gb_s: f64,
    /// Configured provisioned memory (GB-s).
    provisioned_gb_s: f64,
    /// GB-s of calls that started on an always-warm instance.
    provisioned_compute: f64,
    /// GB-s of calls on on-demand instances.
    gb_s: f64,
}

/// Runs `long_calls` concurrent 360 s calls at 0 s and a 1 s probe at 500 s, with `from`
/// provisioned instances falling to `to` at 300 s.
fn fall(from: u32, to: u32, long_calls: usize) -> Outcome {
    let mut calls: Vec<common::Call> = (0..long_calls)
        .map(|_| (0.0, "f", "a", 360_000.0))
        .collect();
    calls.push((500.0, "f", "a", 1_000.0));
    let after = if to > 0 {
        format!(r#", {{ from = "00:05", to = "00:10", instances = {to} }}"#)
    } else {
        String::new()
    };
    let deployments = format!(
        r#"
[[deployments]]
name = "pc"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "100ms" }}
keep_alive = {{ policy = "fixed", idle_timeout = "1m" }}
provisioned = {{ schedule = [ {{ from = "00:00", to = "00:05", instances = {from} }}{after} ] }}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}
provisioned_gb_seconds = {{ usd = 0.0000041667 }}
provisioned_compute = {{ usd = 0.0000097222 }}
"#
    );
    let r = common::replay_calls(&calls, "10m", "", &deployments);
    let d = deployment(&r, "pc");
    let meter = |name: &str| common::billing::line(d, name).window_quantity;
    Outcome {
        cold_starts: d.recorder.totals.cold_starts,
        idle_gb_s: d.recorder.idle_gb_seconds,
        provisioned_gb_s: meter("provisioned_gb_seconds"),
        provisioned_compute: meter("provisioned_compute"),
        gb_s: meter("gb_seconds"),
    }
}

fn assert_outcome(got: Outcome, want: Outcome) {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
    assert!(
        got.cold_starts == want.cold_starts
            && close(got.idle_gb_s, want.idle_gb_s)
            && close(got.provisioned_gb_s, want.provisioned_gb_s)
            && close(got.provisioned_compute, want.provisioned_compute)
            && close(got.gb_s, want.gb_s),
        "got {got:?}\nwant {want:?}"
    );
}

/// The probe at 500 s as a cold start: boot 500 -> 500.1 s, runs to 501.1 s, idle 60 s
/// until its keep-alive ends at 561.1 s; 1 GB-s on demand.
const COLD_PROBE_IDLE: f64 = 60.0;

/// A busy instance returned to on-demand: idle from the end of its call (360 s) until its
/// keep-alive ends (420 s).
const RETURNED_IDLE: f64 = 60.0;

/// An idle instance reclaimed at the fall: idle 0 -> 300 s.
const RECLAIMED_IDLE: f64 = 300.0;

/// A busy instance left always warm, which serves the probe: idle 360 -> 500 s and
/// 501 -> 600 s (the window's end).
const KEPT_IDLE: f64 = 140.0 + 99.0;

/// GB-s of one long call (360 s at 1 GB), billed as provisioned compute: it started on an
/// always-warm instance.
const LONG_CALL: f64 = 360.0;

#[test]
fn one_to_none_with_the_instance_busy() {
    // The busy instance finishes as on-demand and expires; the probe is cold.
    assert_outcome(
        fall(1, 0, 1),
        Outcome {
            cold_starts: 1,
            idle_gb_s: RETURNED_IDLE + COLD_PROBE_IDLE,
            provisioned_gb_s: 300.0,
            provisioned_compute: LONG_CALL,
            gb_s: 1.0,
        },
    );
}

#[test]
fn two_to_none_with_one_busy() {
    // Instance 0 is idle: reclaimed at 300 s. Instance 1 serves the long call and finishes
    // it as on-demand, then expires. The probe finds no warm instance: 1 cold start, billed
    // on demand. (Before the fix the reclaimed slot was counted again as the busy one to
    // return, so instance 1 stayed always warm: no cold start, the probe billed as
    // provisioned compute on capacity no longer billed.)
    assert_outcome(
        fall(2, 0, 1),
        Outcome {
            cold_starts: 1,
            idle_gb_s: RECLAIMED_IDLE + RETURNED_IDLE + COLD_PROBE_IDLE,
            provisioned_gb_s: 2.0 * 300.0,
            provisioned_compute: LONG_CALL,
            gb_s: 1.0,
        },
    );
}

#[test]
fn two_to_none_with_both_busy() {
    // Both finish as on-demand and expire; the probe is cold.
    assert_outcome(
        fall(2, 0, 2),
        Outcome {
            cold_starts: 1,
            idle_gb_s: 2.0 * RETURNED_IDLE + COLD_PROBE_IDLE,
            provisioned_gb_s: 2.0 * 300.0,
            provisioned_compute: 2.0 * LONG_CALL,
            gb_s: 1.0,
        },
    );
}

#[test]
fn two_to_one_with_one_busy() {
    // The idle one is reclaimed; the busy one is the one left always warm: the probe runs
    // on it (provisioned compute), no cold start.
    assert_outcome(
        fall(2, 1, 1),
        Outcome {
            cold_starts: 0,
            idle_gb_s: RECLAIMED_IDLE + KEPT_IDLE,
            provisioned_gb_s: 2.0 * 300.0 + 300.0,
            provisioned_compute: LONG_CALL + 1.0,
            gb_s: 0.0,
        },
    );
}

#[test]
fn two_to_one_with_both_busy() {
    // No idle one: instance 0 finishes as on-demand and expires; instance 1 stays always
    // warm and serves the probe.
    assert_outcome(
        fall(2, 1, 2),
        Outcome {
            cold_starts: 0,
            idle_gb_s: RETURNED_IDLE + KEPT_IDLE,
            provisioned_gb_s: 2.0 * 300.0 + 300.0,
            provisioned_compute: 2.0 * LONG_CALL + 1.0,
            gb_s: 0.0,
        },
    );
}

#[test]
fn three_to_one_with_one_busy() {
    // Both idle ones are reclaimed; the busy one stays always warm and serves the probe.
    assert_outcome(
        fall(3, 1, 1),
        Outcome {
            cold_starts: 0,
            idle_gb_s: 2.0 * RECLAIMED_IDLE + KEPT_IDLE,
            provisioned_gb_s: 3.0 * 300.0 + 300.0,
            provisioned_compute: LONG_CALL + 1.0,
            gb_s: 0.0,
        },
    );
}

#[test]
fn three_to_one_with_two_busy() {
    // Instance 0 is idle: reclaimed. Of the busy 1 and 2, instance 1 finishes as on-demand
    // and expires; instance 2 stays always warm and serves the probe. Only one instance
    // stays always warm, as configured.
    assert_outcome(
        fall(3, 1, 2),
        Outcome {
            cold_starts: 0,
            idle_gb_s: RECLAIMED_IDLE + RETURNED_IDLE + KEPT_IDLE,
            provisioned_gb_s: 3.0 * 300.0 + 300.0,
            provisioned_compute: 2.0 * LONG_CALL + 1.0,
            gb_s: 0.0,
        },
    );
}

#[test]
fn three_to_none_with_one_busy() {
    // Two idle ones reclaimed; the busy one finishes as on-demand; the probe is cold.
    assert_outcome(
        fall(3, 0, 1),
        Outcome {
            cold_starts: 1,
            idle_gb_s: 2.0 * RECLAIMED_IDLE + RETURNED_IDLE + COLD_PROBE_IDLE,
            provisioned_gb_s: 3.0 * 300.0,
            provisioned_compute: LONG_CALL,
            gb_s: 1.0,
        },
    );
}

#[test]
fn three_to_none_with_all_busy() {
    // All three finish as on-demand and expire; the probe is cold.
    assert_outcome(
        fall(3, 0, 3),
        Outcome {
            cold_starts: 1,
            idle_gb_s: 3.0 * RETURNED_IDLE + COLD_PROBE_IDLE,
            provisioned_gb_s: 3.0 * 300.0,
            provisioned_compute: 3.0 * LONG_CALL,
            gb_s: 1.0,
        },
    );
}
