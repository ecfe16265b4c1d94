//! The transform, the CRT's digits and the split transform's weights, written once over
//! `arch::Lanes` and compiled for each lane backend (AVX2, SIMD128, portable), which
//! `arch::Kernels` chooses.
//!
//! Everything here is `#[inline(always)]`: each backend's entry point (with its target
//! features enabled, for AVX2) inlines the whole kernel, lane operations included. So the
//! transform is not a recursion but a loop over the leaves in the order a recursion would
//! visit them.

use super::crt::GarnerConsts;
use super::field::Prime;
use super::twiddles::Twiddles;
use super::PRIMES;
use crate::arch::{Consts, Lanes};

/// Values per leaf: a block of this size is finished (every remaining level, the pointwise
/// product, and back) while it is in the L1 cache.
pub(crate) const LEAF: usize = 64;

/// Steps of the leaf's last levels: each takes 2 W values.
const MAX_STEPS: usize = LEAF / 8;

/// x <- x^2 (`y` None) or x*y (`y` is used as scratch) cyclically, scaled by `k` (see
/// `twiddles::pointwise_scale`); the length is a power of two, at least `LEAF`.
///
/// Depth first, as the recursion "forward butterflies of a block, both halves, inverse
/// butterflies" would go: before leaf j come the forward butterflies of every block that
/// starts there (largest first), after it the inverse ones of every block that ends there
/// (smallest first); the block of 2^h leaves around leaf j has index j >> h at its level.
#[inline(always)]
pub(crate) fn transform<V: Lanes>(
    f: Prime,
    t: &Twiddles,
    x: &mut [u32],
    mut y: Option<&mut [u32]>,
    k: u32,
) {
    const { assert!(V::W == 4 || V::W == 8) };
    let c = Consts::<V>::new(f);
    let n = x.len();
    assert!(n.is_power_of_two() && n >= LEAF);
    assert!(y.as_ref().is_none_or(|y| y.len() == n));
    // x * k / 2^32 by Shoup's method.
    let [kp, kq] = f.shoup(k);
    let k = (V::splat(kp), V::splat(kq));
    let leaves = n / LEAF;
    let height = leaves.trailing_zeros();
    for j in 0..leaves {
        for h in (1..=j.trailing_zeros().min(height)).rev() {
            let block = j * LEAF..(j + (1 << h)) * LEAF;
            for buf in core::iter::once(&mut *x).chain(y.as_deref_mut()) {
                let (lo, hi) = buf[block.clone()].split_at_mut((LEAF << h) / 2);
                forward_block(&c, t, lo, hi, j >> h);
            }
        }
        let leaf_values = j * LEAF..(j + 1) * LEAF;
        let y_leaf = y.as_deref_mut().map(|y| &mut y[leaf_values.clone()]);
        leaf(&c, t, &mut x[leaf_values], y_leaf, j, k);
        for h in 1..=(j + 1).trailing_zeros().min(height) {
            let block = (j + 1 - (1 << h)) * LEAF..(j + 1) * LEAF;
            let (lo, hi) = x[block].split_at_mut((LEAF << h) / 2);
            inverse_block(&c, t, lo, hi, j >> h);
        }
    }
}

/// (a, b) <- (a + w b, a - w b) over two halves, w the twiddle of block `blk`: Shoup's product
/// where the table has the twiddle in that form, Montgomery's otherwise, none for block 0
/// (w = 1: the top level of every transform).
#[inline(always)]
fn forward_block<V: Lanes>(
    c: &Consts<V>,
    t: &Twiddles,
    lo: &mut [u32],
    hi: &mut [u32],
    blk: usize,
) {
    if blk == 0 {
        return butterflies(c, lo, hi, Twiddle::One);
    }
    match t.fwd_shoup(blk) {
        Some((w, q)) => butterflies(c, lo, hi, Twiddle::Shoup(V::splat(w), V::splat(q))),
        None => butterflies(c, lo, hi, Twiddle::Mont(V::splat(t.fwd(c.f, blk)))),
    }
}

/// (a, b) <- (a + b, (a - b) w), w the inverse twiddle of block `blk`.
#[inline(always)]
fn inverse_block<V: Lanes>(
    c: &Consts<V>,
    t: &Twiddles,
    lo: &mut [u32],
    hi: &mut [u32],
    blk: usize,
) {
    if blk == 0 {
        return inverse_butterflies(c, lo, hi, Twiddle::One);
    }
    match t.inv_shoup(blk) {
        Some((w, q)) => inverse_butterflies(c, lo, hi, Twiddle::Shoup(V::splat(w), V::splat(q))),
        None => inverse_butterflies(c, lo, hi, Twiddle::Mont(V::splat(t.inv(c.f, blk)))),
    }
}

/// A twiddle in every lane, in the form its product takes.
#[derive(Clone, Copy)]
enum Twiddle<V> {
    One,
    /// Montgomery form.
    Mont(V),
    /// Plain value and Shoup's quotient.
    Shoup(V, V),
}

impl<V: Lanes> Twiddle<V> {
    #[inline(always)]
    fn times(self, c: &Consts<V>, x: V) -> V {
        match self {
            Twiddle::One => x,
            Twiddle::Mont(w) => c.mul(x, w),
            Twiddle::Shoup(w, q) => x.mul_shoup(w, q, c),
        }
    }
}

#[inline(always)]
fn butterflies<V: Lanes>(c: &Consts<V>, lo: &mut [u32], hi: &mut [u32], w: Twiddle<V>) {
    for (a, b) in lo.chunks_exact_mut(V::W).zip(hi.chunks_exact_mut(V::W)) {
        let (x, y) = (V::load(a), V::load(b));
        let t = w.times(c, y);
        c.add(x, t).store(a);
        c.sub(x, t).store(b);
    }
}

#[inline(always)]
fn inverse_butterflies<V: Lanes>(c: &Consts<V>, lo: &mut [u32], hi: &mut [u32], w: Twiddle<V>) {
    for (a, b) in lo.chunks_exact_mut(V::W).zip(hi.chunks_exact_mut(V::W)) {
        let (x, y) = (V::load(a), V::load(b));
        c.add(x, y).store(a);
        w.times(c, c.sub(x, y)).store(b);
    }
}

/// One leaf (block `blk` of LEAF values): the levels of blocks of 64 down to 2 W values as
/// plain butterflies, then the last levels, the pointwise product and back in registers
/// (`last_levels`), then the inverse of the first part.
#[inline(always)]
fn leaf<V: Lanes>(
    c: &Consts<V>,
    t: &Twiddles,
    x: &mut [u32],
    mut y: Option<&mut [u32]>,
    blk: usize,
    k: (V, V),
) {
    for buf in core::iter::once(&mut *x).chain(y.as_deref_mut()) {
        let (mut h, mut nb) = (LEAF / 2, 1);
        while h >= V::W {
            for (j, block) in buf.chunks_exact_mut(2 * h).enumerate() {
                let (lo, hi) = block.split_at_mut(h);
                forward_block(c, t, lo, hi, blk * nb + j);
            }
            (h, nb) = (h / 2, nb * 2);
        }
    }
    match (
        LastTwiddles::shoup(t, true, blk),
        LastTwiddles::shoup(t, false, blk),
    ) {
        (Some(fw), Some(iw)) => last_levels::<V, true>(c, x, y, &fw, &iw, k),
        _ => {
            let fw = LastTwiddles::montgomery(c, t, true, blk);
            let iw = LastTwiddles::montgomery(c, t, false, blk);
            last_levels::<V, false>(c, x, y, &fw, &iw, k)
        }
    }
    let (mut h, mut nb) = (V::W, LEAF / (2 * V::W));
    while h < LEAF {
        for (j, block) in x.chunks_exact_mut(2 * h).enumerate() {
            let (lo, hi) = block.split_at_mut(h);
            inverse_block(c, t, lo, hi, blk * nb + j);
        }
        (h, nb) = (h * 2, nb / 2);
    }
}

/// The twiddle vectors of a leaf's last levels, per step s (values 2 W s .. 2 W (s + 1)):
/// `w8`: blocks of 8 (W = 8 only), `w4`: blocks of 4, `w2`: blocks of 2, each lane holding
/// the twiddle of its butterfly; `q*` are Shoup's quotients where the form is Shoup's.
struct LastTwiddles<V> {
    w8: [V; MAX_STEPS],
    q8: [V; MAX_STEPS],
    w4: [V; MAX_STEPS],
    q4: [V; MAX_STEPS],
    w2: [V; MAX_STEPS],
    q2: [V; MAX_STEPS],
}

impl<V: Lanes> LastTwiddles<V> {
    #[inline(always)]
    fn zero() -> Self {
        let z = [V::splat(0); MAX_STEPS];
        LastTwiddles {
            w8: z,
            q8: z,
            w4: z,
            q4: z,
            w2: z,
            q2: z,
        }
    }

    /// [a a a a b b b b]: the twiddles of a step's two blocks of 8 (W = 8).
    #[inline(always)]
    fn halves(a: u32, b: u32) -> V {
        let mut v = [a; 8];
        v[4..].fill(b);
        V::load(&v)
    }

    /// Montgomery-form twiddles: always available.
    #[inline(always)]
    fn montgomery(c: &Consts<V>, t: &Twiddles, forward: bool, blk: usize) -> Self {
        let (mut w8, mut w4, mut w2) = ([0u32; 8], [0u32; 16], [0u32; 32]);
        if V::W == 8 {
            twiddle_run(c, t, forward, blk * 8, &mut w8);
        }
        twiddle_run(c, t, forward, blk * 16, &mut w4);
        twiddle_run(c, t, forward, blk * 32, &mut w2);
        let mut tw = Self::zero();
        for s in 0..LEAF / (2 * V::W) {
            if V::W == 8 {
                tw.w8[s] = Self::halves(w8[2 * s], w8[2 * s + 1]);
            }
            tw.w4[s] = V::dup2(&w4[s * V::W / 2..]);
            tw.w2[s] = V::load(&w2[s * V::W..]);
        }
        tw
    }

    /// Shoup-form twiddles, if the table has every one of them (all leaves of transforms up
    /// to 32 SHOUP_LEN values, the first SHOUP_LEN / 32 leaves of longer ones).
    #[inline(always)]
    fn shoup(t: &Twiddles, forward: bool, blk: usize) -> Option<Self> {
        let s2 = t.shoup_run(forward, blk * 32, 32)?; // (w, q) pairs
        let s4 = t.shoup_run(forward, blk * 16, 16)?;
        let s8 = t.shoup_run(forward, blk * 8, 8)?;
        let mut tw = Self::zero();
        for s in 0..LEAF / (2 * V::W) {
            if V::W == 8 {
                tw.w8[s] = Self::halves(s8[4 * s], s8[4 * s + 2]);
                tw.q8[s] = Self::halves(s8[4 * s + 1], s8[4 * s + 3]);
            }
            (tw.w4[s], tw.q4[s]) = V::dup_pairs(&s4[s * V::W..]);
            (tw.w2[s], tw.q2[s]) = V::unzip(&s2[s * 2 * V::W..]);
        }
        Some(tw)
    }
}

/// The twiddles of blocks first..first + out.len() (see `Twiddles::run`), W at a time: past
/// the coarse table every leaf needs 96 products, as many as a third of its butterflies.
#[inline(always)]
fn twiddle_run<V: Lanes>(
    c: &Consts<V>,
    t: &Twiddles,
    forward: bool,
    first: usize,
    out: &mut [u32],
) {
    if let Some(w) = t.run_coarse(c.f, forward, first, out) {
        let w = V::splat(w);
        for chunk in out.chunks_exact_mut(V::W) {
            c.mul(V::load(chunk), w).store(chunk);
        }
    }
}

/// `x * w` by Shoup's product (`SHOUP`) or Montgomery's.
#[inline(always)]
fn times<V: Lanes, const SHOUP: bool>(c: &Consts<V>, x: V, w: V, q: V) -> V {
    if SHOUP {
        x.mul_shoup(w, q, c)
    } else {
        c.mul(x, w)
    }
}

/// The last levels of a leaf forward (blocks of 8 on 8 lanes, then of 4 and 2), for the two
/// vectors of step `s`: the values regrouped in registers so that every lane holds a
/// butterfly. Returns the two vectors of the blocks of 2: first and second values.
#[inline(always)]
fn last_forward<V: Lanes, const SHOUP: bool>(
    c: &Consts<V>,
    tw: &LastTwiddles<V>,
    s: usize,
    a: V,
    b: V,
) -> (V, V) {
    let (a, b) = if V::W == 8 {
        // Blocks of 8 (a and b): halves are 128-bit lanes; afterwards each half of a and b
        // holds two blocks of 4, as four lanes do.
        let (lo, hi) = V::swap_halves(a, b);
        let t = times::<V, SHOUP>(c, hi, tw.w8[s], tw.q8[s]);
        (c.add(lo, t), c.sub(lo, t))
    } else {
        (a, b)
    };
    // Blocks of 4: halves are pairs of lanes.
    let (lo, hi) = V::zip64(a, b);
    let t = times::<V, SHOUP>(c, hi, tw.w4[s], tw.q4[s]);
    let (lo, hi) = (c.add(lo, t), c.sub(lo, t));
    // Blocks of 2: even and odd values.
    let (e, o) = V::zip32(lo, hi);
    let t = times::<V, SHOUP>(c, o, tw.w2[s], tw.q2[s]);
    (c.add(e, t), c.sub(e, t))
}

/// The inverse of `last_forward` (without its factor 1/8 or 1/4: the pointwise scale holds
/// it).
#[inline(always)]
fn last_inverse<V: Lanes, const SHOUP: bool>(
    c: &Consts<V>,
    tw: &LastTwiddles<V>,
    s: usize,
    e: V,
    o: V,
) -> (V, V) {
    let (e, o) = (
        c.add(e, o),
        times::<V, SHOUP>(c, c.sub(e, o), tw.w2[s], tw.q2[s]),
    );
    let (lo, hi) = V::zip32(e, o);
    let (lo, hi) = (
        c.add(lo, hi),
        times::<V, SHOUP>(c, c.sub(lo, hi), tw.w4[s], tw.q4[s]),
    );
    let (a, b) = V::zip64(lo, hi);
    if V::W == 8 {
        let (lo, hi) = (
            c.add(a, b),
            times::<V, SHOUP>(c, c.sub(a, b), tw.w8[s], tw.q8[s]),
        );
        V::swap_halves(lo, hi)
    } else {
        (a, b)
    }
}

/// The last levels forward, the pointwise product scaled by k (Shoup's form), and the last
/// levels inverse, 2 W values at a time.
#[inline(always)]
fn last_levels<V: Lanes, const SHOUP: bool>(
    c: &Consts<V>,
    x: &mut [u32],
    mut y: Option<&mut [u32]>,
    fw: &LastTwiddles<V>,
    iw: &LastTwiddles<V>,
    (kw, kq): (V, V),
) {
    let w = V::W;
    for s in 0..LEAF / (2 * w) {
        let (xa, xb) = x[2 * w * s..2 * w * (s + 1)].split_at_mut(w);
        let (mut e, mut o) = last_forward::<V, SHOUP>(c, fw, s, V::load(xa), V::load(xb));
        match y.as_deref_mut() {
            Some(y) => {
                let (ya, yb) = y[2 * w * s..2 * w * (s + 1)].split_at(w);
                let (ye, yo) = last_forward::<V, SHOUP>(c, fw, s, V::load(ya), V::load(yb));
                e = c.mul(e, ye).mul_shoup(kw, kq, c);
                o = c.mul(o, yo).mul_shoup(kw, kq, c);
            }
            None => {
                e = c.mul(e, e).mul_shoup(kw, kq, c);
                o = c.mul(o, o).mul_shoup(kw, kq, c);
            }
        }
        let (a, b) = last_inverse::<V, SHOUP>(c, iw, s, e, o);
        a.store(xa);
        b.store(xb);
    }
}

/// The mixed-radix digits of the CRT (see `crt`), in place: `rest` holds the residues modulo
/// the primes after the first (2 or 3 of them) and receives the digits.
///
/// One prime after the other: digit k of every coefficient from its residue and digits
/// 0..k, so a pass holds only its own prime's constants in registers (all primes' at once
/// spilled, and took twice the instructions).
#[inline(always)]
pub(crate) fn garner_digits<V: Lanes>(g: &GarnerConsts, r0: &[u32], rest: &mut [&mut [u32]]) {
    let n = r0.len();
    match rest {
        [r1, r2] => {
            let (r1, r2) = (&mut r1[..n], &mut r2[..n]);
            digit_pass::<V, 1>(g, [r0], r1);
            digit_pass::<V, 2>(g, [r0, r1], r2);
        }
        [r1, r2, r3] => {
            let (r1, r2, r3) = (&mut r1[..n], &mut r2[..n], &mut r3[..n]);
            digit_pass::<V, 1>(g, [r0], r1);
            digit_pass::<V, 2>(g, [r0, r1], r2);
            digit_pass::<V, 3>(g, [r0, r1, r2], r3);
        }
        _ => unreachable!("3 or 4 primes"),
    }
}

/// r <- digit K of every coefficient, given digits 0..K in `d` and the residues modulo prime
/// K in `r`: W coefficients at a time, the few left over one by one (`GarnerConsts::digit`).
#[inline(always)]
fn digit_pass<V: Lanes, const K: usize>(g: &GarnerConsts, d: [&[u32]; K], r: &mut [u32]) {
    let c = Consts::<V>::new(PRIMES[K]);
    // Constant multipliers: Shoup's products, 4 multiplications where Montgomery's take 6
    // (AVX2: 2 vpmuludq + 2 vpmulld for 6 vpmuludq; SIMD128: 2 extmuls fewer, of 4).
    let splat2 = |[w, q]: [u32; 2]| (V::splat(w), V::splat(q));
    let inv = splat2(g.inv_shoup[K]);
    // Plain loops, not array::map: with JavaScript exceptions (Pyodide 0.21.3) a call that
    // may unwind goes through a JavaScript trampoline, which cannot pass v128 values.
    let mut pre = [(V::splat(0), V::splat(0)); 4];
    for (p, &q) in pre.iter_mut().zip(&g.prefix_shoup[K]).take(K).skip(1) {
        *p = splat2(q);
    }
    let n = r.len();
    let mut i = 0;
    while i + V::W <= n {
        let mut s = V::load(&d[0][i..]);
        for (j, &(w, q)) in pre.iter().enumerate().take(K).skip(1) {
            s = c.add(s, V::load(&d[j][i..]).mul_shoup(w, q, &c));
        }
        let x = c.sub(V::load(&r[i..]), s);
        x.mul_shoup(inv.0, inv.1, &c).store(&mut r[i..]);
        i += V::W;
    }
    for i in i..n {
        let mut v = [0u32; 4];
        for j in 0..K {
            v[j] = d[j][i];
        }
        r[i] = g.digit(K, r[i], &v);
    }
}

/// x_i <- x_i w^i (w in Montgomery form, so x keeps its form); x.len() is a multiple of W.
#[inline(always)]
pub(crate) fn weight<V: Lanes>(f: Prime, x: &mut [u32], w: u32) {
    let c = Consts::<V>::new(f);
    assert_eq!(x.len() % V::W, 0);
    // w^0 .. w^(W-1) in the lanes, then each step multiplies by w^W.
    let mut first = [0u32; 8];
    let mut p = f.one;
    for q in first[..V::W].iter_mut() {
        *q = p;
        p = f.mul(p, w);
    }
    let step = V::splat(p);
    let mut powers = V::load(&first);
    for chunk in x.chunks_exact_mut(V::W) {
        c.mul(V::load(chunk), powers).store(chunk);
        powers = c.mul(powers, step);
    }
}

/// out[i] = c[i] / 2^32 mod p (`Prime::reduce`), for loading coefficients.
#[inline(always)]
pub(crate) fn reduce(f: Prime, out: &mut [u32], c: &[u64]) {
    for (o, &x) in out.iter_mut().zip(c) {
        *o = f.reduce(x);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{twiddles, twiddles::pointwise_scale};
    use super::*;
    use crate::arch::Kernels;

    /// Every lane backend this CPU runs against the definition, the cyclic convolution modulo
    /// p in O(n^2), for squares and products, every prime, lengths of one leaf to 2^10.
    #[test]
    fn transforms_are_cyclic_convolutions() {
        let mut next = super::super::residues_below(0x1234_5678_9abc_def0u64);
        let (_, lanes) = Kernels::available_per_family();
        for (f, t) in PRIMES.iter().zip(twiddles()) {
            for log in 6..=10 {
                let n = 1usize << log;
                let k = pointwise_scale(*f, n);
                let x: Vec<u32> = (0..n).map(|_| next(f.p)).collect();
                let y: Vec<u32> = (0..n).map(|_| next(f.p)).collect();
                // The transforms are exact; the pointwise mul(mul(X, Y), K), K = R^4 / n
                // (R = 2^32), leaves the convolution times R^2 after the inverse's factor n.
                let p = f.p as u64;
                let conv = |a: &[u32], b: &[u32]| -> Vec<u32> {
                    let mut out = vec![0u64; n];
                    for (i, &ai) in a.iter().enumerate() {
                        for (j, &bj) in b.iter().enumerate() {
                            let o = &mut out[(i + j) % n];
                            *o = (*o + ai as u64 * bj as u64) % p;
                        }
                    }
                    out.iter().map(|&v| (v * f.r2 as u64 % p) as u32).collect()
                };
                let (want_sq, want_mul) = (conv(&x, &x), conv(&x, &y));
                for kernels in &lanes {
                    let k_fn = Kernels {
                        rows: Kernels::best().rows,
                        lanes: *kernels,
                    }
                    .lanes();
                    let mut got = x.clone();
                    (k_fn.transform)(*f, t, &mut got, None, k);
                    assert_eq!(got, want_sq, "{kernels:?} square, p = {}, n = {n}", f.p);
                    let (mut got, mut yy) = (x.clone(), y.clone());
                    (k_fn.transform)(*f, t, &mut got, Some(&mut yy), k);
                    assert_eq!(got, want_mul, "{kernels:?} product, p = {}, n = {n}", f.p);
                }
            }
        }
    }
}
