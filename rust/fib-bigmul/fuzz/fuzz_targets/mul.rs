//! Products of fuzzer-chosen operands, by a fuzzer-chosen algorithm, against num-bigint.
//!
//! Input: [algorithm, repeat, split_lo, split_hi, bytes...]. The bytes are cut at `split` into
//! two operands (little-endian); each is repeated `repeat` times (with a varying byte) so that
//! short inputs still reach long transforms and long carry chains. The transform runs with
//! every kernel set the CPU has (portable and AVX2 on x86-64), not only the fastest.
#![no_main]

use fib_bigmul::kernels::{self, Kernels};
use fib_bigmul::{biguint_from_limbs, limbs_of, mul_with, sqr_with, Algorithm};
use libfuzzer_sys::fuzz_target;
use num_bigint::BigUint;

fn operand(bytes: &[u8], repeat: usize) -> BigUint {
    let mut v = Vec::with_capacity(bytes.len() * repeat);
    for r in 0..repeat {
        v.extend(bytes.iter().map(|&b| b.wrapping_add(r as u8)));
    }
    BigUint::from_bytes_le(&v)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let algorithm = match data[0] % 4 {
        0 => Algorithm::Basecase,
        1 => Algorithm::Karatsuba,
        2 => Algorithm::Ntt,
        _ => Algorithm::NttSplit,
    };
    // The quadratic algorithms get shorter operands so each run stays fast.
    let max_repeat = if algorithm == Algorithm::Basecase {
        4
    } else {
        64
    };
    let repeat = 1 + data[1] as usize % max_repeat;
    let body = &data[4..];
    let split = u16::from_le_bytes([data[2], data[3]]) as usize % (body.len() + 1);
    let (x, y) = body.split_at(split);
    let (a, b) = (operand(x, repeat), operand(y, repeat));
    let (la, lb) = (limbs_of(&a), limbs_of(&b));
    let (ab, aa) = (&a * &b, &a * &a);
    assert_eq!(biguint_from_limbs(mul_with(&la, &lb, algorithm)), ab);
    assert_eq!(biguint_from_limbs(sqr_with(&la, algorithm)), aa);
    let product = match algorithm {
        Algorithm::Ntt => kernels::product,
        Algorithm::NttSplit => kernels::split_product,
        _ => return,
    };
    for k in Kernels::available() {
        assert_eq!(
            biguint_from_limbs(product(&la, Some(&lb), k)),
            ab,
            "{algorithm:?} {k:?}"
        );
        assert_eq!(biguint_from_limbs(product(&la, None, k)), aa, "{algorithm:?} {k:?}");
    }
});
