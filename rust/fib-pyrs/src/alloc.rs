//! The extension's global allocator on Linux: large blocks straight from the kernel.
//!
//! glibc's malloc serves blocks above its mmap threshold with mmap, but raises that threshold
//! to the size of every such block that is freed (up to 32 MiB). After the first large
//! product, the transform's buffers come from the heap and stay there when freed: Python's
//! resident memory after F(10^7) was ~1.8 MB above what the computation ever held at once.
//! Here every block of at least `LARGE` bytes is its own mapping, returned to the kernel when
//! freed and grown or shrunk in place by mremap; small blocks go to the system allocator.
//!
//! Whether a block is large is a function of its layout alone, so dealloc and realloc know
//! where a block came from without any bookkeeping.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::{self, NonNull};

/// Blocks of at least this many bytes are mapped: glibc's default mmap threshold, so glibc never
/// maps a block of ours itself, and never raises its thresholds on our account. (With 256 KiB,
/// a block between the two was mapped by glibc and freed; the raised trim threshold then kept
/// freed heap resident, 232 KiB more after F(10^7) and at its peak.) A fresh mapping costs a
/// page fault per page each time, so smaller blocks (the doubling's many middle-sized ones)
/// stay with malloc, whose heap reuses them. Measured against 256 KiB: the peak of a first
/// F(10^7) 2.52 MiB instead of 2.74-2.80 (medians of fresh processes), for 163 page faults per
/// F(10^6) instead of 94.
const LARGE: usize = 128 * 1024;

/// mmap returns page-aligned addresses, and pages are at least this large on Linux.
const MIN_PAGE: usize = 4096;

pub struct MapLarge;

fn is_large(layout: &Layout) -> bool {
    layout.size() >= LARGE && layout.align() <= MIN_PAGE
}

fn map(size: usize, populate: libc::c_int) -> *mut u8 {
    // SAFETY: an anonymous private mapping at an address of the kernel's choosing touches no
    // existing memory.
    let p = unsafe {
        libc::mmap(
            ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | populate,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        ptr::null_mut()
    } else {
        p.cast()
    }
}

/// # Safety
/// `p` must come from `map(size)` (or `remap` to `size`) and not be used afterwards.
unsafe fn unmap(p: *mut u8, size: usize) {
    // SAFETY: the caller passes a whole mapping of ours. munmap only fails for invalid
    // arguments, which that rules out.
    unsafe { libc::munmap(p.cast(), size) };
}

// SAFETY: every block is either a fresh mapping of at least the requested size, aligned to a
// page (hence to any alignment `is_large` accepts), or comes from `System` with its layout
// unchanged; each is returned the way it was obtained, which `is_large(layout)` decides.
unsafe impl GlobalAlloc for MapLarge {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_large(&layout) {
            map(layout.size(), 0)
        } else {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { System.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if is_large(&layout) {
            map(layout.size(), libc::MAP_POPULATE)
        } else {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { System.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if is_large(&layout) {
            // SAFETY: a large layout's block is a mapping of layout.size() bytes.
            unsafe { unmap(p, layout.size()) }
        } else {
            // SAFETY: forwarded with the caller's guarantees.
            unsafe { System.dealloc(p, layout) }
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY (for the layout): the caller guarantees new_size, rounded up to the alignment,
        // does not overflow isize.
        let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        match (is_large(&layout), is_large(&new)) {
            (false, false) => {
                // SAFETY: forwarded with the caller's guarantees.
                unsafe { System.realloc(p, layout, new_size) }
            }
            (true, true) => {
                // The kernel moves the pages (no copy) if the mapping cannot grow in place.
                // SAFETY: p is a whole mapping of layout.size() bytes.
                let q = unsafe {
                    libc::mremap(p.cast(), layout.size(), new_size, libc::MREMAP_MAYMOVE)
                };
                if q == libc::MAP_FAILED {
                    ptr::null_mut()
                } else {
                    q.cast()
                }
            }
            _ => {
                // Between the two kinds: a new block, a copy, and the old block freed.
                // SAFETY: `new` is a valid non-zero layout (new_size > 0 by contract).
                let Some(q) = NonNull::new(unsafe { self.alloc(new) }) else {
                    return ptr::null_mut();
                };
                // SAFETY: both blocks hold at least the smaller size and do not overlap; the
                // old one is freed with the layout it was allocated with.
                unsafe {
                    ptr::copy_nonoverlapping(p, q.as_ptr(), layout.size().min(new_size));
                    self.dealloc(p, layout);
                }
                q.as_ptr()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path between the two kinds of block keeps the contents, at sizes around the
    /// threshold and alignments around a page.
    #[test]
    fn blocks_keep_their_contents_across_kinds() {
        let a = MapLarge;
        let sizes = [1, 100, LARGE - 1, LARGE, LARGE + 1, 3 * LARGE + 17, 1 << 20];
        for align in [1, 8, 64, MIN_PAGE, 2 * MIN_PAGE] {
            for &from in &sizes {
                for &to in &sizes {
                    let layout = Layout::from_size_align(from, align).unwrap();
                    // SAFETY: non-zero sizes; every block is used within its size and freed
                    // once with its current layout.
                    unsafe {
                        let p = a.alloc_zeroed(layout);
                        assert!(!p.is_null());
                        assert_eq!(p as usize % align, 0);
                        let s = std::slice::from_raw_parts_mut(p, from);
                        assert!(s.iter().all(|&b| b == 0));
                        for (i, b) in s.iter_mut().enumerate() {
                            *b = (i * 7 + 3) as u8;
                        }
                        let q = a.realloc(p, layout, to);
                        assert!(!q.is_null());
                        assert_eq!(q as usize % align, 0);
                        let s = std::slice::from_raw_parts_mut(q, to);
                        for (i, &b) in s.iter().enumerate().take(from.min(to)) {
                            assert_eq!(b, (i * 7 + 3) as u8, "byte {i}, {from} -> {to}");
                        }
                        s.fill(1); // the whole new block is writable
                        a.dealloc(q, Layout::from_size_align(to, align).unwrap());
                    }
                }
            }
        }
    }
}
