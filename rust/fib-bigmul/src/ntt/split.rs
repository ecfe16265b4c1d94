//! A product as two half-length transforms, modulo 2^m - 1 and 2^m + 1 (GMP's mulmod_bnm1
//! idea), for less memory at the peak.
//!
//! With m = L * b at least as long as either operand, the cut into b-bit coefficients turns
//! the product modulo 2^m - 1 into a cyclic convolution of length L (x^L = 2^m = 1) and the
//! product modulo 2^m + 1 into a negacyclic one (x^L = -1); the transform computes the latter
//! cyclically after weighting coefficient i by psi^i, psi a 2L-th root of unity; its
//! coefficients may be negative, so each gets a bias 2^s > |coefficient| before the CRT and
//! the carried sum loses sum(2^(s + i b)) again (no signed carry needed). Since
//! (2^m - 1)(2^m + 1) exceeds the product, the two results determine it (Chinese remainder
//! theorem).
//!
//! The work is about that of the full-length transform, but only half of the residues are
//! alive at once: the first half's are carried into an m-bit number before the second half
//! reuses their buffer. Pages move from buffer to buffer instead of adding up
//! (`mem::release`): each carry pass gives back two residue vectors' pages as it consumes
//! them, room for its result to grow into, and the second half gives back the first operand's
//! pages as it loads it, room for those residues to come back. For the doubling's last
//! product (two operands of about m bits each, h bytes) the peak is 5h, in either half's
//! transforms: 2h of operands (or h of operand and h of the first half's result) + 2.4h of
//! residues (4 x 32 bits per 53-bit coefficient) + 0.6h for the second operand's residues
//! modulo one prime. Without the page moves it was 5.4h, at the end of the first carry and
//! of the second load; the full transform's is h (second operand) + 4.8h (residues) + 1.2h
//! (scratch), or 4.8h + 2h (product) at its end.

use super::pack::{load, load_all, load_all_releasing};
use super::twiddles::{pointwise_scale, LOG_MAX_LEN};
use super::{crt, twiddles, Operand, LOG_P, MAX_BITS, PRIMES};
use crate::arch::{Kernels, LaneKernels};
use crate::limbs::{add_assign_slice, add_small_slice, sub_assign_slice, sub_small_slice};
use crate::mem::{reserve, resize, zeroed};
use crate::{Error, Limb, LIMB_BITS};

/// The shape of a split product: two transforms of length `len`, `bits` per coefficient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SplitPlan {
    /// Transform length of each half (a power of two, at least 64 so m is whole limbs).
    pub len: usize,
    /// Bits per coefficient; m = len * bits.
    pub bits: u32,
    /// Number of primes (3 or 4).
    pub primes: usize,
}

/// log2 of the shortest half length: m = len * bits must be whole limbs for any bits.
const LOG_MIN_LEN: u32 = 6;

/// The cheapest split plan for operands of `a_bits` and `b_bits` bits, or None.
pub(crate) fn plan(a_bits: u64, b_bits: u64) -> Option<SplitPlan> {
    let longest = a_bits.max(b_bits).max(1);
    let mut best: Option<(u64, SplitPlan)> = None;
    // The negacyclic half needs psi of order 2 len <= 2^LOG_MAX_LEN.
    for log_len in LOG_MIN_LEN..LOG_MAX_LEN {
        let len = 1u64 << log_len;
        // m must also hold the carried sums' high parts below (see EXTRA).
        let bits = longest
            .div_ceil(len)
            .max((EXTRA as u64 * LIMB_BITS as u64).div_ceil(len));
        if bits > MAX_BITS as u64 {
            continue;
        }
        let terms = a_bits
            .max(1)
            .div_ceil(bits)
            .min(b_bits.max(1).div_ceil(bits));
        let log_terms = 64 - (terms - 1).leading_zeros() as u64; // ceil(log2(terms))
        for primes in [3usize, 4] {
            // |coefficient| < terms * 2^2b < P / 2: one bit more than the cyclic bound.
            if 2 * bits + log_terms < LOG_P[primes] {
                let cost = 2 * primes as u64 * len * (log_len as u64 + 6);
                if best.is_none_or(|(c, _)| cost < c) {
                    let plan = SplitPlan {
                        len: len as usize,
                        bits: bits as u32,
                        primes,
                    };
                    best = Some((cost, plan));
                }
            }
        }
    }
    best.map(|(_, p)| p)
}

/// The residues of a*b (a^2 if `b` is None) modulo x^len - 1 (`negacyclic`: x^len + 1, each
/// coefficient plus 2^bias_log) for each prime, in `r` (primes * len values); frees `a` once
/// loaded and `b` once loaded for the last prime.
fn residues(
    r: &mut [u32],
    plan: SplitPlan,
    a: Operand,
    mut b: Option<Operand>,
    kernels: &LaneKernels,
    negacyclic: Option<u32>,
) -> Result<(), Error> {
    let len = plan.len;
    let (kernel, weight) = (kernels.transform, kernels.weight);
    let tables = twiddles().take(plan.primes);
    match a {
        Operand::Owned(mut a) => load_all_releasing(r, len, &mut a, plan.bits),
        Operand::Borrowed(a) => load_all(r, len, a, plan.bits),
    }
    let mut scratch = if b.is_some() {
        zeroed::<u32>(len)?
    } else {
        Vec::new()
    };
    for (i, ((f, t), x)) in PRIMES
        .iter()
        .zip(tables)
        .zip(r.chunks_exact_mut(len))
        .enumerate()
    {
        // psi = omega^(2^24 / len): block len/2's twiddle (omega^bitrev24(len/2)).
        let (psi, psi_inv) = (t.fwd(*f, len / 2), t.inv(*f, len / 2));
        if negacyclic.is_some() {
            weight(*f, x, psi);
        }
        let k = pointwise_scale(*f, len);
        match &b {
            None => kernel(*f, t, x, None, k),
            Some(op) => {
                load(*f, &mut scratch, op.limbs(), plan.bits);
                if i + 1 == plan.primes {
                    b = None; // loaded for the last time
                }
                if negacyclic.is_some() {
                    weight(*f, &mut scratch, psi);
                }
                kernel(*f, t, x, Some(&mut scratch), k);
            }
        }
        if let Some(bias_log) = negacyclic {
            // The residues are plain values now; w^-i in Montgomery form keeps them plain.
            weight(*f, x, psi_inv);
            let bias = f.reduce(f.pow(f.to_mont(2), bias_log as u64) as u64); // 2^s mod p
            for v in x.iter_mut() {
                *v = f.add(*v, bias);
            }
        }
    }
    Ok(())
}

/// Limbs that hold a carried sum beyond m bits: coefficients below P < 2^124, shifted by at
/// most m - b bits, plus a sign limb. Plans keep m at least this long, so that part is below
/// 2^m and one correction reduces the sum.
const EXTRA: usize = 128usize.div_ceil(LIMB_BITS as usize) + 1;

/// `a * b` (or `a^2`): `a.len() + b.len()` limbs, not normalized. The operands must be
/// trimmed (or at least fit the plan, which [`plan`] sizes from their lengths).
///
/// # Panics
/// If no split plan holds the product.
pub(crate) fn product(a: Operand, b: Option<Operand>) -> Result<Vec<Limb>, Error> {
    let lb = LIMB_BITS as u64;
    let a_len = a.limbs().len();
    let b_len = b.as_ref().map_or(a_len, |b| b.limbs().len());
    let plan = plan(a_len as u64 * lb, b_len as u64 * lb).expect("operands too large");
    let kernels = Kernels::get().lanes();
    let m = plan.len * plan.bits as usize / LIMB_BITS as usize; // limbs of 2^m

    // One residue buffer for both halves (each load overwrites all of it): its pages are
    // mapped and cleared once.
    let mut r = zeroed::<u32>(plan.primes * plan.len)?;

    // Modulo 2^m - 1: a cyclic convolution, carried, the carry out of the top folded back.
    let mut u = {
        let a_view = Operand::Borrowed(a.limbs());
        let b_view = b.as_ref().map(|b| Operand::Borrowed(b.limbs()));
        residues(&mut r, plan, a_view, b_view, kernels, None)?;
        let mut u = Vec::new();
        reserve(&mut u, m + EXTRA)?;
        let mut rs: Vec<&mut [u32]> = r.chunks_exact_mut(plan.len).collect();
        // The second half faults only the two released residue vectors back in.
        crt::combine(&mut u, m + EXTRA, &mut rs, plan.bits, true);
        u
    };
    fold_minus(&mut u, m);

    // Modulo 2^m + 1: negacyclic, the coefficients biased into [0, P); the operands go as
    // soon as loaded.
    let bias_log = bias_log(plan, a_len, b_len);
    let v = {
        residues(&mut r, plan, a, b, kernels, Some(bias_log))?;
        let mut v = Vec::new();
        reserve(&mut v, m + EXTRA)?;
        let mut rs: Vec<&mut [u32]> = r.chunks_exact_mut(plan.len).collect();
        crt::combine(&mut v, m + EXTRA, &mut rs, plan.bits, true);
        drop(rs);
        drop(r);
        let negative = remove_bias(&mut v, bias_log, plan);
        fold_plus(&mut v, m, negative);
        v
    };

    // x = v + (2^m + 1) w with w = (u - v) / 2 mod 2^m - 1: x = v mod 2^m + 1 and
    // x = v + 2w = u mod 2^m - 1, and x < (2^m - 1)(2^m + 1).
    // u - v' with v' = v mod 2^m - 1 (v <= 2^m): 2^m - 1 may stay (the difference is taken
    // modulo 2^m - 1 anyway), 2^m is 1 (and its low limbs are zero).
    let borrow = if v[m] != 0 {
        sub_small_slice(&mut u[..m], 1)
    } else {
        sub_assign_slice(&mut u[..m], &v[..m])
    };
    if borrow != 0 {
        // u - v' < 0: add 2^m - 1, i.e. the wrapped difference minus one.
        sub_small_slice(&mut u[..m], 1);
    }
    halve_minus(&mut u[..m]);
    // w (2^m + 1) + v, in u's memory.
    resize(&mut u, 2 * m + 1)?;
    let (lo, hi) = u.split_at_mut(m);
    hi[..m].copy_from_slice(lo);
    let c = add_assign_slice(&mut u, &v[..m + 1]);
    debug_assert_eq!(c, 0);
    drop(v);
    let total = a_len + b_len;
    debug_assert!(u[total..].iter().all(|&l| l == 0), "the product fits");
    u.truncate(total);
    Ok(u)
}

/// log2 of the bias of the negacyclic coefficients: above terms * 2^2b > |coefficient|, and
/// 2^(s+1) <= P by the plan's bound, so biased coefficients are below P.
fn bias_log(plan: SplitPlan, a_len: usize, b_len: usize) -> u32 {
    let lb = LIMB_BITS as u64;
    let bits = plan.bits as u64;
    let terms = (a_len as u64 * lb)
        .div_ceil(bits)
        .min((b_len as u64 * lb).div_ceil(bits));
    let log_terms = 64 - (terms.max(1) - 1).leading_zeros();
    2 * plan.bits + log_terms
}

/// Subtracts sum(2^(s + i bits), i < len), the carried biases, from `x` (m + EXTRA limbs)
/// in one pass; returns the sign of the result, left in two's complement.
fn remove_bias(x: &mut [Limb], s: u32, plan: SplitPlan) -> bool {
    let lb = LIMB_BITS as u64;
    let bits = plan.bits as u64;
    let mut next = s as u64; // position of the next bias bit
    let end = s as u64 + plan.len as u64 * bits;
    let mut borrow = false;
    for (w, l) in x.iter_mut().enumerate() {
        let top = (w as u64 + 1) * lb;
        let mut c: Limb = 0;
        while next < top && next < end {
            c |= 1 << (next - w as u64 * lb);
            next += bits;
        }
        let (d, b1) = l.overflowing_sub(c);
        let (d, b2) = d.overflowing_sub(borrow as Limb);
        *l = d;
        borrow = b1 | b2;
    }
    debug_assert!(next >= end);
    x[x.len() - 1] >> (LIMB_BITS - 1) != 0
}

/// `x` (m + EXTRA limbs, non-negative) reduced modulo 2^m - 1 into its low m limbs, in
/// [0, 2^m - 1); the rest zeroed and cut off.
fn fold_minus(x: &mut Vec<Limb>, m: usize) {
    let (lo, hi) = x.split_at_mut(m);
    // 2^m = 1: the high part adds in at the bottom, and so does any carry out of the top.
    let mut c = add_assign_slice(lo, hi);
    while c != 0 {
        c = add_small_slice(lo, 1);
    }
    if lo.iter().all(|&l| l == Limb::MAX) {
        lo.fill(0); // 2^m - 1 = 0
    }
    x.truncate(m);
}

/// `x` (m + EXTRA limbs, two's complement, `negative` its sign) reduced modulo 2^m + 1 into
/// [0, 2^m]: m + 1 limbs.
fn fold_plus(x: &mut Vec<Limb>, m: usize, negative: bool) {
    // x = lo + hi 2^m with lo in [0, 2^m) and hi signed and small (|x| < 2^(m + 125)); 2^m = -1,
    // so x = lo - hi.
    // |hi| (its sign is the sum's), then x becomes lo with a zero top limb, in place.
    let mut h = [0 as Limb; EXTRA];
    h.copy_from_slice(&x[m..]);
    if negative {
        // Two's complement negation: invert and add one.
        for l in h.iter_mut() {
            *l = !*l;
        }
        add_small_slice(&mut h, 1);
    }
    x.truncate(m + 1);
    x[m] = 0;
    let out: &mut [Limb] = x;
    if negative {
        // lo + |hi| < 2^m + 2^126: at most one subtraction of 2^m + 1.
        add_assign_slice(out, &h);
        if out[m] != 0 && out[..m].iter().any(|&l| l != 0) {
            // >= 2^m + 1: out - 2^m - 1.
            out[m] -= 1;
            sub_small_slice(out, 1);
        }
    } else if sub_assign_slice(out, &h) != 0 {
        // lo - hi < 0 (the top limb wrapped to all ones): add 2^m + 1.
        add_small_slice(out, 1);
        out[m] = out[m].wrapping_add(1);
    }
    debug_assert!(out[m] <= 1 && (out[m] == 0 || out[..m].iter().all(|&l| l == 0)));
}

/// t / 2 modulo 2^m - 1 (t < 2^m - 1, m = 64 or 32 times t.len()): a rotation right by one bit.
fn halve_minus(t: &mut [Limb]) {
    let low = t[0] & 1;
    let mut carry = low;
    for l in t.iter_mut().rev() {
        let next = *l & 1;
        *l = (*l >> 1) | (carry << (LIMB_BITS - 1));
        carry = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psi_has_order_twice_the_length() {
        let tables = twiddles();
        for (f, t) in PRIMES.iter().zip(tables) {
            for log_len in LOG_MIN_LEN..LOG_MAX_LEN {
                let len = 1usize << log_len;
                let psi = t.fwd(*f, len / 2);
                let minus_one = f.sub(0, f.one);
                assert_eq!(f.pow(psi, len as u64), minus_one, "psi^len = -1");
                assert_eq!(f.mul(psi, t.inv(*f, len / 2)), f.one);
            }
        }
    }

    #[test]
    fn plans_hold_the_operands_and_the_bound() {
        for a_bits in (64..3_000_000u64).step_by(99_991).chain([64, 128, 1 << 22]) {
            for b_bits in [64, a_bits / 2 + 64, a_bits] {
                let p = plan(a_bits, b_bits).expect("a plan");
                let m = p.len as u64 * p.bits as u64;
                assert!(m >= a_bits && m >= b_bits && m % 64 == 0);
                assert!(m >= EXTRA as u64 * LIMB_BITS as u64);
                let terms = a_bits
                    .div_ceil(p.bits as u64)
                    .min(b_bits.div_ceil(p.bits as u64));
                let bound = 2.0 * terms as f64 * 2f64.powi(2 * p.bits as i32);
                let big_p: f64 = PRIMES[..p.primes].iter().map(|f| f.p as f64).product();
                assert!(bound < big_p);
            }
        }
    }
}
