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
    /// [`DailySchedule::starting_at`] says otherwise. On error, returns the 0-based index of
    /// the offending entry (the later one of two that overlap) and a message; a message
    /// naming another entry writes it `entry [i]`, 0-based like scenario field paths.
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
                        "overlaps entry [{}] ({} to {}) from {} to {}: entries may touch but \
                         not overlap",
                        first,
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

    /// Instance time the schedule asks for over simulation time `[0, to)`, in instance-µs:
    /// whole days at the day's total, then the rest walked change by change.
    pub fn instance_time(&self, to: Micros) -> u128 {
        let walk = |end: Micros| {
            let (mut t, mut sum) = (0, 0u128);
            while t < end {
                let next = self.next_change_after(t).map_or(end, |n| n.min(end));
                sum += u128::from(self.level_at(t)) * u128::from(next - t);
                t = next;
            }
            sum
        };
        u128::from(to / DAY) * walk(DAY) + walk(to % DAY)
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
mod tests;
