//! From the residues of each coefficient (3 or 4 primes) to the product's limbs: Garner's
//! mixed-radix CRT, x = v0 + q0*(v1 + q1*(v2 + q2*v3)), then one carry pass (coefficient i,
//! below the primes' product, lands `bits` bits above coefficient i-1).

use super::{field::Prime, PRIMES};
use crate::arch::Kernels;
use crate::Limb;
#[cfg(any(target_pointer_width = "64", test))]
use core::mem::MaybeUninit;

/// The constants of the mixed-radix digits (`ntt::kernel::garner_digits`).
pub(crate) struct GarnerConsts {
    /// prefix[i][j] = (q0*...*q(j-1)) mod qi, Montgomery form, for 1 <= j < i.
    pub prefix: [[u32; 4]; 4],
    /// inv[i] = (q0*...*q(i-1))^-1 mod qi, Montgomery form.
    pub inv: [u32; 4],
    /// `prefix` and `inv` in Shoup's form (`Prime::shoup`), for the lanes.
    pub prefix_shoup: [[[u32; 2]; 4]; 4],
    pub inv_shoup: [[u32; 2]; 4],
}

impl GarnerConsts {
    /// v_i = (r_i - (v0 + q0 v1 + ... )) / (q0 ... q(i-1)) mod q_i, given v_0..v_(i-1).
    /// All v_j < q_j < q_i (the primes ascend), so no reduction is needed on the way.
    #[inline(always)]
    pub fn digit(&self, i: usize, r: u32, v: &[u32; 4]) -> u32 {
        let f: Prime = PRIMES[i];
        let mut s = v[0];
        for (&vj, &w) in v[1..i].iter().zip(&self.prefix[i][1..i]) {
            s = f.add(s, f.mul(vj, w));
        }
        f.mul(f.sub(r, s), self.inv[i])
    }
}

/// Constants of the mixed-radix reconstruction for the first `n` primes.
struct Garner {
    consts: GarnerConsts,
    /// q0*...*q(j-1) for j = 1..n (exact; below 2^94).
    weight: [u128; 4],
}

impl Garner {
    fn new(n: usize) -> Garner {
        let mut g = Garner {
            consts: GarnerConsts {
                prefix: [[0; 4]; 4],
                inv: [0; 4],
                prefix_shoup: [[[0; 2]; 4]; 4],
                inv_shoup: [[0; 2]; 4],
            },
            weight: [1, 0, 0, 0],
        };
        for j in 1..n {
            g.weight[j] = g.weight[j - 1] * PRIMES[j - 1].p as u128;
        }
        for (i, &f) in PRIMES.iter().enumerate().take(n).skip(1) {
            let m = |x: u128| f.to_mont((x % f.p as u128) as u32);
            for j in 1..i {
                g.consts.prefix[i][j] = m(g.weight[j]);
                g.consts.prefix_shoup[i][j] = f.shoup(g.consts.prefix[i][j]);
            }
            g.consts.inv[i] = f.inv(m(g.weight[i]));
            g.consts.inv_shoup[i] = f.shoup(g.consts.inv[i]);
        }
        g
    }

    /// x = sum of v_j * weight_j for the first N primes, with the narrowest multiplications:
    /// weight_1 < 2^31 and weight_2 < 2^62 fit a u64, weight_3 < 2^93 takes two products.
    #[cfg(any(target_pointer_width = "64", test))]
    #[inline(always)]
    fn value<const N: usize>(&self, v: &[u32; 4]) -> u128 {
        let low = v[0] as u64 + self.weight[1] as u64 * v[1] as u64; // < 2^31 + 2^62
        let mut x = low as u128 + (self.weight[2] as u64 as u128) * v[2] as u128;
        if N == 4 {
            let w = self.weight[3];
            x += (w as u64 as u128) * v[3] as u128;
            x += (((w >> 64) as u64 * v[3] as u64) as u128) << 64;
        }
        x
    }
}

/// Appends to `out` (which has room for them) the `limbs` limbs of the carried sum of the
/// coefficients (residues r[k][i] of coefficient i modulo prime k); coefficients past those
/// limbs must be zero. r[1..] are overwritten with the mixed-radix digits.
///
/// `out`'s new pages become resident only as they are written. With `release` (64-bit
/// targets), the carry pass gives back the pages of the first two residue vectors as it
/// consumes them (`mem::release`): 2 x 32 bits per coefficient of fewer than 64, room for the
/// result to grow into instead of adding to the peak.
pub fn combine(out: &mut Vec<Limb>, limbs: usize, r: &mut [&mut [u32]], bits: u32, release: bool) {
    let g = Garner::new(r.len());
    let n = digits(&g, limbs, r, bits);
    let start = out.len();
    #[cfg(target_pointer_width = "64")]
    {
        let slots = &mut out.spare_capacity_mut()[..limbs];
        let written = match r.len() {
            3 => carry::<3>(&g, r, n, bits, slots, release),
            _ => carry::<4>(&g, r, n, bits, slots, release),
        };
        assert_eq!(written, limbs, "the carry pass writes every limb");
        // SAFETY: the carry pass wrote slots 0..written after the old length, each once in
        // order (slot w, then w + 1), and `written` is `limbs`; the capacity holds them.
        unsafe { out.set_len(start + limbs) };
    }
    #[cfg(not(target_pointer_width = "64"))]
    {
        let _ = release;
        crate::mem::resize(out, start + limbs).expect("within capacity");
        match r.len() {
            3 => carry32::<3>(&g, &mut out[start..], r, n, bits),
            _ => carry32::<4>(&g, &mut out[start..], r, n, bits),
        }
    }
}

/// The mixed-radix digits in place (r[1..]) of the coefficients that can be nonzero in a
/// result of `limbs` limbs; returns how many that is.
fn digits(g: &Garner, limbs: usize, r: &mut [&mut [u32]], bits: u32) -> usize {
    let n =
        ((limbs as u64 * crate::LIMB_BITS as u64).div_ceil(bits as u64) as usize).min(r[0].len());
    let (r0, rest) = r.split_first_mut().expect("3 or 4 primes");
    let mut rest: Vec<&mut [u32]> = rest.iter_mut().map(|x| &mut x[..n]).collect();
    (Kernels::get().lanes().digits)(&g.consts, &r0[..n], &mut rest);
    n
}

/// Coefficients per release of consumed residues in [`combine`]: 32 KiB of each residue
/// vector, at most 56 KiB of result; the result outgrows the released room by at most that
/// much, and a product of 2^16 coefficients makes 16 madvise calls.
#[cfg(any(target_pointer_width = "64", test))]
const RELEASE_CHUNK: usize = 8192;

/// Adds up x_i * 2^(i*bits) (64-bit targets, where u128 arithmetic is native) for the first
/// `n` coefficients of the digits in `r`, writes the sum's limbs into `out`'s slots in order,
/// all of them, and returns how many that was. After each coefficient the running sum's low
/// `bits` bits are final; they are appended to a bit buffer that is written out a limb at a
/// time. With `release`, gives back the pages of the first two digit vectors as it goes
/// (they are dead afterwards).
#[cfg(any(target_pointer_width = "64", test))]
fn carry<const N: usize>(
    g: &Garner,
    r: &mut [&mut [u32]],
    n: usize,
    bits: u32,
    out: &mut [MaybeUninit<Limb>],
    release: bool,
) -> usize {
    let lb = crate::LIMB_BITS;
    let mask = (1u128 << bits) - 1;
    // The running sum above the bits already emitted (< 2^125).
    let mut acc: u128 = 0;
    // Emitted bits not yet written: `cur_bits` < LIMB_BITS of them, so with one more chunk
    // (<= 56 bits) `cur` stays below 2^(32 + 56) or 2^(64 + 56).
    let mut cur: u128 = 0;
    let mut cur_bits = 0u32;
    let mut w = 0; // next limb to write
    let mut i = 0;
    let step = if release { RELEASE_CHUNK } else { n };
    while w < out.len() {
        // Up to the next release (past the last coefficient, to the end: only its carry is
        // left to drain).
        let (from, end) = (i, if i < n { n.min(i + step) } else { usize::MAX });
        {
            let r: &[&mut [u32]; N] = (&*r).try_into().expect("N residue vectors");
            let r: [&[u32]; N] = core::array::from_fn(|k| &r[k][..n]);
            while w < out.len() && i < end {
                if i < n {
                    let mut v = [0u32; 4];
                    for (vk, rk) in v.iter_mut().zip(&r) {
                        *vk = rk[i];
                    }
                    acc += g.value::<N>(&v);
                }
                i += 1;
                let chunk = acc & mask;
                // acc >>= bits on two u64 halves: bits < 64 keeps every shift in range (a u128
                // shift by a variable amount must also handle >= 64).
                let (lo, hi) = (acc as u64, (acc >> 64) as u64);
                acc = ((hi >> bits) as u128) << 64
                    | ((lo >> bits) | (hi << 1 << (63 - bits))) as u128;
                if lb == 64 {
                    // 64-bit limbs: a chunk (< 64 bits) completes at most one limb.
                    let chunk = chunk as u64;
                    let filled = cur as u64 | chunk << cur_bits;
                    if cur_bits + bits >= 64 {
                        out[w].write(filled as Limb);
                        w += 1;
                        // cur_bits > 0 here (bits < 64), so the shift is in range.
                        cur = (chunk >> (64 - cur_bits)) as u128;
                        cur_bits = cur_bits + bits - 64;
                    } else {
                        cur = filled as u128;
                        cur_bits += bits;
                    }
                } else {
                    cur |= chunk << cur_bits;
                    cur_bits += bits;
                    // 32-bit limbs: a chunk can complete two.
                    while cur_bits >= lb && w < out.len() {
                        out[w].write(cur as Limb);
                        w += 1;
                        cur >>= lb;
                        cur_bits -= lb;
                    }
                }
            }
        }
        if release && from < n {
            for x in r.iter_mut().take(2) {
                crate::mem::release(x, from, end);
            }
        }
    }
    debug_assert!(acc == 0 && cur == 0, "the product fits its limbs");
    w
}

/// `carry` for 32-bit limbs without u128 arithmetic, which 32-bit targets (wasm32) emulate
/// with library calls: the running sum is two u64 (four 32-bit words), and each coefficient's
/// products with the CRT weights (1, 2 and 3 words) are added column by column.
#[cfg(any(not(target_pointer_width = "64"), test))]
fn carry32<const N: usize>(g: &Garner, out: &mut [u32], r: &[&mut [u32]], n: usize, bits: u32) {
    let r: &[&mut [u32]; N] = r.try_into().expect("N residue vectors");
    let r: [&[u32]; N] = core::array::from_fn(|k| &r[k][..n]);
    const M: u64 = u32::MAX as u64;
    let a = g.weight[1] as u64; // < 2^31
    let b = [g.weight[2] as u64 & M, (g.weight[2] >> 32) as u64]; // < 2^62
    let c = [0, 32, 64].map(|s| (g.weight[3] >> s) as u64 & M); // < 2^93
    let mask = (1u64 << bits) - 1;
    // The running sum above the bits already emitted (< 2^125), low and high 64 bits.
    let (mut lo, mut hi) = (0u64, 0u64);
    // Emitted bits not yet written: fewer than 32.
    let mut cur: u64 = 0;
    let mut cur_bits = 0u32;
    let mut w = 0;
    let mut i = 0;
    while w < out.len() {
        if i < n {
            let v = |k: usize| r[k][i] as u64;
            // Columns of 32 bits; each sums at most eight terms below 2^32.
            let p1 = v(1) * a;
            let (p2l, p2h) = (v(2) * b[0], v(2) * b[1]);
            let mut s0 = (lo & M) + v(0) + (p1 & M) + (p2l & M);
            let mut s1 = (lo >> 32) + (p1 >> 32) + (p2l >> 32) + (p2h & M);
            let mut s2 = (hi & M) + (p2h >> 32);
            let mut s3 = hi >> 32;
            if N == 4 {
                let (p3l, p3m, p3h) = (v(3) * c[0], v(3) * c[1], v(3) * c[2]);
                s0 += p3l & M;
                s1 += (p3l >> 32) + (p3m & M);
                s2 += (p3m >> 32) + (p3h & M);
                s3 += p3h >> 32;
            }
            s1 += s0 >> 32;
            s2 += s1 >> 32;
            s3 += s2 >> 32;
            lo = (s0 & M) | s1 << 32;
            hi = (s2 & M) | s3 << 32;
            i += 1;
        } // past the last coefficient only its carry is left to drain
        let chunk = lo & mask;
        // (hi, lo) >>= bits: 0 < bits < 64 keeps both shifts in range.
        lo = lo >> bits | hi << (64 - bits);
        hi >>= bits;
        // The stream's next cur_bits + bits (< 32 + 56) bits: low 64 in `low`, the rest in
        // `high` (< 2^24).
        let mut low = cur | chunk << cur_bits;
        let mut high = if cur_bits == 0 {
            0
        } else {
            chunk >> (64 - cur_bits)
        };
        let mut total = cur_bits + bits;
        while total >= 32 && w < out.len() {
            out[w] = low as u32;
            w += 1;
            low = low >> 32 | high << 32;
            high = 0;
            total -= 32;
        }
        cur = low;
        cur_bits = total;
    }
    debug_assert!(lo == 0 && hi == 0 && cur == 0, "the product fits its limbs");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every lane backend's digits against the scalar definition, including lengths that
    /// leave coefficients to the scalar tail.
    #[test]
    fn lane_digits_match_scalar_digits() {
        let mut next = super::super::residues_below(0x0fed_cba9_8765_4321u64);
        let (_, lanes) = Kernels::available_per_family();
        for primes in [3usize, 4] {
            let g = Garner::new(primes);
            for n in [0usize, 3, 4, 5, 8, 9, 64, 1001] {
                let res: Vec<Vec<u32>> = (0..primes)
                    .map(|k| (0..n).map(|_| next(PRIMES[k].p)).collect())
                    .collect();
                let mut want = res.clone();
                for i in 0..n {
                    let mut d = [res[0][i], 0, 0, 0];
                    for k in 1..primes {
                        d[k] = g.consts.digit(k, res[k][i], &d);
                        want[k][i] = d[k];
                    }
                }
                for kernels in &lanes {
                    let mut got = res.clone();
                    let (g0, gr) = got.split_at_mut(1);
                    let mut rest: Vec<&mut [u32]> =
                        gr.iter_mut().map(|v| v.as_mut_slice()).collect();
                    let k = Kernels {
                        rows: Kernels::best().rows,
                        lanes: *kernels,
                    };
                    (k.lanes().digits)(&g.consts, &g0[0], &mut rest);
                    assert_eq!(got, want, "{kernels:?}, {primes} primes, {n} coefficients");
                }
            }
        }
    }

    /// The 32-bit carry pass against the u128 one, for random residues of every plan width
    /// (3 and 4 primes, coefficient sizes up to the largest), written as 32-bit words.
    #[test]
    fn carry32_matches_carry() {
        let mut s = 0x0123_4567_89ab_cdefu64;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        for primes in [3usize, 4] {
            let g = Garner::new(primes);
            for bits in [1u32, 17, 30, 31, 32, 33, 40, 47, 56] {
                for n in [1usize, 2, 7, 64, 301] {
                    // Digits of any coefficient below P: d_k < q_k (mixed radix).
                    let res: Vec<Vec<u32>> = (0..primes)
                        .map(|k| {
                            (0..n)
                                .map(|_| (next() % PRIMES[k].p as u64) as u32)
                                .collect()
                        })
                        .collect();
                    // Room for every coefficient and its carry: n * bits + 128 bits.
                    let words = (n * bits as usize + 128).div_ceil(64);
                    let mut r: Vec<Vec<u32>> = res.clone();
                    let mut r: Vec<&mut [u32]> = r.iter_mut().map(|v| v.as_mut_slice()).collect();
                    let limbs = words * 64 / crate::LIMB_BITS as usize;
                    let mut want = vec![MaybeUninit::<Limb>::uninit(); limbs];
                    let written = match primes {
                        3 => carry::<3>(&g, &mut r, n, bits, &mut want, false),
                        _ => carry::<4>(&g, &mut r, n, bits, &mut want, false),
                    };
                    assert_eq!(written, limbs);
                    // SAFETY: the carry pass wrote all `written` = `limbs` slots.
                    let want: Vec<Limb> = want.iter().map(|l| unsafe { l.assume_init() }).collect();
                    #[allow(clippy::unnecessary_cast)] // Limb is u32 on 32-bit targets
                    let want: Vec<u32> = want
                        .iter()
                        .flat_map(|&l| {
                            (0..crate::LIMB_BITS / 32).map(move |k| (l as u64 >> (32 * k)) as u32)
                        })
                        .collect();
                    let mut got = vec![0u32; 2 * words];
                    r.iter_mut()
                        .zip(&res)
                        .for_each(|(a, b)| a.copy_from_slice(b));
                    match primes {
                        3 => carry32::<3>(&g, &mut got, &r, n, bits),
                        _ => carry32::<4>(&g, &mut got, &r, n, bits),
                    }
                    assert_eq!(got, want, "{primes} primes, {bits} bits, {n} coefficients");
                }
            }
        }
    }
}
