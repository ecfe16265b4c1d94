//! The twiddle factors of the number-theoretic transform modulo one prime, in the "tree"
//! (bit-reversed twiddle) form.
//!
//! Reducing a polynomial modulo x^L - 1 = (x^(L/2) - 1)(x^(L/2) + 1), then each factor again,
//! is a radix-2 transform whose butterflies in one block all share one twiddle: block i at any
//! level uses w_i = omega^bitrev(i), where omega has order 2^25 and bitrev reverses 24 bits. So
//! one table serves every length, nothing is ever permuted (the pointwise product does not
//! care about order), and each block's butterflies run over two contiguous halves with one
//! twiddle, which `ntt::kernel` does a vector of lanes at a time.
//!
//! The twiddle table would be as large as the transform (omega^bitrev(i), i < L/2); it is
//! stored as a 4096-entry coarse table instead, w_i = coarse[i mod 4096] * fine(i / 4096),
//! which costs one multiplication per block only in the levels whose blocks are small. The fine
//! factor itself is the product of two 64-entry tables (one more multiplication per run of
//! blocks): 128 entries per direction instead of 4096 keep 31 KiB less per prime.

use super::field::Prime;

/// log2 of the largest transform length: 2^25 divides p - 1 for every prime used.
pub const LOG_MAX_LEN: u32 = 25;
const SPLIT_BITS: u32 = 12;
pub(crate) const SPLIT: usize = 1 << SPLIT_BITS;
const INDEX_BITS: u32 = LOG_MAX_LEN - 1; // block indices are < 2^24
/// The fine factor's index (i / SPLIT, 12 bits) in two 6-bit halves.
const FINE_BITS: u32 = (INDEX_BITS - SPLIT_BITS) / 2;

/// How many coarse twiddles also get Shoup's form (8 bytes each per direction and prime). The
/// kernels use it for every block whose index is in the table, and Montgomery's product for
/// the others. On 64-bit targets 1024: the blocks of 16 values and more of transforms up to
/// 2^16 values (those of F(10^7)), at 16 KiB per prime; the whole coarse table would keep
/// 192 KiB more (counted against the peak memory of the first large product). On wasm32 the
/// whole table: the leaves' last levels there gained from it (F(10^6) in Pyodide).
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
    fwd_shoup: Vec<[u32; 2]>,
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
        let shoup = |mont: &[u32]| -> Vec<[u32; 2]> { mont.iter().map(|&m| f.shoup(m)).collect() };
        let fwd_coarse = table(omega, INDEX_BITS - SPLIT_BITS, SPLIT_BITS);
        let inv_coarse = table(omega_inv, INDEX_BITS - SPLIT_BITS, SPLIT_BITS);
        Twiddles {
            fwd_shoup: shoup(&fwd_coarse[..SHOUP_LEN]),
            inv_shoup: shoup(&inv_coarse[..SHOUP_LEN]),
            fwd_coarse,
            fwd_fine: fine(omega),
            inv_coarse,
            inv_fine: fine(omega_inv),
        }
    }

    /// The forward twiddle of block i in Shoup's form, if i is in the coarse table.
    #[inline(always)]
    pub(crate) fn fwd_shoup(&self, i: usize) -> Option<(u32, u32)> {
        self.fwd_shoup.get(i).map(|&[w, q]| (w, q))
    }

    /// The inverse twiddle of block i in Shoup's form, if i is in the coarse table.
    #[inline(always)]
    pub(crate) fn inv_shoup(&self, i: usize) -> Option<(u32, u32)> {
        self.inv_shoup.get(i).map(|&[w, q]| (w, q))
    }

    /// The Shoup forms of the twiddles of blocks first..first + len (forward or inverse) as
    /// w, w' pairs in one slice, if they are all in the coarse table.
    #[inline(always)]
    pub(crate) fn shoup_run(&self, forward: bool, first: usize, len: usize) -> Option<&[u32]> {
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

    /// The twiddles of blocks first..first + out.len() (forward or inverse; out.len() divides
    /// SPLIT and first, so all of them share one fine factor), without the last step: copies
    /// the coarse twiddles into `out` and returns the fine factor they must still be multiplied
    /// by (None if it is one).
    #[inline(always)]
    pub(crate) fn run_coarse(
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
    pub(crate) fn fwd(&self, f: Prime, i: usize) -> u32 {
        if i < SPLIT {
            self.fwd_coarse[i]
        } else {
            f.mul(self.fwd_coarse[i % SPLIT], self.fine(f, true, i / SPLIT))
        }
    }

    /// omega^-bitrev24(i): the inverse twiddle of block i.
    #[inline(always)]
    pub(crate) fn inv(&self, f: Prime, i: usize) -> u32 {
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
