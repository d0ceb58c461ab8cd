//! Validating `[workload.trace]`: format, files (relative to the scenario file's folder),
//! selection, shaping, memory and backend calls, into a [`TraceSpec`]. Reading the trace
//! itself is [`crate::workload::trace::load`]'s job.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::faas_settings::FaasKeys;
use super::{Validator, toml_number};
use crate::engine::time::{DAY, MAX_DURATION, MINUTE};
use crate::error::ScenarioError;
use crate::scenario::file::{Paths, TraceFile};
use crate::units::parse_memory_mb;
use crate::workload::trace::{
    Format, MemoryRule, Selection, Shaping, Spread, TraceFiles, TraceInfo, TraceSpec,
    azure2019_layout,
};

type Result<T> = std::result::Result<T, ScenarioError>;

/// Largest rate multiplier: a million copies of every traced invocation is already far past
/// any fleet the simulator can model in reasonable time, and keeps copy counts inside a u32.
const MAX_RATE_MULTIPLIER: f64 = 1e6;

/// Default rounding step of trace memory sizes (Azure Consumption bills memory in 128 MB
/// steps: docs/price-sources.md, "Azure Functions").
const DEFAULT_MEMORY_STEP_MB: u32 = 128;

impl Validator<'_> {
    /// The error for a trace whose selection, replayed at its `time_scale` without a
    /// `duration`, would need a window longer than [`MAX_DURATION`] (the longest a scenario
    /// may simulate): located at `time_scale` when the scenario sets one, with the smallest
    /// time scale that fits the whole trace (2 significant digits, rounded up).
    pub(super) fn trace_past_the_clock(
        &self,
        t: Option<&Spanned<TraceFile>>,
        info: &TraceInfo,
    ) -> ScenarioError {
        let limit = format!("{}d", MAX_DURATION / DAY);
        let scale = info.shaping.time_scale;
        let fits = info.covered as f64 / MAX_DURATION as f64;
        let magnitude = 10f64.powf(fits.log10().floor() - 1.0);
        let fits = (fits / magnitude).ceil() * magnitude;
        let msg = format!(
            "time_scale {} stretches the selected trace past {limit}, the longest window a \
             scenario may simulate (the trace holds {} of trace time): set time_scale to at \
             least {fits:.1e}, or set a duration to replay only its beginning",
            toml_number(scale),
            crate::units::format_duration(info.covered),
        );
        match t.and_then(|t| t.get_ref().time_scale.as_ref()) {
            Some(s) => self.err(s, "workload.trace.time_scale", msg),
            None => self.src.file_error("duration", msg),
        }
    }

    /// Validates a `[workload.trace]` table; `seed` is the scenario file's seed.
    pub(super) fn trace(&self, t: &Spanned<TraceFile>, seed: u64) -> Result<TraceSpec> {
        let f = t.get_ref();
        let field = |k: &str| format!("workload.trace.{k}");
        let format = Format::parse(f.format.get_ref()).ok_or_else(|| {
            self.err(
                &f.format,
                field("format"),
                format!(
                    "unknown trace format '{}' (use azure2019, azure2021 or csv)",
                    f.format.get_ref()
                ),
            )
        })?;
        let variant = format!("format = \"{}\"", format.name());
        let memory = self.trace_memory(f, format)?;
        let files = match format {
            Format::Azure2019 => {
                self.not_for(
                    &f.file,
                    &field("file"),
                    &format!("{variant} (use invocations, durations and memory_file, or dir)"),
                )?;
                match &f.dir {
                    Some(dir) => self.trace_dir(f, dir, memory)?,
                    None => self.trace_lists(f, t, memory)?,
                }
            }
            Format::Azure2021 | Format::Csv => {
                self.not_for(&f.dir, &field("dir"), &format!("{variant} (use file)"))?;
                for (v, k) in [
                    (&f.invocations, "invocations"),
                    (&f.durations, "durations"),
                    (&f.memory_file, "memory_file"),
                ] {
                    self.not_for(v, &field(k), &format!("{variant} (use file)"))?;
                }
                let file = self.required(
                    &f.file,
                    t,
                    &field("file"),
                    "the trace file, e.g. file = \"trace.csv\"",
                )?;
                let mut p = self.paths(
                    &Spanned::new(file.span(), Paths::One(file.get_ref().clone())),
                    &field("file"),
                )?;
                TraceFiles::Single(p.remove(0))
            }
        };
        if format != Format::Azure2019 {
            self.not_for(&f.spread, &field("spread"), &variant)?;
        }
        if format != Format::Csv {
            self.not_for(&f.sort, &field("sort"), &variant)?;
            self.not_for(&f.execution, &field("execution"), &variant)?;
        }
        let spread = match f.spread.as_ref().map(|s| (s, s.get_ref().as_str())) {
            None | Some((_, "uniform")) => Spread::Uniform,
            Some((_, "even")) => Spread::Even,
            Some((s, other)) => {
                return Err(self.err(
                    s,
                    field("spread"),
                    format!("unknown spread '{other}' (use uniform or even)"),
                ));
            }
        };
        let spec = TraceSpec {
            format,
            files,
            selection: self.trace_selection(f, format, seed)?,
            shaping: self.trace_shaping(f)?,
            memory,
            spread,
            sort: f.sort.as_ref().is_some_and(|s| *s.get_ref()),
            execution: f
                .execution
                .as_ref()
                .map(|e| self.distribution(e, &field("execution")))
                .transpose()?,
            calls: self.calls(&f.calls, "workload.trace")?,
            horizon: None,
            faas: self.faas_settings(&FaasKeys::of_trace(f), "workload.trace")?,
        };
        // The files last, so that mistakes in the table itself are reported first.
        match &spec.files {
            TraceFiles::Azure2019 {
                invocations,
                durations,
                memory,
            } => {
                for (v, k, paths) in [
                    (&f.invocations, "invocations", invocations),
                    (&f.durations, "durations", durations),
                    (&f.memory_file, "memory_file", memory),
                ] {
                    if let Some(v) = v {
                        self.readable(v, &field(k), paths)?;
                    }
                }
            }
            TraceFiles::Single(path) => {
                if let Some(file) = &f.file {
                    self.readable(file, &field("file"), std::slice::from_ref(path))?;
                }
            }
        }
        Ok(spec)
    }

    /// The Azure 2019 files named by `invocations`, `durations` and `memory_file`.
    fn trace_lists(
        &self,
        f: &TraceFile,
        t: &Spanned<TraceFile>,
        memory: MemoryRule,
    ) -> Result<TraceFiles> {
        let field = |k: &str| format!("workload.trace.{k}");
        let inv = self.required(&f.invocations, t, &field("invocations"), "the invocation file(s), e.g. invocations = \"invocations.csv\", a list of day files, or dir = \"<folder of the public dataset's day files>\"")?;
        let dur = self.required(
            &f.durations,
            t,
            &field("durations"),
            "the duration percentile file(s), e.g. durations = \"durations.csv\"",
        )?;
        let mem = match (&f.memory_file, memory) {
            (Some(m), _) => self.paths(m, &field("memory_file"))?,
            (None, MemoryRule::Fixed(_)) => Vec::new(),
            (None, MemoryRule::Trace { .. }) => {
                return Err(self.err(t, field("memory_file"), "missing: the memory file, e.g. memory_file = \"memory.csv\" (or set memory = \"<size>\")"));
            }
        };
        Ok(TraceFiles::Azure2019 {
            invocations: self.paths(inv, &field("invocations"))?,
            durations: self.paths(dur, &field("durations"))?,
            memory: mem,
        })
    }

    /// The Azure 2019 day files found in the folder `dir` (see `azure2019_layout`).
    fn trace_dir(
        &self,
        f: &TraceFile,
        dir: &Spanned<String>,
        memory: MemoryRule,
    ) -> Result<TraceFiles> {
        let field = |k: &str| format!("workload.trace.{k}");
        for (v, k) in [
            (&f.invocations, "invocations"),
            (&f.durations, "durations"),
            (&f.memory_file, "memory_file"),
        ] {
            if let Some(v) = v {
                return Err(self.err(
                    v,
                    field(k),
                    "give dir (the folder of the public dataset's day files) or the file \
                     lists invocations, durations and memory_file, not both",
                ));
            }
        }
        if dir.get_ref().trim().is_empty() {
            return Err(self.err(
                dir,
                field("dir"),
                "must name a folder (\".\" = this file's)",
            ));
        }
        let base = self.src.file.parent().unwrap_or(Path::new(""));
        let need_memory = matches!(memory, MemoryRule::Trace { .. });
        let found = azure2019_layout::find(&base.join(dir.get_ref()), need_memory)
            .map_err(|m| self.err(dir, field("dir"), m))?;
        Ok(TraceFiles::Azure2019 {
            invocations: found.invocations,
            durations: found.durations,
            memory: found.memory,
        })
    }

    /// Resolves one path or a list against the scenario file's folder.
    fn paths(&self, p: &Spanned<Paths>, field: &str) -> Result<Vec<PathBuf>> {
        let list: Vec<&String> = match p.get_ref() {
            Paths::One(s) => vec![s],
            Paths::Many(v) => v.iter().collect(),
        };
        if list.is_empty() || list.iter().any(|s| s.trim().is_empty()) {
            return Err(self.err(p, field, "must name at least one file, and no empty path"));
        }
        let base = self.src.file.parent().unwrap_or(Path::new(""));
        Ok(list.into_iter().map(|s| base.join(s)).collect())
    }

    /// Checks that every file of `paths`, named at `at` in the scenario, can be read: a
    /// missing trace file is the scenario's mistake, located where the scenario names it.
    fn readable<T>(&self, at: &Spanned<T>, field: &str, paths: &[PathBuf]) -> Result<()> {
        for path in paths {
            let problem = match std::fs::metadata(path) {
                Ok(m) if m.is_file() => continue,
                Ok(_) => format!("'{}' is not a file", path.display()),
                Err(e) => format!("cannot read '{}': {e}", path.display()),
            };
            return Err(self.err(at, field, problem));
        }
        Ok(())
    }

    fn trace_selection(&self, f: &TraceFile, format: Format, seed: u64) -> Result<Selection> {
        let field = |k: &str| format!("workload.trace.{k}");
        let start = match &f.start {
            Some(s) => self.duration(s, &field("start"))?,
            None => 0,
        };
        let end = match (&f.end, &f.window) {
            (Some(_), Some(w)) => {
                return Err(self.err(w, field("window"), "give end or window, not both"));
            }
            (Some(e), None) => {
                let end = self.duration(e, &field("end"))?;
                if end <= start {
                    return Err(self.err(e, field("end"), "must be after start"));
                }
                Some(end)
            }
            (None, Some(w)) => Some(start + self.positive_duration(w, &field("window"))?),
            (None, None) => None,
        };
        if format == Format::Azure2019 {
            for (v, k) in [(&f.start, "start"), (&f.end, "end"), (&f.window, "window")] {
                if let Some(v) = v {
                    if self.duration(v, &field(k))? % MINUTE != 0 {
                        return Err(self.err(
                            v,
                            field(k),
                            "the 2019 trace counts invocations per minute: use whole minutes",
                        ));
                    }
                }
            }
        }
        let positive = |v: &Option<Spanned<i64>>, k: &str| {
            v.as_ref()
                .map(|n| self.count(n, &field(k), 1, i64::from(u32::MAX)))
                .transpose()
        };
        Ok(Selection {
            start,
            end,
            top_functions: positive(&f.top_functions, "top_functions")?,
            sample_apps: positive(&f.sample_apps, "sample_apps")?,
            sample_seed: match &f.sample_seed {
                Some(s) if *s.get_ref() < 0 => {
                    let msg = format!(
                        "must be a whole number from 0 to {} (got {})",
                        i64::MAX,
                        s.get_ref()
                    );
                    return Err(self.err(s, field("sample_seed"), msg));
                }
                Some(s) => *s.get_ref() as u64,
                None => seed,
            },
        })
    }

    fn trace_shaping(&self, f: &TraceFile) -> Result<Shaping> {
        let field = |k: &str| format!("workload.trace.{k}");
        let mut shaping = Shaping::default();
        if let Some(s) = &f.time_scale {
            let v = *s.get_ref();
            if !(v.is_finite() && v > 0.0) {
                return Err(self.err(
                    s,
                    field("time_scale"),
                    format!(
                        "must be a finite number greater than zero (got {}; 10 = replay ten \
                         times faster)",
                        toml_number(v)
                    ),
                ));
            }
            shaping.time_scale = v;
        }
        if let Some(r) = &f.rate_multiplier {
            let v = *r.get_ref();
            if !(v.is_finite() && (0.0..=MAX_RATE_MULTIPLIER).contains(&v)) {
                return Err(self.err(
                    r,
                    field("rate_multiplier"),
                    format!(
                        "must be a number from 0 to {MAX_RATE_MULTIPLIER:e} (got {}; 2 = \
                         twice the traffic)",
                        toml_number(v)
                    ),
                ));
            }
            shaping.rate_multiplier = v;
        }
        Ok(shaping)
    }

    fn trace_memory(&self, f: &TraceFile, format: Format) -> Result<MemoryRule> {
        let field = |k: &str| format!("workload.trace.{k}");
        let size = |s: &Spanned<String>, k: &str| -> Result<u32> {
            let mb = parse_memory_mb(s.get_ref()).map_err(|m| self.err(s, field(k), m))?;
            if mb == 0 {
                return Err(self.err(s, field(k), "must be greater than zero"));
            }
            Ok(mb)
        };
        match &f.memory {
            Some(m) if m.get_ref() != "trace" => {
                let v = "a fixed memory size";
                self.not_for(&f.memory_step, &field("memory_step"), v)?;
                self.not_for(&f.memory_fallback, &field("memory_fallback"), v)?;
                Ok(MemoryRule::Fixed(size(m, "memory")?))
            }
            _ => {
                let fallback_mb = f
                    .memory_fallback
                    .as_ref()
                    .map(|s| size(s, "memory_fallback"))
                    .transpose()?;
                if format == Format::Azure2021 && fallback_mb.is_none() {
                    let msg = "the azure2021 trace has no memory sizes: set memory = \"<size>\" (or memory_fallback)";
                    return Err(match &f.memory {
                        Some(m) => self.err(m, field("memory"), msg),
                        None => self.err(&f.format, field("memory"), msg),
                    });
                }
                Ok(MemoryRule::Trace {
                    step_mb: match &f.memory_step {
                        Some(s) => size(s, "memory_step")?,
                        None => DEFAULT_MEMORY_STEP_MB,
                    },
                    fallback_mb,
                })
            }
        }
    }
}
