//! Concurrency limits: how many executions may run at once.
//!
//! Limits count executions (Lambda's concurrency is concurrent executions), warm or cold, on
//! every start; a request over a limit is throttled.
//! - The account limit caps all functions together (Lambda: 1,000 by default).
//! - A function with reserved concurrency may run up to its reservation, whatever the others
//!   do, and never more. The functions without one share what the account limit leaves after
//!   all reservations, each capped by the per-function limit if one is set.
//!
//! Limits are per *function*, whatever the pool mapping: with app pools, two functions of one
//! app share instances but keep their own limits.

/// Per-function limits and the executions counted against them.
#[derive(Clone, Debug)]
pub struct Limits {
    functions: Vec<FunctionLimit>,
    /// Executions in flight in functions without a reservation, and how many they may have.
    unreserved_in_flight: u32,
    unreserved_limit: u32,
}

#[derive(Clone, Copy, Debug)]
struct FunctionLimit {
    in_flight: u32,
    limit: u32,
    reserved: bool,
}

impl Limits {
    /// Limits for functions whose reservations are `reserved` (by function index, `None`
    /// without one), under an optional account and per-function limit.
    pub fn new(reserved: &[Option<u32>], account: Option<u32>, per_function: Option<u32>) -> Self {
        let reserved_total: u32 = reserved.iter().flatten().sum();
        Self {
            functions: reserved
                .iter()
                .map(|r| FunctionLimit {
                    in_flight: 0,
                    limit: r.or(per_function).unwrap_or(u32::MAX),
                    reserved: r.is_some(),
                })
                .collect(),
            unreserved_in_flight: 0,
            unreserved_limit: account.map_or(u32::MAX, |a| a.saturating_sub(reserved_total)),
        }
    }

    /// True when `function` may not start one more execution now.
    #[inline]
    pub fn at_limit(&self, function: u32) -> bool {
        let f = &self.functions[function as usize];
        f.in_flight >= f.limit
            || (!f.reserved && self.unreserved_in_flight >= self.unreserved_limit)
    }

    /// One more execution of `function` started.
    #[inline]
    pub fn start(&mut self, function: u32) {
        self.change(function, 1);
    }

    /// One execution of `function` ended.
    #[inline]
    pub fn end(&mut self, function: u32) {
        self.change(function, -1);
    }

    #[inline]
    fn change(&mut self, function: u32, delta: i32) {
        let f = &mut self.functions[function as usize];
        f.in_flight = f.in_flight.wrapping_add_signed(delta);
        if !f.reserved {
            self.unreserved_in_flight = self.unreserved_in_flight.wrapping_add_signed(delta);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_are_carved_out_of_the_account_limit() {
        // Account 10, f0 reserves 4: f1 and f2 share 6, each capped at 5.
        let mut l = Limits::new(&[Some(4), None, None], Some(10), Some(5));
        for _ in 0..4 {
            assert!(!l.at_limit(0));
            l.start(0);
        }
        assert!(l.at_limit(0));
        for _ in 0..5 {
            l.start(1);
        }
        assert!(l.at_limit(1), "per-function cap of 5");
        assert!(!l.at_limit(2));
        l.start(2);
        assert!(l.at_limit(2), "the unreserved 6 are used up");
        l.end(1);
        assert!(!l.at_limit(2));
    }
}
