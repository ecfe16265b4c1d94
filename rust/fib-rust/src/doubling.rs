//! Fast doubling: F(n) in O(log n) big-integer squarings.
//!
//! The loop works on little-endian limb vectors (num-bigint's digit type) and squares with
//! `fib-bigmul`, which picks schoolbook, Karatsuba or a number-theoretic transform by size;
//! num-bigint's multiplication has no dedicated squaring and no FFT. Only the results become
//! [`BigUint`]s.

use crate::limbs::{add_assign, add_small, lincomb2, reserve, sub_small};
use crate::{Error, MAX_N};
use fib_bigmul::{
    biguint_from_limbs, mul_algorithm, sqr_algorithm, try_mul_into, try_mul_owned, try_sqr_into,
    Algorithm, Limb,
};
use num_bigint::BigUint;

/// F(0) ..= F(93): every Fibonacci number below 2^64.
const SMALL: [u64; 94] = {
    let mut t = [0u64; 94];
    t[1] = 1;
    let mut i = 2;
    while i < t.len() {
        t[i] = t[i - 1] + t[i - 2];
        i += 1;
    }
    t
};

/// (F(k-1), F(k)) as limb vectors, for k >= 1, in GMP's two-squarings-per-bit form, and the
/// loop's two other buffers (for the caller's product, when it is not a transform's).
///
/// With a = F(k)^2, b = F(k-1)^2: F(2k-1) = a + b, F(2k+1) = 4a - b + 2(-1)^k, and
/// F(2k) = F(2k+1) - F(2k-1) = 3a - 2b + 2(-1)^k. Two squarings per bit instead of three
/// multiplications, and one linear pass (`lincomb2`) for both new numbers.
fn pair_limbs(k_target: u64) -> Result<Pair, Error> {
    debug_assert!(k_target >= 1);
    // Start from the longest prefix of k_target's bits whose F(k) is in the table (k <= 93):
    // the first few doublings are a lookup.
    let bits = 64 - k_target.leading_zeros();
    let mut rest = bits; // bits of k_target not yet consumed
    let mut k = 0u64;
    while rest > 0 && (k << 1 | (k_target >> (rest - 1)) & 1) < SMALL.len() as u64 {
        k = k << 1 | (k_target >> (rest - 1)) & 1;
        rest -= 1;
    }
    debug_assert!(k >= 1, "k_target's top bit");
    let (prev, cur) = (SMALL[k as usize - 1], SMALL[k as usize]);
    // The squares go into the previous step's buffers, which trade places every step. Below
    // the transform's sizes all four get room for the final squares at once (F(k) has about
    // 0.695 k bits), so the loop never reallocates; the transform allocates its own results.
    let final_limbs = (k_target as f64 * 0.6943 / Limb::BITS as f64) as usize + 2;
    let room = if sqr_algorithm(final_limbs) == Algorithm::Ntt {
        0
    } else {
        2 * final_limbs + 2
    };
    let with_room = |x: u64| -> Result<Vec<Limb>, Error> {
        let mut v = Vec::new();
        reserve(&mut v, room)?;
        push_u64(&mut v, x);
        Ok(v)
    };
    let (mut fk1, mut fk) = (with_room(prev)?, with_room(cur)?);
    let (mut a, mut b) = (with_room(0)?, with_room(0)?);
    for bit in (0..rest).rev() {
        try_sqr_into(&fk, &mut a)?; // F(k)^2
        try_sqr_into(&fk1, &mut b)?; // F(k-1)^2
        let e = if k & 1 == 0 { 2 } else { -2 }; // 2(-1)^k
        if (k_target >> bit) & 1 == 1 {
            // (F(2k), F(2k+1)) = (3a - 2b + e, 4a - b + e)
            lincomb2::<3, -2, 4, -1>(&mut a, &mut b, e, e)?;
            k = 2 * k + 1;
        } else {
            // (F(2k-1), F(2k)) = (a + b, 3a - 2b + e)
            lincomb2::<1, 1, 3, -2>(&mut a, &mut b, 0, e)?;
            k *= 2;
        }
        // (F(k-1), F(k)) <- (b, a); the old pair becomes the next step's output buffers.
        std::mem::swap(&mut fk1, &mut b);
        std::mem::swap(&mut fk, &mut a);
    }
    debug_assert_eq!(k, k_target);
    Ok(Pair {
        fk1,
        fk,
        spare: [a, b],
    })
}

/// (F(k-1), F(k)) and two more buffers.
struct Pair {
    fk1: Vec<Limb>,
    fk: Vec<Limb>,
    spare: [Vec<Limb>; 2],
}

/// Appends `x`'s limbs to `v` (normalized: no high zero limbs).
fn push_u64(v: &mut Vec<Limb>, x: u64) {
    let mut x = x;
    while x != 0 {
        v.push(x as Limb);
        x = x.checked_shr(Limb::BITS).unwrap_or(0);
    }
}

/// The pair (F(n), F(n+1)) by fast doubling.
///
/// # Panics
/// If n > [`MAX_N`]. Aborts if memory runs out, like `Vec` ([`try_fib_pair_limbs`] returns
/// an error instead).
///
/// ```
/// use fib_rust::fib_pair;
/// assert_eq!(fib_pair(0), (0u32.into(), 1u32.into()));
/// let (f, f1) = fib_pair(93);
/// assert_eq!(f, 12_200_160_415_121_876_738u64.into());
/// assert_eq!(f1, 19_740_274_219_868_223_167u128.into()); // F(94) > u64::MAX
/// ```
pub fn fib_pair(n: u64) -> (BigUint, BigUint) {
    let (f, f1) = fib_pair_limbs(n);
    (biguint_from_limbs(f), biguint_from_limbs(f1))
}

/// [`fib_pair`] as little-endian limb vectors (normalized: no high zero limbs).
///
/// # Panics
/// If n > [`MAX_N`]; aborts if memory runs out.
pub fn fib_pair_limbs(n: u64) -> (Vec<Limb>, Vec<Limb>) {
    try_fib_pair_limbs(n).unwrap_or_else(|e| e.raise())
}

/// [`fib_pair_limbs`], or an error: n above [`MAX_N`], or memory exhausted.
pub fn try_fib_pair_limbs(n: u64) -> Result<(Vec<Limb>, Vec<Limb>), Error> {
    check(n)?;
    if n == 0 {
        return Ok((Vec::new(), vec![1]));
    }
    let Pair {
        fk1: mut fn1,
        fk: fnn,
        ..
    } = pair_limbs(n)?; // F(n-1), F(n)
    add_assign(&mut fn1, &fnn)?; // F(n+1)
    Ok((fnn, fn1))
}

/// n itself, if the transform holds every product of its doubling.
fn check(n: u64) -> Result<(), Error> {
    if n > MAX_N {
        return Err(Error::TooLarge { n });
    }
    Ok(())
}

/// F(n) by fast doubling.
///
/// # Panics
/// If n > [`MAX_N`] (about 2.37 * 10^9): F(n) would have more than 1.6 * 10^9 bits, and the
/// doubling's last products would be too long for the number-theoretic transform. Like a
/// `Vec`, aborts the process if memory runs out (F(MAX_N) alone takes 206 MB, the whole
/// computation about three times that); [`try_fib`] returns either as an [`Error`] instead.
///
/// ```
/// use fib_rust::fib;
/// assert_eq!(fib(0), 0u32.into());
/// assert_eq!(fib(100), "354224848179261915075".parse().unwrap());
/// ```
pub fn fib(n: u64) -> BigUint {
    biguint_from_limbs(fib_limbs(n))
}

/// [`fib`], or an error: n above [`MAX_N`], or memory exhausted (every large buffer is
/// allocated fallibly).
///
/// ```
/// use fib_rust::{try_fib, Error, MAX_N};
/// assert_eq!(try_fib(10), Ok(55u32.into()));
/// assert_eq!(try_fib(MAX_N + 1), Err(Error::TooLarge { n: MAX_N + 1 }));
/// ```
pub fn try_fib(n: u64) -> Result<BigUint, Error> {
    try_fib_limbs(n).map(biguint_from_limbs)
}

/// F(n) as little-endian limbs, num-bigint's digit type, normalized (no high zero limbs; F(0)
/// is empty). For callers that hand the digits on without a [`BigUint`] in between: the Python
/// extension builds its int straight from them.
///
/// The last step is one multiplication instead of two squarings (a transform-based product
/// of two numbers needs three transforms, two squarings four):
/// F(2k) = F(k) (F(k) + 2F(k-1)) and F(2k+1) = (2F(k) + F(k-1)) (2F(k) - F(k-1)) + 2(-1)^k.
///
/// ```
/// use fib_rust::{fib, fib_limbs};
/// assert!(fib_limbs(0).is_empty());
/// assert_eq!(fib_bigmul::biguint_from_limbs(fib_limbs(1000)), fib(1000));
/// ```
pub fn fib_limbs(n: u64) -> Vec<Limb> {
    try_fib_limbs(n).unwrap_or_else(|e| e.raise())
}

/// [`fib_limbs`], or an error: n above [`MAX_N`], or memory exhausted.
pub fn try_fib_limbs(n: u64) -> Result<Vec<Limb>, Error> {
    check(n)?;
    if let Some(&f) = SMALL.get(n as usize) {
        let mut v = Vec::new();
        reserve(&mut v, 2)?;
        push_u64(&mut v, f);
        return Ok(v);
    }
    let k = n / 2;
    // F(k-1), F(k).
    let Pair {
        mut fk1,
        mut fk,
        spare: [mut r, _],
    } = pair_limbs(k)?;
    if n % 2 == 0 {
        // fk1 <- F(k) + 2F(k-1); fk keeps F(k) (1 * fk + 0 * fk1).
        lincomb2::<1, 2, 1, 0>(&mut fk, &mut fk1, 0, 0)?;
    } else {
        // (fk1, fk) <- (2F(k) + F(k-1), 2F(k) - F(k-1))
        lincomb2::<2, 1, 2, -1>(&mut fk, &mut fk1, 0, 0)?;
    }
    if mul_algorithm(fk.len().min(fk1.len()), fk.len() + fk1.len()) == Algorithm::Ntt {
        // The operands are dropped as soon as they are used up: the product's transform is
        // the peak of the whole computation's memory.
        drop(r);
        r = try_mul_owned(fk, fk1)?;
    } else {
        // Into a buffer of the loop, which has room for it.
        try_mul_into(&fk, &fk1, &mut r)?;
    }
    if n % 2 == 0 {
        Ok(r)
    } else {
        if k % 2 == 0 {
            add_small(&mut r, 2)?;
        } else {
            sub_small(&mut r, 2);
        }
        Ok(r)
    }
}

/// The Lucas number L(n) = F(n−1) + F(n+1) = 2F(n+1) − F(n), by fast doubling.
///
/// # Panics
/// If n > [`MAX_N`]; aborts if memory runs out.
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

    /// The bound MAX_N rests on: F(m) has at most floor(0.694243 m) + 1 bits.
    #[test]
    fn fib_bits_bound() {
        let (mut a, mut b) = (BigUint::from(0u32), BigUint::from(1u32));
        for m in 0..5000u64 {
            assert!(a.bits() <= m * 694_243 / 1_000_000 + 1, "F({m})");
            (a, b) = (b.clone(), a + b);
        }
    }

    #[test]
    fn n_above_max_is_refused() {
        assert_eq!(crate::MAX_N, 2_368_287_706);
        let n = crate::MAX_N + 1;
        assert_eq!(try_fib(n), Err(Error::TooLarge { n }));
        assert_eq!(
            try_fib_limbs(u64::MAX),
            Err(Error::TooLarge { n: u64::MAX })
        );
        assert_eq!(try_fib_pair_limbs(n), Err(Error::TooLarge { n }));
        let panic = std::panic::catch_unwind(|| fib(n)).expect_err("fib panics above MAX_N");
        let message = panic.downcast_ref::<String>().expect("a message");
        assert!(message.contains("too large"), "{message}");
    }

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
