//! Daily schedules of instance counts: "10 instances from 08:00 to 20:00, 2 at night".
//!
//! Used by provisioned concurrency (and later by scheduled fleet scaling). A scenario writes
//!
//! ```toml
//! schedule = [ { from = "08:00", to = "20:00", instances = 10 },
//!              { from = "20:00", to = "08:00", instances = 2 } ]
//! ```
//!
//! Rules, exactly:
//!
//! - **Clock times** are `"HH:MM"` or `"HH:MM:SS"` (the hour may have one digit, minutes and
//!   seconds have two), from `00:00` to `24:00` inclusive; `24:00` is the end of the day and
//!   may only end an entry. See [`parse_clock`].
//! - **An entry covers `[from, to)`**: the level starts at `from` and ends just before `to`.
//!   An entry with `to` earlier than `from` wraps past midnight (`20:00` to `08:00` covers the
//!   night); `to = "00:00"` therefore means "until midnight", like `"24:00"`. `from == to` is
//!   an error: it would be ambiguous between an empty entry and a whole day, so a whole day is
//!   written `from = "00:00", to = "24:00"`.
//! - **Entries may not overlap** (touching at an end point is fine); the error names both.
//! - **Times no entry covers have 0 instances.**
//! - **Simulation time to clock time**: the clock reads `(origin + t) mod 24 h`, where `t` is
//!   simulation time and `origin` the time of day at which the simulation starts
//!   ([`DailySchedule::starting_at`]; 00:00 unless set). Synthetic workloads start at 00:00,
//!   so with them simulation time 0 is midnight of the first day. The schedule knows no
//!   dates, weekdays, time zones or daylight-saving shifts: every day is 24 h and the same.
//!
//! Queries ([`DailySchedule::level_at`], [`DailySchedule::next_change_after`]) are a binary
//! search over the day's change points: O(log entries), no allocation.

use crate::engine::time::{DAY, HOUR, MINUTE, Micros, SECOND};

/// Parses a clock time `"HH:MM"` or `"HH:MM:SS"` (`"00:00"` to `"24:00"` inclusive) into the
/// microseconds since midnight.
pub fn parse_clock(text: &str) -> Result<Micros, String> {
    let bad_form = || {
        format!("'{text}' is not a time of day: write \"HH:MM\" or \"HH:MM:SS\", e.g. \"08:30\"")
    };
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(bad_form());
    }
    let number = |part: &str, max_digits: usize, exact: bool| -> Option<u64> {
        let digits_ok = !part.is_empty()
            && part.len() <= max_digits
            && (!exact || part.len() == max_digits)
            && part.bytes().all(|b| b.is_ascii_digit());
        if digits_ok { part.parse().ok() } else { None }
    };
    let hours = number(parts[0], 2, false).ok_or_else(bad_form)?;
    let minutes = number(parts[1], 2, true).ok_or_else(bad_form)?;
    let seconds = match parts.get(2) {
        Some(part) => number(part, 2, true).ok_or_else(bad_form)?,
        None => 0,
    };
    if hours > 24 {
        return Err(format!(
            "'{text}' is not a time of day: hours run from 00 to 24"
        ));
    }
    if minutes > 59 || seconds > 59 {
        return Err(format!(
            "'{text}' is not a time of day: minutes and seconds run from 00 to 59"
        ));
    }
    if hours == 24 && (minutes, seconds) != (0, 0) {
        return Err(format!(
            "'{text}' is past the end of the day: the latest time is 24:00"
        ));
    }
    Ok(hours * HOUR + minutes * MINUTE + seconds * SECOND)
}

/// Writes a time of day as `"HH:MM"`, or `"HH:MM:SS"` when it has seconds (for messages).
pub fn format_clock(time_of_day: Micros) -> String {
    let total_seconds = time_of_day / SECOND;
    let (h, m, s) = (
        total_seconds / 3600,
        (total_seconds / 60) % 60,
        total_seconds % 60,
    );
    if s == 0 {
        format!("{h:02}:{m:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// A level of instances that repeats every day, with the time of day the simulation starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DailySchedule {
    /// The times of day (in `[0, DAY)`, strictly increasing) where the level changes, with
    /// the level from there on. Empty when the level is the same all day.
    changes: Vec<(Micros, u32)>,
    /// The level all day when `changes` is empty.
    constant: u32,
    /// The time of day at simulation time 0.
    origin: Micros,
}

/// One entry's coverage of the day, after splitting a wrap-around entry at midnight.
#[derive(Clone, Copy)]
struct Span {
    start: Micros,
    end: Micros,
    instances: u32,
    entry: usize,
}

impl DailySchedule {
    /// Builds a schedule from `(from, to, instances)` entries, times of day in microseconds
    /// (as [`parse_clock`] returns them). The simulation starts at 00:00 unless
    /// [`DailySchedule::starting_at`] says otherwise. On error, returns the index of the
    /// offending entry (the later one of two that overlap) and a message.
    pub fn new(entries: &[(Micros, Micros, u32)]) -> Result<Self, (usize, String)> {
        let mut spans = Vec::with_capacity(entries.len() + 1);
        for (entry, &(from, to, instances)) in entries.iter().enumerate() {
            if from >= DAY {
                return Err((
                    entry,
                    format!(
                        "from = {} is not a start time: an entry starts before 24:00",
                        format_clock(from)
                    ),
                ));
            }
            if to > DAY {
                return Err((entry, "to is past 24:00, the end of the day".to_string()));
            }
            if from == to {
                return Err((
                    entry,
                    format!(
                        "from and to are both {}: an entry must cover part of the day (for \
                         the whole day write from = \"00:00\", to = \"24:00\")",
                        format_clock(from)
                    ),
                ));
            }
            let span = |start, end| Span {
                start,
                end,
                instances,
                entry,
            };
            if from < to {
                spans.push(span(from, to));
            } else {
                spans.push(span(from, DAY));
                if to > 0 {
                    spans.push(span(0, to));
                }
            }
        }
        spans.sort_by_key(|s| (s.start, s.entry));
        for pair in spans.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            if a.end > b.start {
                let (first, second) = (a.entry.min(b.entry), a.entry.max(b.entry));
                return Err((
                    second,
                    format!(
                        "overlaps entry {} ({} to {}) from {} to {}: entries may touch but \
                         not overlap",
                        first + 1,
                        format_clock(entries[first].0),
                        format_clock(entries[first].1),
                        format_clock(b.start),
                        format_clock(a.end.min(b.end)),
                    ),
                ));
            }
        }
        Ok(Self::from_spans(&spans))
    }

    /// The step function of non-overlapping spans sorted by start.
    fn from_spans(spans: &[Span]) -> Self {
        // Levels at every span boundary, in order of time of day: a boundary takes the level
        // of the span starting there, else 0 (a span ends there and no other begins).
        let mut steps: Vec<(Micros, u32)> = Vec::with_capacity(2 * spans.len() + 1);
        let mut push = |time: Micros, level: u32| match steps.last_mut() {
            Some(last) if last.0 == time => last.1 = level,
            _ => steps.push((time, level)),
        };
        push(0, 0);
        for span in spans {
            push(span.start, span.instances);
            if span.end < DAY {
                push(span.end, 0);
            }
        }
        // `push` overwrote an end's 0 by a start at the same time (spans are sorted and
        // disjoint, so a later start never precedes an earlier end). Keep real changes only,
        // comparing cyclically: the level before 00:00 is the last step's.
        let before_midnight = steps.last().map_or(0, |s| s.1);
        let mut changes = Vec::with_capacity(steps.len());
        let mut previous = before_midnight;
        for &(time, level) in &steps {
            if level != previous {
                changes.push((time, level));
                previous = level;
            }
        }
        Self {
            changes,
            constant: before_midnight,
            origin: 0,
        }
    }

    /// The same schedule for a simulation that starts at `origin`, a time of day before
    /// 24:00.
    pub fn starting_at(mut self, origin: Micros) -> Result<Self, String> {
        if origin >= DAY {
            return Err(format!(
                "the simulation's start time {} is not before 24:00",
                format_clock(origin)
            ));
        }
        self.origin = origin;
        Ok(self)
    }

    /// The time of day at simulation time 0.
    pub fn origin(&self) -> Micros {
        self.origin
    }

    /// The time of day at simulation time `t`.
    fn clock(&self, t: Micros) -> Micros {
        (self.origin + t % DAY) % DAY
    }

    /// How many instances the schedule asks for at simulation time `t`.
    pub fn level_at(&self, t: Micros) -> u32 {
        if self.changes.is_empty() {
            return self.constant;
        }
        let clock = self.clock(t);
        let after = self.changes.partition_point(|c| c.0 <= clock);
        match after {
            0 => self.changes[self.changes.len() - 1].1,
            i => self.changes[i - 1].1,
        }
    }

    /// The first simulation time after `t` at which the level changes; `None` if it never
    /// does (the same level all day), or if that time would be past [`Micros::MAX`].
    pub fn next_change_after(&self, t: Micros) -> Option<Micros> {
        let first = self.changes.first()?;
        let clock = self.clock(t);
        let after = self.changes.partition_point(|c| c.0 <= clock);
        let wait = match self.changes.get(after) {
            Some(change) => change.0 - clock,
            None => DAY - clock + first.0,
        };
        t.checked_add(wait)
    }

    /// The day's changes in order of time of day: `(time of day, new level)`. Empty when
    /// the level is the same all day.
    pub fn changes(&self) -> impl Iterator<Item = (Micros, u32)> + '_ {
        self.changes.iter().copied()
    }

    /// The highest level of the day (the most instances ever asked for).
    pub fn max_level(&self) -> u32 {
        self.changes
            .iter()
            .map(|c| c.1)
            .max()
            .unwrap_or(self.constant)
    }
}

#[cfg(test)]
mod tests {
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
        assert!(message.contains("entry 1 (08:00 to 20:00)"), "{message}");
        assert!(message.contains("from 19:00 to 20:00"), "{message}");
        // An overlap just after midnight, of a wrapping entry given second.
        let (entry, message) =
            DailySchedule::new(&[(H, 3 * H, 2), (22 * H, 2 * H, 1)]).unwrap_err();
        assert_eq!(entry, 1);
        assert!(message.contains("entry 1 (01:00 to 03:00)"), "{message}");
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
}
