//! The shape of a transform-based product: transform length, coefficient width and number
//! of primes, chosen by a cost model.

use super::kernel::LEAF;
use super::twiddles::LOG_MAX_LEN;

/// log2 of the product of the first 3 and 4 primes, rounded down: coefficients stay below.
pub(crate) const LOG_P: [u64; 5] = [0, 0, 0, 92, 123];

/// The shape of one transform-based product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Transform length (a power of two).
    pub len: usize,
    /// Bits per coefficient.
    pub bits: u32,
    /// Number of primes (3 or 4).
    pub primes: usize,
}

/// The cheapest plan for a product of operands of `a_bits` and `b_bits` bits, or None if the
/// product is too large. Cost model: primes * L * (log2 L + 4), the butterflies plus the
/// per-value work of loading, pointwise product and CRT.
pub(crate) fn plan(a_bits: u64, b_bits: u64) -> Option<Plan> {
    let a_bits = a_bits.max(1);
    let b_bits = b_bits.max(1);
    let mut best: Option<(u64, Plan)> = None;
    // No plan is shorter than the product's bits at MAX_BITS per coefficient, nor than one
    // leaf of the kernels.
    let mut log_len = (63 - ((a_bits + b_bits) / MAX_BITS as u64).max(1).leading_zeros() as u64)
        .max(LEAF.ilog2() as u64);
    let mut len: u64 = 1 << log_len;
    while log_len <= LOG_MAX_LEN as u64 {
        // The smallest b whose convolution has at most `len` coefficients ...
        let fits = |b: u64| a_bits.div_ceil(b) + b_bits.div_ceil(b) - 1 <= len;
        let (mut lo, mut hi) = (1u64, 64u64);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if fits(mid) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        let bits = lo;
        // ... whose coefficients (sums of min(na, nb) products < 2^2b) stay below P.
        let terms = a_bits.div_ceil(bits).min(b_bits.div_ceil(bits));
        let log_terms = 64 - (terms - 1).leading_zeros() as u64; // ceil(log2(terms))
        for primes in [3usize, 4] {
            if bits <= MAX_BITS as u64 && fits(bits) && 2 * bits + log_terms <= LOG_P[primes] {
                let cost = primes as u64 * len * (log_len + 4);
                if best.is_none_or(|(c, _)| cost < c) {
                    let plan = Plan {
                        len: len as usize,
                        bits: bits as u32,
                        primes,
                    };
                    best = Some((cost, plan));
                }
            }
        }
        len *= 2;
        log_len += 1;
    }
    best.map(|(_, p)| p)
}

/// Whether a product of `product_limbs` limbs certainly fits the transform.
pub(crate) fn fits(product_limbs: usize) -> bool {
    let half = (product_limbs as u64 * crate::LIMB_BITS as u64).div_ceil(2);
    plan(half, half).is_some()
}

/// Largest coefficient size any plan uses: 2b + log2(terms) <= 123 allows ~56 for short
/// transforms; it also keeps a coefficient within two 64-bit (three 32-bit) limbs.
pub(crate) const MAX_BITS: u32 = 56;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ntt::PRIMES;

    #[test]
    fn plans_fit_and_respect_the_bound() {
        let mut widths = std::collections::BTreeSet::new();
        for a_bits in (1..200_000u64)
            .step_by(997)
            .chain([1, 2, 63, 64, 65, 1 << 20])
        {
            for b_bits in [1, a_bits / 3 + 1, a_bits] {
                let plan = plan(a_bits, b_bits).expect("fits");
                let (na, nb) = (
                    a_bits.div_ceil(plan.bits as u64),
                    b_bits.div_ceil(plan.bits as u64),
                );
                assert!(na + nb - 1 <= plan.len as u64, "no wrap-around");
                // min(na, nb) products below 2^(2 bits) each stay below P.
                let bound = na.min(nb) as f64 * 2f64.powi(2 * plan.bits as i32);
                let p: f64 = PRIMES[..plan.primes].iter().map(|f| f.p as f64).product();
                assert!(bound < p);
                assert!(plan.bits <= MAX_BITS);
                widths.insert((plan.primes, plan.bits));
            }
        }
        assert!(
            widths.iter().any(|&(p, _)| p == 3),
            "three-prime plans are used"
        );
        assert!(
            widths.iter().any(|&(p, _)| p == 4),
            "four-prime plans are used"
        );
        // The largest products use the longest transform.
        let huge = 1u64 << 29; // bits per operand
        assert_eq!(plan(huge, huge).map(|p| p.len), Some(1 << 25));
        assert!(plan(1 << 30, 1 << 30).is_none());
        // The capacity the crate states: the largest equal operands a plan holds.
        let max = crate::MAX_TRANSFORM_OPERAND_BITS;
        assert!(plan(max, max).is_some() && plan(1, max).is_some());
        assert!(plan(max + 1, max + 1).is_none());
        assert!(crate::ntt::split::plan(max, max).is_some());
        assert!(crate::ntt::split::plan(max + 1, max + 1).is_none());
    }
}
