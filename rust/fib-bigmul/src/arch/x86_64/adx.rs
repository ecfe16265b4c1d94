//! The schoolbook rows with `mulx`/`adcx`/`adox` (x86-64 with BMI2 and ADX, all such CPUs
//! since 2015): two independent carry chains beside the multiplier, which the compiler does
//! not generate from u128 arithmetic.

use crate::basecase::{mul_rows, sqr_rows};
use crate::Limb;
use core::arch::asm;

/// `r = a * b` (see `basecase::mul_rows`).
///
/// # Safety
/// The CPU must support BMI2 and ADX.
#[target_feature(enable = "bmi2,adx")]
pub(super) unsafe fn mul_basecase(r: &mut [Limb], a: &[Limb], b: &[Limb]) {
    // SAFETY: this function's own target features are those addmul_1_adx needs.
    mul_rows(r, a, b, |r, a, m| unsafe { addmul_1_adx(r, a, m) })
}

/// `r = a^2` (see `basecase::sqr_rows`).
///
/// # Safety
/// The CPU must support BMI2 and ADX.
#[target_feature(enable = "bmi2,adx")]
pub(super) unsafe fn sqr_basecase(r: &mut [Limb], a: &[Limb]) {
    // SAFETY: as in mul_basecase.
    sqr_rows(r, a, |r, a, m| unsafe { addmul_1_adx(r, a, m) })
}

/// `r[..a.len()] += a * m`; returns the carry limb. Four limbs per iteration.
///
/// # Safety
/// The CPU must support BMI2 and ADX: `mulx`, `adcx` and `adox` are executed as they are,
/// whatever the caller's target features (the slices are bounds-checked).
#[inline(always)]
unsafe fn addmul_1_adx(r: &mut [Limb], a: &[Limb], m: Limb) -> Limb {
    let n = a.len();
    assert!(r.len() >= n && n > 0);
    let carry: u64;
    // SAFETY: reads a[0..n] and reads/writes r[0..n] (checked above); only flags and the
    // named registers change. mulx/adcx/adox need BMI2 and ADX (this function's contract).
    // `lea`, `mov` and `jrcxz` leave CF and OF alone, so the two
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
