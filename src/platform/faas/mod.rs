//! FaaS: instance pools with cold starts, keep-alive policies, per-instance concurrency,
//! concurrency limits and per-call billing.
//!
//! Rules (docs/models.md, "FaaS"):
//! - A call goes to its function's pool ([`pools`]: per function, or per app as on Azure).
//! - The limits ([`limits`]) are checked first, on every start, warm or cold: a call that
//!   finds its function's or the account's concurrency reached is throttled (a synchronous
//!   429: counted as failed, never retried), even if an idle instance is waiting. A call
//!   that would need a new instance is also refused when the pool's `scale_up_rate` has no
//!   token left. Asynchronous functions retry refused and timed-out attempts instead
//!   ([`invocation`], which owns these rules).
//! - Otherwise it takes a free slot of a warm instance of the pool (always-warm ones first,
//!   then by the `idle_instance` rule, [`crate::platform::instances::choice`]; with
//!   `instance_concurrency` > 1, by the `balancer` instead unless it is
//!   `most_recently_used`, [`crate::platform::instances::balance`]); else a free
//!   slot of an instance that is still booting (with `instance_concurrency` > 1: it waits for
//!   the boot); else a new instance starts (a cold start: the sampled init time is added to
//!   its latency). Cold starts are attempts that waited for an instance to boot (a new
//!   instance, or a free slot of one still booting); instance starts count the new instances.
//! - An instance serves up to `instance_concurrency` calls at once (1 on Lambda and Azure
//!   Consumption). Each call holds its slot for its execution plus its backend operations; that
//!   is its latency after any boot wait, and (init only where the provider bills it) its billed
//!   duration.
//! - With a `timeout` (the function's own, else the deployment's), an execution longer
//!   than it is stopped at the timeout, billed up to it, and counted as failed (`timed_out`).
//! - Each function's cold start (the deployment's, else its runtime's default) and its
//!   execution time at the memory it runs at (CPU coupling) are resolved in [`functions`].
//! - When an instance's last busy slot frees, the keep-alive policy ([`keep_alive`]) decides
//!   when it is reclaimed. Its idle memory time is recorded (idle GB-s).
//! - Provisioned concurrency ([`provisioned`]) keeps always-warm instances per pool, on a
//!   constant level or a daily schedule, billed on its own meters.
//! - With `vcpus`, calls sharing an instance share its CPU (the platform's
//!   [`crate::platform::cpu::sharing`], glued by [`cpu_sharing`]); billing follows
//!   the `basis`: per call, or per instance-time while serving or always (the platform's
//!   [`crate::platform::metering`], hooked in by [`call_billing`]).
//!
//! Parts: this file holds the specification, meters and model state, its construction and
//! the event dispatch; the per-call path (admission, start, completion) is in [`calls`], idle
//! instances (idle time, keep-alive decisions, reclaiming, pre-warming) in [`idle`], and the
//! GHz-s and CPU-ms a call bills, where the deployment has those meters, in [`cpu_meters`].
//! What a call reads per function (pool, limit, run plan) and per pool (memory, app, idle
//! time, provisioned count) is packed one record each, in `state`.
//!
//! Keep-alive deadlines are engine timers ([`crate::engine::timers`]), one per instance slot:
//! the event list holds O(instances) entries however many calls reuse them.

mod autoscaled;
mod call_billing;
mod calls;
mod cpu_meters;
mod cpu_sharing;
pub mod functions;
mod idle;
pub mod invocation;
pub mod keep_alive;
pub mod limits;
pub mod meters;
pub mod pools;
pub mod provisioned;
mod quotas;
pub mod runtimes;
pub mod scaling;
mod state;

use super::baas::BackendPlan;
use super::billing::FaasBilling;
use super::instances::{IdleChoice, InstanceId, Instances, NIL, Phase, WarmBalancer};
use super::quota::QuotaSet;
use crate::engine::time::Micros;
use crate::engine::timers::{TimerTick, Timers};
use crate::engine::{EventQueue, Model, Sim};
use crate::metrics::Level;
pub use crate::platform::metering::BillingBasis;
use crate::platform::metering::{InstanceMeter, PeriodRounding};
use crate::workload::{DurationDist, FunctionSpec, Request};
pub use keep_alive::{
    FixedKeepAlive, HybridConfig, IdleDecision, KeepAlive, KeepAlivePolicy, Reset,
};
use limits::Limits;
pub use meters::FaasMeters;
pub use pools::{PoolMapping, PoolTable};
pub use provisioned::Provisioned;

/// A FaaS platform as configured in a deployment.
#[derive(Clone, Debug, PartialEq)]
pub struct FaasSpec {
    /// The cold-start time of every function; `None`: each function's runtime default
    /// ([`functions`]).
    pub cold_start: Option<DurationDist>,
    /// Whose measurements the runtime defaults come from (`cold_start_figures`).
    pub cold_start_figures: runtimes::Platform,
    pub keep_alive: KeepAlive,
    /// Concurrent executions across all functions (Lambda's account limit, 1,000 by default).
    pub account_concurrency: Option<u32>,
    /// Concurrent executions of any one function without a reservation.
    pub function_concurrency: Option<u32>,
    /// Reserved concurrency per function name: carved out of the account limit.
    pub reserved_concurrency: Vec<(String, u32)>,
    pub pools: PoolMapping,
    pub idle_instance: IdleChoice,
    /// Calls one instance serves at once (1 = Lambda).
    pub instance_concurrency: u32,
    /// Longest execution; a longer one is stopped there and fails.
    pub timeout: Option<Micros>,
    pub billing: FaasBilling,
    /// Always-warm instances per pool.
    pub provisioned: Option<Provisioned>,
    /// The functions whose pools keep them (`provisioned.functions`); `None`: every pool.
    pub provisioned_functions: Option<Vec<String>>,
    /// vCPUs of one instance: calls sharing it share them; instance time bills vCPU-s.
    pub vcpus: Option<f64>,
    /// Most new instances per pool per period ([`scaling::scale_rate`]); `None`: unlimited.
    pub scale_up_rate: Option<scaling::scale_rate::ScaleUpRate>,
    /// With `instance_concurrency` > 1: which ready instance with a free slot takes a call.
    pub balancer: super::fleet::Balancer,
    /// With `instance_concurrency` > 1: target-tracking autoscaling of the instances.
    pub autoscale: Option<super::fleet::AutoscaleSpec>,
    /// A hard cap on invocations (`quota = { invocations = "..." }`): a call past it fails
    /// at once as `quota_exceeded`.
    pub quotas: super::quota::Quotas,
}

/// Bytes of model state one instance can hold, for the size estimate: its slot, one running
/// call per request slot (with its CPU meters' entry), and up to three pending events (ready, complete, one live
/// keep-alive timer), doubled for the growth headroom of the vectors that hold them.
pub const BYTES_PER_INSTANCE: u64 = 2
    * (Instances::BYTES_PER_INSTANCE
        + std::mem::size_of::<calls::Running>()
        + cpu_meters::BYTES_PER_CALL
        + std::mem::size_of::<u32>()
        + 3 * EventQueue::<FaasEvent>::ENTRY_BYTES) as u64;

/// Events of the FaaS model.
#[derive(Clone, Copy, Debug)]
pub enum FaasEvent {
    /// An instance finished initialising.
    Ready(InstanceId),
    /// A running call (index into the running table) ended.
    Complete(u32),
    /// An instance's keep-alive timer is due.
    Expire(TimerTick),
    /// A pool's pre-warm timer is due (hybrid keep-alive).
    Prewarm(TimerTick),
    /// The provisioned level changes.
    Provision,
    /// A call waiting for its instance's boot starts computing on a shared CPU.
    CpuStart(TimerTick),
    /// An instance's shared CPU finishes a call's CPU work.
    CpuFinish(TimerTick),
    /// A call still computing on a shared CPU reached its timeout.
    CpuTimeout(TimerTick),
    /// An asynchronous event (index into the side table) is due for another attempt.
    Retry(u32),
    /// The autoscaler's evaluation is due ([`autoscaled`]).
    Autoscale,
}

/// The running FaaS platform.
pub struct FaasModel {
    idle_instance: IdleChoice,
    /// With `instance_concurrency` > 1 and a balancing rule: which warm instance takes a
    /// call (`None`: the `idle_instance` rule).
    balancer: Option<WarmBalancer>,
    billing: FaasBilling,
    meters: FaasMeters,
    /// The meter a call's GB-s bill on, by whether it runs on an always-warm instance: the
    /// on-demand GB-s, or with provisioned concurrency the provisioned-compute meter.
    gb_meters: [usize; 2],
    backend: BackendPlan,
    /// The invocation quota (`quota = { invocations = ... }`), if any.
    invocation_quota: Option<QuotaSet>,
    /// The quotas `invocation_quota` counts, to name them after the run.
    invocation_quotas: super::quota::Quotas,
    /// Whether a call has any quota to check: an invocation quota, or a service quota or
    /// connection cap one of the functions' calls counts against ([`quotas`]).
    checks_quotas: bool,
    /// Whether any function makes backend calls (else a call's backend time is 0).
    calls_backend: bool,
    /// Per function and per pool, what the per-call path reads ([`state`]).
    functions: Vec<state::FunctionState>,
    pools: Vec<state::PoolState>,
    /// How many apps there are (the per-app counts).
    apps: usize,
    instances: Instances,
    /// The account-wide part of the limits (each function's is in `functions`).
    limits: Limits,
    keep_alive: KeepAlivePolicy,
    expiry: Timers,
    /// Per pool: the pending pre-warm (until when the instance it loads is kept: `pools`).
    prewarm: Timers,
    running: Vec<calls::Running>,
    /// Head of the free entries of `running`, linked through their `instance` field (NIL:
    /// none), so starting and ending a call costs no vector push or pop.
    free_running: u32,
    provisioned: Option<Provisioned>,
    /// The level the pools' always-warm instances were set to (each pool's count and whether
    /// it keeps them: `pools`), and since when it is booked.
    kept_level: u32,
    kept_since: Micros,
    sharing: Option<cpu_sharing::CpuSharing>,
    /// GHz-s and CPU-ms per call; `None` when the deployment bills neither.
    cpu_meters: Option<cpu_meters::CpuMeters>,
    metering: Option<InstanceMeter>,
    /// Per function: cold start and timeout on this deployment (its run plan: `functions`).
    plans: Vec<functions::FunctionPlan>,
    scale_up: invocation::ScaleUpGate,
    async_events: invocation::AsyncEvents,
    /// With `autoscale`: the pools' autoscalers ([`autoscaled`]).
    autoscaling: Option<autoscaled::PoolAutoscaling>,
}

impl FaasModel {
    /// A platform serving `functions`.
    pub fn new(
        spec: FaasSpec,
        functions: &[FunctionSpec],
        backend: BackendPlan,
        meters: FaasMeters,
    ) -> Self {
        let reserved: Vec<Option<u32>> = functions
            .iter()
            .map(|f| {
                spec.reserved_concurrency
                    .iter()
                    .find(|(n, _)| *n == f.name)
                    .map(|&(_, r)| r)
            })
            .collect();
        let table = PoolTable::new(functions, spec.pools);
        let provisioned_pools = provisioned::pools_kept(
            spec.provisioned_functions.as_deref(),
            functions,
            &table.pool_of,
            table.len(),
        );
        let pools = table
            .memory_mb
            .iter()
            .zip(&table.app_of_pool)
            .zip(provisioned_pools)
            .map(|((&mb, &app), provisioned)| state::PoolState {
                idle_us: 0,
                gb: spec.billing.billed_memory_mb(mb) as f64 / 1024.0,
                ghz: spec.billing.billed_ghz(mb),
                prewarm_until: 0,
                app,
                kept: 0,
                provisioned,
            })
            .collect();
        let (limits, function_limits) = Limits::new(
            &reserved,
            spec.account_concurrency,
            spec.function_concurrency,
        );
        let (plans, runs): (Vec<_>, Vec<_>) = functions::plans(
            spec.cold_start.as_ref(),
            spec.cold_start_figures,
            spec.timeout,
            spec.vcpus,
            functions,
            &table,
        )
        .into_iter()
        .unzip();
        let function_states = runs
            .into_iter()
            .zip(function_limits)
            .zip(&table.pool_of)
            .map(|((run, limit), &pool)| state::FunctionState { run, limit, pool })
            .collect();
        let basis = spec.billing.basis;
        let rounding = PeriodRounding {
            granularity: spec.billing.granularity,
            minimum: spec.billing.minimum,
        };
        Self {
            plans,
            functions: function_states,
            pools,
            checks_quotas: backend.has_quotas(),
            calls_backend: backend.has_calls(),
            scale_up: invocation::ScaleUpGate::new(spec.scale_up_rate, table.len()),
            autoscaling: spec.autoscale.as_ref().map(|a| {
                autoscaled::PoolAutoscaling::new(
                    a,
                    table.len(),
                    spec.vcpus,
                    spec.instance_concurrency,
                )
            }),
            async_events: invocation::AsyncEvents::new(functions),
            idle_instance: spec.idle_instance,
            balancer: WarmBalancer::new(spec.balancer, spec.instance_concurrency, table.len()),
            gb_meters: [
                meters.gb_seconds,
                meters
                    .provisioned
                    .map_or(meters.gb_seconds, |(_, compute)| compute),
            ],
            meters,
            backend,
            invocation_quota: None,
            invocation_quotas: Default::default(),
            instances: Instances::new(table.len(), spec.instance_concurrency),
            keep_alive: KeepAlivePolicy::new(&spec.keep_alive, table.len()),
            limits,
            billing: spec.billing,
            apps: table.apps,
            expiry: Timers::new(),
            prewarm: Timers::new(),
            running: Vec::new(),
            free_running: NIL,
            kept_level: 0,
            kept_since: 0,
            provisioned: spec.provisioned,
            cpu_meters: cpu_meters::CpuMeters::new(&meters),
            sharing: cpu_sharing::CpuSharing::new(spec.vcpus, spec.instance_concurrency, functions),
            metering: InstanceMeter::new(
                basis,
                rounding,
                spec.vcpus,
                meters.gb_seconds,
                meters.vcpu_seconds,
            ),
        }
    }
}

impl Model for FaasModel {
    type Event = FaasEvent;

    fn start(&mut self, sim: &mut Sim<FaasEvent>) {
        sim.rec.apps = crate::metrics::AppCounts::new(self.apps);
        self.provision(sim);
        self.autoscale_start(sim);
    }

    fn arrive(&mut self, request: Request, sim: &mut Sim<FaasEvent>) {
        self.try_start(request, invocation::NO_EVENT, sim);
    }

    fn handle(&mut self, event: FaasEvent, sim: &mut Sim<FaasEvent>) {
        self.handle_event(event, sim);
    }

    fn finish(&mut self, sim: &mut Sim<FaasEvent>) {
        self.finish_run(sim);
    }

    fn quota_uses(&self) -> Vec<crate::platform::quota::QuotaUse> {
        self.compute_quota_uses()
    }
}

impl FaasModel {
    fn handle_event(&mut self, event: FaasEvent, sim: &mut Sim<FaasEvent>) {
        let now = sim.now();
        match event {
            FaasEvent::Ready(i) => {
                self.instances.mark_ready(i);
                if self.instances.get(i).busy > 0 {
                    sim.rec.transfer(Level::Starting, Level::Busy, now);
                } else {
                    self.autoscaled_ready_idle(i, sim); // launched ahead of calls
                }
            }
            FaasEvent::Complete(r) => self.complete(r, sim),
            FaasEvent::Expire(tick) => self.keep_alive_expired(tick, sim),
            FaasEvent::Prewarm(tick) => self.prewarm_due(tick, sim),
            FaasEvent::Provision => self.provision(sim),
            FaasEvent::CpuStart(tick) => self.share_started(tick, sim),
            FaasEvent::CpuFinish(tick) => self.share_timer(tick, false, sim),
            FaasEvent::CpuTimeout(tick) => self.share_timer(tick, true, sim),
            FaasEvent::Retry(id) => self.retry(id, sim),
            FaasEvent::Autoscale => self.autoscale_evaluate(sim),
        }
    }

    fn finish_run(&mut self, sim: &mut Sim<FaasEvent>) {
        for i in self.instances.ids() {
            let inst = self.instances.get(i);
            if inst.phase == Phase::Ready && inst.busy == 0 {
                self.end_idle(i, sim);
            }
        }
        sim.rec.idle_gb = self
            .pools
            .iter()
            .map(|p| crate::metrics::ExactSum::of(p.idle_us as f64 / 1e6 * p.gb))
            .sum();
        self.book_provisioned(sim.window(), sim);
        (sim.rec.idle_times, sim.rec.idle_times_out_of_range) = self.keep_alive.idle_times();
        self.meter_finish(sim);
    }
}
