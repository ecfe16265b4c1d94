//! Scalar arithmetic modulo a prime p < 2^31 in Montgomery form (R = 2^32): only u32/u64
//! values and no branches (`min` picks the reduced value), so a loop of it can vectorize (the
//! coefficient loading does, `ntt::kernel::reduce`). The lane kernels use the same formulas
//! on vectors (`arch::Lanes`).

/// One NTT prime p = c * 2^k + 1 < 2^31 and its Montgomery constants.
#[derive(Clone, Copy, Debug)]
pub struct Prime {
    /// The modulus.
    pub p: u32,
    /// -p^-1 mod 2^32.
    pub pinv_neg: u32,
    /// R^2 mod p (converts into Montgomery form).
    pub r2: u32,
    /// R mod p (one in Montgomery form).
    pub one: u32,
}

impl Prime {
    /// Constants for `p` (odd, < 2^31). Computed at compile time.
    pub const fn new(p: u32) -> Prime {
        // Newton iteration for p^-1 mod 2^32: each step doubles the correct low bits.
        let mut inv: u32 = p; // correct to 3 bits for odd p
        let mut i = 0;
        while i < 5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(p.wrapping_mul(inv)));
            i += 1;
        }
        let r = ((1u64 << 32) % p as u64) as u32;
        let r2 = ((r as u64 * r as u64) % p as u64) as u32;
        Prime {
            p,
            pinv_neg: inv.wrapping_neg(),
            r2,
            one: r,
        }
    }

    /// a * b / R mod p, for a, b < p (or a * b < p * 2^32). Result in [0, p).
    #[inline(always)]
    pub fn mul(self, a: u32, b: u32) -> u32 {
        self.reduce(a as u64 * b as u64)
    }

    /// t / R mod p for t < p * 2^32. Result in [0, p).
    #[inline(always)]
    pub fn reduce(self, t: u64) -> u32 {
        let m = (t as u32).wrapping_mul(self.pinv_neg);
        // t + m*p < p*2^32 + 2^32*p < 2^64 and is divisible by 2^32; the quotient is < 2p.
        let u = ((t + m as u64 * self.p as u64) >> 32) as u32;
        u.min(u.wrapping_sub(self.p))
    }

    /// Shoup's form of the Montgomery-form multiplier `m`: its plain value w and
    /// floor(w 2^32 / p), for `Lanes::mul_shoup` (x * w mod p, for a plain x < 2^32).
    pub fn shoup(self, m: u32) -> [u32; 2] {
        let w = self.reduce(m as u64);
        [w, (((w as u64) << 32) / self.p as u64) as u32]
    }

    /// a + b mod p for a, b < p.
    #[inline(always)]
    pub fn add(self, a: u32, b: u32) -> u32 {
        let s = a + b; // < 2p < 2^32
        s.min(s.wrapping_sub(self.p))
    }

    /// a - b mod p for a, b < p.
    #[inline(always)]
    pub fn sub(self, a: u32, b: u32) -> u32 {
        let d = a.wrapping_sub(b); // a < b wraps to >= 2^32 - p > p; adding p brings it back
        d.min(d.wrapping_add(self.p))
    }

    /// x in Montgomery form: x * R mod p.
    #[inline(always)]
    pub fn to_mont(self, x: u32) -> u32 {
        self.mul(x, self.r2)
    }

    /// base^e in Montgomery form (base given in Montgomery form).
    pub fn pow(self, base: u32, mut e: u64) -> u32 {
        let (mut acc, mut b) = (self.one, base);
        while e > 0 {
            if e & 1 == 1 {
                acc = self.mul(acc, b);
            }
            b = self.mul(b, b);
            e >>= 1;
        }
        acc
    }

    /// The multiplicative inverse of x (Montgomery form in and out), by Fermat.
    pub fn inv(self, x: u32) -> u32 {
        self.pow(x, self.p as u64 - 2)
    }

    /// Plain value of a Montgomery-form number.
    #[cfg(test)]
    pub fn plain(self, x: u32) -> u32 {
        self.reduce(x as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn montgomery_matches_u64_arithmetic() {
        for p in crate::ntt::PRIMES.map(|q| q.p) {
            let f = Prime::new(p);
            assert_eq!(
                f.pinv_neg.wrapping_mul(p),
                u32::MAX,
                "-p^-1 * p = -1 mod 2^32"
            );
            let samples = [0u32, 1, 2, 3, p / 2, p - 2, p - 1, 12345, 987654321 % p];
            for &a in &samples {
                assert_eq!(f.plain(f.to_mont(a)), a);
                for &b in &samples {
                    let (a64, b64, p64) = (a as u64, b as u64, p as u64);
                    let am = f.to_mont(a);
                    assert_eq!(f.mul(am, b) as u64, a64 * b64 % p64);
                    assert_eq!(f.add(a, b) as u64, (a64 + b64) % p64);
                    assert_eq!(f.sub(a, b) as u64, (a64 + p64 - b64) % p64);
                }
            }
            // reduce(t) = t / 2^32 mod p for every t < p * 2^32 (40-bit coefficients included).
            for t in [
                0u64,
                1,
                (1 << 40) - 1,
                (p as u64) << 32,
                ((p as u64) << 32) - 1,
            ] {
                let t = t.min(((p as u64) << 32) - 1);
                assert_eq!(((f.reduce(t) as u64) << 32) % p as u64, t % p as u64);
            }
        }
    }
}
