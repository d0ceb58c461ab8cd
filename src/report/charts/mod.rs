//! PNG charts, one exporter per chart, sharing the look defined in [`style`]: a title band, a
//! plot on the left, a legend panel on the right, DejaVu Sans embedded. [`palette`] says which
//! colour and dash pattern stands for what (the same in every chart), [`axes`] and
//! [`log_axis`] draw hand-placed ticks, [`markers`] places scatter markers and their names,
//! [`labels`] puts annotation labels near their points;
//! `pixels` (tests only) decodes a chart to check what it shows.

pub mod axes;
pub mod cost;
pub mod cost_latency;
pub mod cost_over_time;
pub mod desired;
pub mod instances;
pub mod invocations;
pub mod keepalive;
pub mod labels;
pub mod latency_cdf;
pub mod latency_over_time;
pub mod latency_points;
pub mod legend_text;
pub mod log_axis;
pub mod markers;
pub mod palette;
#[cfg(test)]
pub mod pixels;
pub mod quotas;
pub mod style;

pub use cost::CostChart;
pub use cost_latency::CostLatencyChart;
pub use cost_over_time::CostOverTimeChart;
pub use instances::InstancesChart;
pub use keepalive::KeepAliveChart;
pub use latency_cdf::LatencyCdfChart;
pub use latency_over_time::LatencyOverTimeChart;
pub use quotas::QuotasChart;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Exporter;
    use crate::report::testutil::{idle_deployment, idle_run, png_size, tiny_run, twins_run};
    use crate::report::verdict::serves_workload;
    use crate::run::RunResult;
    use pixels::{Image, PLOT};

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
                let image = Image::read(&path);
                assert!(
                    !image.touches_edges(3),
                    "{case}: {} draws past its edges",
                    chart.file_name()
                );
            }
        }
    }

    /// Pixels of a deployment's colour a chart must show for it to count as visible.
    const VISIBLE: usize = 40;

    #[test]
    fn two_deployments_with_identical_latencies_are_both_visible_in_every_chart() {
        let run = twins_run();
        let [a, b, fleet, capped] = &run.deployments[..] else {
            panic!("four deployments")
        };
        // The premise: the twins are identical in everything a chart draws.
        for q in [0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0] {
            let at = |d: &crate::platform::DeploymentResult| d.recorder.latency.quantile_us(q);
            assert_eq!(at(a), at(b), "q {q}");
        }
        assert!(
            a.recorder.totals.completed > 2_000,
            "{:?}",
            a.recorder.totals
        );
        assert_eq!(a.recorder.totals, b.recorder.totals);
        assert_eq!(a.bill, b.bill);
        assert!(!serves_workload(capped, &run.slo) && serves_workload(fleet, &run.slo));

        // CHART_EDGE_DIR keeps the images, to look at them.
        let tmp = tempfile::tempdir().unwrap();
        let dir = std::env::var_os("CHART_EDGE_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| tmp.path().to_path_buf());
        for chart in charts() {
            let name = chart.file_name();
            let path = dir.join(format!("twins-{name}"));
            chart.write(&run, &path).unwrap();
            let image = Image::read(&path);
            assert!(image.ink(PLOT) > 5_000, "{name} is nearly blank");
            assert!(!image.touches_edges(3), "{name} draws past its edges");
            let drawn: Vec<usize> = match name {
                // Bars are coloured by cost part, not by deployment.
                "cost.png" => Vec::new(),
                keepalive::FILE_NAME => vec![0, 1, 3],
                _ => vec![0, 1, 2, 3],
            };
            for i in drawn {
                let n = image.count(style::color(i), PLOT);
                assert!(n >= VISIBLE, "{name}: deployment {i} shows {n} pixels");
            }
        }
    }

    #[test]
    fn every_cost_part_shows_in_its_own_colour_and_fixed_lines_apart() {
        let run = twins_run();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cost.png");
        CostChart.write(&run, &path).unwrap();
        let image = Image::read(&path);
        let parts = cost::parts(&run);
        let names: Vec<String> = parts.iter().map(|p| p.label.clone()).collect();
        assert!(
            names.contains(&"fixed: load_balancer".to_string())
                && names.contains(&"fixed: database".to_string()),
            "{names:?}"
        );
        let colors = cost::part_colors(&parts);
        for (name, color) in names.iter().zip(&colors) {
            // Every part is a bar segment (in the plot) and a legend box (right of it).
            let in_plot = image.count(*color, PLOT);
            assert!(in_plot >= VISIBLE, "{name}: {in_plot} pixels in the plot");
            let legend = pixels::Region {
                x0: PLOT.x1,
                x1: u32::MAX,
                ..PLOT
            };
            assert!(image.count(*color, legend) > 100, "{name}: no legend box");
        }
        let mut unique = colors.clone();
        unique.sort_by_key(|c| (c.0, c.1, c.2));
        unique.dedup();
        assert_eq!(unique.len(), colors.len(), "two parts share a colour");
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
