//! Every kernel and algorithm forced, for tests and fuzzing (the `testing` feature).
//!
//! [`mul`](crate::mul) and [`sqr`](crate::sqr) run the fastest kernels the CPU has and the
//! algorithm the operand sizes call for; here a thread can choose both, so the portable
//! kernels and every algorithm are compared with num-bigint on any machine.

pub use crate::arch::{Kernels, LaneKernel, RowKernel};
use crate::{Limb, Method};

/// Kernel sets that together run every kernel this CPU has at least once, the portable ones
/// first and the fastest last.
pub fn kernel_sets() -> Vec<Kernels> {
    let (rows, lanes) = Kernels::available_per_family();
    let sets = rows.len().max(lanes.len());
    // Pad each family's list with its fastest kernel.
    let pick = |i: usize, n: usize| i.min(n - 1);
    (0..sets)
        .map(|i| Kernels {
            rows: rows[pick(i, rows.len())],
            lanes: lanes[pick(i, lanes.len())],
        })
        .collect()
}

/// Runs `f` with `kernels` in force on this thread.
///
/// # Panics
/// If the CPU does not run one of them.
pub fn with_kernels<R>(kernels: Kernels, f: impl FnOnce() -> R) -> R {
    crate::arch::with_kernels(kernels, f)
}

/// How a product is computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forced {
    /// Schoolbook.
    Basecase,
    /// Karatsuba with schoolbook products at and below `leaf` limbs (at least 1).
    Karatsuba {
        /// The largest schoolbook product.
        leaf: usize,
    },
    /// The transform.
    Transform,
    /// The split transform (two half-length transforms, modulo 2^m - 1 and 2^m + 1).
    SplitTransform,
}

impl From<Forced> for Method {
    fn from(f: Forced) -> Method {
        match f {
            Forced::Basecase => Method::Basecase,
            Forced::Karatsuba { leaf } => Method::Karatsuba { leaf },
            Forced::Transform => Method::Transform,
            Forced::SplitTransform => Method::SplitTransform,
        }
    }
}

/// `a^2` by `method`, normalized. Into a buffer full of ones and longer than the square, so
/// that a limb the method fails to write shows in the result.
pub fn sqr_with(a: &[Limb], method: Forced) -> Vec<Limb> {
    let mut r = dirty(2 * a.len() + 3);
    crate::sqr_into_by(a, method.into(), &mut r).expect("memory for the square");
    r
}

/// `a * b` by `method`, normalized; into a dirty buffer, as [`sqr_with`].
pub fn mul_with(a: &[Limb], b: &[Limb], method: Forced) -> Vec<Limb> {
    let mut r = dirty(a.len() + b.len() + 3);
    crate::mul_into_by(a, b, method.into(), &mut r).expect("memory for the product");
    r
}

fn dirty(len: usize) -> Vec<Limb> {
    vec![Limb::MAX; len]
}

/// The length of the transform `mul` would use for operands of `a_bits` and `b_bits` bits
/// (None if no transform holds the product).
pub fn transform_len(a_bits: u64, b_bits: u64) -> Option<usize> {
    crate::ntt::plan_len(a_bits, b_bits)
}

/// The length of each half of the split transform for these operands (None if none holds
/// the product).
pub fn split_transform_len(a_bits: u64, b_bits: u64) -> Option<usize> {
    crate::ntt::split::plan(a_bits, b_bits).map(|p| p.len)
}
