//! Quadratic ("schoolbook") multiplication and squaring: fastest for small operands, and the
//! leaves of the Karatsuba recursion.
//!
//! Everything rests on a row kernel, `r += a * m` over one row: the portable
//! `limbs::addmul_1`, or `mulx`/`adcx`/`adox` assembly on x86-64 (`arch::x86_64::adx`),
//! chosen by `arch::Kernels`.

use crate::arch::Kernels;
use crate::limbs::mul_1;
use crate::{DLimb, Limb, LIMB_BITS};

/// `r = a * b`, with `r.len() == a.len() + b.len()` and `b` non-empty.
pub fn mul_basecase(r: &mut [Limb], a: &[Limb], b: &[Limb]) {
    (Kernels::get().rows().mul)(r, a, b)
}

/// `r = a^2`, with `r.len() == 2 * a.len()` and `a` non-empty.
pub fn sqr_basecase(r: &mut [Limb], a: &[Limb]) {
    (Kernels::get().rows().sqr)(r, a)
}

/// `r = a * b` row by row with the given row kernel (`addmul(r, a, m)`: `r += a * m` over
/// `a.len()` limbs, returning the carry limb).
#[inline(always)]
pub(crate) fn mul_rows(
    r: &mut [Limb],
    a: &[Limb],
    b: &[Limb],
    addmul: impl Fn(&mut [Limb], &[Limb], Limb) -> Limb,
) {
    debug_assert_eq!(r.len(), a.len() + b.len());
    debug_assert!(!b.is_empty());
    let n = a.len();
    r[n] = mul_1(&mut r[..n], a, b[0]);
    for (j, &bj) in b.iter().enumerate().skip(1) {
        r[j + n] = addmul(&mut r[j..j + n], a, bj);
    }
}

/// Each cross product a[i]*a[j] (i < j) is computed once and doubled by a one-bit shift, then
/// the squares a[i]^2 are added on the diagonal: about n^2/2 limb products instead of n^2.
#[inline(always)]
pub(crate) fn sqr_rows(
    r: &mut [Limb],
    a: &[Limb],
    addmul: impl Fn(&mut [Limb], &[Limb], Limb) -> Limb,
) {
    let n = a.len();
    debug_assert_eq!(r.len(), 2 * n);
    debug_assert!(n > 0);
    // Cross products into r[1..2n-1].
    r[0] = 0;
    r[2 * n - 1] = 0;
    if n > 1 {
        r[n] = mul_1(&mut r[1..n], &a[1..], a[0]);
        for i in 1..n - 1 {
            r[n + i] = addmul(&mut r[2 * i + 1..n + i], &a[i + 1..], a[i]);
        }
    }
    // Double, and add the diagonal squares, in one pass of limb pairs.
    let mut shift_in: Limb = 0; // top bit of the previous limb, shifted in
    let mut carry: Limb = 0;
    for (i, &x) in a.iter().enumerate() {
        let sq = x as DLimb * x as DLimb;
        let (lo_in, hi_in) = (r[2 * i], r[2 * i + 1]);
        let lo2 = (lo_in << 1) | shift_in;
        let hi2 = (hi_in << 1) | (lo_in >> (LIMB_BITS - 1));
        shift_in = hi_in >> (LIMB_BITS - 1);
        let t = lo2 as DLimb + (sq as Limb) as DLimb + carry as DLimb;
        r[2 * i] = t as Limb;
        let t = hi2 as DLimb + (sq >> LIMB_BITS) + (t >> LIMB_BITS);
        r[2 * i + 1] = t as Limb;
        carry = (t >> LIMB_BITS) as Limb;
    }
    debug_assert_eq!(carry + shift_in, 0, "a square fits in 2n limbs");
}
