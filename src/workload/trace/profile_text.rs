//! The text of `trace inspect`: a [`Profile`] rendered for the terminal, and the figures it
//! derives (busiest functions, rate spread).

use std::collections::HashMap;
use std::fmt::Write as _;

use super::inspect::{FunctionStat, Profile};
use crate::engine::time::MINUTE;

impl Profile {
    /// The `n` busiest functions (ties: first seen), most invoked first.
    pub fn busiest(&self, n: usize) -> Vec<&FunctionStat> {
        let mut v: Vec<&FunctionStat> = self.functions.iter().collect();
        v.sort_by_key(|f| std::cmp::Reverse(f.invocations));
        v.truncate(n);
        v
    }

    /// Shares of functions and of apps whose mean rate over the span is below `per_minute`
    /// invocations per minute.
    pub fn share_below(&self, per_minute: f64) -> (f64, f64) {
        let minutes = (self.span as f64 / MINUTE as f64).max(1.0);
        let mut apps: HashMap<&str, u64> = HashMap::new();
        for f in &self.functions {
            *apps.entry(f.app.as_str()).or_default() += f.invocations;
        }
        let share = |counts: &mut dyn Iterator<Item = u64>, total: usize| {
            let below = counts
                .filter(|&n| (n as f64) / minutes < per_minute)
                .count();
            below as f64 / total.max(1) as f64
        };
        (
            share(
                &mut self.functions.iter().map(|f| f.invocations),
                self.functions.len(),
            ),
            share(&mut apps.values().copied(), apps.len()),
        )
    }

    /// The profile as text for the terminal.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let files: Vec<String> = self.files.iter().map(|p| p.display().to_string()).collect();
        let _ = writeln!(s, "format           {}", self.format.name());
        let _ = writeln!(s, "files            {}", files.join(", "));
        let _ = writeln!(s, "functions        {}", group(self.functions.len() as u64));
        let _ = writeln!(s, "apps             {}", group(self.apps as u64));
        let _ = writeln!(s, "invocations      {}", group(self.invocations));
        let minutes = self.per_minute.len() as u64;
        let _ = writeln!(
            s,
            "time span        {} minutes ({:.2} h)",
            group(minutes),
            minutes as f64 / 60.0
        );
        if let Some((m, &peak)) = self
            .per_minute
            .iter()
            .enumerate()
            .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))
        {
            let mean = self.invocations as f64 / minutes.max(1) as f64;
            let _ = writeln!(
                s,
                "busiest minute   {} invocations (minute {m} from the start; mean {mean:.1})",
                group(peak)
            );
        }
        if let Some(c) = &self.concurrency {
            let (m, peak) = c
                .iter()
                .enumerate()
                .fold((0, 0.0), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
            let how = if self.concurrency_estimated {
                "estimated from mean durations"
            } else {
                "exact"
            };
            let _ = writeln!(
                s,
                "peak concurrency {peak:.1} (mean over minute {m}; {how})"
            );
        }
        if !self.triggers.is_empty() {
            let _ = writeln!(s, "triggers         (functions / invocations)");
            for t in &self.triggers {
                let _ = writeln!(
                    s,
                    "  {:<14} {:>8} {:>14}",
                    t.trigger,
                    group(t.functions),
                    group(t.invocations)
                );
            }
        }
        let (f_hour, a_hour) = self.share_below(1.0 / 60.0);
        let (f_min, a_min) = self.share_below(1.0);
        let _ = writeln!(
            s,
            "rate spread      invoked less than once per hour on average: {:.1}% of functions, {:.1}% of apps",
            100.0 * f_hour,
            100.0 * a_hour
        );
        let _ = writeln!(
            s,
            "                 invoked less than once per minute on average: {:.1}% of functions, {:.1}% of apps",
            100.0 * f_min,
            100.0 * a_min
        );
        let _ = writeln!(s, "busiest functions");
        for (i, f) in self.busiest(10).iter().enumerate() {
            let share = 100.0 * f.invocations as f64 / self.invocations.max(1) as f64;
            let trigger = f.trigger.as_deref().unwrap_or("-");
            let _ = writeln!(
                s,
                "  {:>2}. {:<12} app {:<12} {:<13} {:>12} ({share:.1}%)",
                i + 1,
                short(&f.name),
                short(&f.app),
                trigger,
                group(f.invocations)
            );
        }
        for n in &self.notes {
            let _ = writeln!(s, "note: {n}");
        }
        s
    }
}

fn short(hash: &str) -> String {
    if hash.chars().count() > 12 {
        format!("{}…", hash.chars().take(11).collect::<String>())
    } else {
        hash.to_string()
    }
}

/// `1234567` as `1,234,567`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(339_657), "339,657");
        assert_eq!(group(1_000_000), "1,000,000");
    }
}
