//! What a name given in a scenario (the scenario's, a deployment's, a function's, a service's,
//! a fixed cost's) may not hold, because reports would show it wrongly: names are how report
//! rows tell deployments and functions apart, so two names must never print alike, and a name
//! must not run as a formula when a report CSV is opened in a spreadsheet.
//!
//! Refused: an empty name; leading or trailing white space (`"flt "` and `"flt"` would print as
//! two identical rows); control characters (line breaks, tabs, escape sequences); Unicode
//! bidirectional controls (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), which
//! make a name display as another; and a first character among
//! [`crate::report::csv_cell::FORMULA_TRIGGERS`] (`=`, `+`, `-`, `@`). Function names read
//! from a CSV trace follow the first rules ([`look_alike_problem`]); a formula-like start is
//! escaped in the CSVs instead, since trace files are data the user did not choose.

use crate::report::csv_cell::FORMULA_TRIGGERS;

/// Whether `c` is a Unicode bidirectional control: the Arabic letter mark, the left-to-right
/// and right-to-left marks, the embeddings, overrides and isolates.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// What is wrong with the name `s`, as the end of an error message; `None` when it may be used.
pub fn problem(s: &str) -> Option<String> {
    look_alike_problem(s).or_else(|| formula_problem(s))
}

/// What makes `s` print like another name or not at all (empty, surrounding white space,
/// control or bidirectional characters). The rule for every name, including function names
/// read from a CSV trace, whose formula-like starts are escaped in CSVs instead.
pub fn look_alike_problem(s: &str) -> Option<String> {
    if s.trim().is_empty() {
        return Some("must be a non-empty name".into());
    }
    if s.trim() != s {
        return Some(format!(
            "'{}' starts or ends with white space, which makes it print like another name: \
             remove it",
            s.escape_debug()
        ));
    }
    let c = s.chars().find(|c| c.is_control() || is_bidi_control(*c))?;
    let (what, why) = if c.is_control() {
        ("a control character", "")
    } else {
        (
            "a Unicode bidirectional control",
            ", which makes a name display as another",
        )
    };
    Some(format!(
        "'{}' holds {what} (U+{:04X}){why}: use printable characters only",
        s.escape_debug(),
        u32::from(c)
    ))
}

/// `s` starts as a spreadsheet formula would.
fn formula_problem(s: &str) -> Option<String> {
    s.starts_with(FORMULA_TRIGGERS).then(|| {
        format!(
            "'{}' starts with '{}', which a spreadsheet opening a report CSV reads as a \
             formula: start the name with another character",
            s.escape_debug(),
            s.chars().next().unwrap_or_default()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_names_pass() {
        for ok in [
            "api",
            "flt 2",
            "Lambda (arm)",
            "ä-ö",
            "a=b",
            "x-",
            "名前",
            "a@b",
        ] {
            assert_eq!(problem(ok), None, "{ok:?}");
        }
    }

    #[test]
    fn each_refusal_says_why() {
        for (name, why) in [
            ("", "non-empty"),
            ("   ", "non-empty"),
            ("flt ", "white space"),
            (" flt", "white space"),
            ("flt\u{00A0}", "white space"),
            ("a\nb", "control character (U+000A)"),
            ("a\u{1b}[31m", "control character (U+001B)"),
            ("a\u{85}b", "control character (U+0085)"),
            ("evil\u{202E}txt", "bidirectional control (U+202E)"),
            ("a\u{2066}b", "U+2066"),
            ("a\u{2069}b", "U+2069"),
            ("a\u{200E}", "U+200E"),
            ("a\u{200F}", "U+200F"),
            ("a\u{061C}", "U+061C"),
            ("a\u{202A}", "U+202A"),
            ("=HYPERLINK(\"x\")", "starts with '='"),
            ("+1", "starts with '+'"),
            ("-api", "starts with '-'"),
            ("@x", "starts with '@'"),
        ] {
            let msg = problem(name).unwrap_or_else(|| panic!("{name:?} accepted"));
            assert!(msg.contains(why), "{name:?}: {msg}");
        }
        for ok in ['\u{2065}', '\u{206A}', '\u{2029}', '\u{202F}', '\u{061B}'] {
            assert!(!is_bidi_control(ok), "{ok:?}");
        }
    }
}
