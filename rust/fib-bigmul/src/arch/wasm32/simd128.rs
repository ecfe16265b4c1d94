//! Four u32 lanes in a WebAssembly `v128`.
//!
//! The high halves of the 32x32-bit products come from two `extmul`s and one shuffle, the low
//! halves from `i32x4.mul`; every regrouping of `Lanes` is one `i8x16.shuffle`.

use core::arch::wasm32::*;

use crate::arch::Lanes;

#[derive(Clone, Copy)]
pub(crate) struct Simd128(v128);

impl Lanes for Simd128 {
    const W: usize = 4;

    #[inline(always)]
    fn splat(x: u32) -> Self {
        Simd128(u32x4_splat(x))
    }

    #[inline(always)]
    fn load(s: &[u32]) -> Self {
        assert!(s.len() >= 4);
        // SAFETY: 4 readable u32 (checked); v128 loads need no alignment.
        Simd128(unsafe { v128_load(s.as_ptr().cast()) })
    }

    #[inline(always)]
    fn store(self, s: &mut [u32]) {
        assert!(s.len() >= 4);
        // SAFETY: 4 writable u32 (checked); v128 stores need no alignment.
        unsafe { v128_store(s.as_mut_ptr().cast(), self.0) }
    }

    #[inline(always)]
    fn add(self, b: Self) -> Self {
        Simd128(i32x4_add(self.0, b.0))
    }

    #[inline(always)]
    fn sub(self, b: Self) -> Self {
        Simd128(i32x4_sub(self.0, b.0))
    }

    #[inline(always)]
    fn min(self, b: Self) -> Self {
        Simd128(u32x4_min(self.0, b.0))
    }

    #[inline(always)]
    fn mul_lo(self, b: Self) -> Self {
        Simd128(i32x4_mul(self.0, b.0))
    }

    #[inline(always)]
    fn mul_hi(self, b: Self) -> Self {
        let lo = u64x2_extmul_low_u32x4(self.0, b.0);
        let hi = u64x2_extmul_high_u32x4(self.0, b.0);
        Simd128(i32x4_shuffle::<1, 3, 5, 7>(lo, hi))
    }

    #[inline(always)]
    fn zip64(a: Self, b: Self) -> (Self, Self) {
        (
            Simd128(i32x4_shuffle::<0, 1, 4, 5>(a.0, b.0)),
            Simd128(i32x4_shuffle::<2, 3, 6, 7>(a.0, b.0)),
        )
    }

    #[inline(always)]
    fn zip32(a: Self, b: Self) -> (Self, Self) {
        (
            Simd128(i32x4_shuffle::<0, 4, 2, 6>(a.0, b.0)),
            Simd128(i32x4_shuffle::<1, 5, 3, 7>(a.0, b.0)),
        )
    }

    #[inline(always)]
    fn dup2(s: &[u32]) -> Self {
        assert!(s.len() >= 2);
        // SAFETY: 2 readable u32 (checked); v128 loads need no alignment.
        let l = unsafe { v128_load64_zero(s.as_ptr().cast()) };
        Simd128(i32x4_shuffle::<0, 0, 1, 1>(l, l))
    }

    #[inline(always)]
    fn dup_pairs(s: &[u32]) -> (Self, Self) {
        let l = Self::load(s).0;
        (
            Simd128(i32x4_shuffle::<0, 0, 2, 2>(l, l)),
            Simd128(i32x4_shuffle::<1, 1, 3, 3>(l, l)),
        )
    }

    #[inline(always)]
    fn unzip(s: &[u32]) -> (Self, Self) {
        let (l0, l1) = (Self::load(s).0, Self::load(&s[4..]).0);
        (
            Simd128(i32x4_shuffle::<0, 2, 4, 6>(l0, l1)),
            Simd128(i32x4_shuffle::<1, 3, 5, 7>(l0, l1)),
        )
    }

    fn swap_halves(_: Self, _: Self) -> (Self, Self) {
        unreachable!("four lanes have no halves to swap")
    }
}
