//! Validating provisioned concurrency: `provisioned = { instances = N }` or a daily
//! `schedule`, optionally for some functions only (`functions = ["checkout"]`: names of the
//! workload's functions, each once, at least one), and the provisioned prices it needs.

use toml::Spanned;

use crate::platform::faas::Provisioned;
use crate::platform::schedule::{DailySchedule, parse_clock};
use crate::scenario::file::{FaasBillingFile, FaasFile};
use crate::workload::Workload;

use super::{Result, Validator};

/// Most always-warm instances per pool (each is a slot in memory for the whole run).
const MAX_PROVISIONED: i64 = 100_000;

impl Validator<'_> {
    /// The provisioned plan of a FaaS compute table, if any, and the functions it is for
    /// (`None`: all).
    pub(super) fn provisioned(
        &self,
        f: &FaasFile,
        billing: &Spanned<FaasBillingFile>,
        path: &str,
        workload: &Workload,
    ) -> Result<(Option<Provisioned>, Option<Vec<String>>)> {
        let field = format!("{path}.provisioned");
        let bfield = |k: &str| format!("{path}.billing.{k}");
        let b = billing.get_ref();
        let Some(p) = &f.provisioned else {
            self.not_for(
                &b.provisioned_gb_seconds,
                &bfield("provisioned_gb_seconds"),
                "a deployment without provisioned concurrency",
            )?;
            self.not_for(
                &b.provisioned_compute,
                &bfield("provisioned_compute"),
                "a deployment without provisioned concurrency",
            )?;
            return Ok((None, None));
        };
        let pf = p.get_ref();
        let plan = match (&pf.instances, &pf.schedule) {
            (Some(n), None) => Provisioned::Constant(self.count(
                n,
                &format!("{field}.instances"),
                0,
                MAX_PROVISIONED,
            )?),
            (None, Some(entries)) => {
                let mut parsed = Vec::new();
                for (i, e) in entries.get_ref().iter().enumerate() {
                    let ep = format!("{field}.schedule[{i}]");
                    let e = e.get_ref();
                    let clock = |s: &Spanned<String>, k: &str| {
                        parse_clock(s.get_ref()).map_err(|m| self.err(s, format!("{ep}.{k}"), m))
                    };
                    parsed.push((
                        clock(&e.from, "from")?,
                        clock(&e.to, "to")?,
                        self.count(&e.instances, &format!("{ep}.instances"), 0, MAX_PROVISIONED)?,
                    ));
                }
                let schedule = DailySchedule::new(&parsed).map_err(|(i, m)| {
                    let at = &entries.get_ref()[i.min(entries.get_ref().len() - 1)];
                    self.err(at, format!("{field}.schedule[{i}]"), m)
                })?;
                Provisioned::Daily(schedule)
            }
            (Some(_), Some(s)) => {
                return Err(self.err(
                    s,
                    format!("{field}.schedule"),
                    "give either instances or a schedule, not both",
                ));
            }
            (None, None) => {
                return Err(self.err(
                    p,
                    field,
                    "missing: instances = N, or a schedule = [ { from = \"08:00\", to = \"20:00\", instances = N } ]",
                ));
            }
        };
        // Per-request billing (Lambda) bills provisioned capacity on its own meters.
        let per_request = b.basis.as_ref().is_none_or(|s| s.get_ref() == "request");
        if per_request {
            self.required(
                &b.provisioned_gb_seconds,
                billing,
                &bfield("provisioned_gb_seconds"),
                "the price of provisioned memory per GB-s, used or not (Lambda x86: { usd = 0.0000041667 })",
            )?;
            self.required(
                &b.provisioned_compute,
                billing,
                &bfield("provisioned_compute"),
                "the GB-s price of calls run on provisioned instances (Lambda x86: { usd = 0.0000097222 })",
            )?;
        }
        let functions = match &pf.functions {
            None => None,
            Some(list) => Some(self.provisioned_functions(list, &field, workload)?),
        };
        Ok((Some(plan), functions))
    }

    /// The names of `provisioned.functions`: each a function of the workload, once.
    fn provisioned_functions(
        &self,
        list: &Spanned<Vec<Spanned<String>>>,
        field: &str,
        workload: &Workload,
    ) -> Result<Vec<String>> {
        if list.get_ref().is_empty() {
            return Err(self.err(
                list,
                format!("{field}.functions"),
                "is empty: name at least one function, or leave the key out for every pool",
            ));
        }
        let mut names: Vec<String> = Vec::new();
        for (i, name) in list.get_ref().iter().enumerate() {
            let at = format!("{field}.functions[{i}]");
            let n = name.get_ref();
            if !workload.functions.iter().any(|func| &func.name == n) {
                return Err(self.err(name, at, format!("no function named '{n}' in the workload")));
            }
            if names.contains(n) {
                return Err(self.err(name, at, format!("'{n}' is named twice")));
            }
            names.push(n.clone());
        }
        Ok(names)
    }
}
