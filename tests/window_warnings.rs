//! Windows too short to project to a month: each warning of `scenario::validate::
//! window_checks`, with its figures worked out by hand, and none for the shipped scenarios.

mod trace_support;

use std::path::Path;

use serverless_sim::scenario::Scenario;
use serverless_sim::scenario::validate::window_checks;
use trace_support::*;

/// A scenario of one function with `arrivals`, over `duration`, on a FaaS deployment with
/// `keep_alive` and a fleet with `fleet_extra` lines.
fn synthetic(duration: &str, arrivals: &str, keep_alive: &str, fleet_extra: &str) -> String {
    format!(
        r#"name = "w"
duration = "{duration}"
bucket = "1s"

[[workload.functions]]
name = "job"
memory = "256MB"
execution = {{ dist = "constant", value = "20ms" }}
arrivals = {arrivals}

[[deployments]]
name = "lam"
[deployments.compute]
model = "faas"
cold_start = {{ dist = "constant", value = "250ms" }}
keep_alive = {keep_alive}
[deployments.compute.billing]
requests = {{ usd = 0.20, per = 1_000_000 }}
gb_seconds = {{ usd = 0.0000166667 }}

[[deployments]]
name = "flt"
[deployments.compute]
model = "fleet"
instances = 1
workers = 4
{fleet_extra}
[deployments.compute.billing]
instance_hours = {{ usd = 0.0416 }}
"#
    )
}

const POISSON: &str = r#"{ process = "poisson", rate = "10/s" }"#;
const NO_KEEP_ALIVE: &str = r#"{ policy = "none" }"#;
const ASSUMED: &str = "the month projection assumes the window repeats all month";

fn warnings(text: &str) -> Vec<String> {
    match Scenario::parse(Path::new("w.toml"), text) {
        Ok(s) => window_warnings_of(&s),
        Err(e) => panic!("{e}"),
    }
}

/// The window warnings of `s`, apart from its other warnings (a fleet without vcpus, say).
fn window_warnings_of(s: &Scenario) -> Vec<String> {
    window_checks::window_warnings(s.window, &s.workload, &s.deployments)
}

#[test]
fn the_shipped_scenarios_raise_none_but_the_trace_excerpt_s_own() {
    // azure-sample replays the shipped 8-hour excerpt (08:00 to 16:00 UTC of day 1): its
    // projection to a month is of daytime hours, which the warning says; the others raise
    // none.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let s = Scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
            let w = window_warnings_of(&s);
            if path.ends_with("azure-sample.toml") {
                assert_eq!(w.len(), 1, "{w:?}");
                assert!(w[0].starts_with("workload.trace: the trace holds only 8h of traffic"));
            } else {
                assert!(w.is_empty(), "{}: {w:?}", path.display());
            }
            seen += 1;
        }
    }
    assert!(seen >= 2, "found {seen} scenarios");
}

#[test]
fn a_steady_poisson_window_raises_none() {
    assert!(warnings(&synthetic("1h", POISSON, NO_KEEP_ALIVE, "")).is_empty());
}

#[test]
fn hourly_timers() {
    let timer = r#"{ process = "fixed_interval", every = "1h" }"#;
    // 1 s holds the firing at 0: projected 1 / 1 s x 2,629,800 s a month; the timer fires
    // 2,629,800 / 3,600 = 730.5 times a month.
    assert_eq!(
        warnings(&synthetic("1s", timer, NO_KEEP_ALIVE, "")),
        [format!(
            "workload.functions[0] 'job': the 1s window is shorter than its fixed_interval \
             period (1h): 1 firing in the window is projected to 2,629,800 a month, but the \
             timer fires 730.5 times a month; {ASSUMED}: simulate a whole number of periods \
             (e.g. duration = \"1h\")"
        )]
    );
    // 90 minutes hold the firings at 0 and 60 m: 2 / 5,400 s x 2,629,800 s = 974.
    assert_eq!(
        warnings(&synthetic("90m", timer, NO_KEEP_ALIVE, "")),
        [format!(
            "workload.functions[0] 'job': the 90m window is not a whole number of its \
             fixed_interval periods (1h): 2 firings in the window are projected to 974 a \
             month, but the timer fires 730.5 times a month; {ASSUMED}: simulate a whole \
             number of periods (e.g. duration = \"1h\")"
        )]
    );
    // With month = "730h" the counts are per 730 h: 2 / 1.5 h x 730 h = 973.3, and the timer
    // fires 730 times a month.
    let aws =
        synthetic("90m", timer, NO_KEEP_ALIVE, "").replace("bucket", "month = \"730h\"\nbucket");
    assert_eq!(
        warnings(&aws),
        [format!(
            "workload.functions[0] 'job': the 90m window is not a whole number of its \
             fixed_interval periods (1h): 2 firings in the window are projected to 973.3 a \
             month, but the timer fires 730 times a month; {ASSUMED}: simulate a whole \
             number of periods (e.g. duration = \"1h\")"
        )]
    );
    // Whole periods, whatever the offset: exact.
    assert!(warnings(&synthetic("2h", timer, NO_KEEP_ALIVE, "")).is_empty());
    let offset = r#"{ process = "fixed_interval", every = "1h", offset = "5m" }"#;
    assert!(warnings(&synthetic("1h", offset, NO_KEEP_ALIVE, "")).is_empty());
}

#[test]
fn daily_profiles() {
    // Two 12-hour slots, 1 then 3: normalised to 0.5 and 1.5 (the day's mean is 1).
    let daily = r#"{ process = "daily", rate = "1/s", profile = [1, 3] }"#;
    // Six hours see only the first slot: 0.5, -50%.
    assert_eq!(
        warnings(&synthetic("6h", daily, NO_KEEP_ALIVE, "")),
        [format!(
            "workload.functions[0] 'job': the 6h window is shorter than its daily profile's \
             period (1d): its mean rate over the window is 0.500 times its daily mean (the \
             rate written), -50% off; {ASSUMED}: simulate whole days (e.g. duration = \"1d\")"
        )]
    );
    // 36 hours: (12 x 0.5 + 12 x 1.5 + 12 x 0.5) / 36 = 5/6, -17%.
    assert_eq!(
        warnings(&synthetic("36h", daily, NO_KEEP_ALIVE, "")),
        [format!(
            "workload.functions[0] 'job': the 36h window is not a whole number of days of its \
             daily profile: its mean rate over the window is 0.833 times its daily mean (the \
             rate written), -17% off; {ASSUMED}: simulate whole days (e.g. duration = \"1d\")"
        )]
    );
    assert!(warnings(&synthetic("2d", daily, NO_KEEP_ALIVE, "")).is_empty());
    // A constant profile has no period.
    let flat = r#"{ process = "daily", rate = "1/s", profile = [2, 2] }"#;
    assert!(warnings(&synthetic("1h", flat, NO_KEEP_ALIVE, "")).is_empty());
}

/// `synthetic` with `lam` keeping the provisioned instances of `schedule` (its entries).
fn provisioned(duration: &str, schedule: &str) -> String {
    let keep_alive = format!("{NO_KEEP_ALIVE}\nprovisioned = {{ schedule = [ {schedule} ] }}");
    synthetic(duration, POISSON, &keep_alive, "").replace(
        "gb_seconds = { usd = 0.0000166667 }\n",
        "gb_seconds = { usd = 0.0000166667 }\nprovisioned_gb_seconds = { usd = 0.0000041667 }\n\
         provisioned_compute = { usd = 0.0000097222 }\n",
    )
}

#[test]
fn provisioned_schedules() {
    // Issue 17, item 3: a daily provisioned schedule on a window shorter than a day was
    // projected as if the window repeated, with no warning. 10 instances from 08:00 to
    // 20:00: the day's mean is 12 x 10 / 24 = 5; the 2 night hours from 00:00 keep none
    // (0.000 times, -100%: no provisioned capacity billed at all).
    let day = r#"{ from = "08:00", to = "20:00", instances = 10 }"#;
    assert_eq!(
        warnings(&provisioned("2h", day)),
        [format!(
            "deployments[0] 'lam': the 2h window is shorter than its provisioned schedule's \
             period (1d): it keeps 0.000 always-warm instances per pool on average over the \
             window against 5.000 over the day, 0.000 times, -100% off; {ASSUMED}, so \
             provisioned capacity and the calls it serves are projected from the hours the \
             window holds: simulate whole days (e.g. duration = \"1d\")"
        )]
    );
    // 24 instances from 00:00 to 01:00: the day's mean is 1, the first hour's 24: a monthly
    // figure 24 times too high (+2300%).
    let first_hour = r#"{ from = "00:00", to = "01:00", instances = 24 }"#;
    let w = warnings(&provisioned("1h", first_hour));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains(
            "it keeps 24.000 always-warm instances per pool on average over the \
             window against 1.000 over the day, 24.000 times, +2300% off"
        ),
        "{w:?}"
    );
    // 30 hours: 12 h x 10 over 30 h = 4, against 5: 0.800 times, -20%.
    let w = warnings(&provisioned("30h", day));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with(
            "deployments[0] 'lam': the 30h window is not a whole number of days of its \
             provisioned schedule: it keeps 4.000 always-warm instances per pool on average \
             over the window against 5.000 over the day, 0.800 times, -20% off"
        ),
        "{w:?}"
    );
    // Whole days, and 36 h of 10 by day and 2 by night ((144 + 8 x 2 + 4 x 10) / 36 = 5.556
    // against 6: -7.4%, within 10%), raise none; nor does a constant level.
    assert!(warnings(&provisioned("2d", day)).is_empty());
    let day_and_night = r#"{ from = "08:00", to = "20:00", instances = 10 },
        { from = "20:00", to = "08:00", instances = 2 }"#;
    assert!(warnings(&provisioned("36h", day_and_night)).is_empty());
    let all_day = r#"{ from = "00:00", to = "24:00", instances = 3 }"#;
    assert!(warnings(&provisioned("2h", all_day)).is_empty());
}

#[test]
fn on_off_cycles_longer_than_the_window() {
    // Mean cycle 30 m + 90 m = 2 h; long-run rate (4 x 1,800 + 0 x 5,400) / 7,200 = 1/s.
    let bursts = r#"{ process = "on_off", on_rate = "4/s", off_rate = "0/s", mean_on = "30m", mean_off = "90m" }"#;
    assert_eq!(
        warnings(&synthetic("1h", bursts, NO_KEEP_ALIVE, "")),
        [format!(
            "workload.functions[0] 'job': the 1h window is shorter than the on_off process's \
             mean cycle (2h: mean_on 30m + mean_off 90m): the window may see only a burst or \
             only a gap, so its traffic can be far from the long-run mean of 1.0000/s; \
             {ASSUMED}: simulate many cycles (e.g. duration = \"20h\", 10 cycles)"
        )]
    );
    assert!(warnings(&synthetic("2h", bursts, NO_KEEP_ALIVE, "")).is_empty());
}

#[test]
fn keep_alive_and_fleet_timeouts_that_take_much_of_the_window() {
    let fixed = r#"{ policy = "fixed", idle_timeout = "10m" }"#;
    // 10 m of 1 h is 17%, under the 25% threshold.
    assert!(warnings(&synthetic("1h", POISSON, fixed, "")).is_empty());
    let keep_alive = |share: &str, window: &str, advice: &str| {
        format!(
            "deployments[0] 'lam': keep_alive idle_timeout (10m) {share} the {window} window: \
             the platform starts with no warm instance and reclaims none until it has been \
             idle that long, so start-up cold starts weigh far more here than in steady \
             state, and {ASSUMED} (cold start of a fresh platform included): {advice}"
        )
    };
    const STEADY: &str = "(the platform then reaches its reclaim-and-restart steady state \
                          before measurement starts)";
    // 10 m of 30 m is 33%; a 10 m warm-up leaves 20 m measured, at least as long: advised.
    let warm_up_fits =
        format!("set warmup = \"10m\" {STEADY}, or simulate at least 40m (4 x the idle_timeout)");
    assert_eq!(
        warnings(&synthetic("30m", POISSON, fixed, "")),
        [keep_alive("is 33% of", "30m", &warm_up_fits)]
    );
    // With that warm-up the start-up transient is left out: no warning. A shorter one
    // leaves part of it in.
    let with_warmup = |w: &str| {
        synthetic("30m", POISSON, fixed, "").replace(
            "bucket = \"1s\"",
            &format!("bucket = \"1s\"\nwarmup = \"{w}\""),
        )
    };
    assert!(warnings(&with_warmup("10m")).is_empty());
    assert_eq!(
        warnings(&with_warmup("5m")),
        [keep_alive("is 33% of", "30m", &warm_up_fits)]
    );
    // The tester's case: one second. No warm-up fits in it.
    let longer = format!(
        "simulate at least 20m with warmup = \"10m\" {STEADY}, or at least 40m (4 x the \
         idle_timeout) without"
    );
    assert_eq!(
        warnings(&synthetic("1s", POISSON, fixed, "")),
        [keep_alive("is longer than", "1s", &longer)]
    );
    // 30 s of a 1 m window is 50%; 15 s is exactly 25%: 4 x 15 s is the window already, so
    // there is no advice to give and no warning.
    assert_eq!(
        warnings(&synthetic(
            "1m",
            POISSON,
            NO_KEEP_ALIVE,
            "queue_timeout = \"30s\"\nrequest_timeout = \"15s\""
        )),
        [format!(
            "deployments[1] 'flt': queue_timeout (30s) is 50% of the 1m window: queues fill \
                 and drain on that time scale, so queueing transients (a queue still building, \
                 requests still waiting at the end) dominate, and {ASSUMED}: simulate at least \
                 2m (4 x the queue_timeout)"
        ),]
    );
}

#[test]
fn trace_windows() {
    // A trace holding 25 hours (first start at 0, last at 90,000 s), one hour replayed.
    let d = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        d.path().join("t.csv"),
        "timestamp,function,duration_ms\n0,f,5\n1800,f,5\n90000,f,5\n",
    )
    .expect("write");
    let trace = "format = \"csv\"\nfile = \"t.csv\"\nmemory = \"128MB\"\nwindow = \"1h\"\n";
    let s = parse_in(d.path(), &scenario_text("bucket = \"1m\"", trace))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        window_warnings_of(&s),
        [format!(
            "workload.trace: the trace holds 25h but the 1h window replays only 1h of it, less \
             than the day its traffic cycles over; {ASSUMED}, so the hours left out are assumed \
             to look like these: select a whole day (e.g. window = \"1d\") to include the daily \
             cycle"
        )]
    );
    // A whole day selected but a 1 h duration cutting it: the window = "1d" it already has
    // is not the advice, a longer duration is.
    let cut = trace.replace("\"1h\"", "\"1d\"");
    let s = parse_in(
        d.path(),
        &scenario_text("duration = \"1h\"\nbucket = \"1m\"", &cut),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        window_warnings_of(&s)[0],
        format!(
            "workload.trace: the trace holds 25h but the 1h window replays only 1h of it, less \
             than the day its traffic cycles over; {ASSUMED}, so the hours left out are assumed \
             to look like these: set duration to at least 1d (a day of trace at time_scale 1) \
             to include the daily cycle"
        )
    );
    // A whole day of it: none.
    let day = trace.replace("\"1h\"", "\"1d\"");
    let s = parse_in(d.path(), &scenario_text("bucket = \"1m\"", &day))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(window_warnings_of(&s).is_empty(), "{:?}", s.warnings);
    // tiny2019 spans four minutes: an excerpt of less than a day, whose hours are projected
    // to every hour of the month; a 10-minute duration leaves six with nothing to replay.
    let tiny = format!(
        "format = \"azure2019\"\ninvocations = {:?}\ndurations = {:?}\nmemory = \"128MB\"\n",
        data("tiny2019/invocations.csv").display().to_string(),
        data("tiny2019/durations.csv").display().to_string(),
    );
    let s = parse(&scenario_text("duration = \"10m\"\nbucket = \"1m\"", &tiny))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        window_warnings_of(&s),
        [
            format!(
                "workload.trace: the trace holds only 4m of traffic, less than the day it cycles \
                 over, and {ASSUMED}: every hour of the month is taken to look like these 4m. An \
                 excerpt of busy (daytime) hours overstates the monthly bill, one of quiet hours \
                 understates it: replay a whole day of trace to include the daily cycle"
            ),
            format!(
                "duration: the 10m window is longer than the selected trace, which replays in 4m: \
             the last 6m replays nothing, yet {ASSUMED} (idle part included)"
            ),
            // trace_support's deployment keeps instances 10 m: as long as this window.
            format!(
                "deployments[0] 'faas': keep_alive idle_timeout (10m) is as long as the 10m window: \
             the platform starts with no warm instance and reclaims none until it has been \
             idle that long, so start-up cold starts weigh far more here than in steady \
             state, and {ASSUMED} (cold start of a fresh platform included): simulate at \
             least 20m with warmup = \"10m\" (the platform then reaches its \
             reclaim-and-restart steady state before measurement starts), or at least 40m \
             (4 x the idle_timeout) without"
            )
        ]
    );
}

#[test]
fn run_prints_the_warnings_under_the_table_and_check_on_stderr() {
    let d = tempfile::tempdir().expect("tempdir");
    let file = d.path().join("w.toml");
    std::fs::write(
        &file,
        synthetic(
            "30m",
            POISSON,
            r#"{ policy = "fixed", idle_timeout = "10m" }"#,
            "",
        ),
    )
    .expect("write");
    let bin = || assert_cmd::Command::new(env!("CARGO_BIN_EXE_serverless-sim"));
    let warning =
        "warning: deployments[0] 'lam': keep_alive idle_timeout (10m) is 33% of the 30m window";
    let out = bin()
        .arg("run")
        .arg(&file)
        .arg("--out")
        .arg(d.path().join("out"))
        .output()
        .expect("run");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    // Header, two deployments, the cheapest line, the month, the prices, then the warning.
    assert!(lines[3].starts_with("cheapest per month: "), "{stdout}");
    assert_eq!(lines[4], "month = 730.5 h (30.4375 days)", "{stdout}");
    assert!(lines[5].starts_with("prices: "), "{stdout}");
    assert!(lines[6].starts_with(warning), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains(warning));
    let out = bin().arg("check").arg(&file).output().expect("check");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains(warning));
}

#[test]
fn advice_never_passes_the_longest_window_nor_repeats_what_is_done() {
    let long = |duration: &str, arrivals: &str, keep_alive: &str| {
        warnings(
            &synthetic(duration, arrivals, keep_alive, "")
                .replace("bucket = \"1s\"", "bucket = \"1h\""),
        )
    };
    let keep = |idle: &str| format!("{{ policy = \"fixed\", idle_timeout = \"{idle}\" }}");
    let keep_alive = |idle: &str, share: &str, window: &str, advice: &str| {
        format!(
            "deployments[0] 'lam': keep_alive idle_timeout ({idle}) {share} the {window} window: \
             the platform starts with no warm instance and reclaims none until it has been \
             idle that long, so start-up cold starts weigh far more here than in steady \
             state, and {ASSUMED} (cold start of a fresh platform included): {advice}"
        )
    };
    // 4 x 3000d = 12000d, past the 3650d limit: the longest window is suggested instead.
    assert_eq!(
        long("1d", POISSON, &keep("3000d")),
        [keep_alive(
            "3000d",
            "is longer than",
            "1d",
            "simulate as long as a scenario may (duration = \"3650d\"): 4 x the idle_timeout \
             would be 12000d, past that limit"
        )]
    );
    // Already 3650d long, 1000d is 27% of it; 4000d cannot be simulated: said so, after the
    // advice that does fit: a 1000d warm-up leaves 2650d measured.
    assert_eq!(
        long("3650d", POISSON, &keep("1000d")),
        [keep_alive(
            "1000d",
            "is 27% of",
            "3650d",
            "set warmup = \"1000d\" (the platform then reaches its reclaim-and-restart steady \
             state before measurement starts), or no window a scenario may simulate is long \
             enough (4 x the idle_timeout would be 4000d, past 3650d)"
        )]
    );
    // An on_off cycle of 6000d: ten cycles (60000d) cannot be simulated.
    let slow = r#"{ process = "on_off", on_rate = "2/s", off_rate = "0/s", mean_on = "3000d", mean_off = "3000d" }"#;
    assert_eq!(
        long("1d", slow, NO_KEEP_ALIVE),
        [format!(
            "workload.functions[0] 'job': the 1d window is shorter than the on_off process's \
             mean cycle (6000d: mean_on 3000d + mean_off 3000d): the window may see only a \
             burst or only a gap, so its traffic can be far from the long-run mean of \
             1.0000/s; {ASSUMED}: simulate as long as a scenario may (duration = \"3650d\"): \
             10 cycles would be 60000d, past that limit"
        )]
    );
    // A timer every hour from 90 m, over 2 h: whole periods already, one firing where two
    // are due (1 x 730.5 h / 2 h = 365.25 a month against 730.5): the offset is the cause,
    // and a whole number of periods (2h, the window itself) is not the advice.
    let late = r#"{ process = "fixed_interval", every = "1h", offset = "90m" }"#;
    assert_eq!(
        long("2h", late, NO_KEEP_ALIVE),
        [format!(
            "workload.functions[0] 'job': the 2h window holds whole fixed_interval periods \
             (1h), but the offset (90m) passes the first: 1 firing in the window is projected \
             to 365.2 a month, but the timer fires 730.5 times a month; {ASSUMED}: give an \
             offset shorter than the period (e.g. offset = \"30m\"), since the first firing at \
             90m leaves the periods before it empty"
        )]
    );
}
