//! Where the markers and names of a scatter chart go: points that coincide are drawn as nested
//! rings ([`rings`]; the keep-alive and cost-latency charts) and, in the cost-latency chart,
//! share one name ([`groups`]; placed by [`super::labels`]); in the keep-alive chart each
//! name is put beside its point where it overlaps no earlier name ([`place`]).

/// Marker radius, in pixels.
pub const RADIUS: i32 = 7;

/// How much larger each ring around a coinciding point is, in pixels.
pub const RING: i32 = 4;

/// For each centre, how many later centres lie within a marker's width of it: the number of
/// rings drawn around it (0: a plain filled marker).
pub fn rings(centres: &[(i32, i32)]) -> Vec<i32> {
    centres
        .iter()
        .enumerate()
        .map(|(i, a)| {
            centres[i + 1..]
                .iter()
                .filter(|b| (a.0 - b.0).abs() <= 2 * RADIUS && (a.1 - b.1).abs() <= 2 * RADIUS)
                .count() as i32
        })
        .collect()
}

/// The points whose markers overlap (centres within a marker's width on both axes, chained)
/// as groups of indexes into `centres`, each group in order, groups by their first member:
/// one label names each group.
pub fn groups(centres: &[(i32, i32)]) -> Vec<Vec<usize>> {
    let close = |a: (i32, i32), b: (i32, i32)| {
        (a.0 - b.0).abs() <= 2 * RADIUS && (a.1 - b.1).abs() <= 2 * RADIUS
    };
    let mut out: Vec<Vec<usize>> = Vec::new();
    for (i, &c) in centres.iter().enumerate() {
        match out
            .iter_mut()
            .find(|g| g.iter().any(|&j| close(centres[j], c)))
        {
            Some(g) => g.push(i),
            None => out.push(vec![i]),
        }
    }
    out
}

/// Height of a name's line, in pixels, when names are moved apart.
pub const LINE: i32 = 18;

/// Where a point's name is written: its left end and vertical middle, and its width.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    pub left: i32,
    pub middle: i32,
    pub width: i32,
}

impl Label {
    fn overlaps(&self, other: &Label) -> bool {
        self.left < other.left + other.width
            && other.left < self.left + self.width
            && (self.middle - other.middle).abs() < LINE
    }
}

/// The place of a `width`-pixel name for the point at (`x`, `y`): right of the point, or left
/// of it when it would run past `right_edge`; moved down, then up, one line at a time (up to
/// five lines) until it overlaps none of `placed`, or left on the point's line if no such
/// place is found.
pub fn place(x: i32, y: i32, width: i32, right_edge: i32, placed: &[Label]) -> Label {
    let gap = RADIUS + 6;
    let left = if x + gap + width <= right_edge {
        x + gap
    } else {
        x - gap - width
    };
    let at = |middle| Label {
        left,
        middle,
        width,
    };
    (0..=5)
        .flat_map(|k| [y + k * LINE, y - k * LINE])
        .map(at)
        .find(|l| placed.iter().all(|p| !l.overlaps(p)))
        .unwrap_or(at(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coinciding_points_get_one_ring_per_later_point() {
        assert_eq!(rings(&[(10, 10), (12, 11), (40, 10)]), [1, 0, 0]);
        assert_eq!(
            rings(&[(100, 100), (103, 98), (300, 300), (101, 100)]),
            [2, 1, 0, 0]
        );
    }

    #[test]
    fn names_of_coinciding_points_are_moved_apart() {
        let right = 900;
        let first = place(100, 300, 50, right, &[]);
        assert_eq!((first.left, first.middle), (100 + RADIUS + 6, 300));
        let second = place(100, 300, 50, right, &[first]);
        assert_eq!((second.left, second.middle), (first.left, 300 + LINE));
        let third = place(100, 300, 50, right, &[first, second]);
        assert_eq!(third.middle, 300 - LINE);
        // A name that would cross the plot's right end goes left of its point.
        let edge = place(880, 300, 50, right, &[]);
        assert_eq!(edge.left, 880 - RADIUS - 6 - 50);
        // Names on the same line but apart horizontally stay where they are.
        let apart = place(300, 300, 50, right, &[first, second, third]);
        assert_eq!(apart.middle, 300);
    }

    #[test]
    fn overlapping_markers_are_grouped_chained_in_order() {
        let w = 2 * RADIUS;
        assert_eq!(
            groups(&[
                (100, 100),
                (300, 100),
                (100 + w, 100),
                (100 + 2 * w, 100 + w)
            ]),
            vec![vec![0, 2, 3], vec![1]]
        );
        assert_eq!(groups(&[(0, 0), (w + 1, 0)]), vec![vec![0], vec![1]]);
    }
}
