//! Squaring and multiplication of big naturals for `fib-rust`'s fast doubling.
//!
//! num-bigint multiplies with Toom-3 at best and has no dedicated squaring; Fibonacci by
//! doubling is nothing but squarings of growing size. This crate supplies, on num-bigint's own
//! digit type ([`Limb`]: `u64` on 64-bit targets, `u32` on wasm32 and other 32-bit ones):
//!
//! * schoolbook multiplication and a squaring that computes each cross product once (on
//!   x86-64 with BMI2/ADX, rows are added by a few lines of `mulx`/`adcx`/`adox` assembly),
//! * Karatsuba multiplication and squaring with one preallocated scratch buffer,
//! * a number-theoretic transform (NTT) modulo three or four 31-bit primes for large operands,
//!   with AVX2 kernels on x86-64 (chosen at run time), SIMD128 ones on wasm32 built with
//!   `+simd128`, and portable ones elsewhere,
//!
//! and [`mul`]/[`sqr`] pick among them by size ([`THRESHOLDS`], measured on x86-64 and wasm32).
//! [`mul_biguint`] and [`sqr_biguint`] do the same for [`BigUint`]s.
//!
//! ```
//! use fib_bigmul::{mul_biguint, sqr_biguint};
//! use num_bigint::BigUint;
//! let x = (BigUint::from(1u32) << 100_000u32) - 1u32;
//! assert_eq!(sqr_biguint(&x), &x * &x);
//! assert_eq!(mul_biguint(&x, &(&x + 5u32)), &x * (&x + 5u32));
//! ```
#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod basecase;
mod karatsuba;
pub mod lanes;
pub mod limbs;
mod ntt;

use num_bigint::BigUint;

/// One digit of a number: num-bigint's own digit size, so conversions are plain copies.
#[cfg(target_pointer_width = "64")]
pub type Limb = u64;
#[cfg(target_pointer_width = "64")]
type DLimb = u128;
/// One digit of a number: num-bigint's own digit size, so conversions are plain copies.
#[cfg(not(target_pointer_width = "64"))]
pub type Limb = u32;
#[cfg(not(target_pointer_width = "64"))]
type DLimb = u64;

/// Bits per [`Limb`].
pub const LIMB_BITS: u32 = Limb::BITS;

/// The algorithm for a product, chosen by operand size (in limbs) or forced for testing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// Schoolbook: n^2 limb products (n^2/2 for squares).
    Basecase,
    /// Karatsuba down to the basecase threshold.
    Karatsuba,
    /// The multi-prime NTT (with AVX2 kernels where the CPU has them).
    Ntt,
    /// The NTT as two half-length transforms, modulo 2^m - 1 and 2^m + 1: about the same work
    /// with half the residues alive at once. [`mul_owned`] uses it for large products;
    /// [`mul`] and [`sqr`] never pick it.
    NttSplit,
}

/// Size thresholds (in limbs of the shorter operand) between the algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// Karatsuba multiplication above this size.
    pub mul_karatsuba: usize,
    /// Karatsuba squaring above this size.
    pub sqr_karatsuba: usize,
    /// NTT multiplication above this size.
    pub mul_ntt: usize,
    /// NTT squaring above this size.
    pub sqr_ntt: usize,
}

/// The thresholds [`mul`] and [`sqr`] use on 64-bit targets, measured on x86-64 (AMD EPYC,
/// AVX2 + ADX kernels): with the `adcx`/`adox` basecase, schoolbook squaring beats Karatsuba
/// up to ~80 limbs, multiplication up to ~44; Karatsuba beats the transform up to ~520-560
/// limbs (the transform's cost is a step function of its power-of-two length, so the
/// crossover moves within ~450..640 limbs with the operand size).
#[cfg(target_pointer_width = "64")]
pub const THRESHOLDS: Thresholds = Thresholds {
    mul_karatsuba: 44,
    sqr_karatsuba: 80,
    mul_ntt: 520,
    sqr_ntt: 560,
};
/// The thresholds on wasm32 with the SIMD128 transform kernels, measured under Node 20 (V8):
/// the transform beats Karatsuba from ~370 32-bit limbs for squares and ~290 for products
/// (the scalar transform only from ~1000-2000). The faster leaves that came later move the
/// single-product crossovers to ~290 and ~240, but those thresholds changed F(10^4..10^6) by
/// less than the noise, so these stayed.
#[cfg(all(
    not(target_pointer_width = "64"),
    target_arch = "wasm32",
    target_feature = "simd128"
))]
pub const THRESHOLDS: Thresholds = Thresholds {
    mul_karatsuba: 32,
    sqr_karatsuba: 48,
    mul_ntt: 290,
    sqr_ntt: 370,
};
/// The thresholds on other 32-bit targets (u32 limbs, portable scalar transform kernels),
/// measured in Pyodide 0.21.3 under Node with a wasm32 build without SIMD128: the scalar
/// transform beats Karatsuba from roughly 1000-2000 32-bit limbs (F(10^6) takes the same time
/// with either; F(10^5) is ~10% faster with 2000).
#[cfg(all(
    not(target_pointer_width = "64"),
    not(all(target_arch = "wasm32", target_feature = "simd128"))
))]
pub const THRESHOLDS: Thresholds = Thresholds {
    mul_karatsuba: 32,
    sqr_karatsuba: 48,
    mul_ntt: 2000,
    sqr_ntt: 2000,
};

/// The algorithm [`sqr`] uses for an `n`-limb operand.
pub fn sqr_algorithm(n: usize) -> Algorithm {
    if n <= THRESHOLDS.sqr_karatsuba {
        Algorithm::Basecase
    } else if n <= THRESHOLDS.sqr_ntt || !ntt::fits(2 * n) {
        Algorithm::Karatsuba
    } else {
        Algorithm::Ntt
    }
}

/// The algorithm [`mul`] uses when the shorter operand has `n` limbs (product `total` limbs).
pub fn mul_algorithm(n: usize, total: usize) -> Algorithm {
    if n <= THRESHOLDS.mul_karatsuba {
        Algorithm::Basecase
    } else if n <= THRESHOLDS.mul_ntt || !ntt::fits(total) {
        Algorithm::Karatsuba
    } else {
        Algorithm::Ntt
    }
}

/// `a^2`, normalized (no high zero limbs). `a` may have high zero limbs.
pub fn sqr(a: &[Limb]) -> Vec<Limb> {
    let mut r = Vec::new();
    sqr_into(a, &mut r);
    r
}

/// `a^2` into `r` (normalized), reusing `r`'s allocation: the doubling loop squares into the
/// buffers of the previous step instead of allocating two vectors per bit.
pub fn sqr_into(a: &[Limb], r: &mut Vec<Limb>) {
    let a = trim(a);
    sqr_with_into(a, sqr_algorithm(a.len()), r);
}

/// `a * b`, normalized. Either may have high zero limbs.
pub fn mul(a: &[Limb], b: &[Limb]) -> Vec<Limb> {
    let (a, b) = (trim(a), trim(b));
    let n = a.len().min(b.len());
    mul_with(a, b, mul_algorithm(n, a.len() + b.len()))
}

/// `a * b` for owned operands (normalized): where the transform is used, each operand's
/// memory is freed as soon as it has been read for the last time, and on 64-bit targets for
/// products of 512 KiB and more the transform is the split one ([`Algorithm::NttSplit`]);
/// both lower the peak of memory of a large product.
pub fn mul_owned(a: Vec<Limb>, b: Vec<Limb>) -> Vec<Limb> {
    let (la, lb) = (trim(&a).len(), trim(&b).len());
    if mul_algorithm(la.min(lb), la + lb) != Algorithm::Ntt {
        return mul(&a, &b);
    }
    let (mut a, mut b) = (a, b);
    a.truncate(la);
    b.truncate(lb);
    // The longer operand first, as in `mul_with`.
    if a.len() < b.len() {
        core::mem::swap(&mut a, &mut b);
    }
    // Below a few hundred KB the memory saved is small and the split's extra passes (weights,
    // the final combination) cost more than they do for the largest products. On 32-bit
    // targets (wasm32, scalar weights) it cost 6 % of F(10^7) in Pyodide: not used there.
    const SPLIT_MIN_BYTES: usize = 1 << 19;
    let split = cfg!(target_pointer_width = "64")
        && (a.len() + b.len()) * core::mem::size_of::<Limb>() >= SPLIT_MIN_BYTES
        && ntt::split::plan(
            a.len() as u64 * LIMB_BITS as u64,
            b.len() as u64 * LIMB_BITS as u64,
        )
        .is_some();
    let (a, b) = (ntt::Operand::Owned(a), Some(ntt::Operand::Owned(b)));
    let mut r = if split {
        ntt::split::product(a, b, None)
    } else {
        ntt::product_of(a, b, None)
    };
    limbs::normalize(&mut r);
    r
}

/// `a^2` by the given algorithm (Karatsuba recurses to the basecase at the usual threshold).
///
/// # Panics
/// If the NTT is asked for a product longer than it can hold (2^25 32-bit words).
pub fn sqr_with(a: &[Limb], algorithm: Algorithm) -> Vec<Limb> {
    let mut r = Vec::new();
    sqr_with_into(a, algorithm, &mut r);
    r
}

fn sqr_with_into(a: &[Limb], algorithm: Algorithm, r: &mut Vec<Limb>) {
    let a = trim(a);
    r.clear();
    if a.is_empty() {
        return;
    }
    if matches!(algorithm, Algorithm::Ntt | Algorithm::NttSplit) {
        // The transform allocates its own buffers and the result only once they are freed;
        // r's old allocation goes first (memory peaks in the largest transforms).
        *r = Vec::new();
        *r = if algorithm == Algorithm::Ntt {
            ntt::product(a, None, None)
        } else {
            ntt::split::product(ntt::Operand::Borrowed(a), None, None)
        };
        limbs::normalize(r);
        return;
    }
    // Every algorithm writes all 2n limbs, but a safe slice needs initialized ones.
    r.resize(2 * a.len(), 0);
    match algorithm {
        Algorithm::Basecase => basecase::sqr_basecase(r, a),
        Algorithm::Karatsuba => with_scratch(karatsuba::scratch_len(a.len()), |scratch| {
            karatsuba::sqr_karatsuba(r, a, scratch, THRESHOLDS.sqr_karatsuba)
        }),
        Algorithm::Ntt | Algorithm::NttSplit => unreachable!("handled above"),
    }
    limbs::normalize(r);
}

/// `a * b` by the given algorithm.
///
/// # Panics
/// If the NTT is asked for a product longer than it can hold (2^25 32-bit words).
pub fn mul_with(a: &[Limb], b: &[Limb], algorithm: Algorithm) -> Vec<Limb> {
    let (a, b) = (trim(a), trim(b));
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    // The longer operand first.
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut r = match algorithm {
        Algorithm::Ntt => ntt::product(a, Some(b), None),
        Algorithm::NttSplit => ntt::split::product(
            ntt::Operand::Borrowed(a),
            Some(ntt::Operand::Borrowed(b)),
            None,
        ),
        _ => vec![0; a.len() + b.len()],
    };
    match algorithm {
        Algorithm::Basecase => basecase::mul_basecase(&mut r, a, b),
        Algorithm::Karatsuba => mul_karatsuba_unbalanced(&mut r, a, b),
        Algorithm::Ntt | Algorithm::NttSplit => {}
    }
    limbs::normalize(&mut r);
    r
}

/// Karatsuba for `a.len() >= b.len()`: `a` is cut into `b.len()`-limb pieces, each multiplied
/// as a balanced product, and the partial products are added in.
fn mul_karatsuba_unbalanced(r: &mut [Limb], a: &[Limb], b: &[Limb]) {
    let n = b.len();
    let t = THRESHOLDS.mul_karatsuba;
    with_scratch(karatsuba::scratch_len(n), |scratch| {
        if a.len() == n {
            // Balanced (the doubling's last step): straight into r.
            return karatsuba::mul_karatsuba(r, a, b, scratch, t);
        }
        let mut piece = vec![0; 2 * n];
        let mut padded = vec![0; n];
        r.fill(0);
        for (i, chunk) in a.chunks(n).enumerate() {
            let x: &[Limb] = if chunk.len() == n {
                chunk
            } else {
                padded[..chunk.len()].copy_from_slice(chunk);
                padded[chunk.len()..].fill(0);
                &padded
            };
            karatsuba::mul_karatsuba(&mut piece, x, b, scratch, t);
            let end = (i * n + 2 * n).min(r.len());
            let c = limbs::add_assign_slice(&mut r[i * n..], &piece[..end - i * n]);
            debug_assert_eq!(c, 0);
            debug_assert!(piece[end - i * n..].iter().all(|&l| l == 0));
        }
    })
}

/// Every transform kernel set, for tests and the fuzz target: `Algorithm::Ntt` only ever
/// runs the fastest one the CPU has.
#[doc(hidden)]
pub mod kernels {
    pub use crate::ntt::Kernels;
    use crate::{limbs, ntt, trim, Limb};

    /// `a * b` (`a^2` if `b` is None), normalized, with the given kernels.
    pub fn product(a: &[Limb], b: Option<&[Limb]>, kernels: Kernels) -> Vec<Limb> {
        let a = trim(a);
        let b = b.map(trim);
        if a.is_empty() || b.is_some_and(|b| b.is_empty()) {
            return Vec::new();
        }
        let mut r = ntt::product(a, b, Some(kernels));
        limbs::normalize(&mut r);
        r
    }

    /// [`product`] by the split transform ([`crate::Algorithm::NttSplit`]).
    pub fn split_product(a: &[Limb], b: Option<&[Limb]>, kernels: Kernels) -> Vec<Limb> {
        let a = trim(a);
        let b = b.map(trim);
        if a.is_empty() || b.is_some_and(|b| b.is_empty()) {
            return Vec::new();
        }
        let (a, b) = (ntt::Operand::Borrowed(a), b.map(ntt::Operand::Borrowed));
        let mut r = ntt::split::product(a, b, Some(kernels));
        limbs::normalize(&mut r);
        r
    }
}

/// Runs `f` on `len` limbs of this thread's Karatsuba scratch buffer (contents undefined: the
/// algorithms write before they read). Below the transform thresholds the buffer stays small,
/// and the doubling loop's many small products then cost no allocation and no zeroing.
fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [Limb]) -> R) -> R {
    /// Larger scratch (Karatsuba where the transform cannot hold the product) is not kept.
    const KEEP: usize = 1 << 14;
    std::thread_local! {
        static SCRATCH: core::cell::RefCell<Vec<Limb>> = const { core::cell::RefCell::new(Vec::new()) };
    }
    if len > KEEP {
        return f(&mut vec![0; len]);
    }
    SCRATCH.with(|cell| {
        let mut v = cell.borrow_mut();
        if v.len() < len {
            v.resize(len, 0);
        }
        f(&mut v[..len])
    })
}

fn trim(a: &[Limb]) -> &[Limb] {
    let n = a.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1);
    &a[..n]
}

/// The limbs of a [`BigUint`], least significant first (a copy).
pub fn limbs_of(x: &BigUint) -> Vec<Limb> {
    #[cfg(target_pointer_width = "64")]
    {
        x.to_u64_digits()
    }
    #[cfg(not(target_pointer_width = "64"))]
    {
        x.to_u32_digits()
    }
}

/// A [`BigUint`] from limbs (consumed; on 32-bit targets the vector is reused as is).
pub fn biguint_from_limbs(limbs: Vec<Limb>) -> BigUint {
    #[cfg(all(target_pointer_width = "64", target_endian = "little"))]
    {
        // num-bigint builds from u32 digits only, and packs them back into u64 limbs: give it
        // the limbs' own memory seen as u32 digits (one copy, no intermediate vector).
        // SAFETY: u64 -> 2 x u32 is a valid reinterpretation (no padding, any bit pattern is a
        // valid u32, u32's alignment divides u64's); on little-endian targets the low half
        // comes first, which is the digit order from_slice expects.
        let digits: &[u32] =
            unsafe { core::slice::from_raw_parts(limbs.as_ptr().cast::<u32>(), 2 * limbs.len()) };
        BigUint::from_slice(digits)
    }
    #[cfg(all(target_pointer_width = "64", not(target_endian = "little")))]
    {
        let mut v = Vec::with_capacity(2 * limbs.len());
        for l in limbs {
            v.push(l as u32);
            v.push((l >> 32) as u32);
        }
        BigUint::new(v)
    }
    #[cfg(not(target_pointer_width = "64"))]
    {
        BigUint::new(limbs)
    }
}

/// `x^2` for a [`BigUint`], by [`sqr`].
pub fn sqr_biguint(x: &BigUint) -> BigUint {
    biguint_from_limbs(sqr(&limbs_of(x)))
}

/// `a * b` for [`BigUint`]s, by [`mul`].
pub fn mul_biguint(a: &BigUint, b: &BigUint) -> BigUint {
    biguint_from_limbs(mul(&limbs_of(a), &limbs_of(b)))
}
