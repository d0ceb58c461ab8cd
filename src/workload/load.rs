//! The scenario-wide `load` multiplier on synthetic workloads: every arrival process scaled to
//! `load` times its rate, its shape kept (a daily profile keeps its profile, an on/off process
//! its period lengths, a fixed-interval timer fires `load` times as often). Traces are scaled
//! by their own replay rule (`rate_multiplier`, which `load` multiplies).

use super::{ArrivalProcess, Source, Workload};

impl ArrivalProcess {
    /// This process with every rate multiplied by `load` (> 0).
    pub fn scaled(&self, load: f64) -> ArrivalProcess {
        match self {
            ArrivalProcess::Poisson { rate } => ArrivalProcess::Poisson { rate: rate * load },
            ArrivalProcess::Daily { rate, profile } => ArrivalProcess::Daily {
                rate: rate * load,
                profile: profile.clone(),
            },
            ArrivalProcess::OnOff {
                on_rate,
                off_rate,
                mean_on_s,
                mean_off_s,
            } => ArrivalProcess::OnOff {
                on_rate: on_rate * load,
                off_rate: off_rate * load,
                mean_on_s: *mean_on_s,
                mean_off_s: *mean_off_s,
            },
            ArrivalProcess::FixedInterval { every_s, offset_s } => ArrivalProcess::FixedInterval {
                every_s: every_s / load,
                offset_s: *offset_s,
            },
        }
    }
}

impl Workload {
    /// This synthetic workload with every arrival process scaled by `load` (a trace workload
    /// is returned as it is: its scaling happens when it is loaded).
    pub fn scaled(mut self, load: f64) -> Workload {
        if load != 1.0
            && let Source::Synthetic(processes) = &mut self.source
        {
            for p in processes.iter_mut() {
                *p = p.scaled(load);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_process_scales_its_mean_rate() {
        let processes = [
            ArrivalProcess::Poisson { rate: 3.0 },
            ArrivalProcess::Daily {
                rate: 2.0,
                profile: vec![1.0, 3.0],
            },
            ArrivalProcess::OnOff {
                on_rate: 10.0,
                off_rate: 1.0,
                mean_on_s: 5.0,
                mean_off_s: 15.0,
            },
            ArrivalProcess::FixedInterval {
                every_s: 60.0,
                offset_s: 7.0,
            },
        ];
        // Means by hand: 3; the daily one's own mean (however its profile is read); (10 x 5 +
        // 1 x 15) / 20 = 3.25; 1/60.
        let daily = processes[1].mean_rate();
        for (p, mean) in processes.iter().zip([3.0, daily, 3.25, 1.0 / 60.0]) {
            let scaled = p.scaled(2.5).mean_rate();
            assert!((scaled - 2.5 * mean).abs() < 1e-12, "{p:?}: {scaled}");
        }
        let ArrivalProcess::FixedInterval { offset_s, .. } = processes[3].scaled(4.0) else {
            unreachable!()
        };
        assert_eq!(offset_s, 7.0);
        let ArrivalProcess::Daily { profile, .. } = processes[1].scaled(4.0) else {
            unreachable!()
        };
        assert_eq!(profile, [1.0, 3.0]);
    }
}
