//! Fallible allocation for the large buffers: a failed allocation becomes an [`Error`]
//! instead of aborting the process (what `Vec` does), so a caller such as the Python
//! extension can raise `MemoryError` and go on.

use crate::Error;
use std::alloc::Layout;

/// Element types whose all-zero bytes are a valid value.
pub(crate) trait Zeroable: Copy {}
impl Zeroable for u32 {}
impl Zeroable for u64 {}

/// A vector of `len` zeros. Through `alloc_zeroed`, like `vec![0; len]`: large blocks come
/// from the kernel already zero, with no pass over the memory.
pub(crate) fn zeroed<T: Zeroable>(len: usize) -> Result<Vec<T>, Error> {
    let layout = Layout::array::<T>(len).map_err(|_| Error::OutOfMemory { bytes: usize::MAX })?;
    if layout.size() == 0 {
        return Ok(Vec::new());
    }
    // SAFETY: the layout's size is not zero.
    let p = unsafe { std::alloc::alloc_zeroed(layout) };
    if p.is_null() {
        return Err(Error::OutOfMemory {
            bytes: layout.size(),
        });
    }
    // SAFETY: `p` comes from the global allocator with the layout of `len` Ts, which is the
    // layout a Vec<T> of capacity `len` frees; its `len` elements are zero bytes, a valid T.
    Ok(unsafe { Vec::from_raw_parts(p.cast::<T>(), len, len) })
}

/// `v.resize(len, 0)` without aborting.
pub(crate) fn resize<T: Zeroable + Default>(v: &mut Vec<T>, len: usize) -> Result<(), Error> {
    reserve(v, len)?;
    v.resize(len, T::default());
    Ok(())
}

/// `v` at length `len` for a caller that overwrites every element: only elements beyond the
/// old length are written (zeros) here, where `v.clear()` and a resize would zero them all
/// (a pass over the whole result on every product, the doubling loop's products included).
pub(crate) fn set_len_for_overwrite<T: Zeroable + Default>(
    v: &mut Vec<T>,
    len: usize,
) -> Result<(), Error> {
    if v.len() >= len {
        v.truncate(len);
        Ok(())
    } else {
        resize(v, len)
    }
}

/// Room for `len` elements in `v` without aborting.
pub(crate) fn reserve<T>(v: &mut Vec<T>, len: usize) -> Result<(), Error> {
    let more = len.saturating_sub(v.len());
    v.try_reserve_exact(more).map_err(|_| Error::OutOfMemory {
        bytes: len.saturating_mul(core::mem::size_of::<T>()),
    })
}
