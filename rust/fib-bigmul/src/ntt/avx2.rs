//! The transform kernels written with AVX2 intrinsics (x86-64, chosen at run time).
//!
//! Auto-vectorized Montgomery code widens to four 64-bit lanes; here all eight u32 lanes are
//! kept (even and odd lanes multiplied separately with `vpmuludq`). The last three levels of
//! each 64-value leaf (blocks of 8, 4 and 2 values) would leave lanes idle, so two blocks of 8
//! are processed together and regrouped in registers (128-bit, 64-bit and 32-bit interleaves)
//! so that every lane holds a butterfly.

use core::arch::x86_64::*;

use super::field::Prime;
use super::transform::{Twiddles, LEAF};

/// The prime's constants broadcast to all lanes.
#[derive(Clone, Copy)]
struct Lanes {
    f: Prime,
    p: __m256i,
    pinv: __m256i,
}

impl Lanes {
    #[target_feature(enable = "avx2")]
    fn new(f: Prime) -> Lanes {
        Lanes {
            f,
            p: _mm256_set1_epi32(f.p as i32),
            pinv: _mm256_set1_epi32(f.pinv_neg as i32),
        }
    }
}

/// a * b / 2^32 mod p in every lane (operands < p, result in [0, p)).
#[inline(always)]
fn mul(v: Lanes, a: __m256i, b: __m256i) -> __m256i {
    // SAFETY (all intrinsics in this file): callers are #[target_feature(enable = "avx2")].
    unsafe {
        let a1 = _mm256_srli_epi64::<32>(a);
        let b1 = _mm256_srli_epi64::<32>(b);
        let t0 = _mm256_mul_epu32(a, b);
        let t1 = _mm256_mul_epu32(a1, b1);
        let m0 = _mm256_mul_epu32(t0, v.pinv);
        let m1 = _mm256_mul_epu32(t1, v.pinv);
        let s0 = _mm256_add_epi64(t0, _mm256_mul_epu32(m0, v.p));
        let s1 = _mm256_add_epi64(t1, _mm256_mul_epu32(m1, v.p));
        // The quotients are the high halves: even lanes from s0, odd lanes from s1.
        let r = _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(s0), s1);
        _mm256_min_epu32(r, _mm256_sub_epi32(r, v.p))
    }
}

#[inline(always)]
fn add(v: Lanes, a: __m256i, b: __m256i) -> __m256i {
    unsafe {
        let s = _mm256_add_epi32(a, b);
        _mm256_min_epu32(s, _mm256_sub_epi32(s, v.p))
    }
}

#[inline(always)]
fn sub(v: Lanes, a: __m256i, b: __m256i) -> __m256i {
    unsafe {
        let d = _mm256_sub_epi32(a, b);
        _mm256_min_epu32(d, _mm256_add_epi32(d, v.p))
    }
}

#[inline(always)]
fn load(s: &[u32]) -> __m256i {
    assert!(s.len() >= 8);
    // SAFETY: 8 readable u32 (checked); unaligned load.
    unsafe { _mm256_loadu_si256(s.as_ptr() as *const __m256i) }
}

#[inline(always)]
fn store(s: &mut [u32], x: __m256i) {
    assert!(s.len() >= 8);
    // SAFETY: 8 writable u32 (checked); unaligned store.
    unsafe { _mm256_storeu_si256(s.as_mut_ptr() as *mut __m256i, x) }
}

#[inline(always)]
fn splat(w: u32) -> __m256i {
    unsafe { _mm256_set1_epi32(w as i32) }
}

/// b * w mod p by Shoup's method, w = (plain, floor(plain 2^32 / p)) broadcast: the quotient
/// estimate q = hi32(b * w') is off by at most one, so b*w - q*p (mod 2^32) is in [0, 2p).
#[inline(always)]
fn mul_shoup(v: Lanes, b: __m256i, w: __m256i, wq: __m256i) -> __m256i {
    unsafe {
        let q0 = _mm256_mul_epu32(b, wq);
        let q1 = _mm256_mul_epu32(_mm256_srli_epi64::<32>(b), wq);
        let q = _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(q0), q1);
        let r = _mm256_sub_epi32(_mm256_mullo_epi32(b, w), _mm256_mullo_epi32(q, v.p));
        _mm256_min_epu32(r, _mm256_sub_epi32(r, v.p))
    }
}

/// Forward butterflies of block `blk`: Shoup's product where the twiddle table has it,
/// Montgomery's otherwise.
#[inline(always)]
fn forward_block(v: Lanes, t: &Twiddles, lo: &mut [u32], hi: &mut [u32], blk: usize) {
    match t.fwd_shoup(blk) {
        Some((w, wq)) => {
            let (w, wq) = (splat(w), splat(wq));
            for (a, b) in lo.chunks_exact_mut(8).zip(hi.chunks_exact_mut(8)) {
                let (x, y) = (load(a), load(b));
                let t = mul_shoup(v, y, w, wq);
                store(a, add(v, x, t));
                store(b, sub(v, x, t));
            }
        }
        None => forward_butterflies(v, lo, hi, t.fwd(v.f, blk)),
    }
}

/// Inverse butterflies of block `blk` (Shoup where possible).
#[inline(always)]
fn inverse_block(v: Lanes, t: &Twiddles, lo: &mut [u32], hi: &mut [u32], blk: usize) {
    match t.inv_shoup(blk) {
        Some((w, wq)) => {
            let (w, wq) = (splat(w), splat(wq));
            for (a, b) in lo.chunks_exact_mut(8).zip(hi.chunks_exact_mut(8)) {
                let (x, y) = (load(a), load(b));
                store(a, add(v, x, y));
                store(b, mul_shoup(v, sub(v, x, y), w, wq));
            }
        }
        None => inverse_butterflies(v, lo, hi, t.inv(v.f, blk)),
    }
}

/// (a, b) <- (a + w*b, a - w*b) over two equal halves, 8 lanes at a time (len % 8 == 0).
#[inline(always)]
fn forward_butterflies(v: Lanes, lo: &mut [u32], hi: &mut [u32], w: u32) {
    let w = splat(w);
    for (a, b) in lo.chunks_exact_mut(8).zip(hi.chunks_exact_mut(8)) {
        let (x, y) = (load(a), load(b));
        let t = mul(v, y, w);
        store(a, add(v, x, t));
        store(b, sub(v, x, t));
    }
}

/// (a, b) <- (a + b, (a - b) * w).
#[inline(always)]
fn inverse_butterflies(v: Lanes, lo: &mut [u32], hi: &mut [u32], w: u32) {
    let w = splat(w);
    for (a, b) in lo.chunks_exact_mut(8).zip(hi.chunks_exact_mut(8)) {
        let (x, y) = (load(a), load(b));
        store(a, add(v, x, y));
        store(b, mul(v, sub(v, x, y), w));
    }
}

/// Twiddles of `N` consecutive blocks `first..first + N` (N divides SPLIT, first % N == 0).
#[inline(always)]
fn twiddle_run<const N: usize>(v: Lanes, t: &Twiddles, forward: bool, first: usize) -> [u32; N] {
    let mut out = [0u32; N];
    if let Some(w) = t.run_coarse(v.f, forward, first, &mut out) {
        let w = splat(w);
        for c in out.chunks_exact_mut(8) {
            let r = mul(v, load(c), w);
            store(c, r);
        }
    }
    out
}

/// Per-lane twiddle vectors of the three in-register levels for one pair of 8-blocks.
struct PairTwiddles {
    w8: __m256i,
    w4: __m256i,
    w2: __m256i,
}

#[inline(always)]
fn pair_twiddles(w8: &[u32], w4: &[u32], w2: &[u32], j: usize) -> PairTwiddles {
    unsafe {
        // Blocks of 8: lanes 0-3 use block j, lanes 4-7 block j+1.
        let w8v = _mm256_blend_epi32::<0xF0>(splat(w8[j]), splat(w8[j + 1]));
        // Blocks of 4 (4 of them: a0 a1 b0 b1): lanes [a0 a0 b0 b0 | a1 a1 b1 b1].
        let q = _mm256_castsi128_si256(_mm_loadu_si128(
            w4[2 * j..2 * j + 4].as_ptr() as *const __m128i
        ));
        let w4v = _mm256_permutevar8x32_epi32(q, _mm256_setr_epi32(0, 0, 2, 2, 1, 1, 3, 3));
        // Blocks of 2 (a0..a3 b0..b3): lanes [a0 a1 b0 b1 | a2 a3 b2 b3].
        let o = load(&w2[4 * j..4 * j + 8]);
        let w2v = _mm256_permutevar8x32_epi32(o, _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7));
        PairTwiddles {
            w8: w8v,
            w4: w4v,
            w2: w2v,
        }
    }
}

/// The last three forward levels of two consecutive 8-blocks a, b (in registers).
#[inline(always)]
fn forward_last3(v: Lanes, a: __m256i, b: __m256i, tw: &PairTwiddles) -> (__m256i, __m256i) {
    unsafe {
        // Blocks of 8: halves are 128-bit lanes.
        let lo = _mm256_permute2x128_si256::<0x20>(a, b);
        let hi = _mm256_permute2x128_si256::<0x31>(a, b);
        let t = mul(v, hi, tw.w8);
        let (lo, hi) = (add(v, lo, t), sub(v, lo, t));
        let a = _mm256_permute2x128_si256::<0x20>(lo, hi);
        let b = _mm256_permute2x128_si256::<0x31>(lo, hi);
        // Blocks of 4: halves are 64-bit pairs.
        let lo = _mm256_unpacklo_epi64(a, b);
        let hi = _mm256_unpackhi_epi64(a, b);
        let t = mul(v, hi, tw.w4);
        let (lo, hi) = (add(v, lo, t), sub(v, lo, t));
        let a = _mm256_unpacklo_epi64(lo, hi);
        let b = _mm256_unpackhi_epi64(lo, hi);
        // Blocks of 2: even and odd values.
        let lo = even(a, b);
        let hi = odd(a, b);
        let t = mul(v, hi, tw.w2);
        let (lo, hi) = (add(v, lo, t), sub(v, lo, t));
        (_mm256_unpacklo_epi32(lo, hi), _mm256_unpackhi_epi32(lo, hi))
    }
}

/// The inverse of `forward_last3` (without the 1/8: the pointwise scale holds it).
#[inline(always)]
fn inverse_last3(v: Lanes, a: __m256i, b: __m256i, tw: &PairTwiddles) -> (__m256i, __m256i) {
    unsafe {
        let lo = even(a, b);
        let hi = odd(a, b);
        let (lo, hi) = (add(v, lo, hi), mul(v, sub(v, lo, hi), tw.w2));
        let a = _mm256_unpacklo_epi32(lo, hi);
        let b = _mm256_unpackhi_epi32(lo, hi);
        let lo = _mm256_unpacklo_epi64(a, b);
        let hi = _mm256_unpackhi_epi64(a, b);
        let (lo, hi) = (add(v, lo, hi), mul(v, sub(v, lo, hi), tw.w4));
        let a = _mm256_unpacklo_epi64(lo, hi);
        let b = _mm256_unpackhi_epi64(lo, hi);
        let lo = _mm256_permute2x128_si256::<0x20>(a, b);
        let hi = _mm256_permute2x128_si256::<0x31>(a, b);
        let (lo, hi) = (add(v, lo, hi), mul(v, sub(v, lo, hi), tw.w8));
        (
            _mm256_permute2x128_si256::<0x20>(lo, hi),
            _mm256_permute2x128_si256::<0x31>(lo, hi),
        )
    }
}

/// Even-indexed values of a then b, per 128-bit lane: [a0 a2 b0 b2 | a4 a6 b4 b6].
#[inline(always)]
fn even(a: __m256i, b: __m256i) -> __m256i {
    unsafe {
        _mm256_castps_si256(_mm256_shuffle_ps::<0b10_00_10_00>(
            _mm256_castsi256_ps(a),
            _mm256_castsi256_ps(b),
        ))
    }
}

/// Odd-indexed values: [a1 a3 b1 b3 | a5 a7 b5 b7].
#[inline(always)]
fn odd(a: __m256i, b: __m256i) -> __m256i {
    unsafe {
        _mm256_castps_si256(_mm256_shuffle_ps::<0b11_01_11_01>(
            _mm256_castsi256_ps(a),
            _mm256_castsi256_ps(b),
        ))
    }
}

/// x <- x^2 (or x*y) cyclically, scaled by k; length a power of two >= LEAF.
#[target_feature(enable = "avx2")]
pub fn run(f: Prime, t: &Twiddles, x: &mut [u32], y: Option<&mut [u32]>, k: u32) {
    debug_assert!(x.len() >= LEAF);
    rec(Lanes::new(f), t, x, y, 0, k);
}

#[target_feature(enable = "avx2")]
fn rec(v: Lanes, t: &Twiddles, x: &mut [u32], y: Option<&mut [u32]>, blk: usize, k: u32) {
    let n = x.len();
    if n == LEAF {
        leaf(v, t, x, y, blk, k);
        return;
    }
    let h = n / 2;
    let (x0, x1) = x.split_at_mut(h);
    forward_block(v, t, x0, x1, blk);
    match y {
        Some(y) => {
            let (y0, y1) = y.split_at_mut(h);
            forward_block(v, t, y0, y1, blk);
            rec(v, t, x0, Some(y0), 2 * blk, k);
            rec(v, t, x1, Some(y1), 2 * blk + 1, k);
        }
        None => {
            rec(v, t, x0, None, 2 * blk, k);
            rec(v, t, x1, None, 2 * blk + 1, k);
        }
    }
    inverse_block(v, t, x0, x1, blk);
}

/// One LEAF-value block: levels of 32, 16 and 8 as plain butterflies, the last three levels,
/// the pointwise product and the first three inverse levels in registers, then the rest.
#[target_feature(enable = "avx2")]
fn leaf(v: Lanes, t: &Twiddles, x: &mut [u32], mut y: Option<&mut [u32]>, blk: usize, k: u32) {
    const _: () = assert!(LEAF == 64);
    for buf in core::iter::once(&mut *x).chain(y.as_deref_mut()) {
        upper_forward(v, t, buf, blk);
    }
    let fw8 = twiddle_run::<8>(v, t, true, blk * 8);
    let fw4 = twiddle_run::<16>(v, t, true, blk * 16);
    let fw2 = twiddle_run::<32>(v, t, true, blk * 32);
    let iw8 = twiddle_run::<8>(v, t, false, blk * 8);
    let iw4 = twiddle_run::<16>(v, t, false, blk * 16);
    let iw2 = twiddle_run::<32>(v, t, false, blk * 32);
    let kv = splat(k);
    for j in (0..8).step_by(2) {
        let ftw = pair_twiddles(&fw8, &fw4, &fw2, j);
        let (xa, xb) = x[8 * j..8 * j + 16].split_at_mut(8);
        let (mut a, mut b) = forward_last3(v, load(xa), load(xb), &ftw);
        match y.as_deref_mut() {
            Some(y) => {
                let (ya, yb) = y[8 * j..8 * j + 16].split_at(8);
                let (c, d) = forward_last3(v, load(ya), load(yb), &ftw);
                a = mul(v, mul(v, a, c), kv);
                b = mul(v, mul(v, b, d), kv);
            }
            None => {
                a = mul(v, mul(v, a, a), kv);
                b = mul(v, mul(v, b, b), kv);
            }
        }
        let itw = pair_twiddles(&iw8, &iw4, &iw2, j);
        let (a, b) = inverse_last3(v, a, b, &itw);
        store(xa, a);
        store(xb, b);
    }
    upper_inverse(v, t, x, blk);
}

/// Levels with blocks of 64, 32 and 16 inside a leaf (each block's twiddle broadcast).
#[inline(always)]
fn upper_forward(v: Lanes, t: &Twiddles, x: &mut [u32], blk: usize) {
    let mut h = LEAF / 2;
    let mut nb = 1;
    while h >= 8 {
        for (j, chunk) in x.chunks_exact_mut(2 * h).enumerate() {
            let (a, b) = chunk.split_at_mut(h);
            forward_block(v, t, a, b, blk * nb + j);
        }
        h /= 2;
        nb *= 2;
    }
}

#[inline(always)]
fn upper_inverse(v: Lanes, t: &Twiddles, x: &mut [u32], blk: usize) {
    let mut h = 8;
    let mut nb = LEAF / 16;
    while h < LEAF {
        for (j, chunk) in x.chunks_exact_mut(2 * h).enumerate() {
            let (a, b) = chunk.split_at_mut(h);
            inverse_block(v, t, a, b, blk * nb + j);
        }
        h *= 2;
        nb /= 2;
    }
}
