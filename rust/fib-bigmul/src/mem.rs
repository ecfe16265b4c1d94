//! The large buffers' memory: fallible allocation, where a failed allocation becomes an
//! [`Error`] instead of aborting the process (what `Vec` does), so a caller such as the Python
//! extension can raise `MemoryError` and go on; and [`release`], which gives dead pages back
//! to the kernel while a buffer is still in use.

use crate::Error;
use std::alloc::Layout;

/// Element types whose all-zero bytes are a valid value (and any other bytes too).
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

/// Gives the kernel back the memory pages that lie wholly in `buf[..to]` and were not given
/// back by a call up to `from`, in a buffer whose elements `..to` are dead (read no more
/// before they are overwritten): they stop counting towards the process's resident memory
/// until written again. A caller walks a buffer with increasing bounds, each call's `to` the
/// next one's `from`, and every page goes once. A large product releases its residues as the
/// carry pass consumes them and an operand as it is loaded, so that the next buffer grows
/// into the room the last one leaves (see `ntt::split`).
///
/// Linux only: madvise(MADV_DONTNEED), after which private anonymous pages read as zeros
/// (any other mapping keeps its bytes); both are valid values of a `Zeroable`. Elsewhere,
/// nothing happens.
pub(crate) fn release<T: Zeroable>(buf: &mut [T], from: usize, to: usize) {
    #[cfg(target_os = "linux")]
    {
        let size = core::mem::size_of::<T>();
        let page = page_size();
        let base = buf.as_mut_ptr() as usize;
        let end = base + core::mem::size_of_val(&buf[..to]);
        // From the page `from` is in (a call up to `from` kept it: it reached past `from`),
        // unless that page starts before the buffer, to the last page boundary in `..to`.
        let lo = (base + from.min(to) * size) / page * page;
        let lo = lo.max(base.next_multiple_of(page));
        let hi = end / page * page;
        if hi > lo {
            // SAFETY: [lo, hi) is whole pages inside `buf`, which the caller holds mutably and
            // whose contents there are dead; afterwards they read as zeros or as before, both
            // valid `T`s. An error (e.g. locked pages) only leaves the pages resident.
            unsafe { libc::madvise(lo as *mut libc::c_void, hi - lo, libc::MADV_DONTNEED) };
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (buf, from, to);
}

/// The kernel's page size (sysconf), read once.
#[cfg(target_os = "linux")]
fn page_size() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PAGE: AtomicUsize = AtomicUsize::new(0);
    match PAGE.load(Ordering::Relaxed) {
        0 => {
            // SAFETY: sysconf reads a constant of the system.
            let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
            let p = if p > 0 { p as usize } else { 4096 };
            PAGE.store(p, Ordering::Relaxed);
            p
        }
        p => p,
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// A walk in uneven steps gives back exactly the whole pages inside the walked prefix,
    /// each once: they read as zeros, everything else keeps its value.
    #[test]
    fn release_gives_back_whole_pages_only() {
        let page = page_size();
        // Larger than glibc's mmap threshold: a private anonymous mapping of its own, whose
        // released pages read as zeros. Offset by 3 so the buffer starts inside a page.
        let mut block = zeroed::<u32>(64 * page).unwrap();
        let buf = &mut block[3..];
        for (i, x) in buf.iter_mut().enumerate() {
            *x = i as u32 | 1;
        }
        let end = buf.len() - 1000; // the walk stops inside a page
        let mut from = 0;
        for step in [1usize, 700, 1023, 5000, 3, 9000].iter().cycle() {
            let to = end.min(from + step);
            release(buf, from, to);
            from = to;
            if to == end {
                break;
            }
        }
        let base = buf.as_ptr() as usize;
        let first = base.next_multiple_of(page);
        let last = (base + end * 4) / page * page;
        for (i, &x) in buf.iter().enumerate() {
            let at = base + i * 4;
            let gone = at >= first && at + 4 <= last;
            assert_eq!(x, if gone { 0 } else { i as u32 | 1 }, "element {i}");
        }
    }
}
