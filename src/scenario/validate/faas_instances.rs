//! Validating the container-style keys of a FaaS model: `vcpus` per instance and the billing
//! `basis` with its `vcpu_seconds` price.

use toml::Spanned;

use crate::platform::BillingBasis;
use crate::platform::cpu::{MAX_VCPUS, MIN_VCPUS, is_valid_vcpus};
use crate::pricing::PriceSchedule;
use crate::scenario::file::*;

use super::{Result, Validator};

/// The validated container-style keys of one FaaS deployment.
pub(super) struct InstanceKeys {
    pub vcpus: Option<f64>,
    pub basis: BillingBasis,
    pub vcpu_seconds: Option<PriceSchedule>,
}

impl Validator<'_> {
    /// `vcpus` of `f` and the basis and vCPU-s price of its billing `b` (fields under `path`).
    pub(super) fn faas_instance_keys(
        &self,
        f: &FaasFile,
        b: &FaasBillingFile,
        path: &str,
    ) -> Result<InstanceKeys> {
        let vcpus = f
            .vcpus
            .as_ref()
            .map(|v| self.vcpus(v, &format!("{path}.vcpus")))
            .transpose()?;
        let bfield = |k: &str| format!("{path}.billing.{k}");
        let basis = self
            .named(
                &b.basis,
                &bfield("basis"),
                BillingBasis::from_name,
                &BillingBasis::NAMES.join(", "),
            )?
            .unwrap_or_default();
        // bill_init has no position of its own: the error points at the basis it conflicts with.
        if let Some(written) = &b.basis
            && basis != BillingBasis::Request
            && b.bill_init.is_some()
        {
            let name = BillingBasis::NAMES[basis as usize];
            return Err(self.err(
                written,
                bfield("bill_init"),
                format!("does not apply to basis = \"{name}\" (instance time includes the boot)"),
            ));
        }
        if basis == BillingBasis::Request {
            let v = "basis = \"request\" (it prices instance time: set basis = \"serving\" or \"instance\")";
            self.not_for(&b.vcpu_seconds, &bfield("vcpu_seconds"), v)?;
        }
        let vcpu_seconds = match &b.vcpu_seconds {
            Some(p) if vcpus.is_none() => {
                return Err(self.err(
                    p,
                    bfield("vcpu_seconds"),
                    format!("needs {path}.vcpus, the vCPUs of one instance, e.g. vcpus = 1"),
                ));
            }
            Some(p) => Some(self.price(p, &bfield("vcpu_seconds"))?),
            None => None,
        };
        Ok(InstanceKeys {
            vcpus,
            basis,
            vcpu_seconds,
        })
    }

    pub(super) fn vcpus(&self, v: &Spanned<f64>, field: &str) -> Result<f64> {
        let x = *v.get_ref();
        if !is_valid_vcpus(x) {
            return Err(self.err(
                v,
                field,
                format!(
                    "must be a number of vCPUs from {MIN_VCPUS:e} (2^-20) to {MAX_VCPUS} (2^20) (got {x})"
                ),
            ));
        }
        Ok(x)
    }
}
