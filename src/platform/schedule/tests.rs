//! Unit tests of the daily schedule: hand-made cases, and a property check against a
//! minute-by-minute reading of the entries.

use super::*;

const H: Micros = HOUR;

fn day_and_night() -> DailySchedule {
    DailySchedule::new(&[(8 * H, 20 * H, 10), (20 * H, 8 * H, 2)]).unwrap()
}

#[test]
fn clock_times_parse_to_microseconds_since_midnight() {
    assert_eq!(parse_clock("08:00"), Ok(8 * H));
    assert_eq!(parse_clock("8:30"), Ok(8 * H + 30 * MINUTE));
    assert_eq!(parse_clock("00:00"), Ok(0));
    assert_eq!(parse_clock("23:59:59"), Ok(DAY - SECOND));
    assert_eq!(parse_clock("24:00"), Ok(DAY));
    assert_eq!(parse_clock("24:00:00"), Ok(DAY));
    assert_eq!(parse_clock(" 12:15 "), Ok(12 * H + 15 * MINUTE));
}

#[test]
fn malformed_clock_times_say_what_is_wrong() {
    for text in [
        "12",
        "12:5",
        "ab:cd",
        "12:00:00:00",
        "",
        "-1:00",
        "123:00",
        "8h",
    ] {
        let message = parse_clock(text).unwrap_err();
        assert!(message.contains("HH:MM"), "{text}: {message}");
    }
    assert!(parse_clock("25:00").unwrap_err().contains("00 to 24"));
    assert!(parse_clock("12:60").unwrap_err().contains("00 to 59"));
    assert!(parse_clock("12:00:60").unwrap_err().contains("00 to 59"));
    assert!(
        parse_clock("24:01")
            .unwrap_err()
            .contains("latest time is 24:00")
    );
}

#[test]
fn clock_times_format_back() {
    assert_eq!(format_clock(8 * H + 5 * MINUTE), "08:05");
    assert_eq!(format_clock(DAY), "24:00");
    assert_eq!(format_clock(SECOND), "00:00:01");
}

#[test]
fn day_and_night_levels() {
    let s = day_and_night();
    assert_eq!(s.level_at(0), 2);
    assert_eq!(s.level_at(8 * H - 1), 2);
    assert_eq!(s.level_at(8 * H), 10);
    assert_eq!(s.level_at(20 * H - 1), 10);
    assert_eq!(s.level_at(20 * H), 2);
    assert_eq!(s.level_at(DAY + 12 * H), 10);
    assert_eq!(s.changes().collect::<Vec<_>>(), [(8 * H, 10), (20 * H, 2)]);
    assert_eq!(s.max_level(), 10);
}

#[test]
fn next_change_walks_across_days() {
    let s = day_and_night();
    assert_eq!(s.next_change_after(0), Some(8 * H));
    assert_eq!(s.next_change_after(8 * H), Some(20 * H));
    assert_eq!(s.next_change_after(20 * H), Some(DAY + 8 * H));
    assert_eq!(s.next_change_after(DAY + 9 * H), Some(DAY + 20 * H));
    assert_eq!(s.next_change_after(3 * DAY - 1), Some(3 * DAY + 8 * H));
}

#[test]
fn origin_shifts_the_clock() {
    let s = day_and_night().starting_at(6 * H).unwrap();
    assert_eq!(s.origin(), 6 * H);
    assert_eq!(s.level_at(0), 2);
    assert_eq!(s.level_at(2 * H), 10);
    assert_eq!(s.level_at(14 * H), 2);
    assert_eq!(s.next_change_after(0), Some(2 * H));
    assert_eq!(s.next_change_after(2 * H), Some(14 * H));
    assert_eq!(s.next_change_after(14 * H), Some(DAY + 2 * H));
    assert!(day_and_night().starting_at(DAY).is_err());
}

#[test]
fn uncovered_times_have_no_instances() {
    let s = DailySchedule::new(&[(9 * H, 17 * H, 5)]).unwrap();
    assert_eq!(s.level_at(8 * H), 0);
    assert_eq!(s.level_at(9 * H), 5);
    assert_eq!(s.level_at(17 * H), 0);
    assert_eq!(s.next_change_after(17 * H), Some(DAY + 9 * H));
    let empty = DailySchedule::new(&[]).unwrap();
    assert_eq!(empty.level_at(5 * H), 0);
    assert_eq!(empty.next_change_after(0), None);
    assert_eq!(empty.max_level(), 0);
}

#[test]
fn a_whole_day_never_changes() {
    let s = DailySchedule::new(&[(0, DAY, 3)]).unwrap();
    assert_eq!(s.level_at(0), 3);
    assert_eq!(s.level_at(DAY - 1), 3);
    assert_eq!(s.next_change_after(12 * H), None);
    assert_eq!(s.changes().count(), 0);
    assert_eq!(s.max_level(), 3);
}

#[test]
fn touching_entries_with_one_level_merge() {
    let s = DailySchedule::new(&[(12 * H, 20 * H, 4), (8 * H, 12 * H, 4)]).unwrap();
    assert_eq!(s.changes().collect::<Vec<_>>(), [(8 * H, 4), (20 * H, 0)]);
    assert_eq!(s.next_change_after(8 * H), Some(20 * H));
}

#[test]
fn midnight_ends_24_00_and_00_00_agree() {
    let by_24 = DailySchedule::new(&[(20 * H, DAY, 3)]).unwrap();
    let by_00 = DailySchedule::new(&[(20 * H, 0, 3)]).unwrap();
    assert_eq!(by_24, by_00);
    assert_eq!(by_00.level_at(23 * H), 3);
    assert_eq!(by_00.level_at(DAY), 0);
    // An evening entry ending at 24:00 and a morning one from 00:00 join over midnight.
    let joined = DailySchedule::new(&[(20 * H, DAY, 1), (0, 6 * H, 1)]).unwrap();
    assert_eq!(
        joined.changes().collect::<Vec<_>>(),
        [(6 * H, 0), (20 * H, 1)]
    );
    assert_eq!(joined.next_change_after(21 * H), Some(DAY + 6 * H));
}

#[test]
fn empty_entries_are_errors() {
    let (entry, message) = DailySchedule::new(&[(0, 6 * H, 1), (8 * H, 8 * H, 3)]).unwrap_err();
    assert_eq!(entry, 1);
    assert!(message.contains("both 08:00"), "{message}");
    assert!(message.contains("\"24:00\""), "{message}");
    let (entry, message) = DailySchedule::new(&[(DAY, 6 * H, 1)]).unwrap_err();
    assert_eq!(entry, 0);
    assert!(message.contains("before 24:00"), "{message}");
    assert_eq!(DailySchedule::new(&[(0, DAY + 1, 1)]).unwrap_err().0, 0);
}

#[test]
fn overlaps_name_both_entries() {
    let (entry, message) =
        DailySchedule::new(&[(8 * H, 20 * H, 10), (19 * H, 21 * H, 1)]).unwrap_err();
    assert_eq!(entry, 1);
    assert!(message.contains("entry [0] (08:00 to 20:00)"), "{message}");
    assert!(message.contains("from 19:00 to 20:00"), "{message}");
    // An overlap just after midnight, of a wrapping entry given second.
    let (entry, message) = DailySchedule::new(&[(H, 3 * H, 2), (22 * H, 2 * H, 1)]).unwrap_err();
    assert_eq!(entry, 1);
    assert!(message.contains("entry [0] (01:00 to 03:00)"), "{message}");
    assert!(message.contains("from 01:00 to 02:00"), "{message}");
    // One entry inside another.
    let (entry, message) =
        DailySchedule::new(&[(8 * H, 20 * H, 10), (9 * H, 10 * H, 1)]).unwrap_err();
    assert_eq!(entry, 1);
    assert!(message.contains("from 09:00 to 10:00"), "{message}");
}

#[test]
fn far_times_neither_panic_nor_wrap() {
    let s = day_and_night();
    // u64::MAX µs is 18,446,744,073,709.551615 s = 213,503,982 days + 28,909.551615 s:
    // clock 08:01:49.551615, daytime.
    assert_eq!(s.level_at(Micros::MAX), 10);
    assert_eq!(s.next_change_after(Micros::MAX), None);
    // Starting at 23:00 moves that clock to 07:01:49.551615 the next day: night.
    let late = day_and_night().starting_at(23 * H).unwrap();
    assert_eq!(late.level_at(Micros::MAX), 2);
}

/// The level at minute `m` of the day read straight from the entries (whole minutes), and
/// how many entries cover that minute.
fn naive_minute(entries: &[(u64, u64, u32)], m: u64) -> (u32, usize) {
    let covering: Vec<u32> = entries
        .iter()
        .filter(|&&(from, to, _)| {
            if from < to {
                from <= m && m < to
            } else {
                m >= from || m < to
            }
        })
        .map(|e| e.2)
        .collect();
    (covering.first().copied().unwrap_or(0), covering.len())
}

proptest::proptest! {
    #[test]
    fn agrees_with_a_minute_by_minute_reading(
        raw in proptest::collection::vec((0u64..1440, 0u64..=1440, 0u32..4), 0..5),
        origin_minute in 0u64..1440,
        probe_minute in 0u64..(3 * 1440),
        probe_offset in 0u64..MINUTE,
    ) {
        // from == to is an error of its own (tested above); keep the rest.
        let entries: Vec<(u64, u64, u32)> = raw.into_iter().filter(|e| e.0 != e.1).collect();
        let in_micros: Vec<(Micros, Micros, u32)> =
            entries.iter().map(|&(f, t, n)| (f * MINUTE, t * MINUTE, n)).collect();
        let overlapping = (0..1440).any(|m| naive_minute(&entries, m).1 > 1);
        let built = DailySchedule::new(&in_micros);
        proptest::prop_assert_eq!(built.is_err(), overlapping);
        let Ok(schedule) = built else { return Ok(()) };
        let schedule = schedule.starting_at(origin_minute * MINUTE).unwrap();
        let clock_minute = |sim_minute: u64| (origin_minute + sim_minute) % 1440;
        let t = probe_minute * MINUTE + probe_offset;
        let level = naive_minute(&entries, clock_minute(probe_minute)).0;
        proptest::prop_assert_eq!(schedule.level_at(t), level);
        let next = (probe_minute + 1..=probe_minute + 1440)
            .find(|&m| naive_minute(&entries, clock_minute(m)).0 != level)
            .map(|m| m * MINUTE);
        proptest::prop_assert_eq!(schedule.next_change_after(t), next);
    }
}

#[test]
fn instance_time_integrates_the_level_over_whole_days_and_the_rest() {
    // 10 from 08:00 to 20:00, 2 at night: a day holds 12 h x 10 + 12 h x 2 = 144
    // instance-hours. [0, 2 h): 2 x 2 = 4; [0, 10 h): 8 x 2 + 2 x 10 = 36;
    // [0, 1 d 10 h): 144 + 36 = 180.
    let s = day_and_night();
    let ih = |n: u128| n * u128::from(H);
    assert_eq!(s.instance_time(0), 0);
    assert_eq!(s.instance_time(2 * H), ih(4));
    assert_eq!(s.instance_time(10 * H), ih(36));
    assert_eq!(s.instance_time(DAY), ih(144));
    assert_eq!(s.instance_time(DAY + 10 * H), ih(180));
    // Starting at 21:00: [0, 12 h) runs 21:00 .. 09:00: 11 h x 2 + 1 h x 10 = 32.
    let late = day_and_night().starting_at(21 * H).unwrap();
    assert_eq!(late.instance_time(12 * H), ih(32));
    assert_eq!(late.instance_time(3 * DAY), ih(3 * 144));
}
