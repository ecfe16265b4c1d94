//! Every algorithm against num-bigint's own multiplication, with every kernel this CPU runs
//! (the portable ones on every machine), for random operands of many sizes, every threshold
//! +-1 limb, Karatsuba with every small leaf size, transforms up to 2^19 values and more, and
//! the carry-heavy patterns: all-ones limbs, powers of two, a single high limb.

use fib_bigmul::testing::{self, Forced, Kernels};
use fib_bigmul::{
    biguint_from_limbs, limbs_of, mul, mul_owned, sqr, sqr_into, try_mul_into, Limb, THRESHOLDS,
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

/// Runs `f` once with each kernel set that together cover every kernel this CPU has.
fn each_kernel_set(f: impl Fn(Kernels)) {
    for k in testing::kernel_sets() {
        testing::with_kernels(k, || f(k));
    }
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

/// Karatsuba with the leaf sizes `sqr` and `mul` use.
const KARATSUBA_SQR: Forced = Forced::Karatsuba {
    leaf: THRESHOLDS.sqr_karatsuba,
};
const KARATSUBA_MUL: Forced = Forced::Karatsuba {
    leaf: THRESHOLDS.mul_karatsuba,
};
const TRANSFORMS: [Forced; 2] = [Forced::Transform, Forced::SplitTransform];

/// The methods for squares (`karatsuba` stands for the real Karatsuba leaf size of each).
fn sqr_methods(methods: &[Forced]) -> Vec<Forced> {
    let real = |m: &Forced| match m {
        Forced::Karatsuba { leaf: 0 } => KARATSUBA_SQR,
        m => *m,
    };
    methods.iter().map(real).collect()
}

fn mul_methods(methods: &[Forced]) -> Vec<Forced> {
    let real = |m: &Forced| match m {
        Forced::Karatsuba { leaf: 0 } => KARATSUBA_MUL,
        m => *m,
    };
    methods.iter().map(real).collect()
}

/// Every method, Karatsuba with its real leaf size (leaf 0 is replaced by it).
const ALL: [Forced; 4] = [
    Forced::Basecase,
    Forced::Karatsuba { leaf: 0 },
    Forced::Transform,
    Forced::SplitTransform,
];

fn check_sqr(a: &[Limb], methods: &[Forced], k: Kernels) {
    let x = big(a);
    let want = limbs_of(&(&x * &x));
    for m in sqr_methods(methods) {
        assert_eq!(
            testing::sqr_with(a, m),
            want,
            "{m:?} square of {} limbs, {k:?}",
            a.len()
        );
    }
    assert_eq!(sqr(a), want, "sqr of {} limbs, {k:?}", a.len());
}

fn check_mul(a: &[Limb], b: &[Limb], methods: &[Forced], k: Kernels) {
    let want = limbs_of(&(big(a) * big(b)));
    for m in mul_methods(methods) {
        assert_eq!(
            testing::mul_with(a, b, m),
            want,
            "{m:?} {}x{} limbs, {k:?}",
            a.len(),
            b.len()
        );
    }
    assert_eq!(mul(a, b), want, "mul {}x{} limbs, {k:?}", a.len(), b.len());
}

#[test]
fn small_sizes_every_algorithm() {
    each_kernel_set(|k| {
        let mut rng = Rng(1);
        for n in 1..=80 {
            for a in patterns(&mut rng, n) {
                check_sqr(&a, &ALL, k);
                for m in [1, n / 2 + 1, n] {
                    for b in patterns(&mut rng, m) {
                        check_mul(&a, &b, &ALL, k);
                    }
                }
            }
        }
    });
}

#[test]
fn karatsuba_every_small_leaf() {
    // Leaves of 1 to 5 limbs take the recursion down to its smallest pieces: odd and even
    // halves, differences of either sign, and unbalanced products whose remainders recurse
    // the other way round (1, 2, n-1 and n+1 limbs beside n).
    each_kernel_set(|k| {
        let mut rng = Rng(8);
        for leaf in 1..=5 {
            let karatsuba = [Forced::Karatsuba { leaf }];
            for n in 1..=130 {
                let a = rng.limbs(n);
                check_sqr(&a, &karatsuba, k);
                check_sqr(&vec![Limb::MAX; n], &karatsuba, k);
                for m in [
                    1,
                    2,
                    n / 2 + 1,
                    n.saturating_sub(1).max(1),
                    n,
                    n + 1,
                    2 * n + 3,
                ] {
                    check_mul(&a, &rng.limbs(m), &karatsuba, k);
                }
                check_mul(&vec![Limb::MAX; n], &vec![Limb::MAX; n + 1], &karatsuba, k);
            }
        }
    });
}

#[test]
fn thresholds_plus_minus_one() {
    each_kernel_set(|k| {
        let mut rng = Rng(2);
        let t = THRESHOLDS;
        for center in [t.mul_karatsuba, t.sqr_karatsuba, t.mul_ntt, t.sqr_ntt] {
            for n in center.saturating_sub(1).max(1)..=center + 1 {
                for a in patterns(&mut rng, n) {
                    check_sqr(&a, &ALL, k);
                    let b = rng.limbs(n);
                    check_mul(&a, &b, &ALL, k);
                    let b = rng.limbs(n + 3);
                    check_mul(&a, &b, &ALL, k);
                }
            }
        }
    });
}

#[test]
fn random_sizes_up_to_a_few_thousand_limbs() {
    let methods = [
        Forced::Karatsuba { leaf: 0 },
        Forced::Transform,
        Forced::SplitTransform,
    ];
    each_kernel_set(|k| {
        let mut rng = Rng(3);
        for _ in 0..40 {
            let n = 1 + (rng.next() % 3000) as usize;
            let m = 1 + (rng.next() % 3000) as usize;
            let a = rng.limbs(n);
            let b = rng.limbs(m);
            check_sqr(&a, &methods, k);
            check_mul(&a, &b, &methods, k);
        }
    });
}

#[test]
fn transform_length_boundaries() {
    // Products whose 32-bit word count is exactly a power of two, and one past it.
    each_kernel_set(|k| {
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
                check_sqr(&a, &TRANSFORMS, k);
                let b = rng.limbs(total - n);
                check_mul(&a, &b, &TRANSFORMS, k);
            }
        }
    });
}

#[test]
fn every_coefficient_size() {
    // Each size from 1 to 700 limbs: the transform's plan picks every coefficient width from 1
    // to 40 bits somewhere in this range (the widest just above each power-of-two length).
    each_kernel_set(|k| {
        let mut rng = Rng(5);
        for n in 1..=700 {
            let a = if n % 2 == 0 {
                vec![Limb::MAX; n]
            } else {
                rng.limbs(n)
            };
            check_sqr(&a, &TRANSFORMS, k);
            if n % 7 == 0 {
                let b = rng.limbs(n / 2 + 1);
                check_mul(&a, &b, &TRANSFORMS, k);
            }
        }
    });
}

#[test]
fn large_all_ones_and_powers() {
    // (B^n - 1)^2 has long carry chains; a power of two has one nonzero limb.
    each_kernel_set(|k| {
        for n in [20_000usize, 65_536] {
            let a = vec![Limb::MAX; n];
            check_sqr(&a, &TRANSFORMS, k);
            let mut p = vec![0; n];
            p[n - 1] = 1 << (Limb::BITS - 1);
            check_sqr(&p, &TRANSFORMS, k);
            check_mul(&a, &p, &TRANSFORMS, k);
        }
    });
}

#[test]
fn transforms_of_2_pow_19_values_and_more() {
    // Past 2^16 values the leaves' twiddles need the fine factor, past 2^18 blocks of every
    // level but the top one do; the split transform's halves of 2^19 values likewise.
    let bits_per = |n: usize| n as u64 * Limb::BITS as u64;
    let n = 7_500_000 / Limb::BITS as usize; // two operands of 7.5 million bits
    assert!(testing::transform_len(bits_per(n), bits_per(n)) >= Some(1 << 19));
    assert!(testing::split_transform_len(bits_per(n), bits_per(n)) >= Some(1 << 18));
    let big_n = 14_000_000 / Limb::BITS as usize;
    assert!(testing::split_transform_len(bits_per(big_n), bits_per(big_n)) >= Some(1 << 19));
    each_kernel_set(|k| {
        let mut rng = Rng(9);
        let (a, b) = (rng.limbs(n), rng.limbs(n - 7));
        check_sqr(&a, &TRANSFORMS, k);
        check_mul(&a, &b, &TRANSFORMS, k);
        let a = rng.limbs(big_n);
        check_sqr(&a, &[Forced::SplitTransform], k);
    });
}

#[test]
fn split_transform_boundaries() {
    // The split transform's m = len * bits is a whole number of limbs: operands of exactly m
    // bits fill both halves' coefficients (the carries of x^len = +-1 wrap at once), one limb
    // fewer and one more change the plan. For half lengths 2^6..2^10 and coefficient widths
    // from the smallest to the widest the bound allows; longer ones in
    // large_all_ones_and_powers, transforms_of_2_pow_19_values_and_more and owned_operands.
    each_kernel_set(|k| {
        let mut rng = Rng(7);
        let lb = Limb::BITS as usize;
        let split = [Forced::SplitTransform];
        for log_len in 6..=10 {
            let len = 1usize << log_len;
            for bits in [3usize, 8, 17, 29, 40, 53, 56] {
                let m_limbs = len * bits / lb;
                for n in [m_limbs - 1, m_limbs, m_limbs + 1] {
                    for a in patterns(&mut rng, n) {
                        check_sqr(&a, &split, k);
                        check_mul(&a, &vec![Limb::MAX; n], &split, k);
                        check_mul(&a, &rng.limbs(n / 3 + 1), &split, k);
                    }
                }
            }
        }
    });
}

#[test]
fn owned_operands() {
    // mul_owned frees its operands early on the transform path and splits large transforms;
    // same products as mul.
    each_kernel_set(|k| {
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
            assert_eq!(mul_owned(a.clone(), b.clone()), want, "{n}x{m}, {k:?}");
            assert_eq!(mul_owned(b, a), want, "{m}x{n}, {k:?}");
        }
        assert!(mul_owned(vec![0, 0], vec![7]).is_empty());
    });
}

#[test]
fn into_a_used_buffer() {
    // sqr_into and try_mul_into overwrite whatever the buffer held, longer or shorter than the
    // result, on every path (the doubling hands them its previous numbers).
    let mut rng = Rng(10);
    let t = THRESHOLDS;
    for n in [
        1,
        2,
        7,
        t.sqr_karatsuba + 1,
        t.mul_ntt + 1,
        t.sqr_ntt + 1,
        3000,
    ] {
        let (a, b) = (rng.limbs(n), rng.limbs(n / 2 + 1));
        for old in [vec![], vec![Limb::MAX; 1], vec![Limb::MAX; 5 * n]] {
            let mut r = old.clone();
            sqr_into(&a, &mut r);
            assert_eq!(r, limbs_of(&(big(&a) * big(&a))), "sqr_into {n}");
            let mut r = old;
            try_mul_into(&a, &b, &mut r).unwrap();
            assert_eq!(r, limbs_of(&(big(&a) * big(&b))), "try_mul_into {n}");
        }
    }
}

#[test]
fn zero_and_leading_zeros() {
    assert!(sqr(&[]).is_empty());
    assert!(sqr(&[0, 0]).is_empty());
    assert!(mul(&[5], &[]).is_empty());
    assert_eq!(mul(&[3, 0, 0], &[5, 0]), vec![15]);
    for m in mul_methods(&ALL) {
        assert_eq!(testing::sqr_with(&[7, 0], m), vec![49]);
        assert!(testing::mul_with(&[0], &[1, 2], m).is_empty());
        assert_eq!(testing::mul_with(&[0, 0, 3], &[5, 0], m), vec![0, 0, 15]);
    }
}

#[test]
fn kernel_sets_cover_every_kernel() {
    // The portable kernels come first; the fastest this CPU has last, the kernels `mul` uses.
    let sets = testing::kernel_sets();
    assert_eq!(sets[0].rows, testing::RowKernel::Portable);
    assert_eq!(sets[0].lanes, testing::LaneKernel::Portable);
    assert_eq!(*sets.last().unwrap(), Kernels::best());
}
