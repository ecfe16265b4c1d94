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

/// `(b, a) <- (P a + Q b + e, R a + S b + f)` in one pass over both, in place: the linear
/// steps of the doubling. Both results must be non-negative, as the doubling's are.
///
/// Carry bounds (w = limb bits; the doubling uses P, R in {1, 2, 3, 4}, Q, S in {-2, ..., 2}
/// and |e|, |f| <= 2): each limb adds t = P a_i + Q b_i + c and carries floor(t / 2^w). If the
/// carry c is in [-2, 5], then t <= 4 (2^w - 1) + 2 (2^w - 1) + 5 < 6 * 2^w and
/// t >= -2 (2^w - 1) - 2 = -2 * 2^w, so the next carry is in [-2, 5] again; the first is e or
/// f. A signed integer of twice the limb width holds every t, and the last carry is the top
/// limb of the non-negative result.
pub fn lincomb2<const P: i8, const Q: i8, const R: i8, const S: i8>(
    a: &mut Vec<Limb>,
    b: &mut Vec<Limb>,
    e: i8,
    f: i8,
) -> Result<(), Error> {
    let n = a.len().max(b.len());
    reserve(a, n + 1)?;
    reserve(b, n + 1)?;
    a.resize(n, 0);
    b.resize(n, 0);
    let (mut c1, mut c2) = (e as Wide, f as Wide);
    for (x, y) in a.iter_mut().zip(b.iter_mut()) {
        let (ai, bi) = (*x as Wide, *y as Wide);
        let t1 = P as Wide * ai + Q as Wide * bi + c1;
        let t2 = R as Wide * ai + S as Wide * bi + c2;
        *y = t1 as Limb;
        *x = t2 as Limb;
        c1 = t1 >> Limb::BITS;
        c2 = t2 >> Limb::BITS;
    }
    assert!(
        c1 >= 0 && c2 >= 0,
        "the doubling's numbers are non-negative"
    );
    b.push(c1 as Limb);
    a.push(c2 as Limb);
    normalize(a);
    normalize(b);
    Ok(())
}

/// A signed integer twice as wide as a limb.
#[cfg(target_pointer_width = "64")]
type Wide = i128;
#[cfg(not(target_pointer_width = "64"))]
type Wide = i64;

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
    use num_bigint::{BigInt, BigUint, Sign};

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
                }
                // Every coefficient set the doubling uses, where the results are non-negative.
                let (xi, yi) = (BigInt::from(x.clone()), BigInt::from(y.clone()));
                let cases: [(i8, i8, i8, i8, i8, i8); 6] = [
                    (3, -2, 4, -1, 2, 2),
                    (3, -2, 4, -1, -2, -2),
                    (1, 1, 3, -2, 0, 2),
                    (1, 1, 3, -2, 0, -2),
                    (1, 2, 1, 0, 0, 0),
                    (2, 1, 2, -1, 0, 0),
                ];
                for (p, q, r, s, ee, f) in cases {
                    let first = BigInt::from(p) * &xi + BigInt::from(q) * &yi + BigInt::from(ee);
                    let second = BigInt::from(r) * &xi + BigInt::from(s) * &yi + BigInt::from(f);
                    if first.sign() == Sign::Minus || second.sign() == Sign::Minus {
                        continue;
                    }
                    let (mut aa, mut bb) = (v.clone(), a.clone());
                    match (p, q, r, s) {
                        (3, -2, 4, -1) => lincomb2::<3, -2, 4, -1>(&mut aa, &mut bb, ee, f),
                        (1, 1, 3, -2) => lincomb2::<1, 1, 3, -2>(&mut aa, &mut bb, ee, f),
                        (1, 2, 1, 0) => lincomb2::<1, 2, 1, 0>(&mut aa, &mut bb, ee, f),
                        _ => lincomb2::<2, 1, 2, -1>(&mut aa, &mut bb, ee, f),
                    }
                    .unwrap();
                    assert_eq!(BigInt::from(big(&bb)), first, "{p} a + {q} b + {ee}");
                    assert_eq!(BigInt::from(big(&aa)), second, "{r} a + {s} b + {f}");
                    assert_ne!(aa.last(), Some(&0));
                    assert_ne!(bb.last(), Some(&0));
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
