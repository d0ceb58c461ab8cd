//! Which pool of instances serves a function (`pools`).
//!
//! - `"function"` (default; Lambda, Cloud Run services): every function has its own pool.
//! - `"app"` (Azure Functions): the functions of one app share their instances. An instance
//!   of an app pool is configured with the app's memory: the largest memory among the app's
//!   functions (Azure sizes one host per app), and a call of any function of the app is billed
//!   at that memory.
//!
//! Pools are numbered in order of first appearance in the function table, so the mapping is
//! deterministic.

use crate::workload::FunctionSpec;

/// The `pools` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PoolMapping {
    #[default]
    Function,
    App,
}

impl PoolMapping {
    /// The mapping named `name` in a scenario file.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "function" => Some(Self::Function),
            "app" => Some(Self::App),
            _ => None,
        }
    }
}

/// The pools of a deployment: which pool each function uses, and each pool's memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolTable {
    /// Pool of each function, by function index.
    pub pool_of: Vec<u32>,
    /// Configured memory of each pool's instances (MB).
    pub memory_mb: Vec<u32>,
    /// The app each pool belongs to, as an index into the deployment's list of apps (for the
    /// per-app cold-start distribution).
    pub app_of_pool: Vec<u32>,
    /// Number of distinct apps.
    pub apps: usize,
}

impl PoolTable {
    /// Maps `functions` to pools by `mapping`.
    pub fn new(functions: &[FunctionSpec], mapping: PoolMapping) -> Self {
        let mut app_names: Vec<&str> = Vec::new();
        let mut app_index = std::collections::HashMap::new();
        let app_of_function: Vec<u32> = functions
            .iter()
            .map(|f| {
                *app_index.entry(f.app.as_str()).or_insert_with(|| {
                    app_names.push(f.app.as_str());
                    (app_names.len() - 1) as u32
                })
            })
            .collect();
        match mapping {
            PoolMapping::Function => Self {
                pool_of: (0..functions.len() as u32).collect(),
                memory_mb: functions.iter().map(|f| f.memory_mb).collect(),
                app_of_pool: app_of_function,
                apps: app_names.len(),
            },
            PoolMapping::App => {
                let mut memory_mb = vec![0; app_names.len()];
                for (f, &app) in functions.iter().zip(&app_of_function) {
                    memory_mb[app as usize] = memory_mb[app as usize].max(f.memory_mb);
                }
                Self {
                    pool_of: app_of_function,
                    memory_mb,
                    app_of_pool: (0..app_names.len() as u32).collect(),
                    apps: app_names.len(),
                }
            }
        }
    }

    /// Number of pools.
    pub fn len(&self) -> usize {
        self.memory_mb.len()
    }

    /// True when there is no pool (no function).
    pub fn is_empty(&self) -> bool {
        self.memory_mb.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::DurationDist;

    fn function(name: &str, app: &str, memory_mb: u32) -> FunctionSpec {
        FunctionSpec {
            name: name.into(),
            app: app.into(),
            memory_mb,
            exec: DurationDist::Constant { ms: 1.0 },
            calls: Vec::new(),
            faas: Default::default(),
        }
    }

    #[test]
    fn app_pools_share_instances_at_the_apps_largest_memory() {
        let fs = [
            function("a1", "a", 256),
            function("b1", "b", 128),
            function("a2", "a", 1024),
        ];
        let by_app = PoolTable::new(&fs, PoolMapping::App);
        assert_eq!(by_app.pool_of, vec![0, 1, 0]);
        assert_eq!(by_app.memory_mb, vec![1024, 128]);
        assert_eq!(by_app.apps, 2);
        let by_function = PoolTable::new(&fs, PoolMapping::Function);
        assert_eq!(by_function.pool_of, vec![0, 1, 2]);
        assert_eq!(by_function.memory_mb, vec![256, 128, 1024]);
        assert_eq!(by_function.app_of_pool, vec![0, 1, 0]);
    }
}
