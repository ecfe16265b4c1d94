//! x86-64: the `adcx`/`adox` row kernel and the AVX2 lanes, both chosen at run time, so one
//! build runs on any x86-64 CPU.

mod adx;
mod avx2;

use super::{LaneKernels, RowKernels};

pub(crate) fn adx_available() -> bool {
    std::arch::is_x86_feature_detected!("bmi2") && std::arch::is_x86_feature_detected!("adx")
}

pub(crate) fn avx2_available() -> bool {
    std::arch::is_x86_feature_detected!("avx2")
}

// SAFETY (every `unsafe` call below): `Kernels::rows`/`Kernels::lanes` hand these tables out
// only for kernels in `Kernels::available_per_family`, i.e. when the CPU has the features.

pub(crate) static ADX_ROWS: RowKernels = RowKernels {
    mul: |r, a, b| unsafe { adx::mul_basecase(r, a, b) },
    sqr: |r, a| unsafe { adx::sqr_basecase(r, a) },
};

pub(crate) static AVX2_LANES: LaneKernels = LaneKernels {
    transform: |f, t, x, y, k| unsafe { avx2::transform(f, t, x, y, k) },
    digits: |g, r0, rest| unsafe { avx2::garner_digits(g, r0, rest) },
    weight: |f, x, w| unsafe { avx2::weight(f, x, w) },
    reduce: |f, out, c| unsafe { avx2::reduce(f, out, c) },
    carry_save: |a, b, steps| unsafe { avx2::carry_save(a, b, steps) },
};
