//! F(n) against a table of known values, and the largest F(n) that fits u64 / u128.

use fib_rust::{fib, fib_iter, fib_pair, lucas};
use num_bigint::BigUint;
use num_traits::ToPrimitive;

/// (n, F(n)) in decimal. They agree with OEIS A000045 and were printed by Python's own int
/// arithmetic with the plain loop:
/// `python3 -c 'a,b=0,1
/// for n in range(1001): print(n, a) if n in (50,64,78,92,93,94,100,128,186,187,200,256,300,500,1000) else None; a,b=b,a+b'`
const KNOWN: &[(u64, &str)] = &[
    (0, "0"),
    (1, "1"),
    (2, "1"),
    (3, "2"),
    (10, "55"),
    (20, "6765"),
    (50, "12586269025"),
    (64, "10610209857723"),
    (78, "8944394323791464"),
    (92, "7540113804746346429"),
    (93, "12200160415121876738"),
    (94, "19740274219868223167"),
    (100, "354224848179261915075"),
    (128, "251728825683549488150424261"),
    (186, "332825110087067562321196029789634457848"),
    (187, "538522340430300790495419781092981030533"),
    (200, "280571172992510140037611932413038677189525"),
    (256, "141693817714056513234709965875411919657707794958199867"),
    (300, "222232244629420445529739893461909967206666939096499764990979600"),
    (
        500,
        "139423224561697880139724382870407283950070256587697307264108962948325571622863290691557658876222521294125",
    ),
    (
        1000,
        "43466557686937456435688527675040625802564660517371780402481729089536555417949051890403879\
         840079255169295922593080322634775209689623239873322471161642996440906533187938298969649928\
         516003704476137795166849228875",
    ),
];

fn big(s: &str) -> BigUint {
    s.parse().expect("decimal literal")
}

#[test]
fn fib_matches_known_values() {
    for &(n, f) in KNOWN {
        assert_eq!(fib(n), big(f), "fib({n})");
        assert_eq!(fib(n).to_string(), f, "fib({n}) in decimal");
    }
}

#[test]
fn fib_iter_matches_known_values() {
    for &(n, f) in KNOWN {
        assert_eq!(fib_iter(n), big(f), "fib_iter({n})");
    }
}

#[test]
fn fib_pair_matches_known_values() {
    for &(n, f) in KNOWN {
        let (first, second) = fib_pair(n);
        assert_eq!(first, big(f), "fib_pair({n}).0");
        if let Some(&(_, next)) = KNOWN.iter().find(|&&(m, _)| m == n + 1) {
            assert_eq!(second, big(next), "fib_pair({n}).1");
        }
    }
}

/// Lucas numbers (OEIS A000032), printed by Python's plain loop:
/// `python3 -c 'a,b=2,1
/// for n in range(94): print(n,a) if n in (30,93) else None; a,b=b,a+b'`
#[test]
fn lucas_known_values() {
    assert_eq!(lucas(0), BigUint::from(2u32));
    assert_eq!(lucas(1), BigUint::from(1u32));
    assert_eq!(lucas(30), BigUint::from(1_860_498u32));
    assert_eq!(lucas(93), big("27280388024614569596"));
    // L(93) = F(92) + F(94) from the table.
    assert_eq!(
        lucas(93),
        big("7540113804746346429") + big("19740274219868223167")
    );
}

#[test]
fn f93_is_the_largest_that_fits_u64() {
    assert_eq!(fib(93).to_u64(), Some(12_200_160_415_121_876_738));
    assert_eq!(fib(94).to_u64(), None);
    assert!(fib(94) > BigUint::from(u64::MAX));
    // Independently: u64 addition overflows first when producing F(94).
    let (mut a, mut b, mut n) = (0u64, 1u64, 0u64); // (F(n), F(n+1))
    while let Some(c) = a.checked_add(b) {
        assert_eq!(fib(n).to_u64(), Some(a), "F({n})");
        (a, b, n) = (b, c, n + 1);
    }
    // The loop stopped because F(n+2) = a + b overflowed; F(n+1) = b still fits.
    assert_eq!(n + 1, 93, "largest index whose F fits u64");
    assert_eq!(fib(n + 1).to_u64(), Some(b));
    assert_eq!(fib(n + 2).to_u64(), None);
}

#[test]
fn f186_is_the_largest_that_fits_u128() {
    assert_eq!(
        fib(186).to_u128(),
        Some(332_825_110_087_067_562_321_196_029_789_634_457_848)
    );
    assert_eq!(fib(187).to_u128(), None);
    assert_eq!(fib(187).bits(), 129);
}
