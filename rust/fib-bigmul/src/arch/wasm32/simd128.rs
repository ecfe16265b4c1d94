//! Four u32 lanes in a WebAssembly `v128`.
//!
//! The high halves of the 32x32-bit products come from two `extmul`s and one shuffle, the low
//! halves from `i32x4.mul`; every regrouping of `Lanes` is one `i8x16.shuffle`.
//!
//! LLVM turns an `extmul` whose operand is loop-invariant (a twiddle in every lane, the prime)
//! into `i64x2.mul` of lanes zero-extended once outside the loop, which V8 emulates with three
//! `pmuludq` and more instead of one. So the Montgomery and Shoup products read such operands
//! through [`per_use`], which LLVM cannot hoist. In the Pyodide 314.0.7 wheel that took the
//! SIMD128 transform's `i64x2.mul`s from 130 to 4 (the module's from 519 to 365: the rest are
//! in the portable lanes, which only tests force, and in loops over the few coefficients left
//! over after the last full vector), and F(10^6) under Node from 7.1-7.4 to 6.1-6.6 ms of
//! process CPU time (medians of runs interleaved with the old wheel's, on a loaded machine).

use core::arch::wasm32::*;

use crate::arch::{Consts, Lanes};

#[derive(Clone, Copy)]
pub(crate) struct Simd128(v128);

/// `x`, read from memory where it is used: LLVM can neither see that it is a splat nor hoist
/// its zero-extension out of a loop, so the product that uses it stays an `extmul`.
#[inline(always)]
fn per_use(x: v128) -> v128 {
    // SAFETY: a volatile read of a local, valid and aligned for its type.
    unsafe { core::ptr::read_volatile(&x) }
}

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

    /// Montgomery's product on 64-bit lanes, as AVX2's. For a, b < p < 2^31, t = ab and
    /// m = t (-p^-1) mod 2^32: t + m p is divisible by 2^32 and below p^2 + 2^32 p < 2^64, so
    /// the 64-bit lane sums never wrap, and its high half is below p^2 / 2^32 + p < 2p; one
    /// subtraction (the unsigned minimum with r - p, which wraps when r < p) brings it below p.
    #[inline(always)]
    fn mul_mont(self, b: Self, c: &Consts<Self>) -> Self {
        let (a, b, p) = (self.0, per_use(b.0), per_use(c.p.0));
        let m = i32x4_mul(i32x4_mul(a, b), c.pinv_neg.0);
        let lo = i64x2_add(u64x2_extmul_low_u32x4(a, b), u64x2_extmul_low_u32x4(m, p));
        let hi = i64x2_add(u64x2_extmul_high_u32x4(a, b), u64x2_extmul_high_u32x4(m, p));
        let r = i32x4_shuffle::<1, 3, 5, 7>(lo, hi);
        Simd128(u32x4_min(r, i32x4_sub(r, c.p.0)))
    }

    /// Shoup's product (the trait's), with the multiplier hidden from LLVM (see above).
    #[inline(always)]
    fn mul_shoup(self, w: Self, wq: Self, c: &Consts<Self>) -> Self {
        let q = self.mul_hi(Simd128(per_use(wq.0))).0;
        let r = i32x4_sub(i32x4_mul(self.0, w.0), i32x4_mul(q, c.p.0));
        Simd128(u32x4_min(r, i32x4_sub(r, c.p.0)))
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
