//! Pricing: tiered schedules with free allowances, the meters a deployment bills, and the
//! month projection that turns recorded quantities into a bill.

pub mod bill;
pub mod meter;
pub mod part;
pub mod presets;
pub mod schedule;

pub use bill::{Bill, BillLine, TierLine, TierQuantities, bill};
pub use meter::{Meter, MeterKind, Meters};
pub use part::{Attribution, Column, CostPart};
pub use schedule::{PriceSchedule, Tier, TierCharge};
