//! Operands into transform coefficients: b-bit fields of the limbs, reduced modulo each
//! prime on the way in.

use super::field::Prime;
use super::plan::MAX_BITS;
use super::PRIMES;
use crate::arch::Kernels;
use crate::Limb;
use core::ops::Range;

/// Limbs that hold any MAX_BITS-bit field: 2 of 64 bits, 3 of 32 bits.
const WINDOW: usize =
    (MAX_BITS as usize + crate::LIMB_BITS as usize - 2) / crate::LIMB_BITS as usize + 1;

/// The number of `bits`-bit coefficients of `a`.
fn count(a: &[Limb], bits: u32) -> usize {
    (a.len() as u64 * crate::LIMB_BITS as u64).div_ceil(bits as u64) as usize
}

/// Cuts `a` into `bits`-bit coefficients and hands those of `range`, `CHUNK` at a time, to
/// `put` (with the first one's index).
#[inline(always)]
fn coefficients(a: &[Limb], bits: u32, range: Range<usize>, mut put: impl FnMut(usize, &[u64])) {
    debug_assert!(bits <= MAX_BITS && range.end <= count(a, bits));
    let lb = crate::LIMB_BITS as u64;
    let mask = (1u64 << bits) - 1;
    let window = |bit: u64| -> u64 {
        let i = (bit / lb) as usize;
        if lb == 32 {
            // Three 32-bit limbs in u64 arithmetic: 32-bit targets emulate u128 shifts. The
            // third limb's bits go in by two shifts, each below 64, so s = 0 needs no branch.
            let s = (bit % lb) as u32;
            #[allow(clippy::unnecessary_cast)] // Limb is u64 on 64-bit targets
            let [w0, w1, w2] = match a.get(i..i + 3) {
                Some(&[w0, w1, w2]) => [w0 as u64, w1 as u64, w2 as u64],
                _ => core::array::from_fn(|k| a.get(i + k).map_or(0, |&l| l as u64)),
            };
            return ((w0 | w1 << 32) >> s | (w2 << 32) << (32 - s)) & mask;
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
    let mut j = range.start;
    while j < range.end {
        let m = CHUNK.min(range.end - j);
        for (k, c) in chunk[..m].iter_mut().enumerate() {
            *c = window((j + k) as u64 * bits as u64);
        }
        put(j, &chunk[..m]);
        j += m;
    }
}

const CHUNK: usize = 256;

/// Loads `a`'s `bits`-bit coefficients into `buf`, zero-padded, as c / 2^32 mod p (Montgomery
/// reduction is the cheapest way into [0, p); the pointwise scale undoes the 2^-32).
pub(super) fn load(f: Prime, buf: &mut [u32], a: &[Limb], bits: u32) {
    let reduce = Kernels::get().lanes().reduce;
    let n = count(a, bits);
    coefficients(a, bits, 0..n, |j, c| reduce(f, &mut buf[j..j + c.len()], c));
    buf[n..].fill(0);
}

/// `load` for the first `bufs.len() / len` primes in one pass over `a`.
pub(super) fn load_all(bufs: &mut [u32], len: usize, a: &[Limb], bits: u32) {
    let n = count(a, bits);
    load_all_range(bufs, len, a, bits, 0..n);
    zero_tails(bufs, len, n);
}

/// [`load_all`] of an operand that is dead once loaded: gives its pages back as they are
/// loaded (`mem::release`), so that the residues grow into the room it leaves.
pub(super) fn load_all_releasing(bufs: &mut [u32], len: usize, a: &mut [Limb], bits: u32) {
    // At most 16 KiB of limbs at a time: what the operand holds beyond the room it left.
    const STEP: usize = (1 << 17) / MAX_BITS as usize;
    let n = count(a, bits);
    let mut done = 0; // limbs no coefficient still to load reads
    for start in (0..n).step_by(STEP) {
        let end = n.min(start + STEP);
        load_all_range(bufs, len, a, bits, start..end);
        // The next coefficient starts in limb end * bits / LIMB_BITS.
        let dead = (end as u64 * bits as u64 / crate::LIMB_BITS as u64) as usize;
        let dead = if end == n { a.len() } else { dead };
        crate::mem::release(a, done, dead);
        done = dead;
    }
    zero_tails(bufs, len, n);
}

/// Coefficients `range` of `a` into each prime's buffer of `len` values in `bufs`.
fn load_all_range(bufs: &mut [u32], len: usize, a: &[Limb], bits: u32, range: Range<usize>) {
    let reduce = Kernels::get().lanes().reduce;
    coefficients(a, bits, range, |j, c| {
        for (f, b) in PRIMES.iter().zip(bufs.chunks_exact_mut(len)) {
            reduce(*f, &mut b[j..j + c.len()], c);
        }
    });
}

/// Zeros past the `n` coefficients loaded, in each prime's buffer of `len` values.
fn zero_tails(bufs: &mut [u32], len: usize, n: usize) {
    for b in bufs.chunks_exact_mut(len) {
        b[n..].fill(0);
    }
}
