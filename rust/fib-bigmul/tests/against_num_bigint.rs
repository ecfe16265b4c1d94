//! Every algorithm against num-bigint's own multiplication, for random operands of many sizes,
//! every threshold +-1 limb, and the carry-heavy patterns: all-ones limbs, powers of two, a
//! single high limb.

use fib_bigmul::kernels::{self, Kernels};
use fib_bigmul::{
    biguint_from_limbs, limbs_of, mul, mul_with, sqr, sqr_with, Algorithm, Limb, THRESHOLDS,
};
use num_bigint::BigUint;

/// SplitMix64: a tiny deterministic generator, so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn limbs(&mut self, n: usize) -> Vec<Limb> {
        (0..n).map(|_| self.next() as Limb).collect()
    }
}

fn big(l: &[Limb]) -> BigUint {
    biguint_from_limbs(l.to_vec())
}

/// Operands of length n in several patterns.
fn patterns(rng: &mut Rng, n: usize) -> Vec<Vec<Limb>> {
    let mut v = vec![rng.limbs(n), vec![Limb::MAX; n]];
    let mut pow2 = vec![0; n];
    pow2[n - 1] = 1 << (rng.next() % Limb::BITS as u64);
    v.push(pow2);
    let mut sparse = vec![0; n];
    sparse[0] = Limb::MAX;
    sparse[n - 1] = Limb::MAX;
    v.push(sparse);
    let mut mixed = rng.limbs(n);
    for (i, l) in mixed.iter_mut().enumerate() {
        if i % 3 == 0 {
            *l = Limb::MAX;
        }
    }
    v.push(mixed);
    v
}

fn check_sqr(a: &[Limb], algorithms: &[Algorithm]) {
    let x = big(a);
    let want = limbs_of(&(&x * &x));
    for &alg in algorithms {
        assert_eq!(
            sqr_with(a, alg),
            want,
            "{alg:?} square of {} limbs",
            a.len()
        );
        if alg == Algorithm::Ntt {
            // Every kernel set this CPU runs, not only the fastest.
            for k in Kernels::available() {
                let got = kernels::product(a, None, k);
                assert_eq!(got, want, "{k:?} square of {} limbs", a.len());
            }
        }
        if alg == Algorithm::NttSplit {
            for k in Kernels::available() {
                let got = kernels::split_product(a, None, k);
                assert_eq!(got, want, "split {k:?} square of {} limbs", a.len());
            }
        }
    }
    assert_eq!(sqr(a), want, "sqr of {} limbs", a.len());
}

fn check_mul(a: &[Limb], b: &[Limb], algorithms: &[Algorithm]) {
    let want = limbs_of(&(big(a) * big(b)));
    for &alg in algorithms {
        assert_eq!(
            mul_with(a, b, alg),
            want,
            "{alg:?} {}x{} limbs",
            a.len(),
            b.len()
        );
        if alg == Algorithm::Ntt {
            for k in Kernels::available() {
                let got = kernels::product(a, Some(b), k);
                assert_eq!(got, want, "{k:?} {}x{} limbs", a.len(), b.len());
            }
        }
        if alg == Algorithm::NttSplit {
            for k in Kernels::available() {
                let got = kernels::split_product(a, Some(b), k);
                assert_eq!(got, want, "split {k:?} {}x{} limbs", a.len(), b.len());
            }
        }
    }
    assert_eq!(mul(a, b), want, "mul {}x{} limbs", a.len(), b.len());
}

/// The transforms are checked with every kernel set the CPU runs (see check_sqr).
const ALL: [Algorithm; 4] = [
    Algorithm::Basecase,
    Algorithm::Karatsuba,
    Algorithm::Ntt,
    Algorithm::NttSplit,
];
const NTT: [Algorithm; 2] = [Algorithm::Ntt, Algorithm::NttSplit];

#[test]
fn small_sizes_every_algorithm() {
    let mut rng = Rng(1);
    for n in 1..=80 {
        for a in patterns(&mut rng, n) {
            check_sqr(&a, &ALL);
            for m in [1, n / 2 + 1, n] {
                for b in patterns(&mut rng, m) {
                    check_mul(&a, &b, &ALL);
                }
            }
        }
    }
}

#[test]
fn thresholds_plus_minus_one() {
    let mut rng = Rng(2);
    let t = THRESHOLDS;
    for center in [t.mul_karatsuba, t.sqr_karatsuba, t.mul_ntt, t.sqr_ntt] {
        for n in center.saturating_sub(1).max(1)..=center + 1 {
            for a in patterns(&mut rng, n) {
                check_sqr(&a, &ALL);
                let b = rng.limbs(n);
                check_mul(&a, &b, &ALL);
                let b = rng.limbs(n + 3);
                check_mul(&a, &b, &ALL);
            }
        }
    }
}

#[test]
fn random_sizes_up_to_a_few_thousand_limbs() {
    let mut rng = Rng(3);
    for _ in 0..60 {
        let n = 1 + (rng.next() % 3000) as usize;
        let m = 1 + (rng.next() % 3000) as usize;
        let a = rng.limbs(n);
        let b = rng.limbs(m);
        check_sqr(
            &a,
            &[Algorithm::Karatsuba, Algorithm::Ntt, Algorithm::NttSplit],
        );
        check_mul(
            &a,
            &b,
            &[Algorithm::Karatsuba, Algorithm::Ntt, Algorithm::NttSplit],
        );
    }
}

#[test]
fn transform_length_boundaries() {
    // Products whose 32-bit word count is exactly a power of two, and one past it.
    let mut rng = Rng(4);
    let words_per_limb = Limb::BITS as usize / 32;
    for log in 1..=14 {
        let product_limbs = (1usize << log) / words_per_limb;
        for total in [
            product_limbs,
            product_limbs + 1,
            product_limbs.saturating_sub(1),
        ] {
            if total < 2 {
                continue;
            }
            let n = total / 2;
            let a = vec![Limb::MAX; n];
            check_sqr(&a, &NTT);
            let b = rng.limbs(total - n);
            check_mul(&a, &b, &NTT);
        }
    }
}

#[test]
fn every_coefficient_size() {
    // Each size from 1 to 700 limbs: the NTT's plan picks every coefficient width from 1 to
    // 40 bits somewhere in this range (the widest just above each power-of-two length).
    let mut rng = Rng(5);
    for n in 1..=700 {
        let a = if n % 2 == 0 {
            vec![Limb::MAX; n]
        } else {
            rng.limbs(n)
        };
        check_sqr(&a, &NTT);
        if n % 7 == 0 {
            let b = rng.limbs(n / 2 + 1);
            check_mul(&a, &b, &NTT);
        }
    }
}

#[test]
fn large_all_ones_and_powers() {
    // (B^n - 1)^2 has long carry chains; a power of two has one nonzero limb.
    for n in [20_000usize, 65_536] {
        let a = vec![Limb::MAX; n];
        check_sqr(&a, &NTT);
        let mut p = vec![0; n];
        p[n - 1] = 1 << (Limb::BITS - 1);
        check_sqr(&p, &NTT);
        check_mul(&a, &p, &NTT);
    }
}

#[test]
fn split_transform_boundaries() {
    // The split transform's m = len * bits is a whole number of limbs: operands of exactly m
    // bits fill both halves' coefficients (the carries of x^len = +-1 wrap at once), one limb
    // fewer and one more change the plan. For half lengths 2^6..2^10 and coefficient widths
    // from the smallest to the widest the bound allows; longer ones in
    // large_all_ones_and_powers and owned_operands.
    let mut rng = Rng(7);
    let lb = Limb::BITS as usize;
    for log_len in 6..=10 {
        let len = 1usize << log_len;
        for bits in [3usize, 8, 17, 29, 40, 53, 56] {
            let m_limbs = len * bits / lb;
            for n in [m_limbs - 1, m_limbs, m_limbs + 1] {
                for a in patterns(&mut rng, n) {
                    check_sqr(&a, &[Algorithm::NttSplit]);
                    check_mul(&a, &vec![Limb::MAX; n], &[Algorithm::NttSplit]);
                    check_mul(&a, &rng.limbs(n / 3 + 1), &[Algorithm::NttSplit]);
                }
            }
        }
    }
}

#[test]
fn this_cpu_runs_its_fastest_kernels() {
    // Documents what the tests above covered here: on x86-64 with AVX2 at least two kernel
    // sets (portable and AVX2) were compared with num-bigint.
    let k = Kernels::available();
    assert_eq!(k[0], Kernels::Portable);
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        assert!(k.contains(&Kernels::Avx2));
    }
}

#[test]
fn owned_operands() {
    // mul_owned frees its operands early on the transform path and splits large transforms;
    // same products as mul.
    let mut rng = Rng(6);
    for (n, m) in [
        (3, 5),
        (THRESHOLDS.mul_ntt + 1, THRESHOLDS.mul_ntt + 9),
        (5000, 20_000),
        // Either side of 512 KiB of product, from which on the transform is the split one.
        (32_768, 32_767),
        (32_768, 32_768),
        (54_244, 54_245), // the doubling's last product for F(10^7) (64-bit limbs)
    ] {
        let (a, b) = (rng.limbs(n), rng.limbs(m));
        let want = limbs_of(&(big(&a) * big(&b)));
        assert_eq!(fib_bigmul::mul_owned(a.clone(), b.clone()), want, "{n}x{m}");
        assert_eq!(fib_bigmul::mul_owned(b, a), want, "{m}x{n}");
    }
    assert!(fib_bigmul::mul_owned(vec![0, 0], vec![7]).is_empty());
}

#[test]
fn zero_and_leading_zeros() {
    assert!(sqr(&[]).is_empty());
    assert!(sqr(&[0, 0]).is_empty());
    assert!(mul(&[5], &[]).is_empty());
    assert_eq!(mul(&[3, 0, 0], &[5, 0]), vec![15]);
    for alg in ALL {
        assert_eq!(sqr_with(&[7, 0], alg), vec![49]);
        assert!(mul_with(&[0], &[1, 2], alg).is_empty());
    }
}
