//! The carry-save addition loop (`fib_iter`) against the textbook num-bigint loop it replaced:
//! every n up to 4000, and the n where the lanes change shape: a normalization's step count
//! (STEPS) runs out, or the numbers reach a new block of lanes.

use fib_bigmul::carry_save::{BLOCK, DIGIT_BITS, STEPS};
use fib_rust::fib_iter;
use num_bigint::BigUint;

/// (F(n), F(n+1)) for n = 0, 1, 2, ...: the loop `fib_iter` used to be.
fn textbook() -> impl Iterator<Item = BigUint> {
    let (mut a, mut b) = (BigUint::from(0u32), BigUint::from(1u32));
    std::iter::repeat_with(move || {
        let f = a.clone();
        a += &b;
        std::mem::swap(&mut a, &mut b);
        f
    })
}

#[test]
fn equals_the_num_bigint_loop_for_every_n_up_to_4000() {
    for (n, f) in textbook().take(4001).enumerate() {
        assert_eq!(fib_iter(n as u64), f, "fib_iter({n})");
    }
}

/// Around multiples of STEPS (a last chunk of 1, STEPS - 1 or STEPS steps, and odd ones), and
/// where F(n+1) first needs a lane of the next block (the loop's `len` grows), up to 4 blocks.
#[test]
fn equals_the_num_bigint_loop_where_chunks_and_blocks_change() {
    let steps = u64::from(STEPS);
    let mut wanted: Vec<u64> = Vec::new();
    for m in [100u64, 101, 453, 1000] {
        wanted.extend((m * steps - 2)..=(m * steps + 2));
    }
    let mut growth = Vec::new();
    let mut block = 1;
    for (n, f) in textbook().enumerate().skip(1).take(25_000) {
        // F(n) = f is F(m + 1) for m = n - 1; its top lane index is (bits - 1) / DIGIT_BITS.
        let top_lane = (f.bits().max(1) - 1) / u64::from(DIGIT_BITS);
        if top_lane as usize >= block * BLOCK - 1 {
            growth.push(n as u64 - 1);
            block += 1;
        }
    }
    assert!(growth.len() >= 4, "{growth:?}");
    for &m in &growth[..4] {
        wanted.extend((m - 3)..=(m + 3));
    }
    wanted.sort_unstable();
    wanted.dedup();
    let last = *wanted.last().unwrap();
    let mut next = wanted.iter().peekable();
    for (n, f) in textbook().take(last as usize + 1).enumerate() {
        if next.peek() == Some(&&(n as u64)) {
            next.next();
            assert_eq!(fib_iter(n as u64), f, "fib_iter({n})");
        }
    }
    assert!(next.peek().is_none());
}
