//! Everything specific to one architecture, and the one place where kernels are chosen.
//!
//! Two kernel families have per-architecture versions:
//!
//! * **rows**: `r += a * m` over a row of limbs, the inner loop of the schoolbook products
//!   (`basecase`). x86-64 with BMI2 and ADX runs it as `mulx`/`adcx`/`adox` assembly
//!   (`x86_64/adx.rs`); everything else runs the portable loop (`limbs::addmul_1`).
//! * **lanes**: the transform's butterflies, the CRT's mixed-radix digits and the split
//!   transform's weights, written once (`ntt::kernel`) over the [`Lanes`] trait: vectors of
//!   u32 lanes with a handful of operations. Its backends are AVX2 (`x86_64/avx2.rs`, 8 lanes,
//!   chosen at run time), SIMD128 (`wasm32/simd128.rs`, 4 lanes, in builds with `+simd128`:
//!   WebAssembly cannot detect features at run time) and four lanes of plain Rust
//!   (`portable.rs`) everywhere else. The loading of coefficients (u64 in, u32 out, so not
//!   on the u32 lanes) is a plain loop that LLVM vectorizes itself; on x86-64 it is compiled
//!   a second time with AVX2 enabled (`vpmuludq` on four 64-bit lanes). The same goes for
//!   the addition loop's carry-save steps (`carry_save`, u64 lanes: `paddq` with the
//!   baseline's SSE2, `vpaddq` with AVX2, `i64x2.add` with SIMD128), which ride along with the
//!   lane backend.
//!
//! [`Kernels::get`] is the only place that looks at the CPU, and [`Kernels::rows`] and
//! [`Kernels::lanes`] the only places that map a choice to code. With the `testing` feature a
//! thread can force any kernel set the CPU runs (`crate::testing::with_kernels`), so the
//! portable kernels are tested on every machine.

pub(crate) mod portable;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub(crate) mod wasm32;
#[cfg(target_arch = "x86_64")]
pub(crate) mod x86_64;

use crate::ntt::{Prime, Twiddles};
use crate::Limb;

/// Which row kernel the schoolbook products use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKernel {
    /// `limbs::addmul_1`: u128 (u64 on 32-bit targets) arithmetic in Rust.
    Portable,
    /// `mulx`/`adcx`/`adox` assembly (x86-64 with BMI2 and ADX).
    #[cfg(target_arch = "x86_64")]
    Adx,
}

/// Which lane backend the transform kernels use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneKernel {
    /// Four lanes of plain Rust.
    Portable,
    /// Eight lanes of AVX2 (x86-64).
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// Four lanes of WebAssembly SIMD128 (wasm32 built with `+simd128`).
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    Simd128,
}

/// One kernel of each family.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kernels {
    /// The schoolbook products' rows.
    pub rows: RowKernel,
    /// The transform's lanes.
    pub lanes: LaneKernel,
}

impl Kernels {
    /// The fastest kernels this CPU runs.
    pub fn best() -> Kernels {
        let (rows, lanes) = Self::available_per_family();
        Kernels {
            rows: *rows.last().expect("portable rows always run"),
            lanes: *lanes.last().expect("portable lanes always run"),
        }
    }

    /// Every kernel of each family that this CPU runs, slowest first.
    pub(crate) fn available_per_family() -> (Vec<RowKernel>, Vec<LaneKernel>) {
        #[allow(unused_mut)] // only some targets have more than the portable kernels
        let (mut rows, mut lanes) = (vec![RowKernel::Portable], vec![LaneKernel::Portable]);
        #[cfg(target_arch = "x86_64")]
        {
            if x86_64::adx_available() {
                rows.push(RowKernel::Adx);
            }
            if x86_64::avx2_available() {
                lanes.push(LaneKernel::Avx2);
            }
        }
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        lanes.push(LaneKernel::Simd128);
        (rows, lanes)
    }

    /// The kernels in force on this thread: the best ones, unless a test forced others.
    #[inline]
    pub(crate) fn get() -> Kernels {
        #[cfg(feature = "testing")]
        if let Some(k) = FORCED.get() {
            return k;
        }
        Self::best_cached()
    }

    #[inline]
    fn best_cached() -> Kernels {
        static BEST: std::sync::OnceLock<Kernels> = std::sync::OnceLock::new();
        *BEST.get_or_init(Kernels::best)
    }

    /// The row kernels' entry points.
    pub(crate) fn rows(self) -> &'static RowKernels {
        match self.rows {
            RowKernel::Portable => &portable::ROWS,
            #[cfg(target_arch = "x86_64")]
            RowKernel::Adx => &x86_64::ADX_ROWS,
        }
    }

    /// The lane kernels' entry points.
    pub(crate) fn lanes(self) -> &'static LaneKernels {
        match self.lanes {
            LaneKernel::Portable => &portable::LANES,
            #[cfg(target_arch = "x86_64")]
            LaneKernel::Avx2 => &x86_64::AVX2_LANES,
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            LaneKernel::Simd128 => &wasm32::SIMD128_LANES,
        }
    }
}

#[cfg(feature = "testing")]
std::thread_local! {
    static FORCED: core::cell::Cell<Option<Kernels>> = const { core::cell::Cell::new(None) };
}

/// Runs `f` with `kernels` forced on this thread (the `testing` feature).
///
/// # Panics
/// If the CPU does not run one of the kernels.
#[cfg(feature = "testing")]
pub(crate) fn with_kernels<R>(kernels: Kernels, f: impl FnOnce() -> R) -> R {
    let (rows, lanes) = Kernels::available_per_family();
    assert!(
        rows.contains(&kernels.rows) && lanes.contains(&kernels.lanes),
        "{kernels:?} do not run on this CPU"
    );
    struct Restore(Option<Kernels>);
    impl Drop for Restore {
        fn drop(&mut self) {
            FORCED.set(self.0);
        }
    }
    let _restore = Restore(FORCED.replace(Some(kernels)));
    f()
}

/// The schoolbook products with one row kernel.
pub(crate) struct RowKernels {
    /// `r = a * b`, `r.len() == a.len() + b.len()`, `b` non-empty.
    pub mul: fn(&mut [Limb], &[Limb], &[Limb]),
    /// `r = a^2`, `r.len() == 2 * a.len()`, `a` non-empty.
    pub sqr: fn(&mut [Limb], &[Limb]),
}

/// `x <- x^2` or `x <- x*y` cyclically, scaled by `k`; length a power of two >= 64.
pub(crate) type Transform = fn(Prime, &Twiddles, &mut [u32], Option<&mut [u32]>, u32);

/// The transform's kernels with one lane backend (see `ntt::kernel` for what each does).
pub(crate) struct LaneKernels {
    /// The transform.
    pub transform: Transform,
    /// The CRT's mixed-radix digits, in place (`ntt::kernel::garner_digits`).
    pub digits: fn(&crate::ntt::GarnerConsts, &[u32], &mut [&mut [u32]]),
    /// `x_i <- x_i * w^i`.
    pub weight: fn(Prime, &mut [u32], u32),
    /// `out_i <- c_i / 2^32 mod p` for `c_i < p 2^32` (loading coefficients).
    pub reduce: fn(Prime, &mut [u32], &[u64]),
    /// The addition loop's steps on carry-save u64 lanes (`carry_save::steps_body`: plain
    /// Rust that the compiler vectorizes for the build's baseline, or for AVX2).
    pub carry_save: fn(&mut [u64], &mut [u64], u32),
}

/// A vector of `W` u32 lanes and the operations the transform kernels are written in.
///
/// Arithmetic is lane-wise and wrapping. The regroupings work inside each group of four
/// lanes, the same way on every backend: lanes 0..4 of `a` then of `b` are numbered 0..8.
pub(crate) trait Lanes: Copy {
    /// Lanes per vector: 4 or 8.
    const W: usize;
    /// Every lane `x`.
    fn splat(x: u32) -> Self;
    /// The first `W` values of `s`.
    fn load(s: &[u32]) -> Self;
    /// Into the first `W` values of `s`.
    fn store(self, s: &mut [u32]);
    fn add(self, b: Self) -> Self;
    fn sub(self, b: Self) -> Self;
    /// Unsigned minimum.
    fn min(self, b: Self) -> Self;
    /// Low 32 bits of the products.
    fn mul_lo(self, b: Self) -> Self;
    /// High 32 bits of the unsigned products.
    fn mul_hi(self, b: Self) -> Self;

    /// `a * b / 2^32 mod p` for `a, b < p` (Montgomery), result in `[0, p)`. With
    /// `m = ab p^-1 mod 2^32`, `ab - mp` is divisible by 2^32, so its quotient is the
    /// difference of the high halves (no carry to track), and lies in `(-p, p)`.
    #[inline(always)]
    fn mul_mont(self, b: Self, c: &Consts<Self>) -> Self {
        let m = self.mul_lo(b).mul_lo(c.pinv);
        let d = self.mul_hi(b).sub(m.mul_hi(c.p));
        d.min(d.add(c.p))
    }

    /// `self * w mod p` by Shoup's method, `wq = floor(w 2^32 / p)`: the quotient estimate
    /// `hi32(self * wq)` is off by at most one, so `self*w - q*p (mod 2^32)` is in `[0, 2p)`.
    #[inline(always)]
    fn mul_shoup(self, w: Self, wq: Self, c: &Consts<Self>) -> Self {
        let q = self.mul_hi(wq);
        let r = self.mul_lo(w).sub(q.mul_lo(c.p));
        r.min(r.sub(c.p))
    }

    /// `(<0,1,4,5>, <2,3,6,7>)` in each group: pairs of lanes, interleaved. Its own inverse.
    fn zip64(a: Self, b: Self) -> (Self, Self);
    /// `(<0,4,2,6>, <1,5,3,7>)` in each group: single lanes, interleaved. Its own inverse.
    fn zip32(a: Self, b: Self) -> (Self, Self);
    /// `[s0 s0 s1 s1 ...]` from the first `W / 2` values of `s`.
    fn dup2(s: &[u32]) -> Self;
    /// From `W` values `[w0 q0 w1 q1 ...]`: `([w0 w0 w1 w1 ...], [q0 q0 q1 q1 ...])`.
    fn dup_pairs(s: &[u32]) -> (Self, Self);
    /// The even- and odd-indexed of the first `2 W` values of `s`, in order.
    fn unzip(s: &[u32]) -> (Self, Self);
    /// `W == 8` only: `([a0..4 b0..4], [a4..8 b4..8])`. Its own inverse.
    fn swap_halves(a: Self, b: Self) -> (Self, Self);
}

/// A prime's constants in every lane.
#[derive(Clone, Copy)]
pub(crate) struct Consts<V> {
    pub f: Prime,
    pub p: V,
    /// p^-1 mod 2^32.
    pub pinv: V,
    /// -p^-1 mod 2^32 (the Montgomery product's form with 64-bit lanes, AVX2 and SIMD128).
    #[cfg(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128")
    ))]
    pub pinv_neg: V,
}

impl<V: Lanes> Consts<V> {
    #[inline(always)]
    pub fn new(f: Prime) -> Consts<V> {
        Consts {
            f,
            p: V::splat(f.p),
            pinv: V::splat(f.pinv_neg.wrapping_neg()),
            #[cfg(any(
                target_arch = "x86_64",
                all(target_arch = "wasm32", target_feature = "simd128")
            ))]
            pinv_neg: V::splat(f.pinv_neg),
        }
    }

    /// `a + b mod p` for `a, b < p`.
    #[inline(always)]
    pub fn add(&self, a: V, b: V) -> V {
        let s = a.add(b);
        s.min(s.sub(self.p))
    }

    /// `a - b mod p` for `a, b < p`.
    #[inline(always)]
    pub fn sub(&self, a: V, b: V) -> V {
        let d = a.sub(b);
        d.min(d.add(self.p))
    }

    /// `a * b / 2^32 mod p` (Montgomery).
    #[inline(always)]
    pub fn mul(&self, a: V, b: V) -> V {
        a.mul_mont(b, self)
    }
}
