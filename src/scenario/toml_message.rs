//! TOML and serde error messages in the user's words: human types (`a whole number`, `a
//! string such as "10m"`) instead of Rust ones (`i64`, `struct KeepAliveFile`), the value
//! written, and `key` for serde's `field`. Messages are rewritten by pattern; anything
//! unrecognised passes through unchanged. Which field an error is about is
//! [`super::toml_path`]'s job.

/// Keys whose value is a duration string.
const DURATION_KEYS: [&str; 23] = [
    "interval",
    "boot",
    "scale_in_cooldown",
    "duration",
    "bucket",
    "idle_timeout",
    "timeout",
    "queue_timeout",
    "request_timeout",
    "value",
    "mean",
    "median",
    "p99",
    "every",
    "offset",
    "mean_on",
    "mean_off",
    "start",
    "end",
    "window",
    "granularity",
    "minimum",
    "max_event_age",
];

/// Keys whose value is a rate string.
const RATE_KEYS: [&str; 4] = ["rate", "on_rate", "off_rate", "requests_per_instance"];

/// Keys whose value is a memory size string.
const MEMORY_KEYS: [&str; 8] = [
    "server_memory",
    "memory",
    "instance_memory",
    "memory_step",
    "memory_min",
    "memory_max",
    "memory_fallback",
    "reference_memory",
];

/// The last key of a dotted path, without array indices.
fn leaf(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// What a value of the field at `path` should look like, for a serde `expected` text.
fn human_expected(expected: &str, path: &str) -> String {
    let key = leaf(path);
    if key == "parallel" {
        // A `calls` group's flag, read with the calls' counts (`calls_file`).
        return "true or false".into();
    }
    match expected.trim() {
        "i64" | "i32" | "u32" | "u64" | "usize" => "a whole number".into(),
        "f64" | "f32" => "a number".into(),
        "a boolean" | "bool" => "true or false".into(),
        "a string" | "a borrowed string" | "string" => {
            if DURATION_KEYS.contains(&key) {
                "a string such as \"10m\"".into()
            } else if RATE_KEYS.contains(&key) {
                "a string such as \"50/s\"".into()
            } else if MEMORY_KEYS.contains(&key) {
                "a string such as \"512MB\"".into()
            } else if key == "scale_up_rate" {
                "a string such as \"1000/10s\"".into()
            } else {
                "a string".into()
            }
        }
        "a sequence" | "sequence" => "a list [...]".into(),
        e if e.starts_with("struct ") || e.starts_with("a map") || e == "map" => "a table".into(),
        other => other.to_string(),
    }
}

/// A serde `unexpected` text (`string "2"`, ``integer `10` ``, `sequence`) as the value the
/// user wrote.
fn human_found(found: &str) -> String {
    let strip = |s: &str| s.trim().trim_matches('`').to_string();
    if let Some(s) = found.strip_prefix("string ") {
        format!("the string {}", s.trim())
    } else if let Some(n) = found.strip_prefix("integer ") {
        strip(n.trim_end().trim_end_matches(" as i128"))
    } else if let Some(n) = found.strip_prefix("floating point ") {
        strip(n)
    } else if let Some(b) = found.strip_prefix("boolean ") {
        strip(b)
    } else {
        match found.trim() {
            "sequence" => "a list".into(),
            "map" => "a table".into(),
            other => other.to_string(),
        }
    }
}

/// Backquoted names in `text`, in order (`` `a`, `b` `` -> a, b).
fn quoted(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// A TOML/serde error message for the field at `path`, in human terms; `written` is the
/// text the error's span covers, shown when serde's message does not give the value.
pub fn humanize(message: &str, path: &str, written: Option<&str>) -> String {
    let message = message.trim().replace('\n', " ");
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        if let Some((found, expected)) = rest.split_once(", expected ") {
            if found.ends_with(" as i128") && ["i64", "a whole number"].contains(&expected.trim()) {
                return format!(
                    "must be a whole number from {} to {} (got {})",
                    i64::MIN,
                    i64::MAX,
                    human_found(found)
                );
            }
            return format!(
                "must be {} (got {})",
                human_expected(expected, path),
                human_found(found)
            );
        }
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let names = quoted(rest);
        if let Some((unknown, allowed)) = names.split_first() {
            if let Some(other) = super::compute_file::other_model_key(unknown, allowed, path) {
                return other;
            }
            return if allowed.is_empty() {
                format!("unknown key '{unknown}'")
            } else {
                format!(
                    "unknown key '{unknown}' (allowed here: {})",
                    allowed.join(", ")
                )
            };
        }
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        if let Some(name) = quoted(rest).first() {
            if *name == "compute" && path.starts_with("deployments[") {
                // A deployment always names its compute, even when it has none.
                return "missing key 'compute': a [deployments.compute] table with model = \
                        \"faas\", \"fleet\" or \"client\" (no compute: the apps call the \
                        backend directly)"
                    .to_string();
            }
            return format!("missing key '{name}'");
        }
    }
    if message.starts_with("data did not match any variant of untagged enum Paths") {
        let got = written
            .map(str::trim)
            .filter(|w| !w.is_empty() && w.len() <= 80 && !w.contains('\n'))
            .map_or(String::new(), |w| format!(" (got {w})"));
        return format!(
            "must be a file path or a list of file paths (a string or a list of strings){got}"
        );
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_types_become_human_ones() {
        assert_eq!(
            humanize(
                "invalid type: string \"2\", expected i64",
                "deployments[0].compute.instances",
                None
            ),
            "must be a whole number (got the string \"2\")"
        );
        assert_eq!(
            humanize(
                "invalid type: integer `10`, expected a string",
                "x.idle_timeout",
                None
            ),
            "must be a string such as \"10m\" (got 10)"
        );
        assert_eq!(
            humanize(
                "invalid type: floating point `2.5`, expected i64",
                "seed",
                None
            ),
            "must be a whole number (got 2.5)"
        );
        assert_eq!(
            humanize(
                "invalid type: string \"x\", expected f64",
                "a.profile[1]",
                None
            ),
            "must be a number (got the string \"x\")"
        );
        assert_eq!(
            humanize(
                "invalid type: sequence, expected struct KeepAliveFile",
                "k",
                None
            ),
            "must be a table (got a list)"
        );
        assert_eq!(
            humanize(
                "unknown field `idle`, expected `policy` or `idle_timeout`",
                "k.idle",
                None
            ),
            "unknown key 'idle' (allowed here: policy, idle_timeout)"
        );
        assert_eq!(
            humanize("missing field `name`", "d[0]", None),
            "missing key 'name'"
        );
        assert_eq!(humanize("something else", "x", None), "something else");
        assert_eq!(
            humanize(
                "data did not match any variant of untagged enum Paths",
                "workload.trace.invocations",
                Some("5")
            ),
            "must be a file path or a list of file paths (a string or a list of strings) (got 5)"
        );
        assert_eq!(
            humanize(
                "invalid type: string \"yes\", expected a boolean",
                "workload.trace.sort",
                None
            ),
            "must be true or false (got the string \"yes\")"
        );
        assert_eq!(
            humanize(
                "invalid type: integer `99999999999999999999` as i128, expected i64",
                "seed",
                None
            ),
            "must be a whole number from -9223372036854775808 to 9223372036854775807 (got \
             99999999999999999999)"
        );
    }
}
