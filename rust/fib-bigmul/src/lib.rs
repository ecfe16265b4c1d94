//! Squaring and multiplication of big naturals for `fib-rust`'s fast doubling.
//!
//! num-bigint multiplies with Toom-3 at best and has no dedicated squaring; Fibonacci by
//! doubling is nothing but squarings of growing size. This crate supplies, on num-bigint's own
//! digit type ([`Limb`]: `u64` on 64-bit targets, `u32` on wasm32 and other 32-bit ones):
//!
//! * schoolbook multiplication and a squaring that computes each cross product once (on
//!   x86-64 with BMI2/ADX, rows are added by a few lines of `mulx`/`adcx`/`adox` assembly),
//! * Karatsuba multiplication and squaring with one scratch buffer per thread,
//! * a number-theoretic transform (NTT) modulo three or four 31-bit primes for large operands,
//!   its kernels written once over vectors of u32 lanes: 8 lanes of AVX2 on x86-64 (chosen at
//!   run time), 4 of SIMD128 on wasm32 built with `+simd128`, 4 of plain Rust elsewhere
//!   (`arch`),
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
//!
//! The `testing` feature adds [`testing`]: every kernel and algorithm forced, for tests and
//! fuzzing.
#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

mod arch;
mod basecase;
pub mod carry_save;
mod karatsuba;
mod limbs;
mod mem;
mod ntt;
#[cfg(feature = "testing")]
pub mod testing;

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

/// Products of two operands of at most this many bits each are computed by a transform
/// (longer ones fall back to Karatsuba, which takes hours at this size): 2^24 coefficients of
/// 49 bits per operand, the most the four primes' product bounds at the longest transform
/// (2^25 values). About 98 MiB per operand.
pub const MAX_TRANSFORM_OPERAND_BITS: u64 = 49 << 24;

/// Why a product could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An allocation of this many bytes failed.
    OutOfMemory {
        /// The size asked for.
        bytes: usize,
    },
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::OutOfMemory { bytes } => {
                write!(f, "out of memory: {bytes} bytes could not be allocated")
            }
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// What the infallible functions do, like `Vec`: report the failed allocation and abort.
    fn handle(self) -> ! {
        match self {
            Error::OutOfMemory { bytes } => std::alloc::handle_alloc_error(
                std::alloc::Layout::from_size_align(bytes.min(isize::MAX as usize / 2), 8)
                    .expect("a valid layout"),
            ),
        }
    }
}

/// The algorithm [`mul`] and [`sqr`] choose for a product, by operand size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// Schoolbook: n^2 limb products (n^2/2 for squares).
    Basecase,
    /// Karatsuba down to the basecase threshold.
    Karatsuba,
    /// The multi-prime NTT.
    Ntt,
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

// The thresholds, tied together: each algorithm takes over above the previous one's range.
const _: () = {
    let t = THRESHOLDS;
    assert!(t.mul_karatsuba >= 1 && t.sqr_karatsuba >= 1);
    assert!(t.mul_karatsuba < t.mul_ntt && t.sqr_karatsuba < t.sqr_ntt);
    // Every Karatsuba product below the transform thresholds takes its scratch from the
    // per-thread buffer, never from a fresh allocation.
    assert!(mul_scratch_len(max(t.mul_ntt, t.sqr_ntt)) <= SCRATCH_KEEP);
    // The split transform serves only products the transform would compute anyway.
    assert!(SPLIT_MIN_BYTES / core::mem::size_of::<Limb>() > 2 * max(t.mul_ntt, t.sqr_ntt));
};

const fn max(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}

/// From this size of product on (in bytes, 64-bit targets only), [`mul_owned`]'s transform is
/// the split one: below a few hundred KB the memory saved is small and the split's extra
/// passes (weights, the final combination) cost more than they do for the largest products.
/// On 32-bit targets (wasm32) it cost 6 % of F(10^7) in Pyodide: not used there.
const SPLIT_MIN_BYTES: usize = 1 << 19;

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

/// `a^2`, normalized (no high zero limbs). `a` may have high zero limbs. Like `Vec`, aborts
/// if an allocation fails ([`try_sqr_into`] returns an error instead).
pub fn sqr(a: &[Limb]) -> Vec<Limb> {
    let mut r = Vec::new();
    sqr_into(a, &mut r);
    r
}

/// `a^2` into `r` (normalized), reusing `r`'s allocation: the doubling loop squares into the
/// buffers of the previous step instead of allocating two vectors per bit. Aborts if an
/// allocation fails.
pub fn sqr_into(a: &[Limb], r: &mut Vec<Limb>) {
    try_sqr_into(a, r).unwrap_or_else(|e| e.handle())
}

/// [`sqr_into`], or an error if an allocation fails (`r` is then empty).
pub fn try_sqr_into(a: &[Limb], r: &mut Vec<Limb>) -> Result<(), Error> {
    let a = trim(a);
    sqr_into_by(a, Method::of_sqr(a.len()), r)
}

/// `a * b`, normalized. Either may have high zero limbs. Aborts if an allocation fails.
pub fn mul(a: &[Limb], b: &[Limb]) -> Vec<Limb> {
    try_mul(a, b).unwrap_or_else(|e| e.handle())
}

/// [`mul`], or an error if an allocation fails.
pub fn try_mul(a: &[Limb], b: &[Limb]) -> Result<Vec<Limb>, Error> {
    let (a, b) = (trim(a), trim(b));
    mul_by(a, b, Method::of_mul(a.len(), b.len()))
}

/// `a * b` into `r` (normalized), reusing `r`'s allocation, or an error if an allocation fails
/// (`r` is then empty).
pub fn try_mul_into(a: &[Limb], b: &[Limb], r: &mut Vec<Limb>) -> Result<(), Error> {
    let (a, b) = (trim(a), trim(b));
    mul_into_by(a, b, Method::of_mul(a.len(), b.len()), r)
}

/// `a * b` for owned operands (normalized): where the transform is used, each operand's
/// memory is freed as soon as it has been read for the last time, and on 64-bit targets for
/// products of 512 KiB and more the transform is the split one (two half-length transforms,
/// modulo 2^m - 1 and 2^m + 1: about the same work with half the residues alive at once);
/// both lower the peak of memory of a large product. Aborts if an allocation fails.
pub fn mul_owned(a: Vec<Limb>, b: Vec<Limb>) -> Vec<Limb> {
    try_mul_owned(a, b).unwrap_or_else(|e| e.handle())
}

/// [`mul_owned`], or an error if an allocation fails.
pub fn try_mul_owned(mut a: Vec<Limb>, mut b: Vec<Limb>) -> Result<Vec<Limb>, Error> {
    let (la, lb) = (trim(&a).len(), trim(&b).len());
    if Method::of_mul(la, lb) != Method::Transform {
        return try_mul(&a, &b);
    }
    a.truncate(la);
    b.truncate(lb);
    // The longer operand first, as in `mul_by`.
    if a.len() < b.len() {
        core::mem::swap(&mut a, &mut b);
    }
    let split = cfg!(target_pointer_width = "64")
        && (a.len() + b.len()) * core::mem::size_of::<Limb>() >= SPLIT_MIN_BYTES
        && ntt::split::plan(
            a.len() as u64 * LIMB_BITS as u64,
            b.len() as u64 * LIMB_BITS as u64,
        )
        .is_some();
    let (a, b) = (ntt::Operand::Owned(a), Some(ntt::Operand::Owned(b)));
    let mut r = if split {
        ntt::split::product(a, b)?
    } else {
        ntt::product_of(a, b)?
    };
    limbs::normalize(&mut r);
    Ok(r)
}

/// How a product is computed: [`Algorithm`] with the details tests and fuzzing may force.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Method {
    Basecase,
    /// Karatsuba with schoolbook products at and below `leaf` limbs.
    Karatsuba {
        leaf: usize,
    },
    Transform,
    /// Only `testing` forces it: `mul_owned` calls the split transform itself.
    #[cfg_attr(not(feature = "testing"), allow(dead_code))]
    SplitTransform,
}

impl Method {
    fn of_sqr(n: usize) -> Method {
        match sqr_algorithm(n) {
            Algorithm::Basecase => Method::Basecase,
            Algorithm::Karatsuba => Method::Karatsuba {
                leaf: THRESHOLDS.sqr_karatsuba,
            },
            Algorithm::Ntt => Method::Transform,
        }
    }

    fn of_mul(a_len: usize, b_len: usize) -> Method {
        match mul_algorithm(a_len.min(b_len), a_len + b_len) {
            Algorithm::Basecase => Method::Basecase,
            Algorithm::Karatsuba => Method::Karatsuba {
                leaf: THRESHOLDS.mul_karatsuba,
            },
            Algorithm::Ntt => Method::Transform,
        }
    }
}

/// `a^2` into `r` by `method`, normalized (empty after an error).
///
/// # Panics
/// If the transform is asked for a product longer than it can hold.
pub(crate) fn sqr_into_by(a: &[Limb], method: Method, r: &mut Vec<Limb>) -> Result<(), Error> {
    let a = trim(a);
    if a.is_empty() {
        r.clear();
        return Ok(());
    }
    if matches!(method, Method::Transform | Method::SplitTransform) {
        // The transform allocates its own buffers and the result only once they are freed;
        // r's old allocation goes first (memory peaks in the largest transforms).
        *r = Vec::new();
        *r = if method == Method::Transform {
            ntt::product(a, None)?
        } else {
            ntt::split::product(ntt::Operand::Borrowed(a), None)?
        };
        limbs::normalize(r);
        return Ok(());
    }
    // Every algorithm writes all 2n limbs, but a safe slice needs initialized ones.
    if let Err(e) = mem::set_len_for_overwrite(r, 2 * a.len()) {
        r.clear();
        return Err(e);
    }
    match method {
        Method::Karatsuba { leaf } if a.len() > leaf => {
            let done = with_scratch(karatsuba::scratch_len(a.len()), |scratch| {
                karatsuba::sqr_karatsuba(r, a, scratch, leaf)
            });
            if let Err(e) = done {
                r.clear();
                return Err(e);
            }
        }
        _ => basecase::sqr_basecase(r, a),
    }
    limbs::normalize(r);
    Ok(())
}

/// `a * b` by `method`, normalized.
///
/// # Panics
/// If the transform is asked for a product longer than it can hold.
pub(crate) fn mul_by(a: &[Limb], b: &[Limb], method: Method) -> Result<Vec<Limb>, Error> {
    let mut r = Vec::new();
    mul_into_by(a, b, method, &mut r)?;
    Ok(r)
}

/// `a * b` by `method` into `r`, normalized (empty after an error).
///
/// # Panics
/// If the transform is asked for a product longer than it can hold.
pub(crate) fn mul_into_by(
    a: &[Limb],
    b: &[Limb],
    method: Method,
    r: &mut Vec<Limb>,
) -> Result<(), Error> {
    let (a, b) = (trim(a), trim(b));
    if a.is_empty() || b.is_empty() {
        r.clear();
        return Ok(());
    }
    // The longer operand first.
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if matches!(method, Method::Transform | Method::SplitTransform) {
        // As in `sqr_into_by`: the transform allocates the result after its own buffers.
        *r = Vec::new();
        *r = if method == Method::Transform {
            ntt::product(a, Some(b))?
        } else {
            ntt::split::product(ntt::Operand::Borrowed(a), Some(ntt::Operand::Borrowed(b)))?
        };
        limbs::normalize(r);
        return Ok(());
    }
    // Every algorithm writes all the product's limbs, but a safe slice needs initialized ones.
    if let Err(e) = mem::set_len_for_overwrite(r, a.len() + b.len()) {
        r.clear();
        return Err(e);
    }
    let done = match method {
        Method::Karatsuba { leaf } => with_scratch(mul_scratch_len(b.len()), |scratch| {
            mul_unbalanced(r, a, b, scratch, leaf)
        }),
        _ => {
            basecase::mul_basecase(r, a, b);
            Ok(())
        }
    };
    if let Err(e) = done {
        r.clear();
        return Err(e);
    }
    limbs::normalize(r);
    Ok(())
}

/// Scratch limbs `mul_unbalanced` needs when the shorter operand has `n` limbs: one product
/// of two n-limb pieces and Karatsuba's own scratch (the remainder's smaller product, computed
/// first, needs no more).
const fn mul_scratch_len(n: usize) -> usize {
    2 * n + karatsuba::scratch_len(n)
}

/// `r = a * b` for `a.len() >= b.len() >= 1`, `r.len() == a.len() + b.len()`: Karatsuba above
/// `leaf` limbs, schoolbook at and below.
///
/// `a` is cut into `b.len()`-limb pieces, each a balanced product, and a shorter remainder,
/// whose product with `b` is unbalanced the other way round and recurses (as in ibig): padding
/// the remainder to a full piece would make (n+1) x n limbs cost two n x n products.
fn mul_unbalanced(r: &mut [Limb], a: &[Limb], b: &[Limb], scratch: &mut [Limb], leaf: usize) {
    let n = b.len();
    debug_assert!(a.len() >= n && n >= 1 && r.len() == a.len() + n);
    debug_assert!(scratch.len() >= mul_scratch_len(n));
    if n <= leaf.max(1) {
        return basecase::mul_basecase(r, a, b);
    }
    if a.len() == n {
        return karatsuba::mul_karatsuba(r, a, b, scratch, leaf);
    }
    let pieces = a.len() / n;
    let rem = &a[pieces * n..];
    // From the top down, so each product either writes fresh limbs or adds to written ones:
    // the remainder's product first, at the top of r.
    let top = pieces * n;
    if rem.is_empty() {
        r[top..].fill(0);
    } else {
        mul_unbalanced(&mut r[top..], b, rem, scratch, leaf);
    }
    let (piece, scratch) = scratch.split_at_mut(2 * n);
    for i in (0..pieces).rev() {
        karatsuba::mul_karatsuba(piece, &a[i * n..(i + 1) * n], b, scratch, leaf);
        // Limbs i n .. (i+1) n are fresh, the ones above hold the higher products.
        r[i * n..(i + 1) * n].copy_from_slice(&piece[..n]);
        let c = limbs::add_assign_slice(&mut r[(i + 1) * n..], &piece[n..]);
        debug_assert_eq!(c, 0, "the product fits");
    }
}

/// Larger scratch (Karatsuba where the transform cannot hold the product) is not kept.
const SCRATCH_KEEP: usize = 1 << 14;

/// Runs `f` on `len` limbs of this thread's Karatsuba scratch buffer (contents undefined: the
/// algorithms write before they read). Below the transform thresholds the buffer stays small,
/// and the doubling loop's many small products then cost no allocation and no zeroing.
fn with_scratch<R>(len: usize, f: impl FnOnce(&mut [Limb]) -> R) -> Result<R, Error> {
    std::thread_local! {
        static SCRATCH: core::cell::RefCell<Vec<Limb>> = const { core::cell::RefCell::new(Vec::new()) };
    }
    if len > SCRATCH_KEEP {
        return Ok(f(&mut mem::zeroed(len)?));
    }
    SCRATCH.with(|cell| {
        let mut v = cell.borrow_mut();
        if v.len() < len {
            mem::resize(&mut v, len)?;
        }
        Ok(f(&mut v[..len]))
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
