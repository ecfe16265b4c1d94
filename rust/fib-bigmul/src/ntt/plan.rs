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
///
/// The shortest length that has a plan is the cheapest: its plan costs at most 4 L (l + 4),
/// and any plan of twice the length at least 3 (2L) (l + 5), which is more for every l. So
/// the search ends there (the test below checks it against every length).
pub(crate) fn plan(a_bits: u64, b_bits: u64) -> Option<Plan> {
    let (a_bits, b_bits) = (a_bits.max(1), b_bits.max(1));
    (shortest_log_len(a_bits, b_bits)..=LOG_MAX_LEN as u64)
        .find_map(|log_len| cheapest_of_length(a_bits, b_bits, log_len))
        .map(|(_, plan)| plan)
}

/// No plan is shorter than the product's bits at MAX_BITS per coefficient, nor than one leaf
/// of the kernels.
fn shortest_log_len(a_bits: u64, b_bits: u64) -> u64 {
    (63 - ((a_bits + b_bits) / MAX_BITS as u64).max(1).leading_zeros() as u64)
        .max(LEAF.ilog2() as u64)
}

/// The cheapest plan of length 2^log_len and its cost, if one fits (operands of at least one
/// bit).
fn cheapest_of_length(a_bits: u64, b_bits: u64, log_len: u64) -> Option<(u64, Plan)> {
    let len = 1u64 << log_len;
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
    if bits > MAX_BITS as u64 || !fits(bits) {
        return None;
    }
    // ... whose coefficients (sums of min(na, nb) products < 2^2b) stay below P.
    let terms = a_bits.div_ceil(bits).min(b_bits.div_ceil(bits));
    let log_terms = 64 - (terms - 1).leading_zeros() as u64; // ceil(log2(terms))
    let primes = [3usize, 4]
        .into_iter()
        .find(|&primes| 2 * bits + log_terms <= LOG_P[primes])?;
    let plan = Plan {
        len: len as usize,
        bits: bits as u32,
        primes,
    };
    Some((primes as u64 * len * (log_len + 4), plan))
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

    /// `plan` stops at the shortest length that has a plan; trying every length must give the
    /// same plan.
    #[test]
    fn the_shortest_length_with_a_plan_is_the_cheapest() {
        let sizes = (1..3_000_000u64)
            .step_by(7919)
            .chain([1, 64, 1 << 20, 1 << 29]);
        for a_bits in sizes {
            for b_bits in [1, a_bits / 3 + 1, a_bits] {
                let every = (shortest_log_len(a_bits, b_bits)..=LOG_MAX_LEN as u64)
                    .filter_map(|l| cheapest_of_length(a_bits, b_bits, l))
                    .fold(None, |best: Option<(u64, Plan)>, (cost, plan)| match best {
                        Some((c, _)) if c <= cost => best,
                        _ => Some((cost, plan)),
                    });
                assert_eq!(
                    plan(a_bits, b_bits),
                    every.map(|(_, p)| p),
                    "{a_bits} x {b_bits}"
                );
            }
        }
    }

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
