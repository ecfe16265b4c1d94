//! The plain addition loop.

use num_bigint::BigUint;
use num_traits::{One, Zero};

/// F(n) by the plain addition loop (O(n) additions).
///
/// ```
/// use fib_rust::fib_iter;
/// assert_eq!(fib_iter(0), 0u32.into());
/// assert_eq!(fib_iter(1), 1u32.into());
/// assert_eq!(fib_iter(50), 12_586_269_025u64.into());
/// ```
pub fn fib_iter(n: u64) -> BigUint {
    let (mut a, mut b) = (BigUint::zero(), BigUint::one());
    for _ in 0..n {
        a += &b;
        std::mem::swap(&mut a, &mut b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_values() {
        let expected: [u32; 13] = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144];
        for (n, &f) in expected.iter().enumerate() {
            assert_eq!(fib_iter(n as u64), BigUint::from(f), "F({n})");
        }
    }

    #[test]
    fn matches_u64_recurrence_up_to_93() {
        let mut table = vec![0u64, 1];
        for i in 2..=93 {
            table.push(table[i - 1] + table[i - 2]);
        }
        for (n, &f) in table.iter().enumerate() {
            assert_eq!(fib_iter(n as u64), BigUint::from(f), "F({n})");
        }
    }
}
