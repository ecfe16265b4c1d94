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
    if a.len() <= SQR_COLUMNS_MAX {
        return sqr_columns(r, a);
    }
    (Kernels::get().rows().sqr)(r, a)
}

/// Squares of up to this many limbs are summed column by column ([`sqr_columns`]).
pub(crate) const SQR_COLUMNS_MAX: usize = 8;

/// `r = a^2` for `a.len() <= SQR_COLUMNS_MAX`, by columns: each result limb sums its own
/// products in registers, a fully unrolled body per length. The rows' way pays a loop entry
/// and a pass over `r` per row, which for a few limbs costs more than the products.
fn sqr_columns(r: &mut [Limb], a: &[Limb]) {
    match a.len() {
        1 => sqr_columns_n::<1>(r, a),
        2 => sqr_columns_n::<2>(r, a),
        3 => sqr_columns_n::<3>(r, a),
        4 => sqr_columns_n::<4>(r, a),
        5 => sqr_columns_n::<5>(r, a),
        6 => sqr_columns_n::<6>(r, a),
        7 => sqr_columns_n::<7>(r, a),
        8 => sqr_columns_n::<8>(r, a),
        _ => unreachable!("sqr_columns takes 1 to SQR_COLUMNS_MAX limbs"),
    }
}

/// Runs `$body` once for each listed value of `$v`, written out: with the values known, each
/// copy's conditions fold away, and what is left is straight-line code (the compiler's own
/// unrolling left some lengths as loops).
macro_rules! each {
    ($v:ident in [$($x:literal)*] $body:block) => {
        $( { let $v: usize = $x; $body } )*
    };
}

/// [`sqr_columns`] for `N` limbs.
///
/// Bounds: column k holds at most N/2 cross products a_i a_j (i < j, i + j = k), each below
/// B^2, so their sum `x` is below (N/2) B^2 and twice it below N B^2 < B^3 (N < B). The
/// running sum `acc` (three limbs) takes that, the square a_(k/2)^2 < B^2 and what the
/// previous column carried (below 2N B after the shift by one limb), which stays below
/// (N + 1) B^2 + 2N B < B^3: no limb above the third is ever needed.
#[inline(always)]
fn sqr_columns_n<const N: usize>(r: &mut [Limb], a: &[Limb]) {
    const _: () = assert!(
        SQR_COLUMNS_MAX <= 8,
        "each! below lists columns 0..15, limbs 0..8"
    );
    let a: &[Limb; N] = a.try_into().expect("N limbs");
    let r = &mut r[..2 * N];
    let mut acc: (DLimb, Limb) = (0, 0); // low two limbs, third limb
    each!(k in [0 1 2 3 4 5 6 7 8 9 10 11 12 13 14] {
        if k < 2 * N - 1 {
            let mut x: (DLimb, Limb) = (0, 0);
            each!(i in [0 1 2 3 4 5 6 7] {
                if 2 * i < k && k - i < N {
                    let p = a[i] as DLimb * a[k - i] as DLimb;
                    let (s, c) = x.0.overflowing_add(p);
                    x = (s, x.1 + c as Limb);
                }
            });
            // acc += 2x
            x = (x.0 << 1, (x.1 << 1) | (x.0 >> (2 * LIMB_BITS - 1)) as Limb);
            let (s, c) = acc.0.overflowing_add(x.0);
            acc = (s, acc.1 + x.1 + c as Limb);
            if k % 2 == 0 {
                let sq = a[k / 2] as DLimb * a[k / 2] as DLimb;
                let (s, c) = acc.0.overflowing_add(sq);
                acc = (s, acc.1 + c as Limb);
            }
            r[k] = acc.0 as Limb;
            acc = ((acc.0 >> LIMB_BITS) | ((acc.1 as DLimb) << LIMB_BITS), 0);
        }
    });
    debug_assert!(acc.0 >> LIMB_BITS == 0, "a square fits in 2N limbs");
    r[2 * N - 1] = acc.0 as Limb;
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
