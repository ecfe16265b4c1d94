//! wasm32 built with `+simd128`: the SIMD128 lanes. WebAssembly has no run-time feature
//! detection: the build decides, and the module then needs an engine with SIMD.

mod simd128;

use super::LaneKernels;
use crate::ntt::kernel;

pub(crate) static SIMD128_LANES: LaneKernels = LaneKernels {
    transform: kernel::transform::<simd128::Simd128>,
    digits: kernel::garner_digits::<simd128::Simd128>,
    weight: kernel::weight::<simd128::Simd128>,
    reduce: kernel::reduce,
    carry_save: crate::carry_save::steps_body,
};
