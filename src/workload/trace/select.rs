//! Choosing which traced functions a scenario replays, and with what memory.
//!
//! Every format reduces its first pass to one [`Candidate`] per function (invocations counted
//! inside the selected time window). [`select`] then applies, in this order:
//! 1. functions with no invocation in the window are dropped (they would replay nothing);
//! 2. functions the trace cannot replay are skipped and *counted* (no execution times, e.g.
//!    missing from the 2019 durations file; no memory size while memory comes from the
//!    trace and no fallback is set);
//! 3. `sample_apps = N`: N applications drawn uniformly without replacement (seeded by the
//!    scenario, see `Selection::sample_seed`) among those left; all their functions stay;
//! 4. `top_functions = N`: the N functions with the most invocations in the window (ties go
//!    to the one seen first).
//!
//! The kept functions keep their trace order (first appearance), so a selection does not
//! renumber anything but the functions it removes.

use rand::Rng;

use super::{MemoryRule, Skipped, TraceSpec};
use crate::rng::{Purpose, Streams};
use crate::workload::{DurationDist, FunctionSpec};

/// A traced function, as a format's first pass saw it.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub name: String,
    pub app: String,
    /// Invocations inside the selected time window.
    pub invocations: u64,
    /// Execution-time distribution, if the trace gives one.
    pub exec: Option<DurationDist>,
    /// Memory (MB) the trace reports, if any.
    pub memory_mb: Option<f64>,
}

/// Marks a candidate that is not replayed.
pub const DROPPED: u32 = u32::MAX;

/// The outcome of selection.
#[derive(Debug)]
pub struct Selected {
    /// For each candidate, its function id in [`Selected::functions`], or [`DROPPED`].
    pub ids: Vec<u32>,
    pub functions: Vec<FunctionSpec>,
    /// Invocations of the kept functions inside the window (before the rate multiplier).
    pub invocations: u64,
    pub apps: usize,
    pub skipped: Vec<Skipped>,
}

/// Stream index of the app-sampling generator (distinct from per-function indices).
const SAMPLE_STREAM: u64 = u64::MAX;

/// Applies the selection steps of the module docs to `candidates`.
pub fn select(candidates: &[Candidate], spec: &TraceSpec, no_exec_reason: &str) -> Selected {
    let mut keep: Vec<bool> = candidates.iter().map(|c| c.invocations > 0).collect();
    let mut skipped = Vec::new();
    let mut skip = |keep: &mut Vec<bool>, reason: &str, test: &dyn Fn(&Candidate) -> bool| {
        let (mut functions, mut invocations) = (0, 0);
        for (k, c) in keep.iter_mut().zip(candidates) {
            if *k && test(c) {
                *k = false;
                functions += 1;
                invocations += c.invocations;
            }
        }
        if functions > 0 {
            skipped.push(Skipped {
                reason: reason.to_string(),
                functions,
                invocations,
            });
        }
    };
    skip(&mut keep, no_exec_reason, &|c| c.exec.is_none());
    if let MemoryRule::Trace {
        fallback_mb: None, ..
    } = spec.memory
    {
        skip(
            &mut keep,
            "no memory size in the trace (set memory_fallback to keep them)",
            &|c| c.memory_mb.is_none(),
        );
    }
    if let Some(n) = spec.selection.sample_apps {
        sample_apps(
            candidates,
            &mut keep,
            n as usize,
            spec.selection.sample_seed,
        );
    }
    if let Some(n) = spec.selection.top_functions {
        let mut order: Vec<usize> = (0..candidates.len()).filter(|&i| keep[i]).collect();
        order.sort_by(|&a, &b| {
            candidates[b]
                .invocations
                .cmp(&candidates[a].invocations)
                .then(a.cmp(&b))
        });
        for &i in order.iter().skip(n as usize) {
            keep[i] = false;
        }
    }
    let mut ids = vec![DROPPED; candidates.len()];
    let mut functions = Vec::new();
    let mut invocations = 0;
    let mut apps = std::collections::HashSet::new();
    for (i, c) in candidates.iter().enumerate().filter(|(i, _)| keep[*i]) {
        ids[i] = functions.len() as u32;
        invocations += c.invocations;
        apps.insert(c.app.as_str());
        functions.push(FunctionSpec {
            name: c.name.clone(),
            app: c.app.clone(),
            memory_mb: memory_of(&spec.memory, c.memory_mb),
            exec: c.exec.clone().unwrap_or(DurationDist::Constant { ms: 0.0 }),
            calls: spec.calls.clone(),
            faas: spec.faas.clone(),
        });
    }
    Selected {
        ids,
        functions,
        invocations,
        apps: apps.len(),
        skipped,
    }
}

/// The memory a function is configured with under `rule`, given what the trace reports.
pub fn memory_of(rule: &MemoryRule, traced_mb: Option<f64>) -> u32 {
    match *rule {
        MemoryRule::Fixed(mb) => mb,
        MemoryRule::Trace {
            step_mb,
            fallback_mb,
        } => match traced_mb {
            Some(mb) => {
                let step = f64::from(step_mb.max(1));
                let steps = (mb / step).ceil().max(1.0);
                (steps * step).min(f64::from(u32::MAX)) as u32
            }
            None => fallback_mb.unwrap_or(step_mb.max(1)),
        },
    }
}

fn sample_apps(candidates: &[Candidate], keep: &mut [bool], n: usize, seed: u64) {
    let mut apps: Vec<&str> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (c, _) in candidates.iter().zip(keep.iter()).filter(|(_, k)| **k) {
        if seen.insert(c.app.as_str()) {
            apps.push(c.app.as_str());
        }
    }
    if n >= apps.len() {
        return;
    }
    // Partial Fisher-Yates: the first n slots become a uniform sample without replacement.
    let mut rng = Streams::new(seed, 0).stream(Purpose::Trace, SAMPLE_STREAM);
    for i in 0..n {
        let j = i + (rng.next_u64() % (apps.len() - i) as u64) as usize;
        apps.swap(i, j);
    }
    let chosen: std::collections::HashSet<&str> = apps[..n].iter().copied().collect();
    for (k, c) in keep.iter_mut().zip(candidates) {
        if !chosen.contains(c.app.as_str()) {
            *k = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::trace::{Format, Selection, Shaping, Spread, TraceFiles};

    fn spec(selection: Selection, memory: MemoryRule) -> TraceSpec {
        TraceSpec {
            format: Format::Csv,
            files: TraceFiles::Single("x.csv".into()),
            selection,
            shaping: Shaping::default(),
            memory,
            spread: Spread::Uniform,
            sort: false,
            execution: None,
            calls: Vec::new(),
            horizon: None,
            faas: Default::default(),
        }
    }

    fn cand(name: &str, app: &str, n: u64, exec: bool, mem: Option<f64>) -> Candidate {
        Candidate {
            name: name.into(),
            app: app.into(),
            invocations: n,
            exec: exec.then_some(DurationDist::Constant { ms: 1.0 }),
            memory_mb: mem,
        }
    }

    #[test]
    fn skips_are_counted_and_top_n_keeps_trace_order() {
        let c = vec![
            cand("a", "x", 5, true, Some(100.0)),
            cand("b", "x", 9, false, Some(100.0)),
            cand("c", "y", 0, true, Some(100.0)),
            cand("d", "y", 7, true, None),
            cand("e", "z", 6, true, Some(300.0)),
            cand("f", "z", 6, true, Some(1.0)),
        ];
        let rule = MemoryRule::Trace {
            step_mb: 128,
            fallback_mb: None,
        };
        let s = select(
            &c,
            &spec(
                Selection {
                    top_functions: Some(2),
                    ..Selection::default()
                },
                rule,
            ),
            "no durations",
        );
        // b: no exec (9 invocations); d: no memory (7); c: no invocations (not counted).
        assert_eq!(s.skipped.len(), 2);
        assert_eq!((s.skipped[0].functions, s.skipped[0].invocations), (1, 9));
        assert_eq!((s.skipped[1].functions, s.skipped[1].invocations), (1, 7));
        // Top 2 of a(5), e(6), f(6): e and f (tie: e seen first), in trace order.
        let names: Vec<&str> = s.functions.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["e", "f"]);
        assert_eq!(s.ids, [DROPPED, DROPPED, DROPPED, DROPPED, 0, 1]);
        assert_eq!(s.invocations, 12);
        // 300 MB rounds up to 384 (3 x 128); 1 MB to one step.
        assert_eq!(s.functions[0].memory_mb, 384);
        assert_eq!(s.functions[1].memory_mb, 128);
    }

    #[test]
    fn app_sample_is_seeded_and_keeps_whole_apps() {
        let c: Vec<Candidate> = (0..40)
            .map(|i| cand(&format!("f{i}"), &format!("app{}", i / 2), 1, true, None))
            .collect();
        let pick = |seed| {
            let sel = Selection {
                sample_apps: Some(5),
                sample_seed: seed,
                ..Selection::default()
            };
            select(&c, &spec(sel, MemoryRule::Fixed(256)), "-")
        };
        let a = pick(1);
        assert_eq!(a.apps, 5);
        assert_eq!(a.functions.len(), 10);
        let names = |s: &Selected| {
            s.functions
                .iter()
                .map(|f| f.name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&a), names(&pick(1)));
        assert_ne!(names(&a), names(&pick(2)));
    }
}
