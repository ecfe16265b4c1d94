//! Python ints straight from `fib-rust`'s limbs.
//!
//! PyO3 turns a `BigUint` into an int through a little-endian byte copy and, before 3.14,
//! CPython's byte-at-a-time `_PyLong_FromByteArray`: at F(10^4) that is a third of the call,
//! and at F(10^7) the byte copy is one more result-sized buffer at the peak of memory. Here the
//! limbs are repacked into CPython's 30-bit digits, written straight into the new int:
//!
//! * 3.14 and later: through the public writer API of PEP 757 (`PyLongWriter_Create`);
//! * 3.10 to 3.13: into the digit array of `_PyLong_New`'s new int, as gmpy2 does (3.12 put a
//!   tag word of sign and digit count where the header's size was: see `IntHead`);
//! * everything else (15-bit digit builds, the limited API, PyPy) takes the byte route, without
//!   a copy on little-endian targets, where the limbs already are the bytes.
//!
//! build.rs sets the cfg `int_digit_writer` where one of the first two applies.

use fib_rust::Limb;
use pyo3::prelude::*;
use pyo3::types::PyInt;

/// Bits per CPython digit on the fast paths (the default since 3.11, and on 64-bit before).
#[cfg(int_digit_writer)]
const DIGIT_BITS: u32 = 30;

/// The int with the given little-endian limbs (high zero limbs allowed).
pub fn int_from_limbs<'py>(py: Python<'py>, limbs: &[Limb]) -> PyResult<Bound<'py, PyInt>> {
    let len = limbs.iter().rposition(|&l| l != 0).map_or(0, |i| i + 1);
    let limbs = &limbs[..len];
    let bits = match limbs.last() {
        None => 0,
        Some(top) => len as u64 * Limb::BITS as u64 - top.leading_zeros() as u64,
    };
    if bits <= u64::BITS as u64 {
        // Small values, including CPython's cached small ints, the ordinary way.
        let value =
            (words(limbs).enumerate()).fold(0u64, |acc, (i, w)| acc | (w as u64) << (32 * i));
        return Ok(value.into_pyobject(py)?);
    }
    #[cfg(int_digit_writer)]
    {
        let ndigits = bits.div_ceil(DIGIT_BITS as u64) as usize;
        if let Some(int) = digits::write(py, limbs, ndigits)? {
            return Ok(int);
        }
    }
    from_le_bytes(py, limbs)
}

#[cfg(int_digit_writer)]
mod digits {
    use super::*;
    use pyo3::ffi;

    /// The int of `ndigits` 30-bit digits packed from `limbs`, or None where the interpreter's
    /// digits are not 30-bit u32s.
    pub fn write<'py>(
        py: Python<'py>,
        limbs: &[Limb],
        ndigits: usize,
    ) -> PyResult<Option<Bound<'py, PyInt>>> {
        let size = ffi::Py_ssize_t::try_from(ndigits).expect("digit count fits Py_ssize_t");
        #[cfg(Py_3_14)]
        {
            // SAFETY: the layout is static, owned by the interpreter.
            let layout = unsafe { &*ffi::PyLong_GetNativeLayout() };
            if layout.bits_per_digit as u32 != DIGIT_BITS || layout.digit_size != 4 {
                return Ok(None);
            }
            let mut digits: *mut std::ffi::c_void = std::ptr::null_mut();
            // SAFETY: the writer hands out `ndigits` writable u32 digits (layout checked above)
            // and Finish takes it back, normalized; on failure an exception is set.
            unsafe {
                let writer = ffi::PyLongWriter_Create(0, size, &mut digits);
                if writer.is_null() {
                    return Err(PyErr::fetch(py));
                }
                pack(
                    limbs,
                    std::slice::from_raw_parts_mut(digits.cast(), ndigits),
                );
                let int = Bound::from_owned_ptr_or_err(py, ffi::PyLongWriter_Finish(writer))?;
                Ok(Some(int.cast_into_unchecked()))
            }
        }
        #[cfg(not(Py_3_14))]
        {
            if !thirty_bit_digits(py)? {
                return Ok(None);
            }
            extern "C" {
                // CPython 3.10-3.13: a new positive int of `size` digits, following `IntHead`.
                fn _PyLong_New(size: ffi::Py_ssize_t) -> *mut ffi::PyObject;
            }
            // SAFETY: `_PyLong_New` returns an int with room for `ndigits` digits (u32, checked
            // above) right after its `IntHead`, or NULL with MemoryError set. The top digit is
            // nonzero (ndigits comes from the bit length), so the int is normalized.
            unsafe {
                let int = Bound::from_owned_ptr_or_err(py, _PyLong_New(size))?;
                let first = int
                    .as_ptr()
                    .cast::<u8>()
                    .add(std::mem::size_of::<IntHead>())
                    .cast::<u32>();
                pack(limbs, std::slice::from_raw_parts_mut(first, ndigits));
                Ok(Some(int.cast_into_unchecked()))
            }
        }
    }

    /// What precedes an int's digits: up to 3.11 the var-object header, whose size is the digit
    /// count; from 3.12 the object header and `_PyLongValue`'s tag word, which holds the digit
    /// count and the sign (`_PyLong_New` sets both).
    #[cfg(not(Py_3_12))]
    type IntHead = ffi::PyVarObject;
    #[cfg(all(Py_3_12, not(Py_3_14)))]
    #[repr(C)]
    struct IntHead {
        _ob_base: ffi::PyObject,
        _lv_tag: usize,
    }

    /// Whether ints are made of 30-bit digits in u32s (sys.int_info; 15-bit digits in u16s are
    /// a build option, the default on 32-bit platforms before 3.11).
    #[cfg(not(Py_3_14))]
    fn thirty_bit_digits(py: Python<'_>) -> PyResult<bool> {
        static THIRTY: pyo3::sync::PyOnceLock<bool> = pyo3::sync::PyOnceLock::new();
        THIRTY
            .get_or_try_init(py, || {
                let info = py.import("sys")?.getattr("int_info")?;
                let bits: u32 = info.getattr("bits_per_digit")?.extract()?;
                let size: u32 = info.getattr("sizeof_digit")?.extract()?;
                Ok::<_, PyErr>(bits == DIGIT_BITS && size == 4)
            })
            .copied()
    }

    /// Repacks little-endian limbs into 30-bit digits, least significant first; `out` has
    /// exactly ceil(bits / 30) digits.
    pub(super) fn pack(limbs: &[Limb], out: &mut [u32]) {
        const MASK: u64 = (1 << DIGIT_BITS) - 1;
        let mut words = words(limbs);
        // Fewer than 30 bits wait in `acc` before a word is added: at most 61 bits in use.
        let (mut acc, mut acc_bits) = (0u64, 0u32);
        for digit in out.iter_mut() {
            if acc_bits < DIGIT_BITS {
                if let Some(w) = words.next() {
                    acc |= (w as u64) << acc_bits;
                    acc_bits += 32;
                }
            }
            *digit = (acc & MASK) as u32;
            acc >>= DIGIT_BITS;
            acc_bits = acc_bits.saturating_sub(DIGIT_BITS);
        }
    }
}

/// The limbs' 32-bit words, least significant first.
fn words(limbs: &[Limb]) -> impl Iterator<Item = u32> + '_ {
    (limbs.iter()).flat_map(|&l| (0..Limb::BITS / 32).map(move |i| (l >> (32 * i)) as u32))
}

/// The int from the limbs' little-endian bytes.
fn from_le_bytes<'py>(py: Python<'py>, limbs: &[Limb]) -> PyResult<Bound<'py, PyInt>> {
    #[cfg(target_endian = "little")]
    // SAFETY: any initialized memory can be read as bytes; the slice covers exactly the limbs.
    let bytes: &[u8] =
        unsafe { std::slice::from_raw_parts(limbs.as_ptr().cast(), std::mem::size_of_val(limbs)) };
    #[cfg(target_endian = "big")]
    let owned: Vec<u8> = limbs.iter().flat_map(|l| l.to_le_bytes()).collect();
    #[cfg(target_endian = "big")]
    let bytes: &[u8] = &owned;
    #[cfg(any(Py_LIMITED_API, PyPy, GraalPy))]
    {
        let int = py.get_type::<PyInt>().call_method1(
            "from_bytes",
            (pyo3::types::PyBytes::new(py, bytes), "little"),
        )?;
        Ok(int.cast_into()?)
    }
    #[cfg(not(any(Py_LIMITED_API, PyPy, GraalPy)))]
    // SAFETY: the functions read `bytes` only and return a new int or NULL with an exception.
    unsafe {
        #[cfg(not(Py_3_13))]
        let ptr = pyo3::ffi::_PyLong_FromByteArray(bytes.as_ptr(), bytes.len(), 1, 0);
        #[cfg(Py_3_13)]
        let ptr = pyo3::ffi::PyLong_FromUnsignedNativeBytes(
            bytes.as_ptr().cast(),
            bytes.len(),
            1, // Py_ASNATIVEBYTES_LITTLE_ENDIAN
        );
        Ok(Bound::from_owned_ptr_or_err(py, ptr)?.cast_into_unchecked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64, so failures reproduce.
    fn limbs(seed: u64, n: usize) -> Vec<Limb> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
                let mut z = s;
                z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                (z ^ (z >> 31)) as Limb
            })
            .collect()
    }

    /// The operands: random limbs, all ones, a single top bit, at lengths around multiples of
    /// 15 32-bit words (where 30-bit digits and 32-bit words line up again).
    fn samples() -> Vec<Vec<Limb>> {
        let mut v = Vec::new();
        for n in [1usize, 2, 3, 7, 8, 15, 16, 17, 30, 31, 61] {
            v.push(limbs(n as u64, n));
            v.push(vec![Limb::MAX; n]);
            let mut top = vec![0; n];
            top[n - 1] = 1 << (Limb::BITS - 1);
            v.push(top);
        }
        v
    }

    /// The value of little-endian limbs.
    fn value(x: &[Limb]) -> num_bigint::BigUint {
        (x.iter().enumerate()).fold(num_bigint::BigUint::ZERO, |acc, (i, &l)| {
            acc + (num_bigint::BigUint::from(l) << (Limb::BITS as usize * i))
        })
    }

    #[test]
    fn words_are_the_limbs_32_bits_at_a_time() {
        for x in samples() {
            let from_words = words(&x)
                .enumerate()
                .fold(num_bigint::BigUint::ZERO, |acc, (i, w)| {
                    acc + (num_bigint::BigUint::from(w) << (32 * i))
                });
            assert_eq!(from_words, value(&x));
        }
    }

    /// `pack` against the number itself: every digit below 2^30, the top one nonzero, and
    /// sum(digit_i 2^(30 i)) equal to the limbs' value.
    #[cfg(int_digit_writer)]
    #[test]
    fn digits_pack_the_value() {
        for x in samples() {
            let value = value(&x);
            let ndigits = value.bits().div_ceil(DIGIT_BITS as u64) as usize;
            let mut out = vec![u32::MAX; ndigits];
            digits::pack(&x, &mut out);
            assert!(out.iter().all(|&d| d < 1 << DIGIT_BITS), "30-bit digits");
            assert_ne!(out.last(), Some(&0), "normalized");
            let back = out
                .iter()
                .enumerate()
                .fold(num_bigint::BigUint::ZERO, |acc, (i, &d)| {
                    acc + (num_bigint::BigUint::from(d) << (DIGIT_BITS as usize * i))
                });
            assert_eq!(back, value, "{} limbs", x.len());
        }
    }
}
