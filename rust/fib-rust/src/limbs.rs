//! The doubling loop's linear-time steps on limb vectors (little-endian, normalized: no high
//! zero limbs, zero is empty). Each is one pass with its carry or borrow, in place.

use crate::Error;
use fib_bigmul::Limb;

/// Room for `len` limbs in `v`, or an error instead of the abort of a failed `Vec` growth.
pub fn reserve(v: &mut Vec<Limb>, len: usize) -> Result<(), Error> {
    let more = len.saturating_sub(v.len());
    v.try_reserve(more).map_err(|_| Error::OutOfMemory {
        bytes: len.saturating_mul(size_of::<Limb>()),
    })
}

/// A copy of `a`, or an error.
pub fn try_clone(a: &[Limb]) -> Result<Vec<Limb>, Error> {
    let mut v = Vec::new();
    reserve(&mut v, a.len())?;
    v.extend_from_slice(a);
    Ok(v)
}

/// Drops high zero limbs.
pub fn normalize(v: &mut Vec<Limb>) {
    while v.last() == Some(&0) {
        v.pop();
    }
}

/// `v += a`.
pub fn add_assign(v: &mut Vec<Limb>, a: &[Limb]) -> Result<(), Error> {
    if v.len() < a.len() {
        reserve(v, a.len())?;
        v.resize(a.len(), 0);
    }
    let (head, tail) = v.split_at_mut(a.len());
    let mut carry = false;
    for (x, &y) in head.iter_mut().zip(a) {
        let (s, c1) = x.overflowing_add(y);
        let (s, c2) = s.overflowing_add(carry as Limb);
        *x = s;
        carry = c1 | c2;
    }
    for x in tail {
        if !carry {
            return Ok(());
        }
        (*x, carry) = x.overflowing_add(1);
    }
    if carry {
        reserve(v, v.len() + 1)?;
        v.push(1);
    }
    Ok(())
}

/// `v -= a`; panics if `a > v`.
pub fn sub_assign(v: &mut Vec<Limb>, a: &[Limb]) {
    assert!(a.len() <= v.len(), "limb subtraction underflow");
    let (head, tail) = v.split_at_mut(a.len());
    let mut borrow = false;
    for (x, &y) in head.iter_mut().zip(a) {
        let (d, b1) = x.overflowing_sub(y);
        let (d, b2) = d.overflowing_sub(borrow as Limb);
        *x = d;
        borrow = b1 | b2;
    }
    for x in tail {
        if !borrow {
            break;
        }
        (*x, borrow) = x.overflowing_sub(1);
    }
    assert!(!borrow, "limb subtraction underflow");
    normalize(v);
}

/// `v = a - v`; panics if `v > a`.
pub fn rsub_assign(v: &mut Vec<Limb>, a: &[Limb]) -> Result<(), Error> {
    assert!(v.len() <= a.len(), "limb subtraction underflow");
    reserve(v, a.len())?;
    v.resize(a.len(), 0);
    let mut borrow = false;
    for (x, &y) in v.iter_mut().zip(a) {
        let (d, b1) = y.overflowing_sub(*x);
        let (d, b2) = d.overflowing_sub(borrow as Limb);
        *x = d;
        borrow = b1 | b2;
    }
    assert!(!borrow, "limb subtraction underflow");
    normalize(v);
    Ok(())
}

/// `v = v * m - a` (with `v * m >= a`), one pass, no temporary.
pub fn mul_small_sub(v: &mut Vec<Limb>, m: Limb, a: &[Limb]) -> Result<(), Error> {
    if v.len() < a.len() {
        reserve(v, a.len())?;
        v.resize(a.len(), 0);
    }
    let (head, tail) = v.split_at_mut(a.len());
    let (mut carry, mut borrow) = (0, false);
    let mut step = |x: &mut Limb, y: Limb| {
        let (lo, hi) = mul_add(*x, m, carry);
        carry = hi;
        let (d, b1) = lo.overflowing_sub(y);
        let (d, b2) = d.overflowing_sub(borrow as Limb);
        *x = d;
        borrow = b1 | b2;
    };
    head.iter_mut().zip(a).for_each(|(x, &y)| step(x, y));
    tail.iter_mut().for_each(|x| step(x, 0));
    assert!(carry >= borrow as Limb, "limb subtraction underflow");
    let hi = carry - borrow as Limb;
    if hi != 0 {
        reserve(v, v.len() + 1)?;
        v.push(hi);
    }
    normalize(v);
    Ok(())
}

/// `x * m + c` as (low, high) limbs.
#[inline]
fn mul_add(x: Limb, m: Limb, c: Limb) -> (Limb, Limb) {
    #[cfg(target_pointer_width = "64")]
    type Wide = u128;
    #[cfg(not(target_pointer_width = "64"))]
    type Wide = u64;
    let t = x as Wide * m as Wide + c as Wide;
    (t as Limb, (t >> Limb::BITS) as Limb)
}

/// `v += c`.
pub fn add_small(v: &mut Vec<Limb>, c: Limb) -> Result<(), Error> {
    add_assign(v, &[c])
}

/// `v -= c`; panics on underflow.
pub fn sub_small(v: &mut Vec<Limb>, c: Limb) {
    sub_assign(v, &[c]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use num_bigint::BigUint;

    fn big(v: &[Limb]) -> BigUint {
        fib_bigmul::biguint_from_limbs(v.to_vec())
    }

    /// Each step against num-bigint, on operands with long carry and borrow chains.
    #[test]
    fn steps_match_num_bigint() {
        let max = Limb::MAX;
        let samples: Vec<Vec<Limb>> = vec![
            vec![],
            vec![1],
            vec![max],
            vec![max, max, max],
            vec![0, 0, 1],
            vec![5, max, 7],
            vec![max, 0, max, 3],
        ];
        for v in &samples {
            for a in &samples {
                let (x, y) = (big(v), big(a));
                let mut s = v.clone();
                add_assign(&mut s, a).unwrap();
                assert_eq!(big(&s), &x + &y);
                assert_ne!(s.last(), Some(&0));
                if x >= y {
                    let mut d = v.clone();
                    sub_assign(&mut d, a);
                    assert_eq!(big(&d), &x - &y);
                    assert_ne!(d.last(), Some(&0));
                    let mut r = a.clone();
                    rsub_assign(&mut r, v).unwrap();
                    assert_eq!(big(&r), &x - &y);
                }
                if &x * 5u32 >= y {
                    let mut m = v.clone();
                    mul_small_sub(&mut m, 5, a).unwrap();
                    assert_eq!(big(&m), &x * 5u32 - &y);
                    assert_ne!(m.last(), Some(&0));
                }
            }
            let x = big(v);
            let mut s = v.clone();
            add_small(&mut s, 2).unwrap();
            assert_eq!(big(&s), &x + 2u32);
            if x >= BigUint::from(2u32) {
                let mut d = v.clone();
                sub_small(&mut d, 2);
                assert_eq!(big(&d), &x - 2u32);
            }
        }
    }
}
