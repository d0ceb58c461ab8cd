//! A 4-ary min-heap of `(u128 key, payload)` pairs: the storage behind the event list
//! ([`super::EventQueue`], which owns what the keys mean).
//!
//! Node `i`'s children are `4i + 1 ..= 4i + 4`, so the heap is half as deep as a binary one.
//! Popping follows Floyd's rule: the hole left at the root walks down along the smallest child
//! to the bottom (three comparisons a level, in a tree of two independent pairs and their
//! winners), and the last entry is sifted up from there; pushing sifts up. Why 4-ary: popping a
//! binary heap is a chain of dependent loads and compares, one per level, and on the engine
//! benchmarks that chain, not the instruction count, sets the pace: std's `BinaryHeap`
//! executed 0.5% fewer instructions but served 3-11% fewer requests a second (see `queue.rs`
//! for the numbers). An 8-ary heap was 1-5% slower than this one.

/// A min-heap of payloads by `u128` key; equal keys pop in no defined order (the event list's
/// keys are unique).
#[derive(Clone, Debug)]
pub struct QuadHeap<T> {
    entries: Vec<(u128, T)>,
}

impl<T> Default for QuadHeap<T> {
    fn default() -> Self {
        Self {
            entries: Vec::new(),
        }
    }
}

impl<T: Copy> QuadHeap<T> {
    /// An empty heap.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of entries.
    #[inline]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no entry.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The smallest key.
    #[inline]
    pub fn peek_key(&self) -> Option<u128> {
        self.entries.first().map(|e| e.0)
    }

    /// Adds `item` under `key`.
    #[inline]
    pub fn push(&mut self, key: u128, item: T) {
        let hole = self.entries.len();
        self.entries.push((key, item));
        let at = sift_up(&mut self.entries, hole, key);
        self.entries[at] = (key, item);
    }

    /// Removes and returns the entry with the smallest key.
    #[inline]
    pub fn pop(&mut self) -> Option<(u128, T)> {
        let last = self.entries.pop()?;
        let Some(&top) = self.entries.first() else {
            return Some(last);
        };
        let v = &mut self.entries[..];
        let n = v.len();
        // The hole walks down from the root along the smallest children.
        let mut hole = 0;
        loop {
            let first = 4 * hole + 1;
            if first + 4 <= n {
                let c = &v[first..first + 4];
                let (a, key_a) = if c[1].0 < c[0].0 {
                    (1, c[1].0)
                } else {
                    (0, c[0].0)
                };
                let (b, key_b) = if c[3].0 < c[2].0 {
                    (3, c[3].0)
                } else {
                    (2, c[2].0)
                };
                let child = first + if key_b < key_a { b } else { a };
                v[hole] = v[child];
                hole = child;
            } else {
                // The last, partial group of children (if any) ends the walk.
                if let Some(child) = (first..n).min_by_key(|&j| v[j].0) {
                    v[hole] = v[child];
                    hole = child;
                }
                break;
            }
        }
        let at = sift_up(v, hole, last.0);
        v[at] = last;
        Some(top)
    }
}

/// Moves the parents of `hole` whose keys exceed `key` down one level each; returns where an
/// entry with `key` belongs.
#[inline]
fn sift_up<T: Copy>(v: &mut [(u128, T)], mut hole: usize, key: u128) -> usize {
    while hole > 0 {
        let parent = (hole - 1) / 4;
        if v[parent].0 <= key {
            break;
        }
        v[hole] = v[parent];
        hole = parent;
    }
    hole
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn pops_every_key_in_order_for_every_size() {
        // Sizes 0..70 cover empty heaps, a root alone and every shape of partial last group.
        for n in 0..70u128 {
            let mut h = QuadHeap::new();
            for k in (0..n).rev() {
                h.push(k * 7 % (n + 1), k);
            }
            assert_eq!(h.len(), n as usize);
            let mut keys: Vec<u128> = (0..n).map(|k| k * 7 % (n + 1)).collect();
            keys.sort_unstable();
            let popped: Vec<u128> = std::iter::from_fn(|| h.pop().map(|e| e.0)).collect();
            assert_eq!(popped, keys, "size {n}");
            assert!(h.is_empty());
        }
    }

    #[test]
    fn matches_a_sorted_reference_under_random_interleaving() {
        let mut rng = crate::rng::SimRng::seed_from_u64(11);
        let mut h = QuadHeap::new();
        let mut reference: Vec<(u128, u32)> = Vec::new();
        for i in 0..50_000u32 {
            if rng.next_u32() % 5 < 3 || reference.is_empty() {
                let key = u128::from(rng.next_u64() % 1_000) << 64 | u128::from(i);
                h.push(key, i);
                reference.push((key, i));
            } else {
                reference.sort_unstable();
                assert_eq!(h.peek_key(), Some(reference[0].0));
                assert_eq!(h.pop(), Some(reference.remove(0)));
            }
            assert_eq!(h.len(), reference.len());
        }
        reference.sort_unstable();
        for want in reference {
            assert_eq!(h.pop(), Some(want));
        }
        assert_eq!(h.pop(), None);
        assert_eq!(h.peek_key(), None);
    }
}
