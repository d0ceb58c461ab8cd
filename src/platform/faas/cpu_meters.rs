//! The per-call CPU meters of a FaaS deployment: GHz-s (`billing.ghz_seconds`, memory -> CPU
//! clock tiers) and CPU-ms (`billing.cpu_ms`, the CPU time a call used). Most deployments
//! bill neither: the model then holds no [`CpuMeters`] and its per-call path checks one
//! `Option` at a call's start and one at its end, and carries nothing for them in the table
//! of calls in flight ([`super::calls::Running`]). What each meter bills is the rule of
//! [`crate::platform::billing`] and [`super::functions`]; this module only keeps, per call in
//! flight, the quantities to record when it ends.

use super::{FaasEvent, FaasMeters};
use crate::engine::Sim;
use crate::engine::time::Micros;

/// The GHz-s and CPU-ms meters of a deployment that bills at least one of them, and what
/// each call in flight bills on them.
pub(super) struct CpuMeters {
    ghz_seconds: Option<usize>,
    cpu_ms: Option<usize>,
    /// Per entry of the running table (same index): what that call bills.
    usage: Vec<CallCpuUsage>,
}

/// Bytes the CPU meters keep per call in flight (when the deployment has them).
pub(super) const BYTES_PER_CALL: usize = std::mem::size_of::<CallCpuUsage>();

/// What one call bills on the CPU meters (0 on a meter the deployment lacks).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct CallCpuUsage {
    ghz_s: f64,
    cpu_ms: f64,
}

impl CpuMeters {
    /// The CPU meters of `meters`; `None` when it has neither.
    pub fn new(meters: &FaasMeters) -> Option<Self> {
        (meters.ghz_seconds.is_some() || meters.cpu_ms.is_some()).then(|| Self {
            ghz_seconds: meters.ghz_seconds,
            cpu_ms: meters.cpu_ms,
            usage: Vec::new(),
        })
    }

    /// Whether GHz-s are billed.
    pub fn bills_ghz_seconds(&self) -> bool {
        self.ghz_seconds.is_some()
    }

    /// Whether CPU-ms are billed.
    pub fn bills_cpu_ms(&self) -> bool {
        self.cpu_ms.is_some()
    }

    /// Running entry `r` is a call that bills `ghz_s` GHz-s and `cpu_time` of CPU time.
    pub fn started(&mut self, r: u32, ghz_s: f64, cpu_time: Micros) {
        let r = r as usize;
        if r >= self.usage.len() {
            self.usage.resize(r + 1, CallCpuUsage::default());
        }
        self.usage[r] = CallCpuUsage {
            ghz_s,
            cpu_ms: cpu_time as f64 / 1e3,
        };
    }

    /// Running entry `r`, a call of `function`, ended now: records what it bills.
    pub fn ended(&self, r: u32, function: u32, sim: &mut Sim<FaasEvent>) {
        let usage = self.usage[r as usize];
        let now = sim.now();
        if let Some(meter) = self.ghz_seconds {
            sim.rec.usage(now, meter, usage.ghz_s);
            sim.rec.functions.used(function, meter, usage.ghz_s);
        }
        if let Some(meter) = self.cpu_ms {
            sim.rec.usage(now, meter, usage.cpu_ms);
            sim.rec.functions.used(function, meter, usage.cpu_ms);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meters(ghz_seconds: Option<usize>, cpu_ms: Option<usize>) -> FaasMeters {
        FaasMeters {
            requests: 0,
            gb_seconds: 1,
            provisioned: None,
            vcpu_seconds: None,
            ghz_seconds,
            cpu_ms,
        }
    }

    #[test]
    fn a_deployment_without_cpu_meters_has_none() {
        assert!(CpuMeters::new(&meters(None, None)).is_none());
        let ghz = CpuMeters::new(&meters(Some(2), None)).unwrap();
        assert!(ghz.bills_ghz_seconds() && !ghz.bills_cpu_ms());
        let cpu = CpuMeters::new(&meters(None, Some(2))).unwrap();
        assert!(!cpu.bills_ghz_seconds() && cpu.bills_cpu_ms());
    }

    #[test]
    fn each_running_entry_keeps_its_own_usage() {
        let mut m = CpuMeters::new(&meters(Some(2), Some(3))).unwrap();
        // Entries start out of order (the running table reuses freed entries).
        m.started(2, 0.5, 1_500);
        m.started(0, 0.25, 7);
        assert_eq!(m.usage.len(), 3);
        assert_eq!(
            m.usage[2],
            CallCpuUsage {
                ghz_s: 0.5,
                cpu_ms: 1.5
            }
        );
        assert_eq!(
            m.usage[0],
            CallCpuUsage {
                ghz_s: 0.25,
                cpu_ms: 0.007
            }
        );
        // A reused entry is overwritten.
        m.started(2, 1.0, 0);
        assert_eq!(m.usage[2], CallCpuUsage::default().with_ghz(1.0));
    }

    impl CallCpuUsage {
        fn with_ghz(self, ghz_s: f64) -> Self {
            Self { ghz_s, ..self }
        }
    }
}
