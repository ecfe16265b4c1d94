//! Products of fuzzer-chosen operands, by a fuzzer-chosen method and kernel set, against
//! num-bigint.
//!
//! Input: [method, repeat, split_lo, split_hi, bytes...]. The bytes are cut at `split` into
//! two operands (little-endian); each is repeated `repeat` times (with a varying byte) so that
//! short inputs still reach long transforms and long carry chains. Every product runs with
//! each kernel set of `testing::kernel_sets` (the portable kernels and the fastest ones).
#![no_main]

use fib_bigmul::testing::{self, Forced};
use fib_bigmul::{biguint_from_limbs, limbs_of};
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
    let method = match data[0] % 8 {
        0 => Forced::Basecase,
        // Karatsuba with leaves of 1 to 4 limbs, or of 32.
        k @ 1..=5 => Forced::Karatsuba {
            leaf: if k == 5 { 32 } else { k as usize },
        },
        6 => Forced::Transform,
        _ => Forced::SplitTransform,
    };
    // The quadratic algorithms get shorter operands so each run stays fast.
    let max_repeat = if method == Forced::Basecase { 4 } else { 64 };
    let repeat = 1 + data[1] as usize % max_repeat;
    let body = &data[4..];
    let split = u16::from_le_bytes([data[2], data[3]]) as usize % (body.len() + 1);
    let (x, y) = body.split_at(split);
    let (a, b) = (operand(x, repeat), operand(y, repeat));
    let (la, lb) = (limbs_of(&a), limbs_of(&b));
    let (ab, aa) = (&a * &b, &a * &a);
    for k in testing::kernel_sets() {
        testing::with_kernels(k, || {
            let got = biguint_from_limbs(testing::mul_with(&la, &lb, method));
            assert_eq!(got, ab, "{method:?} {k:?}");
            let got = biguint_from_limbs(testing::sqr_with(&la, method));
            assert_eq!(got, aa, "{method:?} {k:?}");
        });
    }
});
