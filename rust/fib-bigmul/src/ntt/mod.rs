//! Multiplication by a number-theoretic transform modulo three or four primes.
//!
//! The operands are cut into b-bit coefficients; their cyclic convolution (length L = 2^k, at
//! least the product's length so nothing wraps) is computed modulo primes below 2^31 whose
//! product P (~2^92 for three, ~2^123 for four) exceeds every coefficient of the exact
//! convolution (< min(na, nb) * 2^2b); the Chinese remainder theorem recovers the coefficients
//! and one carry pass adds them up.
//!
//! The plan (L, b, number of primes) is chosen per product: b is free (up to 56 bits), so the
//! product just fits a power-of-two length instead of wasting up to half of it on padding, and
//! four primes with b ~ 50 carry more bits per transformed value than three with b ~ 30, often
//! at half the length. 32-bit primes keep all arithmetic in u32/u64 lanes: the transform
//! vectorizes on x86-64 (AVX2, chosen at run time) and stays native on wasm32, where u128
//! arithmetic would be emulated.

#[cfg(target_arch = "x86_64")]
mod avx2;
mod crt;
mod field;
#[cfg(any(all(target_arch = "wasm32", target_feature = "simd128"), test))]
mod simd128;
pub mod split;
mod transform;

use std::sync::OnceLock;

use crate::Limb;
use field::Prime;
use transform::{pointwise_scale, Twiddles, LOG_MAX_LEN};

/// The primes c * 2^k + 1 (k >= 25), ascending (the CRT relies on the order); a plan uses the
/// first three or all four.
pub(crate) const PRIMES: [Prime; 4] = [
    Prime::new(51 * (1 << 25) + 1), // 1711276033
    Prime::new(27 * (1 << 26) + 1), // 1811939329
    Prime::new(15 * (1 << 27) + 1), // 2013265921
    Prime::new(63 * (1 << 25) + 1), // 2113929217
];

/// log2 of the product of the first 3 and 4 primes, rounded down: coefficients stay below.
const LOG_P: [u64; 5] = [0, 0, 0, 92, 123];

/// The shape of one transform-based product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
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
pub fn plan(a_bits: u64, b_bits: u64) -> Option<Plan> {
    let a_bits = a_bits.max(1);
    let b_bits = b_bits.max(1);
    let mut best: Option<(u64, Plan)> = None;
    // No plan is shorter than the product's bits at MAX_BITS per coefficient.
    let mut log_len = 63 - ((a_bits + b_bits) / MAX_BITS as u64).max(1).leading_zeros() as u64;
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

/// Each prime's twiddles, built on first use: a process that only ever needs three primes
/// never holds the fourth's tables (128 KiB on x86-64).
fn twiddles() -> impl Iterator<Item = &'static Twiddles> {
    static TABLES: [OnceLock<Twiddles>; 4] = [const { OnceLock::new() }; 4];
    (TABLES.iter().zip(PRIMES)).map(|(t, f)| t.get_or_init(|| Twiddles::new(f)))
}

/// Whether a product of `product_limbs` limbs certainly fits the transform.
pub fn fits(product_limbs: usize) -> bool {
    let half = (product_limbs as u64 * crate::LIMB_BITS as u64).div_ceil(2);
    plan(half, half).is_some()
}

/// Largest coefficient size any plan uses: 2b + log2(terms) <= 123 allows ~56 for short
/// transforms; it also keeps a coefficient within two 64-bit (three 32-bit) limbs.
pub(crate) const MAX_BITS: u32 = 56;

/// Limbs that hold any MAX_BITS-bit field: 2 of 64 bits, 3 of 32 bits.
const WINDOW: usize =
    (MAX_BITS as usize + crate::LIMB_BITS as usize - 2) / crate::LIMB_BITS as usize + 1;

/// Cuts `a` into `bits`-bit coefficients, `CHUNK` at a time, and hands each chunk (with its
/// first index) to `put`; returns the number of coefficients.
#[inline(always)]
fn coefficients(a: &[Limb], bits: u32, mut put: impl FnMut(usize, &[u64])) -> usize {
    debug_assert!(bits <= MAX_BITS);
    let lb = crate::LIMB_BITS as u64;
    let n = (a.len() as u64 * lb).div_ceil(bits as u64) as usize;
    let mask = (1u64 << bits) - 1;
    let window = |bit: u64| -> u64 {
        let i = (bit / lb) as usize;
        if lb == 32 {
            // Three 32-bit limbs in u64 arithmetic: 32-bit targets emulate u128 shifts.
            let s = (bit % lb) as u32;
            #[allow(clippy::unnecessary_cast)] // Limb is u64 on 64-bit targets
            let word = |k: usize| a.get(i + k).map_or(0, |&l| l as u64);
            let lo = word(0) | word(1) << 32;
            let v = if s == 0 {
                lo
            } else {
                lo >> s | word(2) << (64 - s)
            };
            return v & mask;
        }
        let w = if i + WINDOW <= a.len() {
            let mut w: u128 = 0;
            for (k, &l) in a[i..i + WINDOW].iter().enumerate() {
                w |= (l as u128) << (k as u64 * lb);
            }
            w
        } else {
            let mut w: u128 = 0;
            for k in 0..WINDOW {
                w |= (a.get(i + k).copied().unwrap_or(0) as u128) << (k as u64 * lb);
            }
            w
        };
        (w >> (bit % lb)) as u64 & mask
    };
    let mut chunk = [0u64; CHUNK];
    let mut j = 0;
    while j < n {
        let m = CHUNK.min(n - j);
        for (k, c) in chunk[..m].iter_mut().enumerate() {
            *c = window((j + k) as u64 * bits as u64);
        }
        put(j, &chunk[..m]);
        j += m;
    }
    n
}

const CHUNK: usize = 256;

/// Loads `a`'s `bits`-bit coefficients into `buf`, zero-padded, as c / 2^32 mod p (Montgomery
/// reduction is the cheapest way into [0, p); the pointwise scale undoes the 2^-32).
fn load(f: Prime, buf: &mut [u32], a: &[Limb], bits: u32) {
    let n = coefficients(a, bits, |j, c| reduce_into(f, &mut buf[j..j + c.len()], c));
    buf[n..].fill(0);
}

/// `load` for the first `bufs.len() / len` primes in one pass over `a`.
fn load_all(bufs: &mut [u32], len: usize, a: &[Limb], bits: u32) {
    let n = coefficients(a, bits, |j, c| {
        for (f, b) in PRIMES.iter().zip(bufs.chunks_exact_mut(len)) {
            reduce_into(*f, &mut b[j..j + c.len()], c);
        }
    });
    for b in bufs.chunks_exact_mut(len) {
        b[n..].fill(0);
    }
}

/// out[i] = c[i] / 2^32 mod p: independent lanes, vectorized with AVX2 where available.
fn reduce_into(f: Prime, out: &mut [u32], c: &[u64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            return unsafe { reduce_into_avx2(f, out, c) };
        }
    }
    reduce_into_body(f, out, c)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn reduce_into_avx2(f: Prime, out: &mut [u32], c: &[u64]) {
    reduce_into_body(f, out, c)
}

#[inline(always)]
fn reduce_into_body(f: Prime, out: &mut [u32], c: &[u64]) {
    for (o, &x) in out.iter_mut().zip(c) {
        *o = f.reduce(x);
    }
}

type Kernel = fn(Prime, &Twiddles, &mut [u32], Option<&mut [u32]>, u32);

/// The transform kernels: portable Rust, AVX2 or SIMD128. (16-lane AVX-512 butterflies were
/// tried: no faster on the AMD EPYC here, which splits 512-bit operations.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernels {
    /// Portable code (auto-vectorized where the target allows).
    Portable,
    /// AVX2 intrinsics (x86-64).
    Avx2,
    /// SIMD128 intrinsics (wasm32 compiled with `+simd128`: WebAssembly cannot detect the
    /// feature at run time, the build decides).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    Simd128,
}

impl Kernels {
    /// The fastest kernels this CPU runs.
    pub fn best() -> Kernels {
        *Self::available()
            .last()
            .expect("portable kernels always run")
    }

    /// Every kernel set this CPU runs, slowest first.
    pub fn available() -> Vec<Kernels> {
        #[cfg_attr(
            not(any(
                target_arch = "x86_64",
                all(target_arch = "wasm32", target_feature = "simd128")
            )),
            allow(unused_mut)
        )]
        let mut v = vec![Kernels::Portable];
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                v.push(Kernels::Avx2);
            }
        }
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        v.push(Kernels::Simd128);
        v
    }

    fn function(self) -> Kernel {
        assert!(
            Self::available().contains(&self),
            "{self:?} kernels do not run on this CPU"
        );
        match self {
            Kernels::Portable => generic,
            #[cfg(target_arch = "x86_64")]
            Kernels::Avx2 => |f, t, x, y, k| {
                if x.len() >= transform::LEAF {
                    // SAFETY: the CPU supports AVX2 (asserted when this kernel was chosen).
                    unsafe { avx2::run(f, t, x, y, k) }
                } else {
                    generic(f, t, x, y, k)
                }
            },
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            Kernels::Simd128 => |f, t, x, y, k| {
                if x.len() >= transform::LEAF {
                    simd128::run(f, t, x, y, k)
                } else {
                    generic(f, t, x, y, k)
                }
            },
            #[cfg(not(target_arch = "x86_64"))]
            _ => unreachable!("no such kernels on this target"),
        }
    }
}

/// The best kernels, detected once.
fn best_kernels() -> Kernels {
    static BEST: OnceLock<Kernels> = OnceLock::new();
    *BEST.get_or_init(Kernels::best)
}

fn generic(f: Prime, t: &Twiddles, x: &mut [u32], y: Option<&mut [u32]>, k: u32) {
    match y {
        Some(y) => transform::generic::multiply(f, t, x, y, k),
        None => transform::generic::square(f, t, x, k),
    }
}

/// `a * b` (or `a^2` when `b` is `None`): `a.len() + b.len()` limbs, not normalized.
/// `kernels` None picks the fastest this CPU runs.
///
/// The result is allocated only after the transform's scratch is freed: the residues (three
/// transform lengths of u32) and the product are the peak of memory.
///
/// # Panics
/// If the product is too large for the transform (see [`fits`]).
pub fn product(a: &[Limb], b: Option<&[Limb]>, kernels: Option<Kernels>) -> Vec<Limb> {
    product_of(Operand::Borrowed(a), b.map(Operand::Borrowed), kernels)
}

/// An operand the transform may free as soon as it has been loaded.
pub enum Operand<'a> {
    /// Borrowed: the caller keeps it.
    Borrowed(&'a [Limb]),
    /// Owned: freed once loaded, which lowers the peak of memory (the residues are allocated).
    Owned(Vec<Limb>),
}

impl Operand<'_> {
    fn limbs(&self) -> &[Limb] {
        match self {
            Operand::Borrowed(x) => x,
            Operand::Owned(x) => x,
        }
    }
}

/// [`product`] for operands that may be owned.
pub fn product_of(a: Operand, mut b: Option<Operand>, kernels: Option<Kernels>) -> Vec<Limb> {
    let bits_of = |x: &[Limb]| x.len() as u64 * crate::LIMB_BITS as u64;
    let (a_len, b_len) = (
        a.limbs().len(),
        b.as_ref().map_or(a.limbs().len(), |b| b.limbs().len()),
    );
    let plan = plan(bits_of(a.limbs()), b_len as u64 * crate::LIMB_BITS as u64)
        .expect("operands too large for the NTT");
    let len = plan.len;
    let kernel = kernels.unwrap_or_else(best_kernels).function();
    let tables = twiddles().take(plan.primes);
    let mut residues = vec![0u32; plan.primes * len];
    load_all(&mut residues, len, a.limbs(), plan.bits);
    drop(a);
    // Only now: `a` and the scratch are never needed at the same time.
    let squaring = b.is_none();
    let mut scratch = if squaring {
        Vec::new()
    } else {
        vec![0u32; len]
    };
    for (i, ((f, t), x)) in PRIMES
        .iter()
        .zip(tables)
        .zip(residues.chunks_exact_mut(len))
        .enumerate()
    {
        let k = pointwise_scale(*f, len);
        if squaring {
            kernel(*f, t, x, None, k);
        } else {
            if let Some(b) = &b {
                load(*f, &mut scratch, b.limbs(), plan.bits);
            }
            if i + 1 == plan.primes {
                b = None; // loaded for the last time
            }
            kernel(*f, t, x, Some(&mut scratch), k);
        }
    }
    drop(scratch);
    let mut out = vec![0; a_len + b_len];
    let mut r: Vec<&mut [u32]> = residues.chunks_exact_mut(len).collect();
    crt::combine_into(&mut out, &mut r, plan.bits);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }

    #[test]
    fn primes_have_two_power_roots() {
        for f in PRIMES {
            assert_eq!((f.p - 1) % (1 << LOG_MAX_LEN), 0);
            assert!(f.p < 1 << 31);
        }
    }
}
