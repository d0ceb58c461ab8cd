//! Validating a function's backend calls (`calls`): service -> operation kind -> count, and
//! groups made at once (`together = { parallel = true, db = { read = 1 }, cache = { get = 1 } }`).
//!
//! Rules: an entry holding a `parallel` key is a group; its `parallel` is `true` or `false`
//! (false: its calls are made one after another, like any other) and each of its other keys
//! is a service with its operation counts. Any other entry is a service with its counts.
//! Counts are whole numbers from 0 (dropped) and a function's add up to at most
//! [`MAX_OPERATIONS_PER_CALL`], groups included.

use toml::Spanned;

use crate::scenario::file::{CallValue, CallsFile};
use crate::workload::BackendCalls;

use super::{Result, Validator};

/// Most backend operations one call of a function may make, all services and kinds together:
/// the engine simulates each one (a latency draw), so this bounds the work of one request.
pub const MAX_OPERATIONS_PER_CALL: u32 = 10_000;

/// The key that makes a `calls` entry a group.
const PARALLEL: &str = "parallel";

/// The calls being collected, with their running total.
struct Collected {
    calls: Vec<BackendCalls>,
    total: u32,
    groups: u32,
}

impl Validator<'_> {
    /// Backend calls per invocation (zeros dropped), in key order, a parallel group's calls
    /// marked with the group's index.
    pub(super) fn calls(&self, map: &CallsFile, path: &str) -> Result<Vec<BackendCalls>> {
        let calls_path = format!("{path}.calls");
        let mut out = Collected {
            calls: Vec::new(),
            total: 0,
            groups: 0,
        };
        for (name, entry) in map {
            let epath = format!("{calls_path}.{name}");
            let Some(flag) = entry.get(PARALLEL) else {
                for (op, v) in entry {
                    let CallValue::Count(n) = v.get_ref() else {
                        return Err(self.err(
                            v,
                            format!("{epath}.{op}"),
                            "must be a whole number of operations per call (calls made at \
                             once are a group: name = { parallel = true, db = { read = 1 } })",
                        ));
                    };
                    let count = Spanned::new(v.span(), *n);
                    let at = Call {
                        service: name,
                        op,
                        field: format!("{epath}.{op}"),
                        group: None,
                    };
                    self.push_call(&mut out, &calls_path, at, &count)?;
                }
                continue;
            };
            let CallValue::Flag(parallel) = flag.get_ref() else {
                return Err(self.err(flag, format!("{epath}.{PARALLEL}"), "must be true or false"));
            };
            let group = parallel.then_some(out.groups);
            out.groups += u32::from(*parallel);
            for (service, v) in entry.iter().filter(|(k, _)| *k != PARALLEL) {
                let CallValue::Service(ops) = v.get_ref() else {
                    return Err(self.err(
                        v,
                        format!("{epath}.{service}"),
                        format!(
                            "in a group each key but `parallel` is a service with its operation \
                             counts, e.g. {service} = {{ read = 1 }}"
                        ),
                    ));
                };
                for (op, count) in ops {
                    let field = format!("{epath}.{service}.{op}");
                    let at = Call {
                        service,
                        op,
                        field,
                        group,
                    };
                    self.push_call(&mut out, &calls_path, at, count)?;
                }
            }
        }
        Ok(out.calls)
    }

    /// Checks `count` operations of `at` and adds them (none when 0).
    fn push_call(
        &self,
        out: &mut Collected,
        calls_path: &str,
        at: Call,
        count: &Spanned<i64>,
    ) -> Result<()> {
        let n = self.count(count, &at.field, 0, i64::from(MAX_OPERATIONS_PER_CALL))?;
        out.total += n;
        if out.total > MAX_OPERATIONS_PER_CALL {
            return Err(self.err(
                count,
                calls_path,
                format!(
                    "backend operations per call add up to {} with {}.{} = {n}, more than \
                     {MAX_OPERATIONS_PER_CALL} (each operation is simulated one by one)",
                    out.total, at.service, at.op
                ),
            ));
        }
        if n > 0 {
            out.calls.push(BackendCalls {
                service: at.service.to_owned(),
                operation: at.op.to_owned(),
                count: n,
                group: at.group,
            });
        }
        Ok(())
    }
}

/// Where a count is: its service and operation kind, its field path, its parallel group.
struct Call<'a> {
    service: &'a str,
    op: &'a str,
    field: String,
    group: Option<u32>,
}
