//! Fast doubling against the plain addition loop.

use fib_rust::{fib, fib_iter, fib_pair, lucas};
use num_bigint::BigUint;

#[test]
fn fast_equals_loop_for_every_n_up_to_3000() {
    for n in 0..=3000u64 {
        assert_eq!(fib(n), fib_iter(n), "fib({n}) != fib_iter({n})");
    }
}

/// One running loop in the test itself (not fib_iter) against fib_pair and lucas at every n.
#[test]
fn pair_and_lucas_follow_the_recurrence_up_to_3000() {
    let (mut a, mut b) = (BigUint::from(0u32), BigUint::from(1u32)); // (F(n), F(n+1))
    for n in 0..=3000u64 {
        let (f, f1) = fib_pair(n);
        assert_eq!(f, a, "fib_pair({n}).0");
        assert_eq!(f1, b, "fib_pair({n}).1");
        // L(n) = 2F(n+1) - F(n)
        assert_eq!(lucas(n) + &a, &b << 1u32, "lucas({n})");
        let c = &a + &b;
        a = std::mem::replace(&mut b, c);
    }
}

/// Larger n: powers of two and their neighbours (all-ones and single-bit patterns), and a few
/// irregular ones, up to 50_000 (the loop is O(n) big additions; this keeps debug tests quick).
/// fib_pair's second component is checked by the recurrence test above and the identities.
#[test]
fn fast_equals_loop_for_sampled_large_n() {
    let mut ns: Vec<u64> = vec![3001, 4999, 10_000, 12_345, 27_183, 31_416, 49_999, 50_000];
    for j in 12..=15 {
        ns.extend([(1u64 << j) - 1, 1 << j, (1 << j) + 1]);
    }
    for n in ns {
        assert_eq!(fib(n), fib_iter(n), "fib({n}) != fib_iter({n})");
    }
}
