//! Turning byte spans of a scenario file into located errors (file, line, column, field).

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::ScenarioError;

/// The source text of a scenario file, for locating spans.
pub struct Source<'a> {
    pub file: PathBuf,
    pub text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> Source<'a> {
    /// Indexes `text`, read from `file`.
    pub fn new(file: &Path, text: &'a str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self {
            file: file.to_path_buf(),
            text,
            line_starts,
        }
    }

    /// `at` moved back to the nearest character boundary inside the text (a parser's span
    /// may point inside a multi-byte character).
    fn boundary(&self, at: usize) -> usize {
        let mut at = at.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at -= 1;
        }
        at
    }

    /// 1-based (line, column) of byte offset `at`.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        let at = self.boundary(at);
        let line = self.line_starts.partition_point(|&s| s <= at).max(1);
        let col = self.text[self.line_starts[line - 1]..at].chars().count() + 1;
        (line, col)
    }

    /// An error at `span` about `field`.
    pub fn error(
        &self,
        span: Range<usize>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> ScenarioError {
        let (line, column) = self.line_col(span.start);
        ScenarioError {
            file: self.file.clone(),
            line,
            column,
            field: field.into(),
            message: message.into(),
        }
    }

    /// An error about the whole file (no line to point at).
    pub fn file_error(
        &self,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError {
            file: self.file.clone(),
            line: 0,
            column: 0,
            field: field.into(),
            message: message.into(),
        }
    }

    /// Turns a TOML parse error into a located one, naming the field by its full dotted path
    /// (see [`super::toml_path`]; the key on the offending line when the document is too
    /// broken to tell) and saying what is wrong in human terms.
    pub fn toml_error(&self, e: &toml::de::Error) -> ScenarioError {
        let span = e.span().unwrap_or(0..0);
        if let Some(at) = self.unterminated_string_before(span.start) {
            let field = self.field_at(at);
            return self.error(
                at..at,
                field,
                "unterminated string: the closing \" is missing (a TOML string ends on its line)",
            );
        }
        let field = self.field_at(span.start);
        let written = self.text.get(span.clone());
        let message = super::toml_message::humanize(e.message(), &field, written);
        self.error(span, field, message)
    }

    /// The full dotted path of the field at byte `at` (see
    /// [`super::toml_path::field_at`]), else the key on its line, else `(file)`.
    fn field_at(&self, at: usize) -> String {
        let key = self.key_at(at);
        let (line, _) = self.line_col(at);
        let line_start = self.line_starts[line - 1];
        let header = self.text[line_start..].trim_start().starts_with('[');
        super::toml_path::field_at(
            self.text,
            self.boundary(at),
            line_start,
            key.as_deref(),
            header,
        )
        .or(key)
        .unwrap_or_else(|| "(file)".into())
    }

    /// Inline tables may span lines, so TOML's parser can report a string left open on one
    /// line as an error at the start of a later one. Finds such a string: the opening quote
    /// on the last non-blank line before `at`, when `at` starts its line and that line is
    /// where the parser gave up.
    fn unterminated_string_before(&self, at: usize) -> Option<usize> {
        let (line, col) = self.line_col(at);
        if line < 2 || col != 1 {
            return None;
        }
        (1..line).rev().find_map(|l| {
            let start = self.line_starts[l - 1];
            let text = self.text[start..self.line_starts[l]].trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                return None;
            }
            Some(open_quote(text).map(|i| start + i))
        })?
    }

    /// The key being defined on the line holding `at`, or the table header there.
    fn key_at(&self, at: usize) -> Option<String> {
        let (line, _) = self.line_col(at);
        let start = self.line_starts[line - 1];
        let text = self.text[start..].lines().next().unwrap_or("").trim();
        if text.starts_with('[') {
            return Some(
                text.trim_matches(|c| c == '[' || c == ']')
                    .trim()
                    .to_string(),
            );
        }
        let is_key_char = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
        let before = &self.text[start..self.boundary(at).max(start)];
        // A value: the key just before its `=`.
        if let Some(k) = before.trim_end().strip_suffix('=') {
            let k = k.trim_end();
            let key: String = k
                .chars()
                .rev()
                .take_while(|c| is_key_char(*c))
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if !key.is_empty() {
                return Some(key);
            }
        }
        // A key inside an inline table: the word under the span, followed by `=`.
        let word_start = before
            .char_indices()
            .rev()
            .find(|(_, c)| !is_key_char(*c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let rest = &self.text[start + word_start..];
        let word: String = rest.chars().take_while(|c| is_key_char(*c)).collect();
        if !word.is_empty() && rest[word.len()..].trim_start().starts_with('=') {
            return Some(word);
        }
        text.split_once('=').map(|(k, _)| k.trim().to_string())
    }
}

/// Byte index of a basic (`"`) or literal (`'`) string left open at the end of `line`, if
/// any. Multi-line strings (`"""`, `\'\'\'`) are legal across lines, so a line holding one is
/// not judged.
fn open_quote(line: &str) -> Option<usize> {
    if line.contains("\"\"\"") || line.contains("\'\'\'") {
        return None;
    }
    let mut open: Option<(usize, char)> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match open {
            Some((_, '"')) if escaped => escaped = false,
            Some((_, '"')) if c == '\\' => escaped = true,
            Some((_, q)) if c == q => open = None,
            Some(_) => {}
            None if c == '#' => break,
            None if c == '"' || c == '\'' => open = Some((i, c)),
            None => {}
        }
    }
    open.map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_strings_left_open() {
        assert_eq!(open_quote(r#"a = { rate = "5/s }"#), Some(13));
        assert_eq!(open_quote(r#"a = "x\"y" # it's"#), None);
        assert_eq!(open_quote("a = 'C:\\dir' "), None);
        assert_eq!(open_quote(r#"a = """start"#), None);
    }

    #[test]
    fn lines_and_columns_are_one_based() {
        let s = Source::new(Path::new("x.toml"), "a = 1\nbb = 2\n");
        assert_eq!(s.line_col(0), (1, 1));
        assert_eq!(s.line_col(6), (2, 1));
        assert_eq!(s.line_col(11), (2, 6));
    }
}
