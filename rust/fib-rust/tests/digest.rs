//! F(10^6) against a digest computed by an independent implementation.
//!
//! The digest is SHA-256 of F(10^6) as minimal big-endian bytes (no leading zero byte), i.e.
//! `fib(1_000_000).to_bytes_be()` here and `x.to_bytes((x.bit_length() + 7) // 8, "big")` in
//! Python. It was computed with CPython 3.11's own int arithmetic and the textbook
//! three-multiplication doubling (a different formulation from this crate's), by:
//!
//! ```text
//! python3 -c 'import hashlib
//! def p(n):
//!     if n == 0: return 0, 1
//!     a, b = p(n >> 1); c = a * (2 * b - a); d = a * a + b * b
//!     return (d, c + d) if n & 1 else (c, d)
//! x = p(10**6)[0]
//! print(x.bit_length(), hashlib.sha256(x.to_bytes((x.bit_length() + 7) // 8, "big")).hexdigest())'
//! ```
//!
//! which printed `694241 1fd925c5ad053b6385172461f31f2821b325c5ace1be1e9257bad42a73f9f065`.
//! GMP agrees (gmpy2 2.3.2 from the project's venv, `mpz_fib_ui`):
//!
//! ```text
//! .venv/bin/python -c 'import gmpy2, hashlib; x = int(gmpy2.fib(10**6)); print(x.bit_length(), hashlib.sha256(x.to_bytes((x.bit_length() + 7) // 8, "big")).hexdigest())'
//! ```
//!
//! printed the same line. The decimal facts below (208988 digits, first and last 20 digits) came
//! from `str()` of the same Python value (after `sys.set_int_max_str_digits(0)`).

use fib_rust::fib;
use num_bigint::BigUint;
use sha2::{Digest, Sha256};

const F_1E6_SHA256_BE: &str = "1fd925c5ad053b6385172461f31f2821b325c5ace1be1e9257bad42a73f9f065";
const F_1E6_BITS: u64 = 694_241;
const F_1E6_DIGITS: u32 = 208_988;
const F_1E6_FIRST_20: &str = "19532821287077577316";
const F_1E6_LAST_20: &str = "68996526838242546875";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn f_1e6_digest_and_decimal_shape() {
    let f = fib(1_000_000);
    assert_eq!(f.bits(), F_1E6_BITS);

    let be = f.to_bytes_be();
    assert_eq!(be.len() as u64, F_1E6_BITS.div_ceil(8));
    assert_ne!(be[0], 0, "minimal big-endian encoding");
    assert_eq!(hex(&Sha256::digest(&be)), F_1E6_SHA256_BE);

    // Decimal length: 10^(d-1) <= F < 10^d, without the quadratic to_string().
    let ten = BigUint::from(10u32);
    let low = ten.pow(F_1E6_DIGITS - 1);
    assert!(
        low <= f && f < &low * 10u32,
        "F(10^6) has {F_1E6_DIGITS} digits"
    );
    // First and last 20 decimal digits.
    let first = &f / ten.pow(F_1E6_DIGITS - 20);
    assert_eq!(first.to_string(), F_1E6_FIRST_20);
    let last = &f % ten.pow(20);
    assert_eq!(format!("{last:0>20}"), F_1E6_LAST_20);
}
