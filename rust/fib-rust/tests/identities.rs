//! Fibonacci and Lucas identities over many indices, small and large.
//!
//! Each identity relates values at *different* indices, so a wrong value at one n breaks it.

use fib_rust::{fib, fib_pair, lucas};
use num_bigint::BigUint;

/// Deterministic pseudo-random u64s (SplitMix64), so failures are reproducible.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish in lo..=hi.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
}

/// Indices for the identities: every n up to 1000 and a spread of larger ones
/// (powers of two and their neighbours exercise the doubling's bit patterns).
fn indices() -> Vec<u64> {
    let mut v: Vec<u64> = (1..=1000).collect();
    for j in 10..=15 {
        v.extend([(1 << j) - 1, 1 << j, (1 << j) + 1]);
    }
    let mut rng = SplitMix64(1);
    v.extend((0..20).map(|_| rng.range(1001, 60_000)));
    v
}

/// Cassini: F(n-1) F(n+1) - F(n)^2 = (-1)^n, written without subtraction for unsigned values.
#[test]
fn cassini() {
    let one = BigUint::from(1u32);
    for n in indices() {
        let (f, f1) = fib_pair(n);
        let fm1 = fib(n - 1);
        let lhs = &fm1 * &f1;
        let sq = &f * &f;
        if n % 2 == 0 {
            assert_eq!(lhs, sq + &one, "Cassini at n={n}");
        } else {
            assert_eq!(lhs + &one, sq, "Cassini at n={n}");
        }
    }
}

/// F(2k) = F(k) L(k), and L(k) = F(k-1) + F(k+1).
#[test]
fn doubling_through_lucas() {
    let mut ks: Vec<u64> = (0..=1000).collect();
    ks.extend(indices().into_iter().filter(|&k| k <= 30_000));
    for k in ks {
        let l = lucas(k);
        assert_eq!(fib(2 * k), fib(k) * &l, "F(2k) = F(k)L(k) at k={k}");
        if k >= 1 {
            assert_eq!(l, fib(k - 1) + fib(k + 1), "L(k) = F(k-1)+F(k+1) at k={k}");
        }
    }
}

/// L(n)^2 - 5 F(n)^2 = 4 (-1)^n.
#[test]
fn lucas_fibonacci_square_identity() {
    let four = BigUint::from(4u32);
    for n in indices() {
        let l = lucas(n);
        let f = fib(n);
        let l2 = &l * &l;
        let f2x5 = &f * &f * 5u32;
        if n % 2 == 0 {
            assert_eq!(l2, f2x5 + &four, "L^2 - 5F^2 = 4 at n={n}");
        } else {
            assert_eq!(l2 + &four, f2x5, "L^2 - 5F^2 = -4 at n={n}");
        }
    }
}

fn addition_formula_holds(m: u64, n: u64) {
    // F(m+n) = F(m) F(n+1) + F(m-1) F(n), for m >= 1, n >= 0.
    let lhs = fib(m + n);
    let (fn0, fn1) = fib_pair(n);
    let rhs = fib(m) * fn1 + fib(m - 1) * fn0;
    assert_eq!(lhs, rhs, "addition formula at m={m}, n={n}");
}

#[test]
fn addition_formula_small_grid() {
    for m in 1..=120 {
        for n in 0..=120 {
            addition_formula_holds(m, n);
        }
    }
}

#[test]
fn addition_formula_sampled_large() {
    let mut rng = SplitMix64(0x5EED);
    for _ in 0..60 {
        let m = rng.range(1, 40_000);
        let n = rng.range(0, 40_000);
        addition_formula_holds(m, n);
    }
    // Sums that cross a power of two, and operands that are powers of two.
    for (m, n) in [
        (1 << 14, 1 << 14),
        ((1 << 15) - 1, 1),
        (1, (1 << 15) - 1),
        (12_345, 20_423),
    ] {
        addition_formula_holds(m, n);
    }
}
