//! A sweep's warnings: those of each point's scenario (validation) and of its first
//! replication's run (an overload, requests past the clock: the other replications raise the
//! same with other figures), merged into one list for the terminal, the manifest,
//! `summary.json` and `report.html`.
//!
//! Rule: a warning raised at every point of the grid is listed once as written; one raised
//! at some points only is listed once, prefixed with the points where it was raised
//! (`at load = 8, load = 16: ...`; past [`POINTS_NAMED`] points, `and N more`). Order: first
//! raised first, points in grid order. The break-even refinement's extra runs add none (their
//! deployments and values are the sweep's own).

use super::{SweepResult, describe};

/// Most points named before a warning says how many more raised it.
pub const POINTS_NAMED: usize = 3;

/// Adds `w` to `list` unless it is there already.
pub(super) fn push_new(list: &mut Vec<String>, w: &str) {
    if !list.iter().any(|x| x == w) {
        list.push(w.to_string());
    }
}

/// Every warning of `result`, merged by [the rule](self).
pub fn merged(result: &SweepResult) -> Vec<String> {
    let mut texts: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, p) in result.points.iter().enumerate() {
        for w in &p.warnings {
            match texts.iter_mut().find(|(t, _)| *t == w.as_str()) {
                Some((_, at)) => at.push(i),
                None => texts.push((w, vec![i])),
            }
        }
    }
    let count = result.points.len();
    texts
        .into_iter()
        .map(|(text, at)| {
            if at.len() == count {
                return text.to_string();
            }
            let named: Vec<String> = at
                .iter()
                .take(POINTS_NAMED)
                .map(|&i| describe(&result.plan.params, &result.points[i].values))
                .collect();
            let more = at.len().saturating_sub(POINTS_NAMED);
            let more = if more > 0 {
                format!(" and {more} more point{}", if more == 1 { "" } else { "s" })
            } else {
                String::new()
            };
            format!("at {}{more}: {text}", named.join(", "))
        })
        .collect()
}
