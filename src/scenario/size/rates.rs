//! What `check` prints about each synthetic function's traffic: its arrival process, its
//! mean rate (for `daily`, the mean over a day: the `rate` written, since the profile is
//! normalised to mean 1), its peak rate, and the requests expected in the window.

use crate::engine::time::Micros;
use crate::workload::{ArrivalProcess, Source, Workload};

use super::arrivals;

/// One line per synthetic function, e.g. `rate: get-product: daily, mean 20/s, peak
/// 36.77/s (11:00-12:00), 1,728,000 expected in the window`; nothing for a trace workload
/// (its notes say what it replays).
pub fn lines(workload: &Workload, window: Micros) -> Vec<String> {
    let Source::Synthetic(processes) = &workload.source else {
        return Vec::new();
    };
    workload
        .functions
        .iter()
        .zip(processes)
        .map(|(f, p)| {
            let expected = arrivals::of_process(p, window).mean;
            format!(
                "rate: {}: {}, {} expected in the window",
                f.name,
                describe(p),
                super::count(expected)
            )
        })
        .collect()
}

/// The process's kind, mean rate and peak rate.
fn describe(p: &ArrivalProcess) -> String {
    let mean = rate(p.mean_rate());
    match p {
        ArrivalProcess::Poisson { .. } => format!("poisson, mean {mean}"),
        ArrivalProcess::Daily { profile, .. } => {
            let peak_slot = profile
                .iter()
                .enumerate()
                .fold(0, |best, (i, m)| if *m > profile[best] { i } else { best });
            format!(
                "daily, mean {mean} over a day, peak {} ({})",
                rate(p.peak_rate()),
                slot_span(peak_slot, profile.len())
            )
        }
        ArrivalProcess::OnOff { off_rate, .. } => format!(
            "on_off, mean {mean}, peak {} (off {})",
            rate(p.peak_rate()),
            rate(*off_rate)
        ),
        ArrivalProcess::FixedInterval { .. } => format!("fixed_interval, mean {mean}"),
    }
}

/// A rate for people: per second from 0.1/s up, else per hour; at most 4 significant digits.
fn rate(per_s: f64) -> String {
    let (v, unit) = if per_s >= 0.1 || per_s == 0.0 {
        (per_s, "/s")
    } else {
        (per_s * 3600.0, "/h")
    };
    let digits = if v >= 1000.0 || v <= 0.0 {
        0
    } else {
        (3 - (v.log10().floor() as i32).max(-6)).clamp(0, 6) as usize
    };
    let text = format!("{v:.digits$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    format!("{text}{unit}")
}

/// The clock span of slot `i` of `n` equal slots of the day, e.g. `11:00-12:00`.
fn slot_span(i: usize, n: usize) -> String {
    let clock = |k: usize| {
        let minutes = k * 1440 / n;
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    };
    let end = if i + 1 == n {
        "24:00".into()
    } else {
        clock(i + 1)
    };
    format!("{}-{end}", clock(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_written() {
        assert_eq!(rate(50.0), "50/s");
        assert_eq!(rate(36.765_957), "36.77/s");
        assert_eq!(rate(0.5), "0.5/s");
        assert_eq!(rate(1.0 / 3600.0), "1/h");
        assert_eq!(rate(1234.4), "1234/s");
        assert_eq!(rate(0.0), "0/s");
    }

    #[test]
    fn a_daily_line_gives_the_mean_the_peak_and_its_slot() {
        // Shape [1, 3, 0, 2] has mean 1.5: normalised [2/3, 2, 0, 4/3]; at 10/s mean the
        // peak is 20/s, in the second 6 h slot.
        let p = ArrivalProcess::daily(10.0, &[1.0, 3.0, 0.0, 2.0]);
        assert_eq!(
            describe(&p),
            "daily, mean 10/s over a day, peak 20/s (06:00-12:00)"
        );
        assert_eq!(slot_span(23, 24), "23:00-24:00");
        assert_eq!(slot_span(1, 48), "00:30-01:00");
    }
}
