//! Default cold-start times per language runtime (`runtime = "nodejs"`, ...), from published
//! measurements only.
//!
//! A scenario that names a runtime and gives no cold-start distribution gets the default
//! here; an explicit distribution always wins. A runtime without a published measurement
//! has no default (it is not in [`RUNTIMES`]): the scenario must then give its cold-start
//! distribution itself.
//!
//! **Source: Mikhail Shilkov, "Cold Starts in AWS Lambda"**
//! (<https://mikhail.io/serverless/coldstarts/aws/languages/>), whose measurements are
//! published as data with the site, <https://github.com/mikhailshilkov/mikhailio-hugo>, file
//! `data/coldstart_aws_bylanguage.json` at commit `feb74c7204aeb6a396a2f1106ff7b4a7b66ffed9`
//! (the version with the container-image row, published around January 2021). Each runtime
//! is an HTTP-triggered "hello world" function on AWS Lambda (Linux), with no dependencies,
//! outside a VPC; C# was measured at 2 GB of memory or more. For each runtime the file gives
//! the median cold start and two unlabelled ranges around it. We take the wider one to be the
//! range the site's charts draw as holding 95% of the observations, and read its top as the
//! 97.5th percentile. **That reading of the column is ours and unconfirmed**: the file does
//! not name its columns; the medians are unambiguous (they match the file's own "Median:"
//! labels).
//!
//! **How a default is built**: a lognormal through the published median and the top of the
//! 95% range as its 97.5th percentile: `mu = ln(median)`, `sigma = ln(p97.5 / median) /
//! z(0.975)` with `z(0.975) = 1.959964`. No source publishes a p99 or the shape of the tail;
//! the lognormal beyond p97.5 is an assumption, not a measurement.
//!
//! **Caveats a user should know**:
//! - These are AWS Lambda figures (2020-2021). Other providers measured by the same author
//!   start much slower (Azure Functions Consumption, Google Cloud Functions gen 1), and
//!   Lambda itself has changed since; use them as a starting point, not a fact about today.
//! - A hello-world package is the best case: at the same commit the source's
//!   `coldstart_aws_bydependencies.json` gives a 1.7 s median for a 14 MB JavaScript package
//!   and 3.9 s for a 35 MB one, and `coldstart_aws_byvpc.json` 0.5 s for a function in a VPC
//!   (an earlier version of that file gave 8.3 s: the figures drift as the platform
//!   changes). A real function should give its own distribution.
//! - Left out for want of a published measurement: Rust, PHP, PowerShell, custom runtimes
//!   (`provided`), container images as a "runtime", and Java with SnapStart.

use crate::workload::DurationDist;
use crate::workload::distribution::normal_quantile;

/// Runtimes with a published cold-start measurement, in the order the source lists them.
pub const RUNTIMES: &[&str] = &["nodejs", "python", "go", "java", "ruby", "dotnet"];

/// The citation every default carries (see the module doc).
const SOURCE: &str = "M. Shilkov, \"Cold Starts in AWS Lambda\", mikhail.io/serverless/coldstarts/aws/ \
     (data: github.com/mikhailshilkov/mikhailio-hugo data/coldstart_aws_bylanguage.json, \
     commit feb74c72, ~Jan 2021): hello-world HTTP function, median and 95% range";

/// Published (median, top of the 95% range) in milliseconds, rounded to 0.1 ms.
fn published_ms(runtime: &str) -> Option<(f64, f64)> {
    Some(match runtime {
        "nodejs" => (264.1, 595.2),
        "python" => (215.4, 530.5),
        "go" => (306.6, 661.1),
        "java" => (372.1, 689.6),
        "ruby" => (277.0, 596.0),
        // C# on .NET, measured at 2 GB of memory or more.
        "dotnet" => (517.1, 827.4),
        _ => return None,
    })
}

/// The default cold-start time of `runtime` and the source it comes from; `None` for a
/// runtime with no published measurement (see [`RUNTIMES`]).
pub fn cold_start_default(runtime: &str) -> Option<(DurationDist, &'static str)> {
    let (median_ms, p975_ms) = published_ms(runtime)?;
    let sigma = (p975_ms / median_ms).ln() / normal_quantile(0.975);
    Some((DurationDist::LogNormal { median_ms, sigma }, SOURCE))
}

/// The message for a runtime with no default: which runtimes have one, and what to do.
pub fn unknown_runtime_message(runtime: &str) -> String {
    format!(
        "no published cold-start measurement for runtime '{runtime}'; runtimes with a default \
         are {}; for any other, give the cold-start distribution explicitly",
        RUNTIMES.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The source's figures, in seconds as the data file gives them (before rounding).
    const PUBLISHED_S: [(&str, f64, f64); 6] = [
        ("nodejs", 0.264_141_67, 0.595_213_46),
        ("python", 0.215_431_08, 0.530_472_43),
        ("go", 0.306_622_58, 0.661_140_13),
        ("java", 0.372_067_29, 0.689_629_45),
        ("ruby", 0.276_998_90, 0.595_965_72),
        ("dotnet", 0.517_082_94, 0.827_397_11),
    ];

    #[test]
    fn every_listed_runtime_has_a_default_and_no_other() {
        let listed: Vec<&str> = PUBLISHED_S.iter().map(|p| p.0).collect();
        assert_eq!(RUNTIMES, listed.as_slice());
        for runtime in ["rust", "php", "powershell", "provided", "Nodejs", ""] {
            assert!(cold_start_default(runtime).is_none(), "{runtime}");
        }
    }

    #[test]
    fn defaults_have_the_published_median_and_97_5th_percentile() {
        for (runtime, median_s, p975_s) in PUBLISHED_S {
            let (dist, source) = cold_start_default(runtime).unwrap();
            // Within the 0.05 ms of rounding to 0.1 ms (plus the quantile's 1e-9 error).
            let median = dist.quantile_ms(0.5);
            assert!(
                (median - median_s * 1000.0).abs() <= 0.05,
                "{runtime}: {median}"
            );
            let p975 = dist.quantile_ms(0.975);
            assert!((p975 - p975_s * 1000.0).abs() <= 0.06, "{runtime}: {p975}");
            assert!(source.contains("Shilkov") && source.contains("mikhailio-hugo"));
        }
    }

    #[test]
    fn python_shape_by_hand() {
        // sigma = ln(530.5 / 215.4) / 1.959964 = 0.90133 / 1.959964 = 0.45987.
        let (dist, _) = cold_start_default("python").unwrap();
        let DurationDist::LogNormal { median_ms, sigma } = dist else {
            panic!("python's default is not a lognormal");
        };
        assert_eq!(median_ms, 215.4);
        assert!((sigma - 0.459_87).abs() < 1e-4, "{sigma}");
    }

    #[test]
    fn unknown_runtimes_are_told_the_known_ones() {
        let message = unknown_runtime_message("rust");
        assert!(message.contains("'rust'"));
        assert!(message.contains("nodejs, python, go, java, ruby, dotnet"));
    }
}
