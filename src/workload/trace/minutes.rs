//! Streaming an Azure 2019 trace minute by minute, in time order, without holding its matrix.
//!
//! The files are function-major (a row per function, a column per minute) but the replay is
//! minute-major. Method: when a day file starts, one scan of its lines records, for each
//! *selected* row, the byte offset where its minute columns begin (a cursor). Minutes are then
//! read in blocks: for each cursor, seek to it, parse the block's fields, move the cursor past
//! them. A block covers as many minutes as fit in about a million counts (all of a day when
//! functions are few; ~100 minutes for 10,000 functions), so the file is read about twice per
//! deployment (the cursor scan, then the fields), mostly sequentially from the page cache.
//!
//! Inside a minute, each function with n invocations (after the rate multiplier) yields its
//! arrival times in increasing order: uniformly at random via sequential uniform order
//! statistics (after k of n points, the next is the minimum of n - k uniforms above the last:
//! `1 - U' = (1 - U) * V^(1 / (n - k))`, V uniform), or evenly spaced at (i + 1/2) / n of the
//! minute. A heap keyed by (offset in the minute, row) merges the functions, so ties break by
//! row order.
//!
//! Execution times follow the day (`azure2019_meta`'s rule): when a day file opens, the
//! durations files of every day up to it not yet applied are read, and each function they
//! list samples from that day's figure from then on; a day without a file, or whose file
//! lacks the function, keeps the nearest earlier day's figure (or, before any day lists it,
//! the function table's: its earliest listed day's).
//!
//! Memory: cursors, per-row minute state, the heap and one execution-time distribution per
//! function are O(selected functions); the block is at most ~4 MB. Cursors are rebuilt for
//! each day file. Nothing grows with invocations, minutes or days.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::collections::binary_heap::PeekMut;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rand_distr::{Distribution, Exp1};

use super::Spread;
use super::azure2019::{DayFile, Replay, key, memchr_commas, read_header};
use super::azure2019_meta;
use super::csvio::{LineReader, error, unquote};
use super::shape::{Multiplier, Requests};
use crate::engine::time::MINUTE;
use crate::error::TraceError;
use crate::rng::{Purpose, SimRng, Streams};
use crate::workload::{FunctionId, FunctionSpec, Request};

/// Counts held per block (4 bytes each).
const BLOCK_CELLS: usize = 1 << 20;

/// The row part of a heap key.
const ROW_MASK: u64 = (1 << 32) - 1;

struct Cursor {
    /// Byte offset of the row's next unread minute field.
    pos: u64,
    line: u64,
    function: FunctionId,
}

struct Day {
    file: File,
    path: PathBuf,
    cursors: Vec<Cursor>,
    /// Name (number) of the file's first minute column, for messages.
    first_minute: u64,
    /// Trace minute of the file's first minute column.
    first: u64,
    /// Next minute column to read and the end of the columns to replay (indices).
    next_col: u64,
    end_col: u64,
}

/// Arrival state of one row inside the current minute.
#[derive(Clone, Copy, Default)]
struct Slot {
    n: u64,
    left: u64,
    /// 1 - (the last uniform order statistic drawn).
    w: f64,
}

/// The request stream of an Azure 2019 trace.
pub struct MinuteStream {
    replay: Arc<Replay>,
    next_day: usize,
    /// Durations files applied so far (days `0..applied`).
    applied: usize,
    day: Option<Day>,
    multiplier: Multiplier,
    requests: Requests,
    arrivals: Vec<SimRng>,
    /// Counts of the current block, minute-major: `counts[minute * rows + row]`.
    counts: Vec<u32>,
    block: usize,
    in_block: usize,
    block_first: u64,
    slots: Vec<Slot>,
    /// Function of each row of the current day file.
    row_functions: Vec<FunctionId>,
    /// Next arrival of each row with arrivals left in the current minute, keyed by
    /// (offset in the minute (µs) << 32 | row): one integer compare orders by time, then row.
    heap: BinaryHeap<Reverse<u64>>,
    minute_t0: i64,
    buf: Vec<u8>,
}

impl MinuteStream {
    pub fn new(replay: Arc<Replay>, functions: &[FunctionSpec], streams: Streams) -> Self {
        Self {
            multiplier: Multiplier::new(replay.multiplier),
            replay,
            next_day: 0,
            applied: 0,
            day: None,
            requests: Requests::new(functions, streams),
            arrivals: functions
                .iter()
                .map(|f| streams.stream(Purpose::Arrivals, f.stream_id()))
                .collect(),
            counts: Vec::new(),
            block: 0,
            in_block: 0,
            block_first: 0,
            slots: Vec::new(),
            row_functions: Vec::new(),
            heap: BinaryHeap::new(),
            minute_t0: 0,
            buf: Vec::new(),
        }
    }

    /// The next request in arrival order.
    #[inline]
    pub fn next_request(&mut self) -> Result<Option<Request>, TraceError> {
        loop {
            if let Some(mut top) = self.heap.peek_mut() {
                let Reverse(key) = *top;
                let row = (key & ROW_MASK) as usize;
                let function = self.row_functions[row];
                let rng = &mut self.arrivals[function as usize];
                match draw(&mut self.slots[row], rng, self.replay.spread) {
                    // Replacing the top sifts once, instead of a pop and a push.
                    Some(next) => *top = Reverse(next << 32 | row as u64),
                    None => {
                        PeekMut::pop(top);
                    }
                }
                let at = self
                    .replay
                    .clock
                    .sim_time(self.minute_t0 + (key >> 32) as i64);
                return Ok(Some(self.requests.make(function, at, None)));
            }
            if !self.next_minute()? {
                return Ok(None);
            }
        }
    }

    /// Sets up the next minute's first arrivals; `false` when the trace is exhausted.
    fn next_minute(&mut self) -> Result<bool, TraceError> {
        loop {
            if self.in_block < self.block {
                let m = self.in_block;
                self.in_block += 1;
                self.minute_t0 = ((self.block_first + m as u64) * MINUTE) as i64;
                let rows = self.row_functions.len();
                for row in 0..rows {
                    let n = self.counts[m * rows + row];
                    if n == 0 {
                        continue;
                    }
                    let function = self.row_functions[row];
                    let n = self
                        .multiplier
                        .scale_count(u64::from(n), self.requests.trace_rng(function));
                    let slot = &mut self.slots[row];
                    *slot = Slot { n, left: n, w: 1.0 };
                    let rng = &mut self.arrivals[function as usize];
                    if let Some(offset) = draw(slot, rng, self.replay.spread) {
                        self.heap.push(Reverse(offset << 32 | row as u64));
                    }
                }
                return Ok(true);
            }
            if !self.next_block()? {
                return Ok(false);
            }
        }
    }

    /// Reads the next block of minute counts, opening the next day file when one ends.
    fn next_block(&mut self) -> Result<bool, TraceError> {
        loop {
            if let Some(day) = &mut self.day {
                if day.next_col < day.end_col {
                    let rows = day.cursors.len();
                    let block = (BLOCK_CELLS / rows.max(1)).max(1) as u64;
                    let block = block.min(day.end_col - day.next_col) as usize;
                    self.counts.clear();
                    self.counts.resize(rows * block, 0);
                    let minute = day.first_minute + day.next_col;
                    for (r, cur) in day.cursors.iter_mut().enumerate() {
                        let counts = &mut self.counts;
                        let at = (&mut day.file, day.path.as_path(), minute);
                        read_fields(at, cur, block, &mut self.buf, |j, v| {
                            counts[j * rows + r] = v;
                        })?;
                    }
                    self.slots.clear();
                    self.slots.resize(rows, Slot::default());
                    self.block = block;
                    self.in_block = 0;
                    self.block_first = day.first + day.next_col;
                    day.next_col += block as u64;
                    return Ok(true);
                }
                self.day = None;
            }
            let r = &self.replay;
            let Some(d) = r.days.get(self.next_day) else {
                return Ok(false);
            };
            self.next_day += 1;
            let lo = r.start.max(d.first);
            let hi = r.end.min(d.first + d.header.minutes);
            if lo < hi {
                // Day index next_day - 1 opens: its durations and any earlier day's.
                let upto = self.next_day.min(r.durations.len());
                for path in &r.durations[self.applied.min(upto)..upto] {
                    let requests = &mut self.requests;
                    azure2019_meta::day_durations(path, &r.ids, |f, dist| {
                        requests.set_exec(f, dist);
                    })?;
                }
                self.applied = self.applied.max(upto);
                let day = open_day(d, r, lo - d.first, hi - d.first, &mut self.buf)?;
                self.row_functions.clear();
                self.row_functions
                    .extend(day.cursors.iter().map(|c| c.function));
                self.day = Some(day);
            }
        }
    }
}

/// The offset (µs into the minute) of the next arrival of a row, if it has any left.
#[inline]
fn draw(s: &mut Slot, rng: &mut SimRng, spread: Spread) -> Option<u64> {
    if s.left == 0 {
        return None;
    }
    let offset = match spread {
        Spread::Uniform => {
            // V^(1/k) for V uniform is exp(-E/k) for E ~ Exp(1); the ziggurat draw of E and
            // one exp are cheaper than a ln and a pow.
            let e: f64 = Exp1.sample(rng);
            s.w *= (-e / s.left as f64).exp();
            (((1.0 - s.w) * MINUTE as f64) as u64).min(MINUTE - 1)
        }
        Spread::Even => {
            let i = u128::from(s.n - s.left);
            ((2 * i + 1) * u128::from(MINUTE / 2) / u128::from(s.n)) as u64
        }
    };
    s.left -= 1;
    Some(offset)
}

/// Opens a day file: checks its header, records a cursor per selected row, and moves the
/// cursors to minute column `from`.
fn open_day(
    d: &DayFile,
    replay: &Replay,
    from: u64,
    to: u64,
    buf: &mut Vec<u8>,
) -> Result<Day, TraceError> {
    let mut lines = LineReader::open(&d.path)?;
    if read_header(&mut lines)? != d.header {
        return Err(lines.err("header", "the file changed since the scenario was loaded"));
    }
    let h = &d.header;
    let mut cursors = Vec::new();
    let mut cuts = Vec::with_capacity(h.first_col);
    while lines.advance()? {
        let line = lines.current();
        cuts.clear();
        cuts.push(0);
        cuts.extend(memchr_commas(line).take(h.first_col));
        if cuts.len() <= h.first_col {
            return Err(lines.err("(row)", "the file changed since the scenario was loaded"));
        }
        let field = |c: usize| unquote(&line[cuts[c]..cuts[c + 1] - 1]);
        let k = key(field(h.ids[0]), field(h.ids[1]), field(h.ids[2]));
        if let Some(&function) = replay.ids.get(&k) {
            cursors.push(Cursor {
                pos: lines.offset() + cuts[h.first_col] as u64,
                line: lines.line(),
                function,
            });
        }
    }
    let mut file = super::csvio::open(&d.path)?;
    for cur in &mut cursors {
        let at = (&mut file, d.path.as_path(), h.first_minute);
        read_fields(at, cur, from as usize, buf, |_, _| {})?;
    }
    Ok(Day {
        file,
        path: d.path.clone(),
        cursors,
        first_minute: h.first_minute,
        first: d.first,
        next_col: from,
        end_col: to,
    })
}

/// Reads `n` minute fields of the row at `cur`, calling `sink(j, count)`, and moves the
/// cursor past them. The first pass validated the file; errors here mean it changed.
fn read_fields(
    (file, path, minute0): (&mut File, &Path, u64),
    cur: &mut Cursor,
    n: usize,
    buf: &mut Vec<u8>,
    mut sink: impl FnMut(usize, u32),
) -> Result<(), TraceError> {
    if n == 0 {
        return Ok(());
    }
    let line = cur.line;
    let fail = |done: usize, what: &str| {
        error(
            path,
            line,
            format!("minute {}", minute0 + done as u64),
            format!("{what} (the file changed since the scenario was loaded?)"),
        )
    };
    let io = |e: std::io::Error| error(path, line, "(file)", format!("cannot read: {e}"));
    file.seek(SeekFrom::Start(cur.pos)).map_err(io)?;
    buf.resize((n * 8 + 64).min(1 << 16), 0);
    let (mut value, mut digits, mut done, mut pos) = (0u64, 0u32, 0usize, cur.pos);
    loop {
        let got = file.read(buf).map_err(io)?;
        if got == 0 {
            if digits > 0 && done + 1 == n {
                sink(done, value as u32);
                cur.pos = pos;
                return Ok(());
            }
            return Err(fail(done, "the row ends early"));
        }
        for &b in &buf[..got] {
            pos += 1;
            match b {
                b'0'..=b'9' => {
                    value = value * 10 + u64::from(b - b'0');
                    digits += 1;
                    if value > u64::from(u32::MAX) {
                        return Err(fail(done, "count too large"));
                    }
                }
                b',' | b'\n' | b'\r' => {
                    if digits == 0 {
                        return Err(fail(done, "not a count"));
                    }
                    sink(done, value as u32);
                    done += 1;
                    (value, digits) = (0, 0);
                    if done == n {
                        cur.pos = pos;
                        return Ok(());
                    }
                    if b != b',' {
                        return Err(fail(done, "the row ends early"));
                    }
                }
                b' ' | b'\t' => {}
                _ => return Err(fail(done, "not a count")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn uniform_draws_are_sorted_order_statistics() {
        // The k-th of n sorted uniforms has mean k / (n + 1) (a closed form independent of
        // the sequential method used here).
        let mut rng = SimRng::seed_from_u64(3);
        let (n, reps) = (4u64, 100_000);
        let mut sums = [0f64; 4];
        for _ in 0..reps {
            let mut s = Slot { n, left: n, w: 1.0 };
            let mut prev = 0;
            for sum in &mut sums {
                let o = draw(&mut s, &mut rng, Spread::Uniform).expect("points left");
                assert!(o >= prev && o < MINUTE);
                prev = o;
                *sum += o as f64 / MINUTE as f64;
            }
            assert_eq!(draw(&mut s, &mut rng, Spread::Uniform), None);
        }
        for (k, sum) in sums.iter().enumerate() {
            let mean = sum / reps as f64;
            let want = (k + 1) as f64 / (n + 1) as f64;
            // The sd of each mean is below 0.2 / sqrt(100,000) ~ 0.0006.
            assert!((mean - want).abs() < 0.003, "k={k}: {mean} vs {want}");
        }
    }

    #[test]
    fn even_draws_split_the_minute() {
        let mut rng = SimRng::seed_from_u64(3);
        let mut s = Slot {
            n: 3,
            left: 3,
            w: 1.0,
        };
        let got: Vec<u64> = std::iter::from_fn(|| draw(&mut s, &mut rng, Spread::Even)).collect();
        assert_eq!(got, [10 * 1_000_000, 30 * 1_000_000, 50 * 1_000_000]);
    }
}
