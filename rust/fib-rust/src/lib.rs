//! Fibonacci numbers of any size.
//!
//! [`fib`] uses fast doubling (O(log n) big multiplications); [`fib_iter`] is the plain addition
//! loop, kept as a test oracle and for comparing language speed.
//!
//! ```
//! use fib_rust::{fib, fib_iter};
//! assert_eq!(fib(10), 55u32.into());
//! assert_eq!(fib(1000), fib_iter(1000));
//! ```

use num_bigint::BigUint;
use num_traits::{One, Zero};

/// The pair (F(n), F(n+1)) by fast doubling, in GMP's two-squarings-per-bit form.
///
/// With Fk = F(k), Fk1 = F(k-1): F(2k+1) = 4Fk² − F(k−1)² + 2(−1)^k, F(2k−1) = Fk² + F(k−1)²,
/// F(2k) = F(2k+1) − F(2k−1). Two squarings per bit instead of three multiplications.
pub fn fib_pair(n: u64) -> (BigUint, BigUint) {
    // (F(k-1), F(k)) for k = prefix of n's bits, starting at k = 1.
    if n == 0 {
        return (BigUint::zero(), BigUint::one());
    }
    let mut fk1 = BigUint::zero(); // F(0)
    let mut fk = BigUint::one(); // F(1)
    let mut k: u64 = 1;
    let top = 63 - n.leading_zeros();
    for bit in (0..top).rev() {
        let a = &fk * &fk; // F(k)^2
        let b = &fk1 * &fk1; // F(k-1)^2
        // F(2k+1) = 4F(k)^2 - F(k-1)^2 + 2(-1)^k
        let mut f2k1 = (&a << 2u32) - &b;
        if k & 1 == 0 {
            f2k1 += 2u32;
        } else {
            f2k1 -= 2u32;
        }
        let f2km1 = a + b; // F(2k-1)
        let f2k = &f2k1 - &f2km1; // F(2k)
        k *= 2;
        if (n >> bit) & 1 == 1 {
            // k -> 2k+1: (F(2k), F(2k+1))
            fk1 = f2k;
            fk = f2k1;
            k += 1;
        } else {
            fk1 = f2km1;
            fk = f2k;
        }
    }
    debug_assert_eq!(k, n);
    let next = &fk + &fk1; // F(n+1)
    (fk, next)
}

/// F(n) by fast doubling.
pub fn fib(n: u64) -> BigUint {
    fib_pair(n).0
}

/// F(n) by the plain addition loop (O(n) additions).
pub fn fib_iter(n: u64) -> BigUint {
    let (mut a, mut b) = (BigUint::zero(), BigUint::one());
    for _ in 0..n {
        a += &b;
        std::mem::swap(&mut a, &mut b);
    }
    a
}
