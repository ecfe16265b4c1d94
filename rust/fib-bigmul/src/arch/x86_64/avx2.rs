//! Eight u32 lanes in an AVX2 register, and the transform kernels compiled for them.
//!
//! The kernels themselves are `ntt::kernel`'s, shared with the SIMD128 and portable backends;
//! here are the lane operations (inlined into them) and the entry points that enable AVX2 for
//! the whole inlined kernel. The regroupings of `Lanes` work inside each 128-bit half, which
//! is where AVX2's shuffles work too.

use core::arch::x86_64::*;

use crate::arch::{Consts, Lanes};
use crate::ntt::{kernel, GarnerConsts, Prime, Twiddles};

/// `kernel::transform` with AVX2 lanes.
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn transform(
    f: Prime,
    t: &Twiddles,
    x: &mut [u32],
    y: Option<&mut [u32]>,
    k: u32,
) {
    kernel::transform::<Avx2>(f, t, x, y, k)
}

/// `kernel::garner_digits` with AVX2 lanes.
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn garner_digits(g: &GarnerConsts, r0: &[u32], rest: &mut [&mut [u32]]) {
    kernel::garner_digits::<Avx2>(g, r0, rest)
}

/// `kernel::weight` with AVX2 lanes.
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn weight(f: Prime, x: &mut [u32], w: u32) {
    kernel::weight::<Avx2>(f, x, w)
}

/// `kernel::reduce`, the plain loop, compiled with AVX2: LLVM turns it into `vpmuludq` on four
/// 64-bit lanes (and about half the instructions of the baseline build).
///
/// # Safety
/// The CPU must support AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn reduce(f: Prime, out: &mut [u32], c: &[u64]) {
    kernel::reduce(f, out, c)
}

/// The addition loop's carry-save steps, compiled for AVX2 (`vpaddq` on four u64 lanes).
///
/// # Safety
/// The CPU must have AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn carry_save(a: &mut [u64], b: &mut [u64], steps: u32) {
    crate::carry_save::steps_body(a, b, steps)
}

#[derive(Clone, Copy)]
pub(crate) struct Avx2(__m256i);

// SAFETY (every intrinsic below): these methods are only ever inlined into the functions above,
// which enable AVX2 and are only called on CPUs that have it (`arch::x86_64::AVX2_LANES`).
impl Lanes for Avx2 {
    const W: usize = 8;

    #[inline(always)]
    fn splat(x: u32) -> Self {
        Avx2(unsafe { _mm256_set1_epi32(x as i32) })
    }

    #[inline(always)]
    fn load(s: &[u32]) -> Self {
        assert!(s.len() >= 8);
        // Unaligned load of 8 readable u32 (checked).
        Avx2(unsafe { _mm256_loadu_si256(s.as_ptr().cast()) })
    }

    #[inline(always)]
    fn store(self, s: &mut [u32]) {
        assert!(s.len() >= 8);
        // Unaligned store of 8 writable u32 (checked).
        unsafe { _mm256_storeu_si256(s.as_mut_ptr().cast(), self.0) }
    }

    #[inline(always)]
    fn add(self, b: Self) -> Self {
        Avx2(unsafe { _mm256_add_epi32(self.0, b.0) })
    }

    #[inline(always)]
    fn sub(self, b: Self) -> Self {
        Avx2(unsafe { _mm256_sub_epi32(self.0, b.0) })
    }

    #[inline(always)]
    fn min(self, b: Self) -> Self {
        Avx2(unsafe { _mm256_min_epu32(self.0, b.0) })
    }

    #[inline(always)]
    fn mul_lo(self, b: Self) -> Self {
        Avx2(unsafe { _mm256_mullo_epi32(self.0, b.0) })
    }

    #[inline(always)]
    fn mul_hi(self, b: Self) -> Self {
        unsafe {
            let even = _mm256_mul_epu32(self.0, b.0);
            let odd = _mm256_mul_epu32(
                _mm256_srli_epi64::<32>(self.0),
                _mm256_srli_epi64::<32>(b.0),
            );
            Avx2(_mm256_blend_epi32::<0b1010_1010>(
                _mm256_srli_epi64::<32>(even),
                odd,
            ))
        }
    }

    /// Montgomery's product from the 64-bit products of even and odd lanes (`vpmuludq`), with
    /// -p^-1: t + m p is divisible by 2^32 and below 2p 2^32, so no borrow is tracked.
    /// Measured against the trait's version (which uses `vpmulld`): fewer instructions.
    #[inline(always)]
    fn mul_mont(self, b: Self, c: &Consts<Self>) -> Self {
        unsafe {
            let (a, b) = (self.0, b.0);
            let t0 = _mm256_mul_epu32(a, b);
            let t1 = _mm256_mul_epu32(_mm256_srli_epi64::<32>(a), _mm256_srli_epi64::<32>(b));
            let m0 = _mm256_mul_epu32(t0, c.pinv_neg.0);
            let m1 = _mm256_mul_epu32(t1, c.pinv_neg.0);
            let s0 = _mm256_add_epi64(t0, _mm256_mul_epu32(m0, c.p.0));
            let s1 = _mm256_add_epi64(t1, _mm256_mul_epu32(m1, c.p.0));
            // The quotients are the high halves: even lanes from s0, odd lanes from s1.
            let r = _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(s0), s1);
            Avx2(_mm256_min_epu32(r, _mm256_sub_epi32(r, c.p.0)))
        }
    }

    #[inline(always)]
    fn zip64(a: Self, b: Self) -> (Self, Self) {
        unsafe {
            (
                Avx2(_mm256_unpacklo_epi64(a.0, b.0)),
                Avx2(_mm256_unpackhi_epi64(a.0, b.0)),
            )
        }
    }

    #[inline(always)]
    fn zip32(a: Self, b: Self) -> (Self, Self) {
        unsafe {
            // [a0 b0 a2 b2]: b's even lanes moved up into a's odd ones, and the converse.
            let lo = _mm256_blend_epi32::<0b1010_1010>(a.0, _mm256_slli_epi64::<32>(b.0));
            let hi = _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(a.0), b.0);
            (Avx2(lo), Avx2(hi))
        }
    }

    #[inline(always)]
    fn dup2(s: &[u32]) -> Self {
        assert!(s.len() >= 4);
        unsafe {
            let q = _mm256_castsi128_si256(_mm_loadu_si128(s.as_ptr().cast()));
            Avx2(_mm256_permutevar8x32_epi32(
                q,
                _mm256_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3),
            ))
        }
    }

    #[inline(always)]
    fn dup_pairs(s: &[u32]) -> (Self, Self) {
        let l = Self::load(s);
        unsafe {
            let l = _mm256_castsi256_ps(l.0);
            (
                Avx2(_mm256_castps_si256(_mm256_moveldup_ps(l))),
                Avx2(_mm256_castps_si256(_mm256_movehdup_ps(l))),
            )
        }
    }

    #[inline(always)]
    fn unzip(s: &[u32]) -> (Self, Self) {
        let (l0, l1) = (Self::load(s), Self::load(&s[8..]));
        unsafe {
            let (l0, l1) = (_mm256_castsi256_ps(l0.0), _mm256_castsi256_ps(l1.0));
            // Per half: [s0 s2 s8 s10 | s4 s6 s12 s14]; then 64-bit pieces 0, 2, 1, 3.
            let even = _mm256_castps_si256(_mm256_shuffle_ps::<0b10_00_10_00>(l0, l1));
            let odd = _mm256_castps_si256(_mm256_shuffle_ps::<0b11_01_11_01>(l0, l1));
            (
                Avx2(_mm256_permute4x64_epi64::<0b11_01_10_00>(even)),
                Avx2(_mm256_permute4x64_epi64::<0b11_01_10_00>(odd)),
            )
        }
    }

    #[inline(always)]
    fn swap_halves(a: Self, b: Self) -> (Self, Self) {
        unsafe {
            (
                Avx2(_mm256_permute2x128_si256::<0x20>(a.0, b.0)),
                Avx2(_mm256_permute2x128_si256::<0x31>(a.0, b.0)),
            )
        }
    }
}
