//! Quadratic ("schoolbook") multiplication and squaring: fastest for small operands, and the
//! leaves of the Karatsuba recursion.
//!
//! Everything rests on `addmul_1` (r += a * m, one row). On x86-64 CPUs with BMI2 and ADX (all
//! since 2015), a few lines of assembly run it with two independent carry chains (`adcx` and
//! `adox` beside `mulx`), which the compiler does not generate from u128 arithmetic.

use crate::limbs::{addmul_1, mul_1};
use crate::{DLimb, Limb, LIMB_BITS};

/// `r = a * b`, with `r.len() == a.len() + b.len()` and `b` non-empty.
pub fn mul_basecase(r: &mut [Limb], a: &[Limb], b: &[Limb]) {
    #[cfg(target_arch = "x86_64")]
    {
        if adx::available() {
            // SAFETY: the CPU has BMI2 and ADX (checked just above).
            return unsafe { adx::mul_basecase(r, a, b) };
        }
    }
    mul_rows(r, a, b, addmul_1)
}

/// `r = a^2`, with `r.len() == 2 * a.len()` and `a` non-empty.
pub fn sqr_basecase(r: &mut [Limb], a: &[Limb]) {
    #[cfg(target_arch = "x86_64")]
    {
        if adx::available() {
            // SAFETY: the CPU has BMI2 and ADX (checked just above).
            return unsafe { adx::sqr_basecase(r, a) };
        }
    }
    sqr_rows(r, a, addmul_1)
}

#[inline(always)]
fn mul_rows(
    r: &mut [Limb],
    a: &[Limb],
    b: &[Limb],
    addmul: impl Fn(&mut [Limb], &[Limb], Limb) -> Limb,
) {
    debug_assert_eq!(r.len(), a.len() + b.len());
    debug_assert!(!b.is_empty());
    let n = a.len();
    r[n] = mul_1(&mut r[..n], a, b[0]);
    for (j, &bj) in b.iter().enumerate().skip(1) {
        r[j + n] = addmul(&mut r[j..j + n], a, bj);
    }
}

/// Each cross product a[i]*a[j] (i < j) is computed once and doubled by a one-bit shift, then
/// the squares a[i]^2 are added on the diagonal: about n^2/2 limb products instead of n^2.
#[inline(always)]
fn sqr_rows(r: &mut [Limb], a: &[Limb], addmul: impl Fn(&mut [Limb], &[Limb], Limb) -> Limb) {
    let n = a.len();
    debug_assert_eq!(r.len(), 2 * n);
    debug_assert!(n > 0);
    // Cross products into r[1..2n-1].
    r[0] = 0;
    r[2 * n - 1] = 0;
    if n > 1 {
        r[n] = mul_1(&mut r[1..n], &a[1..], a[0]);
        for i in 1..n - 1 {
            r[n + i] = addmul(&mut r[2 * i + 1..n + i], &a[i + 1..], a[i]);
        }
    }
    // Double, and add the diagonal squares, in one pass of limb pairs.
    let mut shift_in: Limb = 0; // top bit of the previous limb, shifted in
    let mut carry: Limb = 0;
    for (i, &x) in a.iter().enumerate() {
        let sq = x as DLimb * x as DLimb;
        let (lo_in, hi_in) = (r[2 * i], r[2 * i + 1]);
        let lo2 = (lo_in << 1) | shift_in;
        let hi2 = (hi_in << 1) | (lo_in >> (LIMB_BITS - 1));
        shift_in = hi_in >> (LIMB_BITS - 1);
        let t = lo2 as DLimb + (sq as Limb) as DLimb + carry as DLimb;
        r[2 * i] = t as Limb;
        let t = hi2 as DLimb + (sq >> LIMB_BITS) + (t >> LIMB_BITS);
        r[2 * i + 1] = t as Limb;
        carry = (t >> LIMB_BITS) as Limb;
    }
    debug_assert_eq!(carry + shift_in, 0, "a square fits in 2n limbs");
}

#[cfg(target_arch = "x86_64")]
mod adx {
    use super::*;
    use core::arch::asm;

    pub fn available() -> bool {
        std::arch::is_x86_feature_detected!("bmi2") && std::arch::is_x86_feature_detected!("adx")
    }

    #[target_feature(enable = "bmi2,adx")]
    pub fn mul_basecase(r: &mut [Limb], a: &[Limb], b: &[Limb]) {
        mul_rows(r, a, b, addmul_1_adx)
    }

    #[target_feature(enable = "bmi2,adx")]
    pub fn sqr_basecase(r: &mut [Limb], a: &[Limb]) {
        sqr_rows(r, a, addmul_1_adx)
    }

    /// `r[..a.len()] += a * m`; returns the carry limb. Four limbs per iteration.
    #[inline(always)]
    fn addmul_1_adx(r: &mut [Limb], a: &[Limb], m: Limb) -> Limb {
        let n = a.len();
        assert!(r.len() >= n && n > 0);
        let carry: u64;
        // SAFETY: reads a[0..n] and reads/writes r[0..n] (checked above); only flags and the
        // named registers change. mulx/adcx/adox need BMI2 and ADX, which the callers'
        // target_feature guarantees. `lea`, `mov` and `jrcxz` leave CF and OF alone, so the two
        // carry chains (adcx: the products' high limbs, adox: the row being added to) run
        // through the whole loop. The n % 4 leading limbs are done one at a time first.
        unsafe {
            asm!(
                "xor {c:e}, {c:e}",        // c = 0, CF = OF = 0
                "mov {k}, rcx",
                "and {k}, 3",
                "jz 3f",
                "2:",                      // single limbs while n % 4 != 0
                "mulx {hi}, {lo}, qword ptr [{a}]",
                "adcx {lo}, {c}",
                "adox {lo}, qword ptr [{r}]",
                "mov qword ptr [{r}], {lo}",
                "mov {c}, {hi}",
                "lea {a}, [{a} + 8]",
                "lea {r}, [{r} + 8]",
                "lea rcx, [rcx - 1]",
                "lea {k}, [{k} - 1]",
                "xchg rcx, {k}",
                "jrcxz 5f",
                "xchg rcx, {k}",
                "jmp 2b",
                "5:",
                "xchg rcx, {k}",
                "3:",
                "jrcxz 4f",
                "6:",                      // four limbs per iteration
                "mulx {hi}, {lo}, qword ptr [{a}]",
                "adcx {lo}, {c}",
                "adox {lo}, qword ptr [{r}]",
                "mov qword ptr [{r}], {lo}",
                "mulx {c}, {lo}, qword ptr [{a} + 8]",
                "adcx {lo}, {hi}",
                "adox {lo}, qword ptr [{r} + 8]",
                "mov qword ptr [{r} + 8], {lo}",
                "mulx {hi}, {lo}, qword ptr [{a} + 16]",
                "adcx {lo}, {c}",
                "adox {lo}, qword ptr [{r} + 16]",
                "mov qword ptr [{r} + 16], {lo}",
                "mulx {c}, {lo}, qword ptr [{a} + 24]",
                "adcx {lo}, {hi}",
                "adox {lo}, qword ptr [{r} + 24]",
                "mov qword ptr [{r} + 24], {lo}",
                "lea {a}, [{a} + 32]",
                "lea {r}, [{r} + 32]",
                "lea rcx, [rcx - 4]",
                "jrcxz 4f",
                "jmp 6b",
                "4:",
                "mov {lo:e}, 0",
                "adcx {c}, {lo}",
                "adox {c}, {lo}",
                a = inout(reg) a.as_ptr() => _,
                r = inout(reg) r.as_mut_ptr() => _,
                in("rdx") m,
                inout("rcx") n => _,
                k = out(reg) _,
                c = out(reg) carry,
                hi = out(reg) _,
                lo = out(reg) _,
                options(nostack),
            );
        }
        carry
    }
}
