//! PNG charts, one exporter per chart, sharing the look defined in [`style`]: a title band, a
//! plot on the left, a legend panel on the right, DejaVu Sans embedded.

pub mod axes;
pub mod cost;
pub mod cost_latency;
pub mod cost_over_time;
pub mod instances;
pub mod invocations;
pub mod keepalive;
pub mod latency_cdf;
pub mod log_axis;
pub mod palette;
#[cfg(test)]
pub mod pixels;
pub mod style;

pub use cost::CostChart;
pub use cost_latency::CostLatencyChart;
pub use cost_over_time::CostOverTimeChart;
pub use instances::InstancesChart;
pub use keepalive::KeepAliveChart;
pub use latency_cdf::LatencyCdfChart;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Exporter;
    use crate::report::testutil::{idle_deployment, idle_run, png_size, tiny_run};
    use crate::run::RunResult;

    fn charts() -> [Box<dyn Exporter>; 6] {
        [
            Box::new(CostChart),
            Box::new(CostLatencyChart),
            Box::new(LatencyCdfChart),
            Box::new(InstancesChart),
            Box::new(CostOverTimeChart),
            Box::new(KeepAliveChart),
        ]
    }

    /// The tiny run plus a deployment that saw nothing, and more deployments than colours.
    fn crowded() -> RunResult {
        let mut run = tiny_run();
        for i in 0..30 {
            run.deployments
                .push(idle_deployment(&format!("idle-deployment-number-{i}"), 10));
        }
        run
    }

    #[test]
    fn every_chart_survives_the_edge_cases() {
        // CHART_EDGE_DIR keeps the images, to look at them.
        let tmp = tempfile::tempdir().unwrap();
        let dir = std::env::var_os("CHART_EDGE_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| tmp.path().to_path_buf());
        let cases = [
            ("crowded", crowded()),
            ("one-bucket", idle_run(&["only"], 1)),
            ("no-deployment", idle_run(&[], 3)),
        ];
        for (case, run) in &cases {
            for chart in charts() {
                let path = dir.join(format!("{case}-{}", chart.file_name()));
                chart
                    .write(run, &path)
                    .unwrap_or_else(|e| panic!("{case}: {e}"));
                let want = if chart.file_name() == "instances.png" {
                    (style::SIZE.0, instances::height(run.deployments.len()))
                } else {
                    style::SIZE
                };
                assert_eq!(png_size(&path), want, "{case}");
            }
        }
    }

    #[test]
    fn a_chart_that_cannot_be_saved_is_a_report_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("cost.png");
        match CostChart.write(&tiny_run(), &path) {
            Err(crate::error::SimError::Report(msg)) => {
                assert!(msg.contains("missing-folder/cost.png"), "{msg}")
            }
            other => panic!("expected a report error, got {other:?}"),
        }
    }

    #[test]
    fn charts_are_byte_identical_across_runs() {
        let dir = tempfile::tempdir().unwrap();
        let run = tiny_run();
        for chart in charts() {
            let a = dir.path().join(format!("a-{}", chart.file_name()));
            let b = dir.path().join(format!("b-{}", chart.file_name()));
            chart.write(&run, &a).unwrap();
            chart.write(&run, &b).unwrap();
            assert!(std::fs::read(&a).unwrap() == std::fs::read(&b).unwrap());
        }
    }
}
