//! The plain addition loop: F(n) by n additions of big numbers, from (F(0), F(1)).
//!
//! The numbers are carry-save lanes (`fib_bigmul::carry_save`): 48-bit digits in 64-bit lanes, added
//! lane by lane without a carry chain, many steps per block of lanes while it sits in vector
//! registers, and normalized every [`STEPS`] steps. The carries are propagated along the whole
//! number only once, at the end, where the lanes become num-bigint's digits.

use crate::limbs;
use fib_bigmul::carry_save::{self, BLOCK, DIGIT_BITS, STEPS};
use fib_bigmul::{biguint_from_limbs, Limb};
use num_bigint::BigUint;

/// log2 of the golden ratio (0.69424191363...), rounded up: F(n) < 2^(n LOG2_PHI).
const LOG2_PHI: f64 = 0.694_241_914;

/// F(n) by the plain addition loop (O(n) additions).
///
/// ```
/// use fib_rust::fib_iter;
/// assert_eq!(fib_iter(0), 0u32.into());
/// assert_eq!(fib_iter(1), 1u32.into());
/// assert_eq!(fib_iter(50), 12_586_269_025u64.into());
/// ```
pub fn fib_iter(n: u64) -> BigUint {
    biguint_from_limbs(fib_iter_limbs(n))
}

/// F(n) by the addition loop, as little-endian limbs without high zeros.
fn fib_iter_limbs(n: u64) -> Vec<Limb> {
    // F(n+1), the larger number at the end, has at most (n+1) log2(phi) + 1 bits. Room for its
    // lanes in whole blocks, and one block more for the zero lanes on top.
    let bits = ((n + 1) as f64 * LOG2_PHI) as usize + 1;
    let room = (bits.div_ceil(DIGIT_BITS as usize).div_ceil(BLOCK) + 1) * BLOCK;
    let (mut a, mut b) = (vec![0u64; room], vec![0u64; room]);
    b[0] = 1;
    // The lanes in use: whole blocks whose top lane is 0 before each advance (carry_save::advance
    // requires it). One advance moves a number up by less than a lane (STEPS steps grow it by
    // at most F(STEPS + 2) < 2^DIGIT_BITS), so when the top lane fills, one more block does.
    let mut len = BLOCK;
    let mut left = n;
    while left > 0 {
        let steps = left.min(u64::from(STEPS)) as u32;
        carry_save::advance(&mut a[..len], &mut b[..len], steps);
        left -= u64::from(steps);
        if a[len - 1] != 0 || b[len - 1] != 0 {
            len += BLOCK;
            if len > a.len() {
                a.resize(len, 0); // not reached: `room` holds F(n+1) (kept for safety)
                b.resize(len, 0);
            }
        }
    }
    exact_limbs(&a[..len])
}

/// The lanes' value as limbs: the postponed carries propagated (the one carry chain, once),
/// the 48-bit digits packed into limbs.
fn exact_limbs(lanes: &[u64]) -> Vec<Limb> {
    const MASK: u64 = (1 << DIGIT_BITS) - 1;
    let mut out = Vec::with_capacity(lanes.len() * DIGIT_BITS as usize / Limb::BITS as usize + 2);
    let (mut pending, mut pending_bits, mut carry) = (0u128, 0u32, 0u64);
    for &lane in lanes {
        // lane <= DIGIT_MAX < 2^49 and carry <= 1: no overflow.
        let v = lane + carry;
        carry = v >> DIGIT_BITS;
        pending |= u128::from(v & MASK) << pending_bits;
        pending_bits += DIGIT_BITS; // < Limb::BITS + DIGIT_BITS <= 112
        while pending_bits >= Limb::BITS {
            out.push(pending as Limb);
            pending >>= Limb::BITS;
            pending_bits -= Limb::BITS;
        }
    }
    debug_assert_eq!(carry, 0, "the top lane was 0");
    out.push(pending as Limb);
    limbs::normalize(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_values() {
        let expected: [u32; 13] = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144];
        for (n, &f) in expected.iter().enumerate() {
            assert_eq!(fib_iter(n as u64), BigUint::from(f), "F({n})");
        }
    }

    #[test]
    fn matches_u64_recurrence_up_to_93() {
        let mut table = vec![0u64, 1];
        for i in 2..=93 {
            table.push(table[i - 1] + table[i - 2]);
        }
        for (n, &f) in table.iter().enumerate() {
            assert_eq!(fib_iter(n as u64), BigUint::from(f), "F({n})");
        }
    }

    /// Digits that all carry: 2^k - 1 spread over lanes at their maximum, packed exactly.
    #[test]
    fn exact_limbs_propagates_every_carry() {
        let mut lanes_ = vec![carry_save::DIGIT_MAX; 3 * BLOCK];
        *lanes_.last_mut().unwrap() = 0;
        let expected = lanes_
            .iter()
            .rev()
            .fold(BigUint::from(0u32), |acc, &x| (acc << DIGIT_BITS) + x);
        assert_eq!(biguint_from_limbs(exact_limbs(&lanes_)), expected);
        assert_eq!(exact_limbs(&[0; BLOCK]), Vec::<Limb>::new());
    }

    /// The room estimate: F(n+1) fits with a zero block on top, so the loop never reallocates.
    #[test]
    fn room_holds_f_n_plus_1() {
        for n in [0u64, 1, 2, 100, 1105, 1106, 1107, 10_000, 123_457] {
            let bits = ((n + 1) as f64 * LOG2_PHI) as usize + 1;
            let f = crate::fib(n + 1);
            assert!(
                f.bits() as usize <= bits,
                "F({}) has {} bits",
                n + 1,
                f.bits()
            );
        }
    }
}
