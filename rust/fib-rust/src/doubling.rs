//! Fast doubling: F(n) in O(log n) big-integer squarings.

use num_bigint::BigUint;
use num_traits::{One, Zero};

/// The pair (F(n), F(n+1)) by fast doubling, in GMP's two-squarings-per-bit form.
///
/// With Fk = F(k), Fk1 = F(k-1): F(2k+1) = 4Fk² − F(k−1)² + 2(−1)^k, F(2k−1) = Fk² + F(k−1)²,
/// F(2k) = F(2k+1) − F(2k−1). Two squarings per bit instead of three multiplications.
///
/// ```
/// use fib_rust::fib_pair;
/// assert_eq!(fib_pair(0), (0u32.into(), 1u32.into()));
/// let (f, f1) = fib_pair(93);
/// assert_eq!(f, 12_200_160_415_121_876_738u64.into());
/// assert_eq!(f1, 19_740_274_219_868_223_167u128.into()); // F(94) > u64::MAX
/// ```
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
        // a = F(k)^2, b = F(k-1)^2; F(2k+1) = 4a - b + 2(-1)^k
        let a = &fk * &fk;
        let b = &fk1 * &fk1;
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
///
/// ```
/// use fib_rust::fib;
/// assert_eq!(fib(0), 0u32.into());
/// assert_eq!(fib(100), "354224848179261915075".parse().unwrap());
/// ```
pub fn fib(n: u64) -> BigUint {
    fib_pair(n).0
}

/// The Lucas number L(n) = F(n−1) + F(n+1) = 2F(n+1) − F(n), by fast doubling.
///
/// ```
/// use fib_rust::{fib, lucas};
/// assert_eq!(lucas(0), 2u32.into());
/// assert_eq!(lucas(10), 123u32.into());
/// // F(2k) = F(k) L(k)
/// assert_eq!(fib(200), fib(100) * lucas(100));
/// ```
pub fn lucas(n: u64) -> BigUint {
    let (f, f1) = fib_pair(n);
    (f1 << 1u32) - f
}

#[cfg(test)]
mod tests {
    use super::*;

    /// OEIS A000045, F(0)..=F(30).
    const FIB: [u32; 31] = [
        0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584, 4181, 6765,
        10946, 17711, 28657, 46368, 75025, 121393, 196418, 317811, 514229, 832040,
    ];

    /// OEIS A000032, L(0)..=L(20).
    const LUCAS: [u32; 21] = [
        2, 1, 3, 4, 7, 11, 18, 29, 47, 76, 123, 199, 322, 521, 843, 1364, 2207, 3571, 5778, 9349,
        15127,
    ];

    #[test]
    fn small_fib_table() {
        for (n, &f) in FIB.iter().enumerate() {
            assert_eq!(fib(n as u64), BigUint::from(f), "F({n})");
        }
    }

    #[test]
    fn small_lucas_table() {
        for (n, &l) in LUCAS.iter().enumerate() {
            assert_eq!(lucas(n as u64), BigUint::from(l), "L({n})");
        }
    }

    #[test]
    fn pair_is_consecutive() {
        for n in 0..FIB.len() as u64 - 1 {
            let (f, f1) = fib_pair(n);
            assert_eq!(f, BigUint::from(FIB[n as usize]), "first of pair {n}");
            assert_eq!(f1, BigUint::from(FIB[n as usize + 1]), "second of pair {n}");
        }
    }

    /// The doubling walks n's bits; both parities of k and both branches (bit 0, bit 1) appear
    /// for n = 2^j (one bit, then zeros) and 2^j - 1 (all ones). Compared with u64 addition.
    #[test]
    fn bit_patterns_against_u64_loop() {
        let mut table = vec![0u64, 1];
        for i in 2..=93 {
            table.push(table[i - 1] + table[i - 2]);
        }
        for j in 1..=6 {
            for n in [(1u64 << j) - 1, 1 << j, (1 << j) + 1] {
                assert_eq!(fib(n), BigUint::from(table[n as usize]), "F({n})");
            }
        }
        for n in [85u64, 86, 90, 91, 92, 93] {
            assert_eq!(fib(n), BigUint::from(table[n as usize]), "F({n})");
        }
    }
}
