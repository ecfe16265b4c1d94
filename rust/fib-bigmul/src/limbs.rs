//! Limb-slice primitives: the linear-time operations the multiplication algorithms are built
//! from. Numbers are little-endian slices of [`Limb`]s; a "normalized"
//! vector has no high zero limbs (zero is the empty vector).

use crate::{DLimb, Limb, LIMB_BITS};

/// Drops high zero limbs.
#[inline]
pub(crate) fn normalize(v: &mut Vec<Limb>) {
    while v.last() == Some(&0) {
        v.pop();
    }
}

/// `r += a` over `r.len()` limbs (`a.len() <= r.len()`); returns the carry out of `r`.
#[inline]
pub(crate) fn add_assign_slice(r: &mut [Limb], a: &[Limb]) -> Limb {
    debug_assert!(a.len() <= r.len());
    let mut carry = false;
    let (head, tail) = r.split_at_mut(a.len());
    for (x, &y) in head.iter_mut().zip(a) {
        let (s, c1) = x.overflowing_add(y);
        let (s, c2) = s.overflowing_add(carry as Limb);
        *x = s;
        carry = c1 | c2;
    }
    if carry {
        add_small_slice(tail, 1)
    } else {
        0
    }
}

/// `r -= a` over `r.len()` limbs; returns the borrow out of `r` (1 if `r < a`).
#[inline]
pub(crate) fn sub_assign_slice(r: &mut [Limb], a: &[Limb]) -> Limb {
    debug_assert!(a.len() <= r.len());
    let mut borrow = false;
    let (head, tail) = r.split_at_mut(a.len());
    for (x, &y) in head.iter_mut().zip(a) {
        let (d, b1) = x.overflowing_sub(y);
        let (d, b2) = d.overflowing_sub(borrow as Limb);
        *x = d;
        borrow = b1 | b2;
    }
    if borrow {
        sub_small_slice(tail, 1)
    } else {
        0
    }
}

/// `r += c`; returns the carry out of `r`.
#[inline]
pub(crate) fn add_small_slice(r: &mut [Limb], c: Limb) -> Limb {
    let mut c = c;
    for x in r.iter_mut() {
        if c == 0 {
            return 0;
        }
        let (s, o) = x.overflowing_add(c);
        *x = s;
        c = o as Limb;
    }
    c
}

/// `r -= c`; returns the borrow out of `r`.
#[inline]
pub(crate) fn sub_small_slice(r: &mut [Limb], c: Limb) -> Limb {
    let mut c = c;
    for x in r.iter_mut() {
        if c == 0 {
            return 0;
        }
        let (d, o) = x.overflowing_sub(c);
        *x = d;
        c = o as Limb;
    }
    c
}

/// Compares two equal-length slices as numbers.
#[inline]
pub(crate) fn cmp_slice(a: &[Limb], b: &[Limb]) -> core::cmp::Ordering {
    debug_assert_eq!(a.len(), b.len());
    a.iter().rev().cmp(b.iter().rev())
}

/// `r = |a - b|` for equal-length slices; returns true if `a < b`.
pub(crate) fn abs_diff_into(r: &mut [Limb], a: &[Limb], b: &[Limb]) -> bool {
    let neg = cmp_slice(a, b) == core::cmp::Ordering::Less;
    let (x, y) = if neg { (b, a) } else { (a, b) };
    let mut borrow = false;
    for ((z, &u), &v) in r.iter_mut().zip(x).zip(y) {
        let (d, b1) = u.overflowing_sub(v);
        let (d, b2) = d.overflowing_sub(borrow as Limb);
        *z = d;
        borrow = b1 | b2;
    }
    debug_assert!(!borrow);
    neg
}

/// `r = a * m` over `a.len()` limbs; returns the high limb.
#[inline]
pub(crate) fn mul_1(r: &mut [Limb], a: &[Limb], m: Limb) -> Limb {
    let mut carry: Limb = 0;
    for (z, &x) in r.iter_mut().zip(a) {
        let t = x as DLimb * m as DLimb + carry as DLimb;
        *z = t as Limb;
        carry = (t >> LIMB_BITS) as Limb;
    }
    carry
}

/// `r += a * m` over `a.len()` limbs; returns the high limb (the carry out of `r[..a.len()]`).
#[inline]
pub(crate) fn addmul_1(r: &mut [Limb], a: &[Limb], m: Limb) -> Limb {
    let mut carry: Limb = 0;
    for (z, &x) in r.iter_mut().zip(a) {
        let t = x as DLimb * m as DLimb + *z as DLimb + carry as DLimb;
        *z = t as Limb;
        carry = (t >> LIMB_BITS) as Limb;
    }
    carry
}
