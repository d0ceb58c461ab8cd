//! "Did you mean": the preset names closest to a name the user wrote, by edit distance.
//!
//! A candidate is suggested when it is within [`max_distance`] edits of what was written, or
//! a part of it within [`max_distance_within`]: `aws-lamda-x86` finds `aws-lambda-x86`,
//! `lamda` and `lambda` find both Lambda presets; closest first, at most
//! [`MAX_SUGGESTIONS`].

/// Most names suggested.
pub const MAX_SUGGESTIONS: usize = 5;

/// The edit distance up to which a whole name counts as a near miss: a third of what was
/// written, at least 2 (one transposition in a short name).
pub fn max_distance(written: &str) -> usize {
    (written.chars().count() / 3).max(2)
}

/// The edit distance up to which a part of a name counts as a near miss: a quarter of what
/// was written (a short word matches some part of many names with two edits: `lamda` is 2
/// from the `standa` of `standard`).
pub fn max_distance_within(written: &str) -> usize {
    written.chars().count() / 4
}

/// The Levenshtein distance between `a` and `b`: the fewest single-character insertions,
/// deletions and substitutions turning one into the other.
pub fn edit_distance(a: &str, b: &str) -> usize {
    distances(a, b, false)
}

/// The fewest edits turning `a` into some part of `b` (characters of `b` before and after
/// that part are free): `lamda` is 1 edit from a part of `aws-lambda-x86`.
pub fn edit_distance_within(a: &str, b: &str) -> usize {
    distances(a, b, true)
}

/// One row of the classic table at a time; `within` makes skipping a prefix and a suffix of
/// `b` free (the first row all zeros, the answer the least of the last row).
fn distances(a: &str, b: &str, within: bool) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = if within {
        vec![0; b.len() + 1]
    } else {
        (0..=b.len()).collect()
    };
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    if within {
        row.into_iter().min().unwrap_or(0)
    } else {
        row[b.len()]
    }
}

/// The names of `candidates` closest to `written`: those within [`max_distance`] edits of
/// it or [`max_distance_within`] of a part of them, by the smaller distance, then the whole
/// name's distance, then name; at most [`MAX_SUGGESTIONS`].
pub fn closest<'a>(written: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let written = written.to_lowercase();
    let limit = max_distance(&written);
    let mut near: Vec<(usize, usize, &str)> = candidates
        .filter_map(|c| {
            let lower = c.to_lowercase();
            let whole = edit_distance(&written, &lower);
            let part = edit_distance_within(&written, &lower);
            let near_part = part <= max_distance_within(&written);
            (near_part || whole <= limit).then_some((part.min(whole), whole, c))
        })
        .collect();
    near.sort();
    near.into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, _, c)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_by_hand() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("abc", ""), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        // kitten -> sitten -> sittin -> sitting.
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        // One deletion.
        assert_eq!(edit_distance("aws-lambda-x86", "aws-lamda-x86"), 1);
        // A transposition is two substitutions.
        assert_eq!(edit_distance("ab", "ba"), 2);
        // Within: the part "lambda" of the name, one insertion away.
        assert_eq!(edit_distance_within("lamda", "aws-lambda-x86"), 1);
        assert_eq!(edit_distance_within("lambda", "aws-lambda-x86"), 0);
        assert_eq!(edit_distance_within("t3.medum", "aws-ec2-t3.medium"), 1);
        assert_eq!(edit_distance_within("xyz", "abc"), 3);
    }

    #[test]
    fn the_near_miss_comes_first() {
        let names = [
            "aws-api-gateway-http",
            "aws-lambda-arm",
            "aws-lambda-x86",
            "heroku-basic",
        ];
        // aws-lambda-x86 is 1 edit away, aws-lambda-arm 4 (a third of 13 letters is 4); the
        // API gateway and Heroku are far.
        assert_eq!(
            closest("aws-lamda-x86", names.into_iter()),
            ["aws-lambda-x86", "aws-lambda-arm"]
        );
        // A part of both Lambda presets (0 edits for "lambda", 1 for "lamda"); equal, they
        // come by the whole name's distance (8 each), then by name.
        for written in ["lambda", "lamda"] {
            assert_eq!(
                closest(written, names.into_iter()),
                ["aws-lambda-arm", "aws-lambda-x86"]
            );
        }
        assert!(closest("zzzzzzzz", names.into_iter()).is_empty());
    }
}
