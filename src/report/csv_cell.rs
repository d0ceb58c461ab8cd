//! Spreadsheet-safe CSV cells: a text cell that a spreadsheet would run as a formula gets a
//! leading `'`.
//!
//! Spreadsheets (Excel, LibreOffice, Google Sheets) treat a cell starting with `=`, `+`, `-`
//! or `@` as a formula, and a tab or carriage return before one as well (OWASP, "CSV
//! Injection"), so a name such as `=HYPERLINK(...)` would run when a report is opened. Every
//! CSV the tool writes goes through [`crate::report::CsvFile`], which passes each cell through
//! [`protect`]: such a text cell is written as `'=...`, which spreadsheets show as the text.
//! Numbers stay as they are (`-0.5` is a number, not a formula). Names given in a scenario
//! cannot start so (validation refuses them, see `docs/reports.md`), so in practice only text
//! read from trace files can be changed.

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula.
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell holding `text` would be read as a formula: it starts with one of
/// [`FORMULA_TRIGGERS`] and is not a number.
pub fn reads_as_formula(text: &str) -> bool {
    text.starts_with(FORMULA_TRIGGERS) && !is_number(text)
}

/// A number as the reports write them: what Rust parses as `f64`, with at least one digit
/// (so `-inf` and `+nan` are text).
fn is_number(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit()) && text.parse::<f64>().is_ok()
}

/// The cell as written: `field` itself, or `'` and `field` when it would be read as a formula.
pub fn protect(field: &[u8]) -> Cow<'_, [u8]> {
    let triggers = FORMULA_TRIGGERS.map(|c| c as u8);
    if !field.first().is_some_and(|b| triggers.contains(b)) {
        return Cow::Borrowed(field);
    }
    match std::str::from_utf8(field) {
        Ok(text) if !reads_as_formula(text) => Cow::Borrowed(field),
        _ => {
            let mut quoted = Vec::with_capacity(field.len() + 1);
            quoted.push(b'\'');
            quoted.extend_from_slice(field);
            Cow::Owned(quoted)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str) -> String {
        String::from_utf8(protect(text.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn formula_text_gets_a_quote_and_everything_else_is_kept() {
        for (given, written) in [
            ("=1+1", "'=1+1"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-api", "'-api"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=x", "'\t=x"),
            ("\r=x", "'\r=x"),
            ("-", "'-"),
            ("-inf", "'-inf"),
            ("-1+2", "'-1+2"),
        ] {
            assert_eq!(cell(given), written, "{given:?}");
        }
        for kept in [
            "-0.5", "-12", "+3", "-1e-05", "1.5", "0", "api", "", "a=b", "total", "'=x", " =x",
        ] {
            assert_eq!(cell(kept), kept, "{kept:?}");
        }
    }
}
