//! Typed errors of the library. User-input errors carry their location: the file, the line
//! (and column, for scenario files) and the field at fault.

use std::path::PathBuf;

/// A scenario file that cannot be read, parsed or validated. Displayed as
/// `file:line:column: field: message` (editors jump to it), or `file: field: message` when the
/// error concerns the whole file.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {field}: {message}", file.display(), at(*line as u64, Some(*column)))]
pub struct ScenarioError {
    pub file: PathBuf,
    /// 1-based line (0 when the error concerns the whole file).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Dotted path of the field at fault, e.g. `deployments[1].compute.keep_alive`.
    pub field: String,
    pub message: String,
}

/// A trace file that cannot be read or holds malformed data. Displayed as
/// `file:line: field: message`, or `file: field: message` for the whole file.
#[derive(Debug, thiserror::Error)]
#[error("{}{}: {field}: {message}", file.display(), at(*line, None))]
pub struct TraceError {
    pub file: PathBuf,
    /// 1-based line (0 when the error concerns the whole file).
    pub line: u64,
    /// Column name or field at fault.
    pub field: String,
    pub message: String,
}

/// `:line:column`, `:line`, or nothing for line 0 (the whole file).
fn at(line: u64, column: Option<usize>) -> String {
    match (line, column) {
        (0, _) => String::new(),
        (l, Some(c)) if c > 0 => format!(":{l}:{c}"),
        (l, _) => format!(":{l}"),
    }
}

/// Anything that stops a run.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// Displayed as `context: OS message`. The I/O error is part of the message and not
    /// also exposed as [`std::error::Error::source`], so printing the error with its chain
    /// (`{:#}` in anyhow) shows the OS message once.
    #[error("{context}: {cause}")]
    Io {
        context: String,
        cause: std::io::Error,
    },
    #[error("{0}")]
    Report(String),
    #[error("{0}")]
    Invalid(String),
}

impl SimError {
    /// An I/O error with what was being done when it happened.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        SimError::Io {
            context: context.into(),
            cause: source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_io_error_prints_its_os_message_once() {
        let os = std::io::Error::from_raw_os_error(17);
        let os_message = os.to_string();
        let e = SimError::io("creating out", os);
        assert!(std::error::Error::source(&e).is_none());
        assert_eq!(e.to_string(), format!("creating out: {os_message}"));
        let chained = format!("{:#}", anyhow::Error::from(e).context("writing the report"));
        assert_eq!(
            chained,
            format!("writing the report: creating out: {os_message}")
        );
    }
}
