//! The memory of reading a scenario file, estimated from its text before it is parsed, so a
//! file too large to read is refused before it is read.
//!
//! Parsing keeps the whole TOML document (every value with its position) while it is turned
//! into typed values, and each `pricing = "..."` preset reference merges the preset's whole
//! table into the document. For a large file this is the peak of the whole process: the
//! engine's state is allocated after the document is freed and reuses its memory. Measured
//! as the peak resident memory (`/usr/bin/time -v`, `check`, debug and release alike: the
//! data structures are the same) of generated scenarios, less that of a one-line scenario
//! (13 MB):
//! - 10,000 and 50,000 functions of 160 bytes each: 6.0 KB a function, 39 bytes per byte;
//! - a daily profile of 100,000 and 1,000,000 one-digit values (3 bytes each, `1, `): 200
//!   bytes a value, 67 bytes per byte;
//! - 4,000 and 16,000 deployments with their prices written out (230 bytes each): 53
//!   bytes per byte;
//! - 16,000 deployments of 132 bytes naming `pricing = "aws-lambda-x86"`: 19.5 KB each, of
//!   which 7 KB for their text at 53 bytes per byte and 12.5 KB for the preset merged in.
//!
//! The estimate takes the largest rate per byte ([`READ_BYTES_PER_BYTE`]) for the whole text
//! and adds [`READ_BYTES_PER_PRESET`] per `pricing` key; it is refused above the same limit
//! as a run's state ([`super::MAX_MEMORY_BYTES`]): about 120 MB of scenario text.

use super::{MAX_MEMORY_BYTES, OVERRIDE_FLAG, bytes};

/// Peak memory of parsing and validating per byte of scenario text (the largest measured,
/// 67 for a daily profile of one-digit values, rounded up).
pub const READ_BYTES_PER_BYTE: f64 = 70.0;

/// Memory of merging one preset into the document (12.5 KB measured, rounded up).
pub const READ_BYTES_PER_PRESET: f64 = 13.0 * 1024.0;

/// The estimated peak memory of reading `text`: [`READ_BYTES_PER_BYTE`] per byte plus
/// [`READ_BYTES_PER_PRESET`] per `pricing` key (counted as the word, wherever it occurs: a
/// comment mentioning it only makes the estimate safer).
pub fn reading_bytes(text: &str) -> f64 {
    let presets = text.matches("pricing").count();
    text.len() as f64 * READ_BYTES_PER_BYTE + presets as f64 * READ_BYTES_PER_PRESET
}

/// The line `check` prints about reading `text`.
pub fn line(text: &str) -> String {
    format!(
        "estimate: reading the scenario file ({}): memory about {} (limit {})",
        bytes(text.len() as f64),
        bytes(reading_bytes(text)),
        bytes(MAX_MEMORY_BYTES)
    )
}

/// Refuses a scenario text whose reading would take more than [`MAX_MEMORY_BYTES`].
///
/// # Errors
/// A message with the estimate, what it is made of and the flag that overrides.
pub fn check(text: &str) -> Result<(), String> {
    let need = reading_bytes(text);
    if need <= MAX_MEMORY_BYTES {
        return Ok(());
    }
    let presets = text.matches("pricing").count();
    Err(format!(
        "the scenario file is too large to read: {} of text with {presets} preset \
         reference{} would take about {} of memory to parse (limit {}; about \
         {READ_BYTES_PER_BYTE} bytes per byte of text and {} per preset). Split it into \
         smaller scenarios, or pass {OVERRIDE_FLAG} to read it anyway",
        bytes(text.len() as f64),
        if presets == 1 { "" } else { "s" },
        bytes(need),
        bytes(MAX_MEMORY_BYTES),
        bytes(READ_BYTES_PER_PRESET),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_presets_add_up() {
        // 1,000 bytes x 70 = 70,000; two presets x 13,312 = 26,624.
        let text = format!("pricing = \"a\"\npricing = \"b\"\n{}", "#".repeat(972));
        assert_eq!(text.len(), 1_000);
        assert_eq!(reading_bytes(&text), 70_000.0 + 26_624.0);
        assert!(check(&text).is_ok());
    }
}
