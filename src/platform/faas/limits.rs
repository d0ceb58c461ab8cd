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
//!
//! [`Limits`] holds the account-wide count; each function's own ([`FunctionLimit`]) lives in
//! the function's record of the model (`FunctionState`, in the private `state` module),
//! beside the rest of what a call reads, and is passed in.

/// The account-wide part of the limits: executions in flight in functions without a
/// reservation, and how many they may have.
#[derive(Clone, Debug)]
pub struct Limits {
    unreserved_in_flight: u32,
    unreserved_limit: u32,
}

/// One function's limit and the executions counted against it.
#[derive(Clone, Copy, Debug)]
pub struct FunctionLimit {
    in_flight: u32,
    limit: u32,
    reserved: bool,
}

impl Limits {
    /// Limits for functions whose reservations are `reserved` (by function index, `None`
    /// without one), under an optional account and per-function limit: the account-wide
    /// part, and each function's limit.
    pub fn new(
        reserved: &[Option<u32>],
        account: Option<u32>,
        per_function: Option<u32>,
    ) -> (Self, Vec<FunctionLimit>) {
        let reserved_total: u32 = reserved.iter().flatten().sum();
        let functions = reserved
            .iter()
            .map(|r| FunctionLimit {
                in_flight: 0,
                limit: r.or(per_function).unwrap_or(u32::MAX),
                reserved: r.is_some(),
            })
            .collect();
        let account = Self {
            unreserved_in_flight: 0,
            unreserved_limit: account.map_or(u32::MAX, |a| a.saturating_sub(reserved_total)),
        };
        (account, functions)
    }

    /// True when the function limited by `f` may not start one more execution now.
    #[inline]
    pub fn at_limit(&self, f: &FunctionLimit) -> bool {
        f.in_flight >= f.limit
            || (!f.reserved && self.unreserved_in_flight >= self.unreserved_limit)
    }

    /// One more execution of the function limited by `f` started.
    #[inline]
    pub fn start(&mut self, f: &mut FunctionLimit) {
        self.change(f, 1);
    }

    /// One execution of the function limited by `f` ended.
    #[inline]
    pub fn end(&mut self, f: &mut FunctionLimit) {
        self.change(f, -1);
    }

    #[inline]
    fn change(&mut self, f: &mut FunctionLimit, delta: i32) {
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
        let (mut l, mut f) = Limits::new(&[Some(4), None, None], Some(10), Some(5));
        for _ in 0..4 {
            assert!(!l.at_limit(&f[0]));
            l.start(&mut f[0]);
        }
        assert!(l.at_limit(&f[0]));
        for _ in 0..5 {
            l.start(&mut f[1]);
        }
        assert!(l.at_limit(&f[1]), "per-function cap of 5");
        assert!(!l.at_limit(&f[2]));
        l.start(&mut f[2]);
        assert!(l.at_limit(&f[2]), "the unreserved 6 are used up");
        l.end(&mut f[1]);
        assert!(!l.at_limit(&f[2]));
    }
}
