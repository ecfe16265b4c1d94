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
//! at half the length. Primes below 2^31 keep all arithmetic in u32 lanes (products in u64):
//! the kernels (`kernel`) run 8 lanes of AVX2 or 4 of SIMD128 (`crate::arch`), and wasm32
//! needs no u128 arithmetic, which it would emulate.
//!
//! `plan` picks the shape, `pack` cuts the operands into coefficients, `kernel` transforms,
//! `crt` recovers the product's limbs; `split` is the variant with two half-length transforms.

mod crt;
mod field;
pub(crate) mod kernel;
mod pack;
mod plan;
pub(crate) mod split;
mod twiddles;

use std::sync::OnceLock;

use crate::arch::Kernels;
use crate::mem::{reserve, zeroed};
use crate::{Error, Limb};
pub(crate) use crt::GarnerConsts;
pub(crate) use field::Prime;
pub(crate) use plan::fits;
use plan::{plan, LOG_P, MAX_BITS};
use twiddles::pointwise_scale;
pub(crate) use twiddles::Twiddles;

/// The primes c * 2^k + 1 (k >= 25), ascending (the CRT relies on the order); a plan uses the
/// first three or all four.
pub(crate) const PRIMES: [Prime; 4] = [
    Prime::new(51 * (1 << 25) + 1), // 1711276033
    Prime::new(27 * (1 << 26) + 1), // 1811939329
    Prime::new(15 * (1 << 27) + 1), // 2013265921
    Prime::new(63 * (1 << 25) + 1), // 2113929217
];

/// Residues of at least this many bytes give pages back during the carry pass
/// (`crt::combine`) for the result to grow into: the doubling's largest squares, whose peak
/// (its two numbers, the first square, the second's residues and result) was as high as its
/// final product's. Below, the memory is small and the madvise calls would only cost time.
const RELEASE_MIN_BYTES: usize = 1 << 19;

/// Each prime's twiddles, built on first use: a process that only ever needs three primes
/// never holds the fourth's tables (49 KiB on x86-64: 32 KiB of coarse twiddles, 16 KiB of Shoup forms).
fn twiddles() -> impl Iterator<Item = &'static Twiddles> {
    static TABLES: [OnceLock<Twiddles>; 4] = [const { OnceLock::new() }; 4];
    (TABLES.iter().zip(PRIMES)).map(|(t, f)| t.get_or_init(|| Twiddles::new(f)))
}

/// The transform length for operands of `a_bits` and `b_bits` bits, if one holds the product.
#[cfg(feature = "testing")]
pub(crate) fn plan_len(a_bits: u64, b_bits: u64) -> Option<usize> {
    plan(a_bits, b_bits).map(|p| p.len)
}

/// `a * b` (or `a^2` when `b` is `None`): `a.len() + b.len()` limbs, not normalized.
///
/// The result is allocated only after the transform's scratch is freed: the residues (three
/// or four transform lengths of u32) and the product are the peak of memory, less what the
/// carry pass gives back for the largest (`RELEASE_MIN_BYTES`).
///
/// # Panics
/// If the product is too large for the transform (see [`fits`]).
///
/// # Errors
/// If an allocation fails.
pub(crate) fn product(a: &[Limb], b: Option<&[Limb]>) -> Result<Vec<Limb>, Error> {
    product_of(Operand::Borrowed(a), b.map(Operand::Borrowed))
}

/// An operand the transform may free as soon as it has been loaded.
pub(crate) enum Operand<'a> {
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
pub(crate) fn product_of(a: Operand, mut b: Option<Operand>) -> Result<Vec<Limb>, Error> {
    let bits_of = |x: &[Limb]| x.len() as u64 * crate::LIMB_BITS as u64;
    let (a_len, b_len) = (
        a.limbs().len(),
        b.as_ref().map_or(a.limbs().len(), |b| b.limbs().len()),
    );
    let plan = plan(bits_of(a.limbs()), b_len as u64 * crate::LIMB_BITS as u64)
        .expect("operands too large for the NTT");
    let len = plan.len;
    let kernel = Kernels::get().lanes().transform;
    let tables = twiddles().take(plan.primes);
    let mut residues = zeroed::<u32>(plan.primes * len)?;
    pack::load_all(&mut residues, len, a.limbs(), plan.bits);
    drop(a);
    // Only now: `a` and the scratch are never needed at the same time.
    let squaring = b.is_none();
    let mut scratch = if squaring {
        Vec::new()
    } else {
        zeroed::<u32>(len)?
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
                pack::load(*f, &mut scratch, b.limbs(), plan.bits);
            }
            if i + 1 == plan.primes {
                b = None; // loaded for the last time
            }
            kernel(*f, t, x, Some(&mut scratch), k);
        }
    }
    drop(scratch);
    // The largest products give residues' pages back as the result grows into them.
    let release = residues.len() * 4 >= RELEASE_MIN_BYTES;
    let mut out = Vec::new();
    reserve(&mut out, a_len + b_len)?;
    let mut r: Vec<&mut [u32]> = residues.chunks_exact_mut(len).collect();
    crt::combine(&mut out, a_len + b_len, &mut r, plan.bits, release);
    Ok(out)
}

/// The tests' residues: xorshift64 from `seed`, each value reduced below the modulus asked for.
#[cfg(test)]
fn residues_below(seed: u64) -> impl FnMut(u32) -> u32 {
    let mut s = seed;
    move |p: u32| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % p as u64) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::twiddles::LOG_MAX_LEN;
    use super::*;

    #[test]
    fn primes_have_two_power_roots() {
        for f in PRIMES {
            assert_eq!((f.p - 1) % (1 << LOG_MAX_LEN), 0);
            assert!(f.p < 1 << 31);
        }
    }
}
