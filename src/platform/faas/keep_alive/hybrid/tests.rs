//! Unit tests of the hybrid histogram policy. Every expected value is worked out by hand in the
//! comment above it (or, for the randomised check, by sorting the raw samples).

use super::*;
use crate::engine::time::{HOUR, SECOND};

fn histogram_with(config: &HybridConfig, idle_times: &[(Micros, u64)]) -> IdleHistogram {
    let mut h = IdleHistogram::new(config);
    for &(idle, times) in idle_times {
        for _ in 0..times {
            h.record(idle);
        }
    }
    h
}

#[test]
fn defaults_are_the_papers_values() {
    let c = HybridConfig::default();
    assert_eq!(c.range, 4 * HOUR);
    assert_eq!(c.prewarm_percentile, 5.0);
    assert_eq!(c.keep_alive_percentile, 99.0);
    assert_eq!(c.prewarm_margin, 0.9);
    assert_eq!(c.keep_alive_margin, 1.1);
    assert_eq!(c.min_samples, 10);
    assert_eq!(c.cv_threshold, 2.0);
    assert_eq!(c.validate(), Ok(()));
}

#[test]
fn clockwork_thirty_minutes_prewarms_at_27_min_and_keeps_34_min_6_s() {
    let c = HybridConfig::default();
    // 20 idle times of exactly 30 min: all in bin 30. Head rank ceil(0.05 x 20) = 1 and tail
    // rank ceil(0.99 x 20) = 20 both land in bin 30. Head = lower edge 30 min x 0.9 = 27 min;
    // tail = upper edge 31 min x 1.1 = 34.1 min = 2,046 s. CV = sqrt(240 x 400 / 400 - 1)
    // = sqrt(239) > 2: representative.
    let h = histogram_with(&c, &[(30 * MINUTE, 20)]);
    let w = h.windows(&c);
    assert_eq!(
        w,
        Windows {
            prewarm: 27 * MINUTE,
            keep_alive: 2_046 * SECOND,
            representative: true
        }
    );
    // Idle from t = 1,000 s: load at 1,000 + 1,620 = 2,620 s, reclaim at 2,620 + 2,046 s.
    assert_eq!(
        plan(w, 1_000 * SECOND),
        IdlePlan::UnloadThenPrewarm {
            load_at: 2_620 * SECOND,
            keep_until: 4_666 * SECOND
        }
    );
}

#[test]
fn an_idle_time_just_under_a_minute_boundary_rounds_head_down_and_tail_up() {
    let c = HybridConfig::default();
    // 29 min 59 s (a 30-min period less a 1-s execution) is in bin 29: head = 29 min x 0.9
    // = 26.1 min = 1,566 s; tail = 30 min x 1.1 = 33 min.
    let h = histogram_with(&c, &[(29 * MINUTE + 59 * SECOND, 12)]);
    let w = h.windows(&c);
    assert_eq!(w.prewarm, 1_566 * SECOND);
    assert_eq!(w.keep_alive, 33 * MINUTE);
    assert!(w.representative);
}

#[test]
fn too_few_samples_fall_back_to_the_whole_range_without_prewarm() {
    let c = HybridConfig::default();
    let fallback = Windows {
        prewarm: 0,
        keep_alive: 4 * HOUR,
        representative: false,
    };
    assert_eq!(Windows::fallback(&c), fallback);
    let mut h = IdleHistogram::new(&c);
    assert_eq!(h.windows(&c), fallback);
    for _ in 0..9 {
        h.record(30 * MINUTE);
    }
    // 9 < min_samples = 10.
    assert_eq!(h.windows(&c), fallback);
    assert_eq!(
        plan(h.windows(&c), 5 * SECOND),
        IdlePlan::KeepUntil(5 * SECOND + 4 * HOUR)
    );
    h.record(30 * MINUTE);
    assert!(h.windows(&c).representative);
    assert_eq!(h.windows(&c).prewarm, 27 * MINUTE);
}

#[test]
fn a_flat_histogram_falls_back() {
    let c = HybridConfig::default();
    // One idle time in each of the 240 bins: every count is 1, standard deviation 0, CV 0.
    let mut h = IdleHistogram::new(&c);
    for minute in 0..240 {
        h.record(minute * MINUTE + 30 * SECOND);
    }
    assert_eq!(h.coefficient_of_variation(), Some(0.0));
    assert!(!h.windows(&c).representative);
    assert_eq!(h.windows(&c).keep_alive, 4 * HOUR);
}

#[test]
fn cv_threshold_is_inclusive_at_exactly_two() {
    let c = HybridConfig::default();
    // k distinct bins with one idle time each: n = k, sum of squares = k, so
    // CV = sqrt(240 k / k^2 - 1) = sqrt(240 / k - 1). k = 48: sqrt(4) = 2 exactly (kept);
    // k = 49: sqrt(240 / 49 - 1) = 1.974 (fallback).
    let mut h = IdleHistogram::new(&c);
    for minute in 0..48 {
        h.record(minute * MINUTE);
    }
    assert_eq!(h.coefficient_of_variation(), Some(2.0));
    assert!(h.windows(&c).representative);
    h.record(48 * MINUTE);
    let cv = h.coefficient_of_variation().unwrap();
    assert!((cv - (240.0f64 / 49.0 - 1.0).sqrt()).abs() < 1e-12, "{cv}");
    assert!(!h.windows(&c).representative);
}

#[test]
fn out_of_range_idle_times_are_counted_not_binned() {
    let c = HybridConfig::default();
    let mut h = IdleHistogram::new(&c);
    h.record(4 * HOUR - 1); // last microsecond of bin 239: in range
    h.record(4 * HOUR); // exactly the range: out
    h.record(5 * HOUR);
    h.record(u64::MAX);
    assert_eq!(h.samples(), 4);
    assert_eq!(h.in_range(), 1);
    assert_eq!(h.out_of_range(), 3);
    assert_eq!(h.out_of_range_share(), 0.75);
    assert_eq!(IdleHistogram::new(&c).out_of_range_share(), 0.0);
}

#[test]
fn mostly_out_of_range_falls_back_at_half() {
    let c = HybridConfig::default();
    // 10 clockwork idle times plus 9 beyond the range: share 9/19 < 1/2, histogram used.
    let mut h = histogram_with(&c, &[(30 * MINUTE, 10), (6 * HOUR, 9)]);
    assert!(h.windows(&c).representative);
    // The out-of-range ones do not enter the percentiles: still 27 min / 34.1 min.
    assert_eq!(h.windows(&c).prewarm, 27 * MINUTE);
    assert_eq!(h.windows(&c).keep_alive, 2_046 * SECOND);
    // A 10th beyond the range: share 10/20 = 1/2, the fallback stands in for ARIMA.
    h.record(6 * HOUR);
    assert_eq!(h.out_of_range_share(), 0.5);
    assert!(!h.windows(&c).representative);
}

#[test]
fn all_samples_in_bin_zero_means_no_prewarm() {
    let c = HybridConfig::default();
    // 20 idle times of 20 s: bin 0. Head lower edge 0 -> pre-warm 0; tail upper edge 1 min
    // x 1.1 = 66 s, counted from going idle.
    let h = histogram_with(&c, &[(20 * SECOND, 20)]);
    let w = h.windows(&c);
    assert_eq!(
        (w.prewarm, w.keep_alive, w.representative),
        (0, 66 * SECOND, true)
    );
    assert_eq!(plan(w, 100 * SECOND), IdlePlan::KeepUntil(166 * SECOND));
}

#[test]
fn percentiles_use_nearest_rank_over_the_cumulative_counts() {
    let c = HybridConfig::default();
    // 100 idle times: 5 in bin 2, 93 in bin 10, 2 in bin 50.
    // Head rank ceil(5) = 5: cumulative 5 at bin 2 -> head 2 min x 0.9 = 108 s.
    // Tail rank ceil(99) = 99: cumulative 5, 98 (bin 10), 100 (bin 50) -> tail bin 50,
    // upper edge 51 min x 1.1 = 56.1 min = 3,366 s.
    let h = histogram_with(
        &c,
        &[
            (2 * MINUTE, 5),
            (10 * MINUTE + SECOND, 93),
            (50 * MINUTE, 2),
        ],
    );
    assert_eq!(h.windows(&c).prewarm, 108 * SECOND);
    assert_eq!(h.windows(&c).keep_alive, 3_366 * SECOND);
    // One fewer in bin 2 (4, 94, 2): head rank 5 is first reached at bin 10 -> 9 min; tail
    // rank 99 still needs bin 50.
    let h = histogram_with(&c, &[(2 * MINUTE, 4), (10 * MINUTE, 94), (50 * MINUTE, 2)]);
    assert_eq!(h.windows(&c).prewarm, 9 * MINUTE);
    assert_eq!(h.windows(&c).keep_alive, 3_366 * SECOND);
    // (4, 95, 1): cumulative at bin 10 is 99, so the tail is bin 10 -> 11 min x 1.1 = 726 s.
    let h = histogram_with(&c, &[(2 * MINUTE, 4), (10 * MINUTE, 95), (50 * MINUTE, 1)]);
    assert_eq!(h.windows(&c).keep_alive, 726 * SECOND);
}

#[test]
fn custom_percentiles_margins_and_range() {
    let c = HybridConfig {
        range: HOUR,
        prewarm_percentile: 10.0,
        keep_alive_percentile: 90.0,
        prewarm_margin: 1.0,
        keep_alive_margin: 1.0,
        min_samples: 1,
        cv_threshold: 0.0,
    };
    assert_eq!(c.validate(), Ok(()));
    // Bins 0..=9 one idle time each (n = 10): head rank ceil(1) = 1 -> bin 0 -> 0;
    // tail rank ceil(9) = 9 -> bin 8 -> upper edge 9 min. CV threshold 0 accepts the flat
    // histogram; an idle time of 60 min is out of this 1-hour range.
    let mut h = IdleHistogram::new(&c);
    for minute in 0..10 {
        h.record(minute * MINUTE);
    }
    h.record(HOUR);
    let w = h.windows(&c);
    assert_eq!(
        (w.prewarm, w.keep_alive, w.representative),
        (0, 9 * MINUTE, true)
    );
    assert_eq!(h.out_of_range(), 1);
}

#[test]
fn plan_saturates_instead_of_wrapping() {
    let w = Windows {
        prewarm: 10 * MINUTE,
        keep_alive: HOUR,
        representative: true,
    };
    assert_eq!(
        plan(w, Micros::MAX - MINUTE),
        IdlePlan::UnloadThenPrewarm {
            load_at: Micros::MAX,
            keep_until: Micros::MAX
        }
    );
    let w = Windows { prewarm: 0, ..w };
    assert_eq!(
        plan(w, Micros::MAX - MINUTE),
        IdlePlan::KeepUntil(Micros::MAX)
    );
}

#[test]
fn fenwick_percentiles_match_sorting_the_raw_idle_times() {
    // Independent oracle: sort the in-range idle times and take element ceil(p n / 100) - 1.
    let c = HybridConfig {
        min_samples: 1,
        cv_threshold: 0.0,
        prewarm_margin: 1.0,
        keep_alive_margin: 1.0,
        ..HybridConfig::default()
    };
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = IdleHistogram::new(&c);
    let mut raw = Vec::new();
    for n in 1..=600u64 {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        // Skewed towards short idle times, some beyond the 4-hour range.
        let idle = (state >> 24) % (5 * HOUR) * ((state >> 8) % 4 + 1) / 4;
        h.record(idle);
        if idle < c.range {
            raw.push(idle / MINUTE);
        }
        if n % 37 != 0 || raw.is_empty() {
            continue;
        }
        let mut sorted = raw.clone();
        sorted.sort_unstable();
        let k = sorted.len();
        let head = sorted[(5 * k).div_ceil(100) - 1];
        let tail = sorted[(99 * k).div_ceil(100) - 1];
        assert_eq!(h.percentile_bin(5.0) as u64, head, "n = {n}");
        assert_eq!(h.percentile_bin(99.0) as u64, tail, "n = {n}");
        if h.windows(&c).representative {
            assert_eq!(h.windows(&c).prewarm, head * MINUTE);
            assert_eq!(h.windows(&c).keep_alive, (tail + 1) * MINUTE);
        }
    }
    assert_eq!(h.in_range() as usize, raw.len());
    assert!(
        h.out_of_range() > 0,
        "the draws should reach beyond the range"
    );
}

#[test]
fn decimal_percentiles_do_not_round_up_a_rank() {
    let c = HybridConfig::default();
    // 750 idle times: 33 in bin 1, 717 in bin 7. The 4.4th percentile has rank
    // 4.4 x 750 / 100 = 33 exactly in decimal (in binary floating point the product is
    // 33.000...01, whose ceiling would be 34): bin 1, not bin 7.
    let h = histogram_with(&c, &[(MINUTE, 33), (7 * MINUTE, 717)]);
    assert_eq!(h.percentile_bin(4.4), 1);
    assert_eq!(h.percentile_bin(4.5), 7);
    assert_eq!(h.percentile_bin(100.0), 7);
}

#[test]
fn validation_names_the_field() {
    let ok = HybridConfig::default();
    let cases: Vec<(HybridConfig, &str)> = vec![
        (HybridConfig { range: 0, ..ok }, "range:"),
        (
            HybridConfig {
                range: 90 * SECOND,
                ..ok
            },
            "range:",
        ),
        (
            HybridConfig {
                range: 31 * DAY,
                ..ok
            },
            "range:",
        ),
        (
            HybridConfig {
                prewarm_percentile: 0.0,
                ..ok
            },
            "prewarm_percentile:",
        ),
        (
            HybridConfig {
                prewarm_percentile: f64::NAN,
                ..ok
            },
            "prewarm_percentile:",
        ),
        (
            HybridConfig {
                keep_alive_percentile: 100.5,
                ..ok
            },
            "keep_alive_percentile:",
        ),
        (
            HybridConfig {
                prewarm_percentile: 99.0,
                ..ok
            },
            "prewarm_percentile: must be below",
        ),
        (
            HybridConfig {
                prewarm_margin: 0.0,
                ..ok
            },
            "prewarm_margin:",
        ),
        (
            HybridConfig {
                keep_alive_margin: f64::INFINITY,
                ..ok
            },
            "keep_alive_margin:",
        ),
        (
            HybridConfig {
                min_samples: 0,
                ..ok
            },
            "min_samples:",
        ),
        (
            HybridConfig {
                cv_threshold: -1.0,
                ..ok
            },
            "cv_threshold:",
        ),
        (
            HybridConfig {
                cv_threshold: f64::NAN,
                ..ok
            },
            "cv_threshold:",
        ),
    ];
    for (config, expected) in cases {
        let err = config.validate().expect_err(expected);
        assert!(
            err.starts_with(expected),
            "{err:?} should start with {expected:?}"
        );
    }
    // The bounds themselves are accepted.
    for range in [MINUTE, MAX_RANGE] {
        assert_eq!(HybridConfig { range, ..ok }.validate(), Ok(()));
    }
    let full = HybridConfig {
        keep_alive_percentile: 100.0,
        ..ok
    };
    assert_eq!(full.validate(), Ok(()));
}

#[test]
fn the_largest_range_builds_and_bins_its_last_minute() {
    let c = HybridConfig {
        range: MAX_RANGE,
        min_samples: 1,
        ..HybridConfig::default()
    };
    let mut h = IdleHistogram::new(&c);
    h.record(MAX_RANGE - 1);
    // Bin 43,199: head lower edge 43,199 min x 0.9; tail 43,200 min x 1.1.
    let w = h.windows(&c);
    assert_eq!(w.prewarm, 43_199 * MINUTE * 9 / 10);
    assert_eq!(w.keep_alive, 43_200 * MINUTE * 11 / 10);
}
