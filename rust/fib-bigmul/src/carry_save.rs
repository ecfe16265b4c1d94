//! Carry-save lanes: the Fibonacci addition loop without a carry chain.
//!
//! `fib-rust`'s `fib_iter` adds big numbers n times. Added limb by limb, each addition waits for
//! the carry out of the limb below, one limb per step. Here a number is a slice of `u64` lanes,
//! lane i weighing 2^(i * DIGIT_BITS): a [`DIGIT_BITS`]-bit digit with spare bits above it. An
//! addition is then lane by lane, with no carry between lanes, and every lane is independent of
//! its neighbours, so the loops are interchanged: each block of [`BLOCK`] lanes runs up to
//! [`STEPS`] steps (a, b) -> (b, a + b) in registers before the next block is loaded. Only then
//! is each lane split into its digit and the part above it, which moves one lane up (the
//! normalization: again independent per lane). The spare bits bound how many steps may run
//! between normalizations; the proof is below, and the constants are tied by const asserts.
//!
//! The steps still are n additions of the two numbers (each lane of `a` gets each lane of `b`
//! added, step after step), only in another order and with the carries postponed.
//!
//! # Kernels
//!
//! One portable body in safe Rust that LLVM vectorizes: SSE2 on any x86-64 (two lanes per
//! `paddq`), WebAssembly SIMD128 in the wasm32 wheels built with `+simd128` (two 64-bit lanes per
//! `i64x2.add`: the lanes are `u64` on 32-bit targets too). On x86-64 the same body is also
//! compiled with AVX2 (four lanes per `vpaddq`), chosen at run time with the transform's AVX2
//! lanes (`arch`, the one place that looks at the CPU), so one binary runs on every x86-64 CPU.
//!
//! # The carry bound (why [`STEPS`] steps fit)
//!
//! Write D = [`DIGIT_BITS`], S = [`STEPS`], M = 2^D - 1, H = [`CARRY_MAX`] and
//! B = [`DIGIT_MAX`] = M + H. F(k) is the k-th Fibonacci number, F(-1) = 1.
//!
//! *Invariant*: when [`advance`] starts, every lane of `a` and `b` is at most B. The starting
//! state (0 and 1) satisfies it.
//!
//! *No lane overflows during the steps*: one lane holding (x, y) <= (B, B) holds after t steps
//! (F(t-1) x + F(t) y, F(t) x + F(t+1) y), at most (F(t+1) B, F(t+2) B). The values only grow
//! with t, so every value a lane takes in t <= S steps is at most F(S+2) B, and
//!
//! ```text
//! (1)   F(S+2) * B <= 2^64 - 1.
//! ```
//!
//! *Normalization restores the invariant*: a lane v <= F(S+2) B becomes its low D bits
//! (<= M) plus the bits above D of the lane below, at most floor(F(S+2) B / 2^D), and
//!
//! ```text
//! (2)   floor(F(S+2) * B / 2^D) <= H,
//! ```
//!
//! so the new lane is at most M + H = B. The value sum(lane_i 2^(iD)) does not change, since
//! v 2^(iD) = (v mod 2^D) 2^(iD) + floor(v / 2^D) 2^((i+1)D); and the steps, lane-wise linear
//! and without overflow by (1), do to the value exactly what they do to each lane.
//!
//! *Nothing leaves the top*: a lane whose `a` and `b` are both 0 stays 0 through the steps, so
//! if the top lane is 0 on entry (checked), it sends nothing further up.
//!
//! With D = 48 and S = 22: F(24) = 46368 < 2^15.6, H = F(24) satisfies (2) (F(24) B / 2^48 is
//! F(24) + F(24)(H - 1) / 2^48, whose floor is F(24)), and F(24) B < 2^63.6 satisfies (1).
//! 24 steps would not fit: F(26) B > 2^64 (nor would 23). Wider digits leave fewer steps per
//! normalization (D = 52: 16 steps), narrower ones carry fewer bits per addition (D = 40: 34
//! steps); 44-48 bits were fastest, measured at F(5 * 10^5).

/// Bits of the digit in each lane; the 16 bits above it absorb [`STEPS`] steps of growth.
pub const DIGIT_BITS: u32 = 48;

/// Most steps [`advance`] runs between two normalizations (the proof in the module docs).
pub const STEPS: u32 = 22;

/// Largest value the part of a lane above its digit can carry into the next lane:
/// F([`STEPS`] + 2).
pub const CARRY_MAX: u64 = fib(STEPS + 2) as u64;

/// Largest lane value after a normalization: the digit's maximum plus [`CARRY_MAX`].
pub const DIGIT_MAX: u64 = DIGIT_MASK + CARRY_MAX;

/// Lanes per block: the slices [`advance`] takes have a multiple of this length. 16 lanes are
/// four AVX2 registers per number (or eight SSE2 / SIMD128 ones): four independent chains of
/// additions keep the vector adders busy.
pub const BLOCK: usize = 16;

const DIGIT_MASK: u64 = (1 << DIGIT_BITS) - 1;

/// F(k) for small k, at compile time.
const fn fib(k: u32) -> u128 {
    let (mut a, mut b) = (0u128, 1u128);
    let mut i = 0;
    while i < k {
        let c = a + b;
        a = b;
        b = c;
        i += 1;
    }
    a
}

/// The largest value a lane reaches in [`STEPS`] steps from lanes at most [`DIGIT_MAX`].
const PEAK: u128 = fib(STEPS + 2) * DIGIT_MAX as u128;
// (1): no lane overflows.
const _: () = assert!(PEAK <= u64::MAX as u128);
// (2): a normalized lane is at most DIGIT_MAX again.
const _: () = assert!(PEAK >> DIGIT_BITS <= CARRY_MAX as u128);
// STEPS is the most that fits: one more step could overflow.
const _: () = assert!(fib(STEPS + 3) * DIGIT_MAX as u128 > u64::MAX as u128);
// The digit leaves room for the carry, and whole digits fill the 64-bit lanes' low bits.
const _: () = assert!(DIGIT_BITS < 64 && CARRY_MAX < 1 << DIGIT_BITS);

/// Runs `steps` steps of (a, b) -> (b, a + b) on every lane, then normalizes `a` and `b`, with
/// the lane kernel in force (`arch`: AVX2 where the CPU has it, else the portable body, which
/// is SSE2 or SIMD128 code by the compiler).
///
/// Requires lanes of at most [`DIGIT_MAX`] (what the previous call leaves) and leaves them so;
/// the top lane of both must be 0 on entry (it may not be on return: then the caller extends
/// both slices by a block of zero lanes before the next call).
///
/// # Panics
///
/// If `a` and `b` differ in length, their length is not a positive multiple of [`BLOCK`],
/// `steps` is not in `1..=STEPS`, or a top lane is not 0.
pub fn advance(a: &mut [u64], b: &mut [u64], steps: u32) {
    let len = a.len();
    assert!(
        len == b.len() && len > 0 && len % BLOCK == 0,
        "carry_save: a and b need the same positive multiple of {BLOCK} lanes, got {len} and {}",
        b.len()
    );
    assert!(
        (1..=STEPS).contains(&steps),
        "carry_save: 1..={STEPS} steps, got {steps}"
    );
    assert!(
        a[len - 1] == 0 && b[len - 1] == 0,
        "carry_save: the top lane must be 0"
    );
    debug_assert!(a.iter().chain(b.iter()).all(|&x| x <= DIGIT_MAX));
    (crate::arch::Kernels::get().lanes().carry_save)(a, b, steps)
}

/// The steps block by block, then the normalization of each number in one pass: the body of
/// every lane kernel's `carry_save` (the lengths and bounds checked by [`advance`]).
#[inline(always)]
pub(crate) fn steps_body(a: &mut [u64], b: &mut [u64], steps: u32) {
    for (x, y) in a.chunks_exact_mut(BLOCK).zip(b.chunks_exact_mut(BLOCK)) {
        let x: &mut [u64; BLOCK] = x.try_into().expect("whole blocks");
        let y: &mut [u64; BLOCK] = y.try_into().expect("whole blocks");
        if steps == STEPS {
            block_steps(x, y, STEPS); // the usual case: a constant trip count
        } else {
            block_steps(x, y, steps);
        }
    }
    normalize(a);
    normalize(b);
}

/// `steps` steps on one block. Written on the arrays themselves, this is what LLVM turns into
/// vector registers loaded once, `steps` vector additions per register, and one store.
#[inline(always)]
fn block_steps(x: &mut [u64; BLOCK], y: &mut [u64; BLOCK], steps: u32) {
    for _ in 0..steps / 2 {
        for j in 0..BLOCK {
            x[j] += y[j]; // (x, y) -> (y, x + y) with the roles of x and y traded ...
        }
        for j in 0..BLOCK {
            y[j] += x[j]; // ... and traded back: two steps
        }
    }
    if steps % 2 == 1 {
        for j in 0..BLOCK {
            x[j] += y[j];
        }
        core::mem::swap(x, y);
    }
}

/// Each lane keeps its digit and takes the part above the digit of the lane below. The
/// recurrence on `below` is only a one-lane shift (no carry chain): LLVM vectorizes it.
#[inline(always)]
fn normalize(v: &mut [u64]) {
    let mut below = 0;
    for x in v.iter_mut() {
        let above = *x >> DIGIT_BITS;
        *x = (*x & DIGIT_MASK) + below;
        below = above;
    }
    debug_assert_eq!(below, 0, "the top lane was 0");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The peak of the proof is reached: a lane at DIGIT_MAX in both numbers reaches exactly
    /// F(STEPS+2) * DIGIT_MAX before the normalization. (Every kernel against the recurrence:
    /// tests/carry_save.rs.)
    #[test]
    fn the_peak_is_reached_and_fits() {
        let (mut x, mut y) = ([DIGIT_MAX; BLOCK], [DIGIT_MAX; BLOCK]);
        block_steps(&mut x, &mut y, STEPS);
        assert!(y.iter().all(|&v| u128::from(v) == PEAK));
        // One step more would wrap (in a debug build the addition panics instead).
        assert!(y.iter().all(|&v| v.checked_add(x[0]).is_none()));
    }
}
