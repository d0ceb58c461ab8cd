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
//! **Other platforms** (`cold_start_figures = "azure-functions-consumption-linux"` or
//! `"gcp-cloud-functions-gen1"`, which the Azure Consumption and Cloud Functions presets set):
//! the same author's measurements of the same hello-world function on Azure Functions
//! (Consumption plan, Linux: C#, Node.js, Python) and Google Cloud Functions 1st gen (Node.js,
//! Go, Python), data at the commit of 2021-01-07, as published to 10 ms, built the same way.
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

/// Whose measurements a runtime's default comes from: the platform the deployment runs on
/// (`cold_start_figures` under `[deployments.compute]`; the FaaS presets set it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Platform {
    /// AWS Lambda (the default): the precise figures below.
    #[default]
    AwsLambda,
    /// Azure Functions, Consumption plan on Linux.
    AzureConsumptionLinux,
    /// Google Cloud Functions, 1st generation.
    GcpFunctionsGen1,
}

impl Platform {
    /// Scenario names, in declaration order.
    pub const NAMES: [&'static str; 3] = [
        "aws-lambda",
        "azure-functions-consumption-linux",
        "gcp-cloud-functions-gen1",
    ];

    /// The platform called `name` in a scenario.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "aws-lambda" => Some(Platform::AwsLambda),
            "azure-functions-consumption-linux" => Some(Platform::AzureConsumptionLinux),
            "gcp-cloud-functions-gen1" => Some(Platform::GcpFunctionsGen1),
            _ => None,
        }
    }

    /// Its scenario name.
    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }

    /// Runtimes with a published cold-start measurement on this platform, in the source's
    /// order.
    pub fn runtimes(self) -> &'static [&'static str] {
        match self {
            Platform::AwsLambda => &["nodejs", "python", "go", "java", "ruby", "dotnet"],
            Platform::AzureConsumptionLinux => &["dotnet", "nodejs", "python"],
            Platform::GcpFunctionsGen1 => &["nodejs", "go", "python"],
        }
    }
}

/// Runtimes with a published cold-start measurement on AWS Lambda, in the order the source
/// lists them.
pub const RUNTIMES: &[&str] = &["nodejs", "python", "go", "java", "ruby", "dotnet"];

/// The citation every default carries (see the module doc).
const SOURCE: &str = "M. Shilkov, \"Cold Starts in AWS Lambda\", mikhail.io/serverless/coldstarts/aws/ \
     (data: github.com/mikhailshilkov/mikhailio-hugo data/coldstart_aws_bylanguage.json, \
     commit feb74c72, ~Jan 2021): hello-world HTTP function, median and 95% range";

/// The citation of the Azure and Google defaults.
const SOURCE_OTHERS: &str = "M. Shilkov, cold-start measurements, mikhail.io/serverless/coldstarts/ \
     (data: github.com/mikhailshilkov/mikhailio-hugo data/*.json, commit of 2021-01-07): \
     hello-world HTTP function, median and top of the 95% range, to 10 ms";

/// Published (median, top of the 95% range) in milliseconds on `platform`. AWS: rounded to
/// 0.1 ms from the data file; Azure (Consumption, Linux) and Google (Cloud Functions 1st gen):
/// as published to 10 ms.
fn published_ms(platform: Platform, runtime: &str) -> Option<(f64, f64)> {
    Some(match (platform, runtime) {
        (Platform::AwsLambda, "nodejs") => (264.1, 595.2),
        (Platform::AwsLambda, "python") => (215.4, 530.5),
        (Platform::AwsLambda, "go") => (306.6, 661.1),
        (Platform::AwsLambda, "java") => (372.1, 689.6),
        (Platform::AwsLambda, "ruby") => (277.0, 596.0),
        // C# on .NET, measured at 2 GB of memory or more.
        (Platform::AwsLambda, "dotnet") => (517.1, 827.4),
        (Platform::AzureConsumptionLinux, "dotnet") => (930.0, 4750.0),
        (Platform::AzureConsumptionLinux, "nodejs") => (1580.0, 4340.0),
        (Platform::AzureConsumptionLinux, "python") => (1280.0, 3900.0),
        (Platform::GcpFunctionsGen1, "nodejs") => (670.0, 1490.0),
        (Platform::GcpFunctionsGen1, "go") => (590.0, 1290.0),
        (Platform::GcpFunctionsGen1, "python") => (1110.0, 1760.0),
        _ => return None,
    })
}

/// The default cold-start time of `runtime` on AWS Lambda and the source it comes from;
/// `None` for a runtime with no published measurement (see [`RUNTIMES`]).
pub fn cold_start_default(runtime: &str) -> Option<(DurationDist, &'static str)> {
    cold_start_default_on(Platform::AwsLambda, runtime)
}

/// The default cold-start time of `runtime` on `platform`, and its source: a lognormal
/// through the published median and the top of the 95% range as its 97.5th percentile.
pub fn cold_start_default_on(
    platform: Platform,
    runtime: &str,
) -> Option<(DurationDist, &'static str)> {
    let (median_ms, p975_ms) = published_ms(platform, runtime)?;
    let sigma = (p975_ms / median_ms).ln() / normal_quantile(0.975);
    let source = match platform {
        Platform::AwsLambda => SOURCE,
        _ => SOURCE_OTHERS,
    };
    Some((DurationDist::LogNormal { median_ms, sigma }, source))
}

/// The message for a runtime with no default on `platform`: which runtimes have one, and
/// what to do.
pub fn unknown_runtime_message_on(platform: Platform, runtime: &str) -> String {
    format!(
        "no published cold-start measurement for runtime '{runtime}' on {}; runtimes with a \
         default there are {}; for any other, give the cold-start distribution explicitly",
        platform.name(),
        platform.runtimes().join(", ")
    )
}

/// The message for a runtime with no AWS Lambda default.
pub fn unknown_runtime_message(runtime: &str) -> String {
    unknown_runtime_message_on(Platform::AwsLambda, runtime)
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
    fn azure_and_google_defaults_have_the_published_figures() {
        // Azure Consumption (Linux), Node.js: median 1.58 s, top of the 95% range 4.34 s:
        // sigma = ln(4.34 / 1.58) / 1.959964 = 1.010432 / 1.959964 = 0.515536.
        let (dist, source) =
            cold_start_default_on(Platform::AzureConsumptionLinux, "nodejs").unwrap();
        let DurationDist::LogNormal { median_ms, sigma } = dist else {
            panic!("not a lognormal");
        };
        assert_eq!(median_ms, 1580.0);
        assert!((sigma - 0.515_536).abs() < 1e-5, "{sigma}");
        assert!(source.contains("Shilkov"));
        // Google Cloud Functions gen 1, Python: 1.11 s and 1.76 s.
        let (dist, _) = cold_start_default_on(Platform::GcpFunctionsGen1, "python").unwrap();
        assert!((dist.quantile_ms(0.5) - 1110.0).abs() < 1e-6);
        assert!((dist.quantile_ms(0.975) - 1760.0).abs() < 1e-3);
        // Java was measured on AWS only.
        assert!(cold_start_default_on(Platform::GcpFunctionsGen1, "java").is_none());
        assert!(cold_start_default_on(Platform::AzureConsumptionLinux, "go").is_none());
        for platform in [
            Platform::AwsLambda,
            Platform::AzureConsumptionLinux,
            Platform::GcpFunctionsGen1,
        ] {
            assert_eq!(Platform::parse(platform.name()), Some(platform));
            for runtime in platform.runtimes() {
                assert!(cold_start_default_on(platform, runtime).is_some());
            }
        }
        assert_eq!(Platform::AwsLambda.runtimes(), RUNTIMES);
    }

    #[test]
    fn unknown_runtimes_are_told_the_known_ones() {
        let message = unknown_runtime_message("rust");
        assert!(message.contains("'rust'"));
        assert!(message.contains("nodejs, python, go, java, ruby, dotnet"));
    }
}
