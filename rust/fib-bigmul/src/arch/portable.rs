//! The kernels every target runs: the portable row loop, and four lanes in plain Rust with
//! the exact semantics of the vector instructions (scalar code on most targets; LLVM may
//! vectorize it where the baseline has SIMD, e.g. aarch64).

use super::{LaneKernels, Lanes, RowKernels};
use crate::ntt::kernel;

pub(crate) static ROWS: RowKernels = RowKernels {
    mul: |r, a, b| crate::basecase::mul_rows(r, a, b, crate::limbs::addmul_1),
    sqr: |r, a| crate::basecase::sqr_rows(r, a, crate::limbs::addmul_1),
};

pub(crate) static LANES: LaneKernels = LaneKernels {
    transform: kernel::transform::<Portable>,
    digits: kernel::garner_digits::<Portable>,
    weight: kernel::weight::<Portable>,
    reduce: kernel::reduce,
    carry_save: crate::carry_save::steps_body,
};

/// Four u32 lanes.
#[derive(Clone, Copy)]
pub(crate) struct Portable([u32; 4]);

impl Portable {
    #[inline(always)]
    fn map(self, b: Self, op: impl Fn(u32, u32) -> u32) -> Self {
        Portable(core::array::from_fn(|i| op(self.0[i], b.0[i])))
    }

    /// Lanes of a then b, numbered 0..8, picked by `idx`.
    #[inline(always)]
    fn shuffle(a: Self, b: Self, idx: [usize; 4]) -> Self {
        let c = [a.0, b.0];
        Portable(idx.map(|i| c[i / 4][i % 4]))
    }
}

impl Lanes for Portable {
    const W: usize = 4;

    #[inline(always)]
    fn splat(x: u32) -> Self {
        Portable([x; 4])
    }

    #[inline(always)]
    fn load(s: &[u32]) -> Self {
        Portable(s[..4].try_into().expect("4 lanes"))
    }

    #[inline(always)]
    fn store(self, s: &mut [u32]) {
        s[..4].copy_from_slice(&self.0);
    }

    #[inline(always)]
    fn add(self, b: Self) -> Self {
        self.map(b, u32::wrapping_add)
    }

    #[inline(always)]
    fn sub(self, b: Self) -> Self {
        self.map(b, u32::wrapping_sub)
    }

    #[inline(always)]
    fn min(self, b: Self) -> Self {
        self.map(b, u32::min)
    }

    #[inline(always)]
    fn mul_lo(self, b: Self) -> Self {
        self.map(b, u32::wrapping_mul)
    }

    #[inline(always)]
    fn mul_hi(self, b: Self) -> Self {
        self.map(b, |x, y| ((x as u64 * y as u64) >> 32) as u32)
    }

    #[inline(always)]
    fn zip64(a: Self, b: Self) -> (Self, Self) {
        (
            Self::shuffle(a, b, [0, 1, 4, 5]),
            Self::shuffle(a, b, [2, 3, 6, 7]),
        )
    }

    #[inline(always)]
    fn zip32(a: Self, b: Self) -> (Self, Self) {
        (
            Self::shuffle(a, b, [0, 4, 2, 6]),
            Self::shuffle(a, b, [1, 5, 3, 7]),
        )
    }

    #[inline(always)]
    fn dup2(s: &[u32]) -> Self {
        Portable([s[0], s[0], s[1], s[1]])
    }

    #[inline(always)]
    fn dup_pairs(s: &[u32]) -> (Self, Self) {
        (
            Portable([s[0], s[0], s[2], s[2]]),
            Portable([s[1], s[1], s[3], s[3]]),
        )
    }

    #[inline(always)]
    fn unzip(s: &[u32]) -> (Self, Self) {
        (
            Portable([s[0], s[2], s[4], s[6]]),
            Portable([s[1], s[3], s[5], s[7]]),
        )
    }

    fn swap_halves(_: Self, _: Self) -> (Self, Self) {
        unreachable!("four lanes have no halves to swap")
    }
}
