//! The addition loop's carry-save steps (`fib_bigmul::carry_save`) with every lane kernel this
//! CPU runs, against the recurrence on the numbers' values.

use fib_bigmul::carry_save::{advance, BLOCK, DIGIT_BITS, DIGIT_MAX, STEPS};
use fib_bigmul::testing;
use num_bigint::BigUint;

/// The value of a lane slice.
fn value(v: &[u64]) -> BigUint {
    v.iter()
        .rev()
        .fold(BigUint::from(0u32), |acc, &x| (acc << DIGIT_BITS) + x)
}

/// F(k), F(-1) = 1.
fn fib(k: i64) -> BigUint {
    let (mut a, mut b) = (BigUint::from(1u32), BigUint::from(0u32));
    for _ in -1..k {
        let c = &a + &b;
        a = std::mem::replace(&mut b, c);
    }
    a
}

/// Runs `f` once with each kernel set (the portable lanes, then the fastest).
fn each_kernel(mut f: impl FnMut(&str)) {
    for k in testing::kernel_sets() {
        testing::with_kernels(k, || f(&format!("{:?}", k.lanes)));
    }
}

/// `advance` against (A, B) -> (F(s-1) A + F(s) B, F(s) A + F(s+1) B), and the lanes' bound.
fn check(kernel: &str, a: &[u64], b: &[u64], steps: u32) {
    let (va, vb) = (value(a), value(b));
    let (mut a2, mut b2) = (a.to_vec(), b.to_vec());
    advance(&mut a2, &mut b2, steps);
    let s = i64::from(steps);
    assert_eq!(
        value(&a2),
        fib(s - 1) * &va + fib(s) * &vb,
        "{kernel}, {steps} steps: a"
    );
    assert_eq!(
        value(&b2),
        fib(s) * &va + fib(s + 1) * &vb,
        "{kernel}, {steps} steps: b"
    );
    for (i, &x) in a2.iter().chain(&b2).enumerate() {
        assert!(
            x <= DIGIT_MAX,
            "{kernel}, {steps} steps: lane {i} = {x} > DIGIT_MAX"
        );
    }
}

/// Every lane at its maximum, the largest growth the bound allows: any step count too many
/// for the spare bits wraps a lane and changes the value.
#[test]
fn lanes_at_the_maximum_take_every_step_count() {
    each_kernel(|kernel| {
        for len in [BLOCK, 3 * BLOCK] {
            let mut full = vec![DIGIT_MAX; len];
            full[len - 1] = 0;
            for steps in 1..=STEPS {
                check(kernel, &full, &full, steps);
            }
        }
    });
}

/// Random lanes up to the maximum, random step counts, several lengths.
#[test]
fn random_lanes_match_the_recurrence() {
    each_kernel(|kernel| {
        let mut s = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for round in 0..200 {
            let len = BLOCK * (1 + round % 4);
            let mut lane = || match next() % 4 {
                0 => DIGIT_MAX - next() % 4,
                1 => next() & ((1 << DIGIT_BITS) - 1),
                _ => next() % (DIGIT_MAX + 1),
            };
            let mut a: Vec<u64> = (0..len).map(|_| lane()).collect();
            let mut b: Vec<u64> = (0..len).map(|_| lane()).collect();
            a[len - 1] = 0;
            b[len - 1] = 0;
            let steps = 1 + (next() % u64::from(STEPS)) as u32;
            check(kernel, &a, &b, steps);
        }
    });
}

/// The Fibonacci sequence itself, from (F(0), F(1)), in chunks of every length: the value
/// F(steps so far), and the same lanes from every kernel.
#[test]
fn every_kernel_runs_the_sequence_alike() {
    let mut runs = Vec::new();
    each_kernel(|kernel| {
        let (mut a, mut b) = (vec![0u64; 4 * BLOCK], vec![0u64; 4 * BLOCK]);
        b[0] = 1;
        let mut states = Vec::new();
        let mut done = 0;
        // 1 + 2 + ... + 22, five times: 1265 steps, F(1265) has 878 bits (19 lanes).
        for round in 0..5 * STEPS {
            let steps = 1 + round % STEPS;
            advance(&mut a, &mut b, steps);
            done += i64::from(steps);
            assert_eq!(
                (value(&a), value(&b)),
                (fib(done), fib(done + 1)),
                "{kernel}"
            );
            states.push((a.clone(), b.clone()));
        }
        runs.push((kernel.to_owned(), states));
    });
    for (kernel, states) in &runs[1..] {
        assert!(*states == runs[0].1, "{kernel} differs from {}", runs[0].0);
    }
}

#[test]
#[should_panic(expected = "top lane")]
fn a_nonzero_top_lane_is_refused() {
    let mut a = vec![0u64; BLOCK];
    let mut b = vec![0u64; BLOCK];
    b[BLOCK - 1] = 1;
    advance(&mut a, &mut b, 1);
}

#[test]
#[should_panic(expected = "multiple of")]
fn a_partial_block_is_refused() {
    advance(&mut [0; 5], &mut [0; 5], 1);
}

#[test]
#[should_panic(expected = "steps")]
fn too_many_steps_are_refused() {
    advance(&mut [0; BLOCK], &mut [0; BLOCK], STEPS + 1);
}
