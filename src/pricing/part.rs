//! Cost parts: what a deployment's bill is split into, and everything a report needs to know
//! about each piece.
//!
//! A [`CostPart`] names a group of meters by what they meter: its `summary.csv` column
//! ([`Column`]: `cost_<stem>_monthly_usd`, where the column goes among the others), its
//! label in chart legends ("requests", "GiB-seconds", "instance-months",
//! "db: firebase-firestore", "gateway: aws-api-gateway-http", "fixed: load_balancer"), how
//! its cost is shared among the workload's functions by default ([`Attribution`]), and which
//! part of the deployment's pricing priced it (`compute`, `gateway`, a service's name: the
//! preset shown beside its lines in `costs.csv`).
//!
//! **Open to new kinds.** A part is a value, not a variant: the one builder that registers a
//! kind of meter builds its part and hands it to [`super::Meters::add`] with each meter
//! (FaaS requests, compute, provisioned capacity and base fee in
//! [`crate::platform::faas::meters`]; a fleet's instance time in
//! [`crate::platform::fleet::instance_part`]; each service in
//! [`crate::platform::ServiceSpec::cost_part`]; the gateway in
//! [`crate::platform::GatewaySpec::cost_part`]; each fixed add-on in
//! [`crate::platform::FixedCost::cost_part`]). Adding a kind of cost part is an edit in
//! that one place only: the summary and per-function columns, `costs.csv`, the cost charts'
//! bars, legend and colours ([`crate::report::charts::palette`] colours a part by its label)
//! and the preset lookup all read what the part carries, and never list the kinds.
//!
//! Two meters belong to the same column when their [`Column`]s are equal (GB-seconds and
//! vCPU-seconds both cost `compute`), and to the same chart part when their columns and labels
//! are equal (two databases under one service name `db`, priced by different presets, share
//! the `baas_db` column but are two parts of the cost chart).

/// Where a part's cost goes in `summary.csv`, `functions.csv` and `costs.csv`.
///
/// Columns are ordered by `rank`, then by `stem`: each builder picks the rank of its kind
/// (today's, from the first column to the last: FaaS requests 10, compute 20, provisioned
/// capacity 30, instances 40, services 50, the gateway 60, fixed add-ons 70, a platform's
/// base fee 80), so a new kind places its column without editing the others.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Column {
    /// Orders the columns (lowest first).
    pub rank: u8,
    /// The column's stem: `requests`, `compute`, `baas_<service>`... (`costs.csv`'s
    /// `component`).
    pub stem: String,
}

/// How a meter's cost is shared among the workload's functions in `functions.csv`
/// ([`crate::report::functions`] states the rule).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Attribution {
    /// Recorded call by call: each function pays for its own quantity.
    PerCall,
    /// Instance time: shared by each function's slot time.
    SlotTime,
    /// A fixed charge or capacity kept on purpose: no function's.
    Unattributed,
}

/// One named piece of a deployment's bill (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CostPart {
    /// The column it is summed into.
    pub column: Column,
    /// Its name in chart legends, by what it meters.
    pub label: String,
    /// How its meters' costs are shared among functions, unless a meter says otherwise
    /// ([`super::Meters::set_attribution`]).
    pub attribution: Attribution,
    /// The part of the deployment whose preset priced it (`compute`, `gateway`, a service's
    /// name, as in [`crate::platform::PresetUse::part`]); `None` for charges the scenario
    /// always writes itself (fixed add-ons).
    pub priced_by: Option<String>,
}

impl CostPart {
    /// A part summed into column `stem` (placed by `rank`), labelled `label`, shared among
    /// functions by `attribution`, priced by no preset.
    pub fn new(
        rank: u8,
        stem: impl Into<String>,
        label: impl Into<String>,
        attribution: Attribution,
    ) -> Self {
        Self {
            column: Column {
                rank,
                stem: stem.into(),
            },
            label: label.into(),
            attribution,
            priced_by: None,
        }
    }

    /// The same part, priced by the preset of the deployment's part `part`.
    pub fn priced_by(mut self, part: impl Into<String>) -> Self {
        self.priced_by = Some(part.into());
        self
    }

    /// The column stem: `requests`, `compute`, `baas_<service>`...
    pub fn stem(&self) -> &str {
        &self.column.stem
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_sort_by_rank_then_stem() {
        let col = |rank, stem: &str| Column {
            rank,
            stem: stem.into(),
        };
        let mut columns = [
            col(70, "fixed"),
            col(50, "baas_db"),
            col(10, "requests"),
            col(50, "baas_auth"),
            col(20, "compute"),
        ];
        columns.sort();
        let stems: Vec<&str> = columns.iter().map(|c| c.stem.as_str()).collect();
        assert_eq!(
            stems,
            ["requests", "compute", "baas_auth", "baas_db", "fixed"]
        );
    }

    #[test]
    fn a_part_carries_what_reports_read() {
        let part =
            CostPart::new(50, "baas_db", "db: supabase", Attribution::PerCall).priced_by("db");
        assert_eq!(part.stem(), "baas_db");
        assert_eq!(part.label, "db: supabase");
        assert_eq!(part.priced_by.as_deref(), Some("db"));
        assert_eq!(part.attribution, Attribution::PerCall);
    }
}
