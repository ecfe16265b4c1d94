//! Fibonacci numbers of any size.
//!
//! [`fib`] uses fast doubling (O(log n) big multiplications); [`fib_iter`] is the plain addition
//! loop (n big additions), for comparing language speed with the same algorithm; its additions
//! run on carry-save lanes without a carry chain (`fib_bigmul::lanes`). [`fib_pair`] returns
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

pub use doubling::{fib, fib_limbs, fib_pair, fib_pair_limbs, lucas};
/// The digit type of [`fib_limbs`] and [`fib_pair_limbs`]: num-bigint's (`u64` on 64-bit
/// targets, `u32` on wasm32).
pub use fib_bigmul::Limb;
pub use iter::fib_iter;
