//! The schoolbook products with `mulx`/`adcx`/`adox` (x86-64 with BMI2 and ADX, all such CPUs
//! since 2015): two independent carry chains beside the multiplier, which the compiler does
//! not generate from u128 arithmetic.
//!
//! Three loops of assembly, each with its carry chains running through the whole loop:
//!
//! * `mul_1`: `r = a * m`, the first row of a product;
//! * `addmul_1`: `r += a * m`, every other row. Both run four limbs per iteration and enter
//!   the unrolled body at the limb that leaves a multiple of four (Duff's device), so a row of
//!   any length costs a few instructions more than its limbs (squares have rows of every
//!   length, and a loop of single limbs before the unrolled one had cost 15 instructions a
//!   limb);
//! * `sqr_diag`: doubles the cross products and adds the squares a_i^2 on the diagonal in one
//!   pass (the doubling on the `adcx` chain, the squares on the `adox` chain).
//!
//! The loops count with `lea`/`jrcxz`, which leave CF and OF alone.

use crate::Limb;
use core::arch::asm;

/// `r = a * b`, `r.len() == a.len() + b.len()`, `b` non-empty: a `mul_1` row, then an
/// `addmul_1` row for each further limb of `b`.
///
/// # Safety
/// The CPU must support BMI2 and ADX.
#[target_feature(enable = "bmi2,adx")]
pub(super) unsafe fn mul_basecase(r: &mut [Limb], a: &[Limb], b: &[Limb]) {
    let (n, m) = (a.len(), b.len());
    assert!(r.len() == n + m && n > 0 && m > 0);
    let (rp, ap) = (r.as_mut_ptr(), a.as_ptr());
    // SAFETY: row j reads b[j] and a[0..n] and writes r[j..=j+n], j < m: inside r (n + m limbs).
    // The CPU has BMI2 and ADX (this function's contract).
    unsafe {
        *rp.add(n) = mul_1(rp, ap, n, b[0]);
        // Index loops: iterator adapters were left as calls in this target_feature function.
        for j in 1..m {
            *rp.add(n + j) = addmul_1(rp.add(j), ap, n, *b.as_ptr().add(j));
        }
    }
}

/// `r = a^2`, `r.len() == 2 * a.len()`, `a` non-empty: the cross products a_i a_j (i < j)
/// once, row by row (row i: a[i+1..] * a[i] at limb 2i+1), then `sqr_diag`: n^2/2 limb products
/// and one linear pass instead of n^2 products.
///
/// # Safety
/// The CPU must support BMI2 and ADX.
#[target_feature(enable = "bmi2,adx")]
pub(super) unsafe fn sqr_basecase(r: &mut [Limb], a: &[Limb]) {
    let n = a.len();
    assert!(r.len() == 2 * n && n > 0);
    if n == 1 {
        let sq = a[0] as u128 * a[0] as u128;
        (r[0], r[1]) = (sq as Limb, (sq >> 64) as Limb);
        return;
    }
    let (rp, ap) = (r.as_mut_ptr(), a.as_ptr());
    // SAFETY: row i (0 <= i < n - 1) reads a[i..n] and writes r[2i+1..=n+i], inside r's
    // 2n limbs; sqr_diag reads a[0..n] and r[0..2n]. The CPU has BMI2 and ADX.
    unsafe {
        *rp = 0;
        *rp.add(n) = mul_1(rp.add(1), ap.add(1), n - 1, a[0]);
        for i in 1..n - 1 {
            *rp.add(n + i) = addmul_1(rp.add(2 * i + 1), ap.add(i + 1), n - 1 - i, *ap.add(i));
        }
        *rp.add(2 * n - 1) = 0;
        sqr_diag(rp, ap, n);
    }
}

/// The dispatch into a four-limb loop body at block `(-n) mod 4` (one `xor` there clears the
/// carry register that block reads, and CF and OF with it), shared by `mul_1` and `addmul_1`.
/// Expects `n` in `{n}` (n >= 1) and the operands' starts in `{a}` and `{r}`; leaves the
/// negated rounded-up count in rcx.
macro_rules! duff_entry {
    () => {
        concat!(
            "mov {k:e}, {n:e}\n",
            "neg {k:e}\n",
            "and {k:e}, 3\n", // k = (-n) mod 4: the blocks skipped in the first round
            "lea rcx, [{n} + {k}]\n",
            "neg rcx\n", // rcx = -(n + k), a multiple of 4
            // a and r 8k bytes back, so block j's limb is at 8j: a + 8n + 8 rcx = a - 8k.
            "lea {a}, [{a} + 8*{n}]\n",
            "lea {a}, [{a} + 8*rcx]\n",
            "lea {r}, [{r} + 8*{n}]\n",
            "lea {r}, [{r} + 8*rcx]\n",
            "cmp {k:e}, 2\n",
            "ja 43f\n",
            "je 42f\n",
            "test {k:e}, {k:e}\n",
            "jnz 41f\n",
            "xor {c:e}, {c:e}\n",
            "jmp 30f\n",
            "41:\n",
            "xor {hi:e}, {hi:e}\n",
            "jmp 31f\n",
            "42:\n",
            "xor {c:e}, {c:e}\n",
            "jmp 32f\n",
            "43:\n",
            "xor {hi:e}, {hi:e}\n",
            "jmp 33f\n",
        )
    };
}

/// `r[..n] = a[..n] * m`; returns the high limb. n >= 1.
///
/// # Safety
/// The CPU must support BMI2 and ADX; `a` is readable and `r` writable for `n` limbs.
#[inline(always)]
unsafe fn mul_1(r: *mut Limb, a: *const Limb, n: usize, m: Limb) -> Limb {
    debug_assert!(n > 0);
    let carry: u64;
    // SAFETY: reads a[0..n] and writes r[0..n] (the caller's promise); only flags and the
    // named registers change. Entering at block k = (-n) mod 4 with the pointers 8k bytes
    // before the operands, block j of the first round touches limb j - k >= 0; each round
    // moves on by 4 limbs, and the rounds stop when n + k limbs from the moved-back
    // pointers, i.e. exactly n limbs, are done. (Pointers plus a displacement, not an index
    // register: `mulx` and `adox` with an indexed memory operand took 40 % longer per limb on
    // AMD Zen 3.)
    unsafe {
        asm!(
            duff_entry!(),
            // Block j: hi:lo = a * m; lo += carry in (adcx); the high limb is the next carry.
            "30:",
            "mulx {hi}, {lo}, qword ptr [{a}]",
            "adcx {lo}, {c}",
            "mov qword ptr [{r}], {lo}",
            "31:",
            "mulx {c}, {lo}, qword ptr [{a} + 8]",
            "adcx {lo}, {hi}",
            "mov qword ptr [{r} + 8], {lo}",
            "32:",
            "mulx {hi}, {lo}, qword ptr [{a} + 16]",
            "adcx {lo}, {c}",
            "mov qword ptr [{r} + 16], {lo}",
            "33:",
            "mulx {c}, {lo}, qword ptr [{a} + 24]",
            "adcx {lo}, {hi}",
            "mov qword ptr [{r} + 24], {lo}",
            "lea {a}, [{a} + 32]",
            "lea {r}, [{r} + 32]",
            "lea rcx, [rcx + 4]",
            "jrcxz 90f",
            "jmp 30b",
            "90:",
            "mov {lo:e}, 0",
            "adcx {c}, {lo}",
            a = inout(reg) a => _,
            r = inout(reg) r => _,
            n = in(reg) n,
            in("rdx") m,
            out("rcx") _,
            k = out(reg) _,
            c = out(reg) carry,
            hi = out(reg) _,
            lo = out(reg) _,
            options(nostack),
        );
    }
    carry
}

/// `r[..n] += a[..n] * m`; returns the carry limb. n >= 1.
///
/// # Safety
/// The CPU must support BMI2 and ADX; `a` is readable and `r` readable and writable for `n`
/// limbs.
#[inline(always)]
unsafe fn addmul_1(r: *mut Limb, a: *const Limb, n: usize, m: Limb) -> Limb {
    debug_assert!(n > 0);
    let carry: u64;
    // SAFETY: as in mul_1; r[0..n] is also read.
    // Two carry chains: adcx adds the previous product's high limb (CF), adox the row
    // being added to (OF). The final carry is c + CF + OF: r + a*m < B^n + (B^n - 1)(B - 1) <
    // B^(n+1), so it fits one limb.
    unsafe {
        asm!(
            duff_entry!(),
            "30:",
            "mulx {hi}, {lo}, qword ptr [{a}]",
            "adcx {lo}, {c}",
            "adox {lo}, qword ptr [{r}]",
            "mov qword ptr [{r}], {lo}",
            "31:",
            "mulx {c}, {lo}, qword ptr [{a} + 8]",
            "adcx {lo}, {hi}",
            "adox {lo}, qword ptr [{r} + 8]",
            "mov qword ptr [{r} + 8], {lo}",
            "32:",
            "mulx {hi}, {lo}, qword ptr [{a} + 16]",
            "adcx {lo}, {c}",
            "adox {lo}, qword ptr [{r} + 16]",
            "mov qword ptr [{r} + 16], {lo}",
            "33:",
            "mulx {c}, {lo}, qword ptr [{a} + 24]",
            "adcx {lo}, {hi}",
            "adox {lo}, qword ptr [{r} + 24]",
            "mov qword ptr [{r} + 24], {lo}",
            "lea {a}, [{a} + 32]",
            "lea {r}, [{r} + 32]",
            "lea rcx, [rcx + 4]",
            "jrcxz 90f",
            "jmp 30b",
            "90:",
            "mov {lo:e}, 0",
            "adcx {c}, {lo}",
            "adox {c}, {lo}",
            a = inout(reg) a => _,
            r = inout(reg) r => _,
            n = in(reg) n,
            in("rdx") m,
            out("rcx") _,
            k = out(reg) _,
            c = out(reg) carry,
            hi = out(reg) _,
            lo = out(reg) _,
            options(nostack),
        );
    }
    carry
}

/// `r[..2n] = 2 r[..2n] + sum a_i^2 B^2i`: the square from its cross products. n >= 1.
///
/// Carries: 2 * (cross products) + (squares) is the square, below B^2n, so both chains end
/// with no carry out: the doubling shifts out r's top bit, which is 0 (the cross products are
/// below B^(2n-1)), and the last `adox` sums to the square's top limb.
///
/// # Safety
/// The CPU must support BMI2 and ADX; `a` is readable for `n` limbs, `r` readable and
/// writable for `2n`.
#[inline(always)]
unsafe fn sqr_diag(r: *mut Limb, a: *const Limb, n: usize) {
    debug_assert!(n > 0);
    // SAFETY: reads a[0..n] and reads/writes r[0..2n] (the caller's promise): one limb of a
    // and two of r per iteration, n iterations.
    unsafe {
        asm!(
            "xor {x0:e}, {x0:e}",      // CF = OF = 0
            "2:",
            "mov rdx, qword ptr [{a}]",
            "mulx {hi}, {lo}, rdx",
            "mov {x0}, qword ptr [{r}]",
            "mov {x1}, qword ptr [{r} + 8]",
            "adcx {x0}, {x0}",
            "adcx {x1}, {x1}",
            "adox {x0}, {lo}",
            "adox {x1}, {hi}",
            "mov qword ptr [{r}], {x0}",
            "mov qword ptr [{r} + 8], {x1}",
            "lea {a}, [{a} + 8]",
            "lea {r}, [{r} + 16]",
            "lea rcx, [rcx - 1]",
            "jrcxz 3f",
            "jmp 2b",
            "3:",
            a = inout(reg) a => _,
            r = inout(reg) r => _,
            inout("rcx") n => _,
            out("rdx") _,
            hi = out(reg) _,
            lo = out(reg) _,
            x0 = out(reg) _,
            x1 = out(reg) _,
            options(nostack),
        );
    }
}
