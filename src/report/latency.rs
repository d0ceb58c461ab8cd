//! `latency.csv`: the latency percentile table of every deployment, in long format.
//!
//! Columns: `deployment, percentile, latency_ms`; one row per deployment per percentile of
//! [`PERCENTILES`]. Percentile 0 is the smallest latency and 100 the exact largest; the
//! others come from the latency histogram (within 0.1%). Latencies are of completed requests;
//! a deployment with none leaves `latency_ms` empty (there is no latency to report).

use std::path::Path;

use super::format::ms_or_blank;
use super::{CsvFile, Exporter};
use crate::engine::time::Micros;
use crate::error::SimError;
use crate::metrics::LatencyStats;
use crate::run::RunResult;

/// Writes `latency.csv`.
pub struct LatencyCsv;

/// The percentiles reported: their label in the file and the quantile in [0, 1].
pub const PERCENTILES: [(&str, f64); 13] = [
    ("0", 0.0),
    ("1", 0.01),
    ("5", 0.05),
    ("10", 0.10),
    ("25", 0.25),
    ("50", 0.50),
    ("75", 0.75),
    ("90", 0.90),
    ("95", 0.95),
    ("99", 0.99),
    ("99.9", 0.999),
    ("99.99", 0.9999),
    ("100", 1.0),
];

/// The latency (µs) at quantile `q`, with q = 0 meaning the smallest latency; `None` when
/// nothing completed.
pub fn latency_at(stats: &LatencyStats, q: f64) -> Option<Micros> {
    if q <= 0.0 {
        stats.min_us()
    } else {
        stats.quantile_us(q)
    }
}

impl Exporter for LatencyCsv {
    fn file_name(&self) -> &'static str {
        "latency.csv"
    }

    fn write(&self, run: &RunResult, path: &Path) -> Result<(), SimError> {
        let mut csv = CsvFile::create(path, ["deployment", "percentile", "latency_ms"])?;
        for d in &run.deployments {
            for (label, q) in PERCENTILES {
                let latency = latency_at(&d.recorder.latency, q);
                csv.row([d.name.as_str(), label, &ms_or_blank(latency)])?;
            }
        }
        csv.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testutil::{export_csv, idle_run, num, tiny_run};

    fn write(run: &RunResult) -> (Vec<String>, Vec<Vec<String>>) {
        export_csv(&LatencyCsv, run)
    }

    #[test]
    fn percentiles_are_monotone_and_bracketed_by_the_known_latencies() {
        let run = tiny_run();
        let (header, rows) = write(&run);
        assert_eq!(header, ["deployment", "percentile", "latency_ms"]);
        assert_eq!(rows.len(), 13 * 2);
        let labels: Vec<&str> = rows[..13].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(
            labels,
            [
                "0", "1", "5", "10", "25", "50", "75", "90", "95", "99", "99.9", "99.99", "100"
            ]
        );
        for (i, d) in run.deployments.iter().enumerate() {
            let mine = &rows[i * 13..(i + 1) * 13];
            assert!(mine.iter().all(|r| r[0] == d.name));
            let values: Vec<f64> = mine.iter().map(|r| num(&r[2])).collect();
            assert!(values.windows(2).all(|w| w[0] <= w[1]), "{values:?}");
            assert_eq!(
                values[12],
                d.recorder.latency.max_us().unwrap() as f64 / 1e3
            );
        }
        // FaaS: 100 ms of work plus a 5 ms database read, and 200 ms more on a cold start,
        // which few requests take (keep-alive of one minute at 2/s).
        let faas: Vec<f64> = rows[..13].iter().map(|r| num(&r[2])).collect();
        assert!((faas[0] - 105.0).abs() <= 0.105, "min {}", faas[0]);
        assert!((faas[5] - 105.0).abs() <= 0.105, "p50 {}", faas[5]);
        assert!((faas[12] - 305.0).abs() <= 0.001, "max {}", faas[12]);
        // Fleet: 100 ms plus a 2 ms read, never less.
        assert!(
            (num(&rows[13][2]) - 102.0).abs() <= 0.102,
            "min {}",
            rows[13][2]
        );
    }

    #[test]
    fn a_deployment_without_completed_requests_reports_no_latency() {
        let (_, rows) = write(&idle_run(&["idle"], 3));
        assert_eq!(rows.len(), 13);
        assert!(rows.iter().all(|r| r[2].is_empty()), "{rows:?}");
    }
}
