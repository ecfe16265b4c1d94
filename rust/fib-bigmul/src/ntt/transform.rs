//! The number-theoretic transform modulo one prime, in the "tree" (bit-reversed twiddle) form.
//!
//! Reducing a polynomial modulo x^L - 1 = (x^(L/2) - 1)(x^(L/2) + 1), then each factor again,
//! is a radix-2 transform whose butterflies in one block all share one twiddle: block i at any
//! level uses w_i = omega^bitrev(i), where omega has order 2^25 and bitrev reverses 24 bits. So
//! one table serves every length, nothing is ever permuted (the pointwise product does not
//! care about order), and each butterfly loop runs over two contiguous halves with a constant
//! twiddle: the loop the compiler vectorizes.
//!
//! Squaring and multiplication run forward transform, pointwise product and inverse transform
//! in one recursion: a block is split, both halves are finished (down to the leaves) and the
//! block is merged again while its data is still in cache.
//!
//! The twiddle table would be as large as the transform (omega^bitrev(i), i < L/2); it is
//! stored as a 4096-entry coarse table instead, w_i = coarse[i mod 4096] * fine(i / 4096),
//! which costs one multiplication per block only in the levels whose blocks are small. The fine
//! factor itself is the product of two 64-entry tables (one more multiplication per run of
//! blocks): 2 x 256 entries instead of 2 x 4096 keep 120 KiB less per process.

use super::field::Prime;

/// log2 of the largest transform length: 2^25 divides p - 1 for every prime used.
pub const LOG_MAX_LEN: u32 = 25;
const SPLIT_BITS: u32 = 12;
pub(super) const SPLIT: usize = 1 << SPLIT_BITS;
const INDEX_BITS: u32 = LOG_MAX_LEN - 1; // block indices are < 2^24
/// The fine factor's index (i / SPLIT, 12 bits) in two 6-bit halves.
const FINE_BITS: u32 = (INDEX_BITS - SPLIT_BITS) / 2;

/// How many coarse twiddles also get Shoup's form. The AVX2 kernels use it for the blocks of the
/// recursive levels (above 64 values), whose indices stay below 1024 up to transforms of 2^16:
/// those of F(10^7)'s product. Larger transforms fall back to Montgomery products in their
/// deepest recursive level, and the process keeps 192 KiB less (counted against the peak
/// memory of the first large product). The SIMD128 leaves read the whole table.
const SHOUP_LEN: usize = if cfg!(target_arch = "wasm32") {
    SPLIT
} else {
    1024
};

/// Twiddles of one prime (Montgomery form), forward and inverse, in coarse/fine halves; the
/// coarse ones also in Shoup's form (plain w and floor(w 2^32 / p)), which needs one
/// multiplication less per product when the twiddle is the same for a whole block.
pub struct Twiddles {
    fwd_coarse: Vec<u32>,
    /// The fine factors, omega^bitrev12(h) for h = h1 * 64 + h0, as [h0] and [h1] tables.
    fwd_fine: [Vec<u32>; 2],
    inv_coarse: Vec<u32>,
    inv_fine: [Vec<u32>; 2],
    // Only the AVX2 and SIMD128 kernels use Shoup's form.
    #[cfg(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128"),
        test
    ))]
    fwd_shoup: Vec<[u32; 2]>,
    #[cfg(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128"),
        test
    ))]
    inv_shoup: Vec<[u32; 2]>,
}

impl Twiddles {
    pub fn new(f: Prime) -> Twiddles {
        let omega = primitive_root_of_two_power(f, LOG_MAX_LEN);
        let omega_inv = f.inv(omega);
        // table[j] = root^(bitrev(j) << shift) (bits-bit reversal): successive powers, then
        // placed by bitrev.
        let table = |root: u32, shift: u32, bits: u32| -> Vec<u32> {
            let step = f.pow(root, 1 << shift);
            let mut t = vec![0u32; 1 << bits];
            let mut w = f.one;
            for e in 0..1u32 << bits {
                t[e.reverse_bits() as usize >> (32 - bits)] = w;
                w = f.mul(w, step);
            }
            t
        };
        // bitrev12(h1 * 64 + h0) = bitrev6(h0) * 64 + bitrev6(h1).
        let fine = |root: u32| [table(root, FINE_BITS, FINE_BITS), table(root, 0, FINE_BITS)];
        #[cfg(any(
            target_arch = "x86_64",
            all(target_arch = "wasm32", target_feature = "simd128"),
            test
        ))]
        let shoup = |mont: &[u32]| -> Vec<[u32; 2]> {
            mont.iter()
                .map(|&m| {
                    let w = f.reduce(m as u64); // plain value
                    [w, (((w as u64) << 32) / f.p as u64) as u32]
                })
                .collect()
        };
        let fwd_coarse = table(omega, INDEX_BITS - SPLIT_BITS, SPLIT_BITS);
        let inv_coarse = table(omega_inv, INDEX_BITS - SPLIT_BITS, SPLIT_BITS);
        Twiddles {
            #[cfg(any(
                target_arch = "x86_64",
                all(target_arch = "wasm32", target_feature = "simd128"),
                test
            ))]
            fwd_shoup: shoup(&fwd_coarse[..SHOUP_LEN]),
            #[cfg(any(
                target_arch = "x86_64",
                all(target_arch = "wasm32", target_feature = "simd128"),
                test
            ))]
            inv_shoup: shoup(&inv_coarse[..SHOUP_LEN]),
            fwd_coarse,
            fwd_fine: fine(omega),
            inv_coarse,
            inv_fine: fine(omega_inv),
        }
    }

    /// The forward twiddle of block i in Shoup's form, if i is in the coarse table.
    #[cfg(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128"),
        test
    ))]
    #[inline(always)]
    pub(super) fn fwd_shoup(&self, i: usize) -> Option<(u32, u32)> {
        self.fwd_shoup.get(i).map(|&[w, q]| (w, q))
    }

    /// The inverse twiddle of block i in Shoup's form, if i is in the coarse table.
    #[cfg(any(
        target_arch = "x86_64",
        all(target_arch = "wasm32", target_feature = "simd128"),
        test
    ))]
    #[inline(always)]
    pub(super) fn inv_shoup(&self, i: usize) -> Option<(u32, u32)> {
        self.inv_shoup.get(i).map(|&[w, q]| (w, q))
    }

    /// The Shoup forms of the twiddles of blocks first..first + len (forward or inverse) as
    /// w, w' pairs in one slice, if they are all in the coarse table.
    #[cfg(any(all(target_arch = "wasm32", target_feature = "simd128"), test))]
    #[inline(always)]
    pub(super) fn shoup_run(&self, forward: bool, first: usize, len: usize) -> Option<&[u32]> {
        let table = if forward {
            &self.fwd_shoup
        } else {
            &self.inv_shoup
        };
        table
            .get(first..first + len)
            .map(<[[u32; 2]]>::as_flattened)
    }

    /// omega^(+-bitrev12(h)): the fine factor of blocks h * SPLIT .. (h + 1) * SPLIT.
    #[inline(always)]
    fn fine(&self, f: Prime, forward: bool, h: usize) -> u32 {
        let [lo, hi] = if forward {
            &self.fwd_fine
        } else {
            &self.inv_fine
        };
        f.mul(lo[h & ((1 << FINE_BITS) - 1)], hi[h >> FINE_BITS])
    }

    /// The twiddles of blocks first..first + out.len() (forward or inverse); out.len() divides
    /// SPLIT and first, so all of them share one fine factor.
    #[inline(always)]
    pub(super) fn run(&self, f: Prime, forward: bool, first: usize, out: &mut [u32]) {
        if let Some(w) = self.run_coarse(f, forward, first, out) {
            out.iter_mut().for_each(|x| *x = f.mul(*x, w));
        }
    }

    /// `run` without the last step: copies the coarse twiddles into `out` and returns the
    /// fine factor they must still be multiplied by (None if it is one).
    #[inline(always)]
    pub(super) fn run_coarse(
        &self,
        f: Prime,
        forward: bool,
        first: usize,
        out: &mut [u32],
    ) -> Option<u32> {
        let coarse = if forward {
            &self.fwd_coarse
        } else {
            &self.inv_coarse
        };
        let base = first % SPLIT;
        out.copy_from_slice(&coarse[base..base + out.len()]);
        let hi = first / SPLIT;
        (hi != 0).then(|| self.fine(f, forward, hi))
    }

    /// omega^bitrev24(i): the forward twiddle of block i.
    #[inline(always)]
    pub(super) fn fwd(&self, f: Prime, i: usize) -> u32 {
        if i < SPLIT {
            self.fwd_coarse[i]
        } else {
            f.mul(self.fwd_coarse[i % SPLIT], self.fine(f, true, i / SPLIT))
        }
    }

    /// omega^-bitrev24(i): the inverse twiddle of block i.
    #[inline(always)]
    pub(super) fn inv(&self, f: Prime, i: usize) -> u32 {
        if i < SPLIT {
            self.inv_coarse[i]
        } else {
            f.mul(self.inv_coarse[i % SPLIT], self.fine(f, false, i / SPLIT))
        }
    }
}

/// An element of order exactly 2^log (Montgomery form): g^((p-1)/2^log) for a generator g.
fn primitive_root_of_two_power(f: Prime, log: u32) -> u32 {
    let p = f.p as u64;
    assert_eq!((p - 1) % (1 << log), 0, "2^{log} must divide p - 1");
    // Prime factors of p - 1, by trial division (p < 2^31: fast).
    let mut factors = Vec::new();
    let mut m = p - 1;
    let mut d = 2;
    while d * d <= m {
        if m % d == 0 {
            factors.push(d);
            while m % d == 0 {
                m /= d;
            }
        }
        d += 1;
    }
    if m > 1 {
        factors.push(m);
    }
    let g = (2..p)
        .find(|&g| {
            let gm = f.to_mont(g as u32);
            factors.iter().all(|&q| f.pow(gm, (p - 1) / q) != f.one)
        })
        .expect("a prime has a generator");
    f.pow(f.to_mont(g as u32), (p - 1) >> log)
}

/// The constant K = R^4 / L mod p that scales the pointwise product. The operands were loaded
/// as x/R (Montgomery reduction), the product mul(X, Y) adds another 1/R and mul(., K) a third:
/// mul(mul(X, Y), K) = x*y/L, undoing every Montgomery factor and the transform's factor L.
pub fn pointwise_scale(f: Prime, len: usize) -> u32 {
    let p = f.p as u64;
    let inv_len = p - (p - 1) / len as u64; // L * (p-1)/L = -1 mod p
    let r2 = f.r2 as u64;
    (r2 * r2 % p * inv_len % p) as u32
}

/// Blocks at or below this size are finished by the iterative leaf code.
pub(super) const LEAF: usize = 64;

/// The transform kernels, compiled once for the baseline target and (on x86-64) once more with
/// AVX2 enabled, chosen at run time. Every function in here is generic code over slices;
/// `#[inline(always)]` helpers are inlined into each copy.
macro_rules! kernels {
    ($name:ident $(, $feature:literal)?) => {
        pub mod $name {
            use super::*;

            /// x <- x^2 cyclically (length a power of two, values in [0, p)), scaled by K.
            $(#[target_feature(enable = $feature)])?
            pub fn square(f: Prime, t: &Twiddles, x: &mut [u32], k: u32) {
                rec(f, t, x, None, 0, k);
            }

            /// x <- x*y cyclically; y is used as scratch.
            $(#[target_feature(enable = $feature)])?
            pub fn multiply(f: Prime, t: &Twiddles, x: &mut [u32], y: &mut [u32], k: u32) {
                rec(f, t, x, Some(y), 0, k);
            }

            $(#[target_feature(enable = $feature)])?
            fn rec(f: Prime, t: &Twiddles, x: &mut [u32], y: Option<&mut [u32]>, blk: usize, k: u32) {
                let n = x.len();
                if n <= LEAF {
                    leaf(f, t, x, y, blk, k);
                    return;
                }
                let h = n / 2;
                let w = t.fwd(f, blk);
                let (x0, x1) = x.split_at_mut(h);
                forward_butterflies(f, x0, x1, w);
                match y {
                    Some(y) => {
                        let (y0, y1) = y.split_at_mut(h);
                        forward_butterflies(f, y0, y1, w);
                        rec(f, t, x0, Some(y0), 2 * blk, k);
                        rec(f, t, x1, Some(y1), 2 * blk + 1, k);
                    }
                    None => {
                        rec(f, t, x0, None, 2 * blk, k);
                        rec(f, t, x1, None, 2 * blk + 1, k);
                    }
                }
                inverse_butterflies(f, x0, x1, t.inv(f, blk));
            }

            /// A block of at most LEAF values: every remaining level forward, the pointwise
            /// product, every level inverse, breadth-first inside the block. Each level's
            /// twiddles are fetched as one run, and the levels of 2- and 4-value blocks have
            /// their own loops (the general one would spend more on bookkeeping than on
            /// butterflies there).
            $(#[target_feature(enable = $feature)])?
            fn leaf(f: Prime, t: &Twiddles, x: &mut [u32], mut y: Option<&mut [u32]>, blk: usize, k: u32) {
                let n = x.len();
                let mut w = [0u32; LEAF / 2];
                let mut h = n / 2;
                let mut nb = 1; // blocks at this level
                while h >= 1 {
                    t.run(f, true, blk * nb, &mut w[..nb]);
                    forward_level(f, x, h, &w[..nb]);
                    if let Some(y) = y.as_deref_mut() {
                        forward_level(f, y, h, &w[..nb]);
                    }
                    h /= 2;
                    nb *= 2;
                }
                match y {
                    Some(y) => {
                        for (a, &b) in x.iter_mut().zip(y.iter()) {
                            *a = f.mul(f.mul(*a, b), k);
                        }
                    }
                    None => {
                        for a in x.iter_mut() {
                            *a = f.mul(f.mul(*a, *a), k);
                        }
                    }
                }
                let mut h = 1;
                let mut nb = n / 2;
                while h < n {
                    t.run(f, false, blk * nb, &mut w[..nb]);
                    inverse_level(f, x, h, &w[..nb]);
                    h *= 2;
                    nb /= 2;
                }
            }
        }
    };
}

kernels!(generic);

/// One forward level over blocks of 2h values, block j with twiddle w[j].
#[inline(always)]
fn forward_level(f: Prime, x: &mut [u32], h: usize, w: &[u32]) {
    let bfly = |c: &mut [u32], i: usize, w: u32| {
        let t = f.mul(c[i + h], w);
        let u = c[i];
        c[i] = f.add(u, t);
        c[i + h] = f.sub(u, t);
    };
    match h {
        1 => x
            .chunks_exact_mut(2)
            .zip(w)
            .for_each(|(c, &w)| bfly(c, 0, w)),
        2 => x.chunks_exact_mut(4).zip(w).for_each(|(c, &w)| {
            bfly(c, 0, w);
            bfly(c, 1, w);
        }),
        _ => x.chunks_exact_mut(2 * h).zip(w).for_each(|(c, &w)| {
            let (a, b) = c.split_at_mut(h);
            forward_butterflies(f, a, b, w);
        }),
    }
}

/// One inverse level over blocks of 2h values.
#[inline(always)]
fn inverse_level(f: Prime, x: &mut [u32], h: usize, w: &[u32]) {
    let bfly = |c: &mut [u32], i: usize, w: u32| {
        let (u, v) = (c[i], c[i + h]);
        c[i] = f.add(u, v);
        c[i + h] = f.mul(f.sub(u, v), w);
    };
    match h {
        1 => x
            .chunks_exact_mut(2)
            .zip(w)
            .for_each(|(c, &w)| bfly(c, 0, w)),
        2 => x.chunks_exact_mut(4).zip(w).for_each(|(c, &w)| {
            bfly(c, 0, w);
            bfly(c, 1, w);
        }),
        _ => x.chunks_exact_mut(2 * h).zip(w).for_each(|(c, &w)| {
            let (a, b) = c.split_at_mut(h);
            inverse_butterflies(f, a, b, w);
        }),
    }
}

/// (a, b) <- (a + w*b, a - w*b) over two equal halves.
#[inline(always)]
fn forward_butterflies(f: Prime, lo: &mut [u32], hi: &mut [u32], w: u32) {
    for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
        let t = f.mul(*b, w);
        let u = *a;
        *a = f.add(u, t);
        *b = f.sub(u, t);
    }
}

/// (a, b) <- (a + b, (a - b) * w) over two equal halves.
#[inline(always)]
fn inverse_butterflies(f: Prime, lo: &mut [u32], hi: &mut [u32], w: u32) {
    for (a, b) in lo.iter_mut().zip(hi.iter_mut()) {
        let (u, v) = (*a, *b);
        *a = f.add(u, v);
        *b = f.mul(f.sub(u, v), w);
    }
}
