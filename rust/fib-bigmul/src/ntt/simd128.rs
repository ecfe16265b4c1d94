//! The transform kernels written with WebAssembly SIMD128 (wasm32 built with `+simd128`).
//!
//! Auto-vectorized Montgomery code widens every product to two 64-bit lanes and narrows it
//! back; here all four u32 lanes are kept: the high halves of the 32x32-bit products come from
//! two `extmul`s and one shuffle, the low halves from `i32x4.mul`, and a block's constant
//! twiddle uses Shoup's form (one high product instead of two), as the AVX2 kernels do. The
//! last two levels of a 64-value leaf (blocks of 4 and 2 values) regroup two 4-blocks in
//! registers so that every lane holds a butterfly.
//!
//! WebAssembly has no run-time feature detection: these kernels exist only in builds compiled
//! with `+simd128`, which then need a SIMD-capable engine. On other targets the same code runs
//! on an emulation of the lanes in plain Rust, for the tests that compare it with the portable
//! kernels on the host (the Pyodide test suite then checks the real instructions).

use super::field::Prime;
use super::transform::{Twiddles, LEAF};
use super::PRIMES;
use lanes::*;

/// The few SIMD128 operations the kernels use, on `v128`.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::*;

    pub type V = v128;

    #[inline(always)]
    pub fn splat(x: u32) -> V {
        u32x4_splat(x)
    }

    #[inline(always)]
    pub fn load(s: &[u32]) -> V {
        assert!(s.len() >= 4);
        // SAFETY: 4 readable u32 (checked); v128 loads need no alignment.
        unsafe { v128_load(s.as_ptr() as *const v128) }
    }

    #[inline(always)]
    pub fn store(s: &mut [u32], x: V) {
        assert!(s.len() >= 4);
        // SAFETY: 4 writable u32 (checked); v128 stores need no alignment.
        unsafe { v128_store(s.as_mut_ptr() as *mut v128, x) }
    }

    #[inline(always)]
    pub fn add(a: V, b: V) -> V {
        i32x4_add(a, b)
    }

    #[inline(always)]
    pub fn sub(a: V, b: V) -> V {
        i32x4_sub(a, b)
    }

    #[inline(always)]
    pub fn min(a: V, b: V) -> V {
        u32x4_min(a, b)
    }

    /// Low 32 bits of the lane products.
    #[inline(always)]
    pub fn mul_lo(a: V, b: V) -> V {
        i32x4_mul(a, b)
    }

    /// High 32 bits of the unsigned lane products.
    #[inline(always)]
    pub fn mul_hi(a: V, b: V) -> V {
        let lo = u64x2_extmul_low_u32x4(a, b);
        let hi = u64x2_extmul_high_u32x4(a, b);
        i32x4_shuffle::<1, 3, 5, 7>(lo, hi)
    }

    /// Lanes of a then b, numbered 0..8, picked by the indices.
    #[inline(always)]
    pub fn shuffle<const I0: usize, const I1: usize, const I2: usize, const I3: usize>(
        a: V,
        b: V,
    ) -> V {
        i32x4_shuffle::<I0, I1, I2, I3>(a, b)
    }
}

/// The same operations on four u32 in plain Rust, with the instructions' exact semantics.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    pub type V = [u32; 4];

    fn map(a: V, b: V, op: impl Fn(u32, u32) -> u32) -> V {
        core::array::from_fn(|i| op(a[i], b[i]))
    }

    pub fn splat(x: u32) -> V {
        [x; 4]
    }

    pub fn load(s: &[u32]) -> V {
        s[..4].try_into().expect("4 lanes")
    }

    pub fn store(s: &mut [u32], x: V) {
        s[..4].copy_from_slice(&x);
    }

    pub fn add(a: V, b: V) -> V {
        map(a, b, u32::wrapping_add)
    }

    pub fn sub(a: V, b: V) -> V {
        map(a, b, u32::wrapping_sub)
    }

    pub fn min(a: V, b: V) -> V {
        map(a, b, u32::min)
    }

    pub fn mul_lo(a: V, b: V) -> V {
        map(a, b, u32::wrapping_mul)
    }

    pub fn mul_hi(a: V, b: V) -> V {
        map(a, b, |x, y| ((x as u64 * y as u64) >> 32) as u32)
    }

    pub fn shuffle<const I0: usize, const I1: usize, const I2: usize, const I3: usize>(
        a: V,
        b: V,
    ) -> V {
        let c = [a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]];
        [c[I0], c[I1], c[I2], c[I3]]
    }
}

/// The prime's constants broadcast to all lanes.
#[derive(Clone, Copy)]
struct Lanes {
    f: Prime,
    p: V,
    /// p^-1 mod 2^32 (positive: the reduction subtracts m*p instead of adding it).
    pinv: V,
}

impl Lanes {
    #[inline(always)]
    fn new(f: Prime) -> Lanes {
        Lanes {
            f,
            p: splat(f.p),
            pinv: splat(f.pinv_neg.wrapping_neg()),
        }
    }
}

/// a * b / 2^32 mod p in every lane (operands < p, result in [0, p)). With m = ab p^-1 mod
/// 2^32, ab - mp is divisible by 2^32, so its quotient is the difference of the high halves
/// (no carry to track), and lies in (-p, p).
#[inline(always)]
fn mul(v: Lanes, a: V, b: V) -> V {
    let m = mul_lo(mul_lo(a, b), v.pinv);
    let d = sub(mul_hi(a, b), mul_hi(m, v.p));
    min(d, add(d, v.p))
}

#[inline(always)]
fn add_mod(v: Lanes, a: V, b: V) -> V {
    let s = add(a, b);
    min(s, sub(s, v.p))
}

#[inline(always)]
fn sub_mod(v: Lanes, a: V, b: V) -> V {
    let d = sub(a, b);
    min(d, add(d, v.p))
}

/// b * w mod p by Shoup's method, w = (plain, floor(plain 2^32 / p)) broadcast: the quotient
/// estimate q = hi32(b * w') is off by at most one, so b*w - q*p (mod 2^32) is in [0, 2p).
#[inline(always)]
fn mul_shoup(v: Lanes, b: V, w: V, wq: V) -> V {
    let q = mul_hi(b, wq);
    let r = sub(mul_lo(b, w), mul_lo(q, v.p));
    min(r, sub(r, v.p))
}

/// Forward butterflies of block `blk`: Shoup's product where the twiddle table has it,
/// Montgomery's otherwise.
#[inline(always)]
fn forward_block(v: Lanes, t: &Twiddles, lo: &mut [u32], hi: &mut [u32], blk: usize) {
    if blk == 0 {
        // The twiddle of block 0 is 1: the top level of every transform needs no products.
        for (a, b) in lo.chunks_exact_mut(4).zip(hi.chunks_exact_mut(4)) {
            let (x, y) = (load(a), load(b));
            store(a, add_mod(v, x, y));
            store(b, sub_mod(v, x, y));
        }
        return;
    }
    match t.fwd_shoup(blk) {
        Some((w, wq)) => {
            let (w, wq) = (splat(w), splat(wq));
            for (a, b) in lo.chunks_exact_mut(4).zip(hi.chunks_exact_mut(4)) {
                let (x, y) = (load(a), load(b));
                let t = mul_shoup(v, y, w, wq);
                store(a, add_mod(v, x, t));
                store(b, sub_mod(v, x, t));
            }
        }
        None => {
            let w = splat(t.fwd(v.f, blk));
            for (a, b) in lo.chunks_exact_mut(4).zip(hi.chunks_exact_mut(4)) {
                let (x, y) = (load(a), load(b));
                let t = mul(v, y, w);
                store(a, add_mod(v, x, t));
                store(b, sub_mod(v, x, t));
            }
        }
    }
}

/// Inverse butterflies of block `blk` (Shoup where possible).
#[inline(always)]
fn inverse_block(v: Lanes, t: &Twiddles, lo: &mut [u32], hi: &mut [u32], blk: usize) {
    if blk == 0 {
        for (a, b) in lo.chunks_exact_mut(4).zip(hi.chunks_exact_mut(4)) {
            let (x, y) = (load(a), load(b));
            store(a, add_mod(v, x, y));
            store(b, sub_mod(v, x, y));
        }
        return;
    }
    match t.inv_shoup(blk) {
        Some((w, wq)) => {
            let (w, wq) = (splat(w), splat(wq));
            for (a, b) in lo.chunks_exact_mut(4).zip(hi.chunks_exact_mut(4)) {
                let (x, y) = (load(a), load(b));
                store(a, add_mod(v, x, y));
                store(b, mul_shoup(v, sub_mod(v, x, y), w, wq));
            }
        }
        None => {
            let w = splat(t.inv(v.f, blk));
            for (a, b) in lo.chunks_exact_mut(4).zip(hi.chunks_exact_mut(4)) {
                let (x, y) = (load(a), load(b));
                store(a, add_mod(v, x, y));
                store(b, mul(v, sub_mod(v, x, y), w));
            }
        }
    }
}

/// x <- x^2 (or x*y) cyclically, scaled by k; length a power of two >= LEAF.
pub fn run(f: Prime, t: &Twiddles, x: &mut [u32], y: Option<&mut [u32]>, k: u32) {
    debug_assert!(x.len() >= LEAF);
    rec(Lanes::new(f), t, x, y, 0, k);
}

fn rec(v: Lanes, t: &Twiddles, x: &mut [u32], y: Option<&mut [u32]>, blk: usize, k: u32) {
    let n = x.len();
    if n == LEAF {
        leaf(v, t, x, y, blk, k);
        return;
    }
    let h = n / 2;
    let (x0, x1) = x.split_at_mut(h);
    forward_block(v, t, x0, x1, blk);
    match y {
        Some(y) => {
            let (y0, y1) = y.split_at_mut(h);
            forward_block(v, t, y0, y1, blk);
            rec(v, t, x0, Some(y0), 2 * blk, k);
            rec(v, t, x1, Some(y1), 2 * blk + 1, k);
        }
        None => {
            rec(v, t, x0, None, 2 * blk, k);
            rec(v, t, x1, None, 2 * blk + 1, k);
        }
    }
    inverse_block(v, t, x0, x1, blk);
}

/// One LEAF-value block: levels of 64 down to 8 as plain butterflies, the last two levels,
/// the pointwise product and the first two inverse levels in registers, then the rest.
fn leaf(v: Lanes, t: &Twiddles, x: &mut [u32], mut y: Option<&mut [u32]>, blk: usize, k: u32) {
    const _: () = assert!(LEAF == 64);
    for buf in core::iter::once(&mut *x).chain(y.as_deref_mut()) {
        upper_forward(v, t, buf, blk);
    }
    // x * k / 2^32 by Shoup's method: k as a plain value.
    let kp = v.f.reduce(k as u64);
    let kq = (((kp as u64) << 32) / v.f.p as u64) as u32;
    let k = (splat(kp), splat(kq));
    match (last_shoup(t, true, blk), last_shoup(t, false, blk)) {
        (Some(fw), Some(iw)) => last2::<true>(v, x, y, &fw, &iw, k),
        _ => {
            let (fw, iw) = (
                last_montgomery(v, t, true, blk),
                last_montgomery(v, t, false, blk),
            );
            last2::<false>(v, x, y, &fw, &iw, k)
        }
    }
    upper_inverse(v, t, x, blk);
}

/// The twiddle vectors of a leaf's last two levels, per pair j of 4-blocks: `w4[j]` is
/// [w w w' w'] (the two 4-blocks), `w2[j]` the four 2-blocks'; `q4` and `q2` are the Shoup
/// quotients where the twiddles are in Shoup's form.
struct LastTwiddles {
    w4: [V; 8],
    q4: [V; 8],
    w2: [V; 8],
    q2: [V; 8],
}

/// Montgomery-form twiddles: always available.
#[inline(always)]
fn last_montgomery(v: Lanes, t: &Twiddles, forward: bool, blk: usize) -> LastTwiddles {
    let (mut w4, mut w2) = ([0u32; 16], [0u32; 32]);
    twiddle_run(v, t, forward, blk * 16, &mut w4);
    twiddle_run(v, t, forward, blk * 32, &mut w2);
    let mut tw = LastTwiddles {
        w4: [splat(0); 8],
        q4: [splat(0); 8],
        w2: [splat(0); 8],
        q2: [splat(0); 8],
    };
    for (m, o) in tw.w4.chunks_exact_mut(2).enumerate() {
        let q = load(&w4[4 * m..]);
        o[0] = shuffle::<0, 0, 1, 1>(q, q);
        o[1] = shuffle::<2, 2, 3, 3>(q, q);
    }
    for (j, o) in tw.w2.iter_mut().enumerate() {
        *o = load(&w2[4 * j..]);
    }
    tw
}

/// Shoup-form twiddles, if the blocks are in the coarse table (every leaf of transforms up to
/// 2^13 values, the first 4096 / 32 leaves of longer ones).
#[inline(always)]
fn last_shoup(t: &Twiddles, forward: bool, blk: usize) -> Option<LastTwiddles> {
    let s4 = t.shoup_run(forward, blk * 16, 16)?; // 16 (w, w') pairs
    let s2 = t.shoup_run(forward, blk * 32, 32)?;
    let mut tw = LastTwiddles {
        w4: [splat(0); 8],
        q4: [splat(0); 8],
        w2: [splat(0); 8],
        q2: [splat(0); 8],
    };
    for j in 0..8 {
        let l = load(&s4[4 * j..]);
        tw.w4[j] = shuffle::<0, 0, 2, 2>(l, l);
        tw.q4[j] = shuffle::<1, 1, 3, 3>(l, l);
        let (l0, l1) = (load(&s2[8 * j..]), load(&s2[8 * j + 4..]));
        tw.w2[j] = shuffle::<0, 2, 4, 6>(l0, l1);
        tw.q2[j] = shuffle::<1, 3, 5, 7>(l0, l1);
    }
    Some(tw)
}

/// x * w, by Shoup's product (w' = q) or Montgomery's.
#[inline(always)]
fn mul_tw<const SHOUP: bool>(v: Lanes, x: V, w: V, q: V) -> V {
    if SHOUP {
        mul_shoup(v, x, w, q)
    } else {
        mul(v, x, w)
    }
}

/// The last two levels, forward and inverse, and the pointwise product scaled by k (Shoup's
/// form), two 4-blocks at a time.
#[inline(always)]
fn last2<const SHOUP: bool>(
    v: Lanes,
    x: &mut [u32],
    mut y: Option<&mut [u32]>,
    fw: &LastTwiddles,
    iw: &LastTwiddles,
    (kv, kq): (V, V),
) {
    let fwd = |a: V, b: V, j: usize| -> (V, V) {
        // Blocks of 4: halves are 64-bit pairs.
        let lo = shuffle::<0, 1, 4, 5>(a, b);
        let hi = shuffle::<2, 3, 6, 7>(a, b);
        let t = mul_tw::<SHOUP>(v, hi, fw.w4[j], fw.q4[j]);
        let (lo, hi) = (add_mod(v, lo, t), sub_mod(v, lo, t));
        // Blocks of 2: lo = [a0 a1 b0 b1], hi = [a2 a3 b2 b3]; even and odd values.
        let e = shuffle::<0, 4, 2, 6>(lo, hi);
        let o = shuffle::<1, 5, 3, 7>(lo, hi);
        let t = mul_tw::<SHOUP>(v, o, fw.w2[j], fw.q2[j]);
        (add_mod(v, e, t), sub_mod(v, e, t))
    };
    for j in 0..8 {
        let (xa, xb) = x[8 * j..8 * j + 8].split_at_mut(4);
        let (mut e, mut o) = fwd(load(xa), load(xb), j);
        match y.as_deref_mut() {
            Some(y) => {
                let (ya, yb) = y[8 * j..8 * j + 8].split_at(4);
                let (ye, yo) = fwd(load(ya), load(yb), j);
                e = mul_shoup(v, mul(v, e, ye), kv, kq);
                o = mul_shoup(v, mul(v, o, yo), kv, kq);
            }
            None => {
                e = mul_shoup(v, mul(v, e, e), kv, kq);
                o = mul_shoup(v, mul(v, o, o), kv, kq);
            }
        }
        // The inverse (without the 1/4: the pointwise scale holds it).
        let (e, o) = (
            add_mod(v, e, o),
            mul_tw::<SHOUP>(v, sub_mod(v, e, o), iw.w2[j], iw.q2[j]),
        );
        let lo = shuffle::<0, 4, 2, 6>(e, o);
        let hi = shuffle::<1, 5, 3, 7>(e, o);
        let (lo, hi) = (
            add_mod(v, lo, hi),
            mul_tw::<SHOUP>(v, sub_mod(v, lo, hi), iw.w4[j], iw.q4[j]),
        );
        store(xa, shuffle::<0, 1, 4, 5>(lo, hi));
        store(xb, shuffle::<2, 3, 6, 7>(lo, hi));
    }
}

/// The twiddles of blocks first..first + out.len() (see `Twiddles::run`), 4 at a time: past
/// the coarse table every leaf needs 96 products, as many as a third of its butterflies.
#[inline(always)]
fn twiddle_run(v: Lanes, t: &Twiddles, forward: bool, first: usize, out: &mut [u32]) {
    if let Some(w) = t.run_coarse(v.f, forward, first, out) {
        let w = splat(w);
        for c in out.chunks_exact_mut(4) {
            store(c, mul(v, load(c), w));
        }
    }
}

/// Mixed-radix digits of the CRT (see `crt::digits3`), 4 coefficients at a time: `rest` holds
/// the residues modulo the primes after the first (2 or 3 of them) and receives the digits;
/// `prefix` and `inv` are the Garner constants. Returns how many coefficients were done (a
/// multiple of 4; the caller finishes the others).
pub fn garner_digits(
    prefix: &[[u32; 4]; 4],
    inv: &[u32; 4],
    r0: &[u32],
    rest: &mut [&mut [u32]],
) -> usize {
    // Plain loops, not array::map: with JavaScript exceptions (Pyodide 0.21.3) a call that
    // may unwind goes through a JavaScript trampoline, which cannot pass v128 values.
    let mut lanes = [Lanes::new(PRIMES[0]); 4];
    let (mut pre, mut inv_v) = ([[splat(0); 4]; 4], [splat(0); 4]);
    for k in 1..=rest.len() {
        lanes[k] = Lanes::new(PRIMES[k]);
        inv_v[k] = splat(inv[k]);
        for j in 1..k {
            pre[k][j] = splat(prefix[k][j]);
        }
    }
    let done = r0.len() / 4 * 4;
    for i in (0..done).step_by(4) {
        let mut d = [load(&r0[i..]); 4];
        for (k, r) in rest.iter_mut().enumerate().map(|(k, r)| (k + 1, r)) {
            let v = lanes[k];
            let mut s = d[0];
            for j in 1..k {
                s = add_mod(v, s, mul(v, d[j], pre[k][j]));
            }
            d[k] = mul(v, sub_mod(v, load(&r[i..]), s), inv_v[k]);
            store(&mut r[i..], d[k]);
        }
    }
    done
}

/// Levels with blocks of 64 down to 8 inside a leaf (each block's twiddle broadcast).
#[inline(always)]
fn upper_forward(v: Lanes, t: &Twiddles, x: &mut [u32], blk: usize) {
    let mut h = LEAF / 2;
    let mut nb = 1;
    while h >= 4 {
        for (j, chunk) in x.chunks_exact_mut(2 * h).enumerate() {
            let (a, b) = chunk.split_at_mut(h);
            forward_block(v, t, a, b, blk * nb + j);
        }
        h /= 2;
        nb *= 2;
    }
}

#[inline(always)]
fn upper_inverse(v: Lanes, t: &Twiddles, x: &mut [u32], blk: usize) {
    let mut h = 4;
    let mut nb = LEAF / 8;
    while h < LEAF {
        for (j, chunk) in x.chunks_exact_mut(2 * h).enumerate() {
            let (a, b) = chunk.split_at_mut(h);
            inverse_block(v, t, a, b, blk * nb + j);
        }
        h *= 2;
        nb /= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::super::transform;
    use super::*;

    /// The lane code (run here on the emulated lanes) against the portable kernels, value for
    /// value, for squares and products, every prime, every length from one leaf to 2^16 (from
    /// 2^16 on, small blocks of the leaves' upper levels are past the Shoup table and take the
    /// Montgomery branch).
    #[test]
    fn lanes_match_the_portable_kernels() {
        let mut s = 0x1234_5678_9abc_def0u64;
        let mut next = move |p: u32| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s % p as u64) as u32
        };
        for (f, t) in PRIMES.iter().zip(super::super::twiddles()) {
            for log in 6..=16 {
                let n = 1usize << log;
                let k = transform::pointwise_scale(*f, n);
                let x: Vec<u32> = (0..n).map(|_| next(f.p)).collect();
                let y: Vec<u32> = (0..n).map(|_| next(f.p)).collect();
                let (mut want, mut got) = (x.clone(), x.clone());
                transform::generic::square(*f, t, &mut want, k);
                run(*f, t, &mut got, None, k);
                assert_eq!(got, want, "square, p = {}, n = {n}", f.p);
                let (mut want, mut got) = (x.clone(), x.clone());
                let (mut y1, mut y2) = (y.clone(), y.clone());
                transform::generic::multiply(*f, t, &mut want, &mut y1, k);
                run(*f, t, &mut got, Some(&mut y2), k);
                assert_eq!(got, want, "product, p = {}, n = {n}", f.p);
            }
        }
    }
}
