//! Fibonacci numbers of any size.
//!
//! [`fib`] uses fast doubling (O(log n) big multiplications); [`fib_iter`] is the plain addition
//! loop (n big additions), for comparing language speed with the same algorithm; its additions
//! run on carry-save lanes without a carry chain (`fib_bigmul::carry_save`). [`fib_pair`] returns
//! (F(n), F(n+1)) and [`lucas`] the Lucas number L(n), both from the same doubling.
//!
//! The sequence starts F(0) = 0, F(1) = 1, and L(0) = 2, L(1) = 1.
//!
//! ```
//! use fib_rust::{fib, fib_iter, fib_pair, lucas};
//! assert_eq!(fib(10), 55u32.into());
//! assert_eq!(fib(1000), fib_iter(1000));
//! assert_eq!(fib_pair(10), (55u32.into(), 89u32.into()));
//! assert_eq!(lucas(10), 123u32.into());
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod doubling;
mod iter;
mod limbs;

pub use doubling::{
    fib, fib_limbs, fib_pair, fib_pair_limbs, lucas, try_fib, try_fib_limbs, try_fib_pair_limbs,
};
/// The digit type of [`fib_limbs`] and [`fib_pair_limbs`]: num-bigint's (`u64` on 64-bit
/// targets, `u32` on wasm32).
pub use fib_bigmul::Limb;
pub use iter::fib_iter;

/// The largest n that [`fib`], [`fib_pair`] and [`lucas`] accept (2,368,287,706): up to here
/// every product of the doubling fits the number-theoretic transform (operands of at most
/// [`fib_bigmul::MAX_TRANSFORM_OPERAND_BITS`] bits). Beyond it the products would fall back to
/// Karatsuba and take hours; the functions refuse instead.
///
/// The largest operands are F(n/2 + 2) at most (the last step multiplies F(k) + 2F(k-1) <
/// F(k+2), k = n/2, and fib_pair squares F(n/2 + 1)), rounded up to whole limbs; F(m) < phi^m
/// and log2(phi) = 0.6942419... < 0.694243.
pub const MAX_N: u64 = {
    let limb = Limb::BITS as u64;
    // Whole limbs of the largest operand, then F(m) has at most floor(0.694243 m) + 1 bits.
    let max_bits = fib_bigmul::MAX_TRANSFORM_OPERAND_BITS / limb * limb;
    let max_m = (max_bits - 1) * 1_000_000 / 694_243;
    2 * (max_m - 2)
};

/// Why F(n) could not be computed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// An allocation of this many bytes failed.
    OutOfMemory {
        /// The size asked for.
        bytes: usize,
    },
    /// n is above [`MAX_N`].
    TooLarge {
        /// The n asked for.
        n: u64,
    },
}

impl From<fib_bigmul::Error> for Error {
    fn from(e: fib_bigmul::Error) -> Error {
        match e {
            fib_bigmul::Error::OutOfMemory { bytes } => Error::OutOfMemory { bytes },
            _ => Error::OutOfMemory { bytes: 0 },
        }
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::OutOfMemory { bytes } => {
                write!(f, "out of memory: {bytes} bytes could not be allocated")
            }
            Error::TooLarge { n } => write!(f, "n={n} is too large: the largest is {MAX_N}"),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    /// What the infallible functions do: panic for an n too large, abort when memory runs out
    /// (as `Vec` does).
    fn raise(self) -> ! {
        match self {
            Error::TooLarge { .. } => panic!("{self}"),
            Error::OutOfMemory { bytes } => std::alloc::handle_alloc_error(
                std::alloc::Layout::from_size_align(bytes.min(isize::MAX as usize / 2), 8)
                    .expect("a valid layout"),
            ),
        }
    }
}
