//! Karatsuba: three half-size products instead of four. The middle term is built from
//! |a0 - a1| (and |b0 - b1|), which stay within the half size, so no extra carry limb appears:
//! a*b = z2*B^2m + (z0 + z2 - s*|a0-a1|*|b0-b1|)*B^m + z0, s the sign of (a0-a1)(b0-b1).

use crate::basecase::{mul_basecase, sqr_basecase};
use crate::limbs::{abs_diff_into, add_assign_slice, sub_assign_slice};
use crate::Limb;

/// Scratch limbs `mul_karatsuba`/`sqr_karatsuba` need for n-limb operands.
pub const fn scratch_len(n: usize) -> usize {
    // Each level uses 4*ceil(n/2) limbs (two differences and their product) and recurses on
    // ceil(n/2): at most 4n + 4*log2(n) limbs in total.
    let mut total = 0;
    let mut m = n;
    while m > 1 {
        m = m.div_ceil(2);
        total += 4 * m;
    }
    total + 4
}

/// `r = a * b` for equal lengths n, `r.len() == 2n`; Karatsuba above `threshold` limbs.
pub fn mul_karatsuba(
    r: &mut [Limb],
    a: &[Limb],
    b: &[Limb],
    scratch: &mut [Limb],
    threshold: usize,
) {
    let n = a.len();
    debug_assert_eq!(b.len(), n);
    debug_assert_eq!(r.len(), 2 * n);
    if n <= threshold.max(1) {
        mul_basecase(r, a, b);
        return;
    }
    let m = n.div_ceil(2); // low half; the high half has n - m <= m limbs
    let (a0, a1) = a.split_at(m);
    let (b0, b1) = b.split_at(m);
    let (da, rest) = scratch.split_at_mut(m);
    let (db, rest) = rest.split_at_mut(m);
    let (z1, rest) = rest.split_at_mut(2 * m);
    // |a0 - a1| and |b0 - b1| with a1, b1 zero-extended to m limbs.
    let neg_a = diff_padded(da, a0, a1);
    let neg_b = diff_padded(db, b0, b1);
    mul_karatsuba(z1, da, db, rest, threshold);
    {
        let (r_lo, r_hi) = r.split_at_mut(2 * m);
        mul_karatsuba(r_lo, a0, b0, rest, threshold);
        mul_karatsuba(r_hi, a1, b1, rest, threshold);
    }
    combine(r, z1, m, neg_a != neg_b);
}

/// `r = a^2`, `r.len() == 2 * a.len()`; Karatsuba above `threshold` limbs.
pub fn sqr_karatsuba(r: &mut [Limb], a: &[Limb], scratch: &mut [Limb], threshold: usize) {
    let n = a.len();
    debug_assert_eq!(r.len(), 2 * n);
    if n <= threshold.max(1) {
        sqr_basecase(r, a);
        return;
    }
    let m = n.div_ceil(2);
    let (a0, a1) = a.split_at(m);
    let (da, rest) = scratch.split_at_mut(m);
    let (z1, rest) = rest.split_at_mut(2 * m);
    diff_padded(da, a0, a1);
    sqr_karatsuba(z1, da, rest, threshold);
    {
        let (r_lo, r_hi) = r.split_at_mut(2 * m);
        sqr_karatsuba(r_lo, a0, rest, threshold);
        sqr_karatsuba(r_hi, a1, rest, threshold);
    }
    // (a0 - a1)^2 is subtracted: the sign of a square is +.
    combine(r, z1, m, false);
}

/// `d = |x - y|` where `y` (at most `x.len()` limbs) is zero-extended; returns true if x < y.
fn diff_padded(d: &mut [Limb], x: &[Limb], y: &[Limb]) -> bool {
    let k = y.len();
    // If y's missing high limbs are zero, x >= y as soon as x has a nonzero limb above k.
    if x[k..].iter().any(|&v| v != 0) {
        d.copy_from_slice(x);
        let borrow = sub_assign_slice(d, y);
        debug_assert_eq!(borrow, 0);
        false
    } else {
        d[k..].fill(0);
        abs_diff_into(&mut d[..k], &x[..k], y)
    }
}

/// Given r = z0 + z2*B^2m (z0 = r[..2m], z2 = r[2m..]) and z1 = |a0-a1|*|b0-b1|, adds the
/// middle term (z0 + z2 -/+ z1) * B^m into r. `add_z1` is true when (a0-a1)(b0-b1) < 0.
fn combine(r: &mut [Limb], z1: &mut [Limb], m: usize, add_z1: bool) {
    // In place on z1, no other buffer: z1 <- z0 + z2 -/+ z1. The middle term is non-negative
    // and below B^(2m+1); its limb above 2m is tracked in `top` (negative on the way).
    let (z0, z2) = r.split_at(2 * m);
    let mut top: i64 = 0;
    if add_z1 {
        top += add_assign_slice(z1, z0) as i64;
    } else {
        // z1 <- z0 - z1 (may go negative: tracked in `top`)
        let mut borrow = false;
        for (x, &y) in z1.iter_mut().zip(z0) {
            let (d, b1) = y.overflowing_sub(*x);
            let (d, b2) = d.overflowing_sub(borrow as Limb);
            *x = d;
            borrow = b1 | b2;
        }
        top -= borrow as i64;
    }
    top += add_assign_slice(z1, z2) as i64;
    debug_assert!(top >= 0, "Karatsuba middle term is non-negative");
    let c = add_assign_slice(&mut r[m..], z1);
    let hi = &mut r[3 * m..];
    let c2 = crate::limbs::add_small_slice(hi, top as Limb);
    debug_assert_eq!(c + c2, 0, "product fits in 2n limbs");
}
