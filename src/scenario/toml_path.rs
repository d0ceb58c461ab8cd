//! Where in a scenario file a byte offset lies, as the dotted path of a field
//! (`deployments[0].compute.instances`, array elements by index), for errors from TOML and
//! serde that give only a span; and lists written where the format has none.
//!
//! The path comes from re-reading the document with spans (`toml::de::DeTable`, with
//! best-effort recovery for files that are not valid TOML): the innermost key or value whose
//! span holds the offset. A broken document is also read up to the offending line alone, to
//! learn which table is open there.

use toml::Spanned;
use toml::de::{DeTable, DeValue};
/// The dotted path of the innermost field whose key or value holds byte offset `at` of
/// `text`, or `None` when `at` lies outside every field (e.g. between tables).
pub fn path_at(text: &str, at: usize) -> Option<String> {
    let (doc, _) = DeTable::parse_recoverable(text);
    let mut path = String::new();
    walk_table(doc.get_ref(), at, &mut path);
    (!path.is_empty()).then_some(path)
}

/// The field an error at byte `at` is about. `line_start` is the start of its line, `key`
/// the key written on that line (if any) and `header` whether the line is a table header.
///
/// In a valid document that is [`path_at`]. A broken one (a syntax error, a duplicate key)
/// is read only up to the offending line, to learn which table is open there; the key on
/// the line is named under it, or under the deeper field best-effort recovery finds (an
/// inline table). A broken header is named as written.
pub fn field_at(
    text: &str,
    at: usize,
    line_start: usize,
    key: Option<&str>,
    header: bool,
) -> Option<String> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    let mut found = String::new();
    walk_table(doc.get_ref(), at, &mut found);
    if errors.is_empty() {
        return (!found.is_empty()).then_some(found);
    }
    if header {
        return key.map(str::to_string);
    }
    let open = open_table_at(text, line_start);
    let join = |base: &str, k: &str| {
        if base.is_empty() {
            k.to_string()
        } else {
            format!("{base}.{k}")
        }
    };
    let base = match open {
        Some(p) if !found.starts_with(p.as_str()) || found.len() <= p.len() => p,
        _ => found,
    };
    match key {
        Some(k) if base.ends_with(k) && !base.is_empty() => Some(base),
        Some(k) => Some(join(&base, k)),
        None => (!base.is_empty()).then_some(base),
    }
}

/// Key of the probe [`open_table_at`] appends.
const PROBE: &str = "__serverless_sim_probe__";

/// The path of the table open at the start of the line at `line_start` (`""` for the root),
/// found by parsing the text before it with a probe key appended; `None` if that prefix is
/// not valid TOML on its own (e.g. the line is inside a multi-line inline table).
fn open_table_at(text: &str, line_start: usize) -> Option<String> {
    let prefix = format!("{}\n{PROBE} = 0\n", &text[..line_start.min(text.len())]);
    let doc = DeTable::parse(&prefix).ok()?;
    let mut path = String::new();
    find_probe(doc.get_ref(), &mut path).then_some(path)
}

fn find_probe(table: &DeTable<'_>, path: &mut String) -> bool {
    for (key, value) in table {
        if key.get_ref() == PROBE {
            return true;
        }
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key.get_ref());
        match value.get_ref() {
            DeValue::Table(t) if find_probe(t, path) => return true,
            DeValue::Array(items) => {
                let base = path.len();
                for (i, item) in items.iter().enumerate() {
                    path.push_str(&format!("[{i}]"));
                    if let DeValue::Table(t) = item.get_ref() {
                        if find_probe(t, path) {
                            return true;
                        }
                    }
                    path.truncate(base);
                }
            }
            _ => {}
        }
        path.truncate(len);
    }
    false
}

fn holds(span: std::ops::Range<usize>, at: usize) -> bool {
    span.start <= at && (at < span.end || span.is_empty() && at == span.start)
}

fn walk_table(table: &DeTable<'_>, at: usize, path: &mut String) {
    for (key, value) in table {
        let in_key = holds(key.span(), at);
        let in_value = holds(value.span(), at);
        if !in_key && !in_value && !contains_deep(value, at) {
            continue;
        }
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key.get_ref());
        if !in_key {
            walk_value(value, at, path);
        }
        return;
    }
}

/// Whether `at` lies in a value nested in `v` (the span of a table defined by headers, e.g.
/// `[deployments.compute]`, need not cover its keys).
fn contains_deep(v: &Spanned<DeValue<'_>>, at: usize) -> bool {
    match v.get_ref() {
        DeValue::Table(t) => t
            .iter()
            .any(|(k, v)| holds(k.span(), at) || holds(v.span(), at) || contains_deep(v, at)),
        DeValue::Array(a) => a
            .iter()
            .any(|v| holds(v.span(), at) || contains_deep(v, at)),
        _ => false,
    }
}

fn walk_value(value: &Spanned<DeValue<'_>>, at: usize, path: &mut String) {
    match value.get_ref() {
        DeValue::Table(t) => walk_table(t, at, path),
        DeValue::Array(items) => {
            let hit = items
                .iter()
                .position(|v| holds(v.span(), at) || contains_deep(v, at));
            if let Some(i) = hit {
                path.push_str(&format!("[{i}]"));
                walk_value(&items[i], at, path);
            }
        }
        _ => {}
    }
}

/// Keys whose value is a list in the scenario format; any other key given a list is read by
/// serde element by element as if it were a table's fields, which would blame element 0.
const LIST_KEYS: [&str; 11] = [
    "functions",
    "deployments",
    "services",
    "fixed",
    "tiers",
    "profile",
    "invocations",
    "durations",
    "memory_file",
    "schedule",
    "cpu_tiers",
];

/// The first list written where the format wants a table or a single value (serde would
/// read `keep_alive = ["fixed", "10m"]` positionally, field by field, and accept it): its
/// byte span and dotted path. `None` for a document that is not valid TOML (its parse error
/// is reported instead).
pub fn misplaced_list(text: &str) -> Option<(std::ops::Range<usize>, String)> {
    let doc = DeTable::parse(text).ok()?;
    let mut path = String::new();
    find_misplaced_list(doc.get_ref(), &mut path)
}

fn find_misplaced_list(
    table: &DeTable<'_>,
    path: &mut String,
) -> Option<(std::ops::Range<usize>, String)> {
    for (key, value) in table {
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(key.get_ref());
        match value.get_ref() {
            DeValue::Array(_) if !LIST_KEYS.contains(&key.get_ref().as_ref()) => {
                return Some((value.span(), path.clone()));
            }
            DeValue::Array(items) => {
                let base = path.len();
                for (i, item) in items.iter().enumerate() {
                    path.push_str(&format!("[{i}]"));
                    if let DeValue::Table(t) = item.get_ref() {
                        if let Some(found) = find_misplaced_list(t, path) {
                            return Some(found);
                        }
                    }
                    path.truncate(base);
                }
            }
            DeValue::Table(t) => {
                if let Some(found) = find_misplaced_list(t, path) {
                    return Some(found);
                }
            }
            _ => {}
        }
        path.truncate(len);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_array_elements_and_nested_tables() {
        let text = "a = 1\n[[d]]\nname = \"x\"\n[[d]]\nname = \"y\"\n[d.c]\nn = \"2\"\nk = { p = [1, 2, 3] }\n";
        let at = |needle: &str| text.find(needle).expect("needle");
        assert_eq!(path_at(text, at("1\n")).as_deref(), Some("a"));
        assert_eq!(path_at(text, at("\"y\"")).as_deref(), Some("d[1].name"));
        assert_eq!(path_at(text, at("\"2\"")).as_deref(), Some("d[1].c.n"));
        assert_eq!(path_at(text, at("3]")).as_deref(), Some("d[1].c.k.p[2]"));
        // On a key: the key itself.
        assert_eq!(path_at(text, at("k =")).as_deref(), Some("d[1].c.k"));
    }

    #[test]
    fn broken_documents_name_the_key_under_the_open_table() {
        let text =
            "a = 1\n[[d]]\nname = \"x\"\n[[d]]\nname = \"y\"\nname = \"z\"\nk = { p = 1, p = 2 }\n";
        let field = |needle: &str, key: &str| {
            let at = text.find(needle).expect("needle");
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            field_at(text, at, line_start, Some(key), false)
        };
        assert_eq!(field("name = \"z\"", "name").as_deref(), Some("d[1].name"));
        assert_eq!(field("p = 2", "p").as_deref(), Some("d[1].k.p"));
    }

    #[test]
    fn lists_are_found_only_where_the_format_has_none() {
        let text = "[[deployments]]\nname = \"a\"\nfixed = [{ name = \"lb\", usd = [1] }]\n";
        let (span, path) = misplaced_list(text).expect("found");
        assert_eq!(path, "deployments[0].fixed[0].usd");
        assert_eq!(&text[span], "[1]");
        let ok = "[[workload.functions]]\narrivals = { profile = [1, 2] }\n[workload.trace]\ninvocations = [\"a\", \"b\"]\n";
        assert_eq!(misplaced_list(ok), None);
        assert_eq!(misplaced_list("a = [1"), None);
    }
}
