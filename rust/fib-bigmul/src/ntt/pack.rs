//! Operands into transform coefficients: b-bit fields of the limbs, reduced modulo each
//! prime on the way in.

use super::field::Prime;
use super::plan::MAX_BITS;
use super::PRIMES;
use crate::arch::Kernels;
use crate::Limb;

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
pub(super) fn load(f: Prime, buf: &mut [u32], a: &[Limb], bits: u32) {
    let reduce = Kernels::get().lanes().reduce;
    let n = coefficients(a, bits, |j, c| reduce(f, &mut buf[j..j + c.len()], c));
    buf[n..].fill(0);
}

/// `load` for the first `bufs.len() / len` primes in one pass over `a`.
pub(super) fn load_all(bufs: &mut [u32], len: usize, a: &[Limb], bits: u32) {
    let reduce = Kernels::get().lanes().reduce;
    let n = coefficients(a, bits, |j, c| {
        for (f, b) in PRIMES.iter().zip(bufs.chunks_exact_mut(len)) {
            reduce(*f, &mut b[j..j + c.len()], c);
        }
    });
    for b in bufs.chunks_exact_mut(len) {
        b[n..].fill(0);
    }
}
