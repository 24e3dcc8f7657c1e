//! Where a stream's filter and the SDK's stream box live, so that a stream of a
//! small filter costs no heap allocation after configuration time.
//!
//! - [`PlacedFilter`]: a filter of up to four words (a reference-counted
//!   config, a few flags) is stored inside the SDK's stream box; a larger one,
//!   or one handed over as a `Box`, stays boxed. A config opts in by overriding
//!   [`HttpFilterConfig::new_placed_http_filter`](super::HttpFilterConfig::new_placed_http_filter).
//! - [`StreamBoxes`]: the stream boxes themselves are taken from, and given
//!   back to, a free list per thread (Envoy creates and destroys a stream on
//!   its worker), bounded so a burst of streams does not keep its memory.
//!
//! Measured under callgrind with the benchmark's listeners: together these
//! replace a malloc and free per stream (two for a filter that is not
//! zero-sized) with two thread-local accesses.

use super::filter::HttpFilter;
use crate::EnvoyHttpFilter;
use core::alloc::Layout;
use core::cell::Cell;
use core::mem::{align_of, size_of, MaybeUninit};

type Inline = MaybeUninit<[usize; 4]>;

/// A stream's filter: inline when small, else boxed.
pub struct PlacedFilter<E: EnvoyHttpFilter>(Repr<E>);

enum Repr<E: EnvoyHttpFilter> {
    Inline {
        storage: Inline,
        /// The vtable of the filter's type, as a function (stable Rust has no
        /// way to keep a bare vtable pointer).
        as_dyn: unsafe fn(*mut u8) -> *mut dyn HttpFilter<E>,
    },
    Boxed(Box<dyn HttpFilter<E>>),
}

/// # Safety
/// `at` points to a live `F`.
unsafe fn as_dyn<E: EnvoyHttpFilter, F: HttpFilter<E> + 'static>(
    at: *mut u8,
) -> *mut dyn HttpFilter<E> {
    at.cast::<F>() as *mut dyn HttpFilter<E>
}

impl<E: EnvoyHttpFilter> PlacedFilter<E> {
    /// `filter` stored inline when it fits in four words, boxed otherwise.
    pub fn new<F: HttpFilter<E> + 'static>(filter: F) -> Self {
        if size_of::<F>() <= size_of::<Inline>() && align_of::<F>() <= align_of::<Inline>() {
            let mut storage = Inline::uninit();
            // SAFETY: the storage is large and aligned enough for F (checked).
            unsafe { storage.as_mut_ptr().cast::<F>().write(filter) };
            Self(Repr::Inline {
                storage,
                as_dyn: as_dyn::<E, F>,
            })
        } else {
            Self(Repr::Boxed(Box::new(filter)))
        }
    }

    /// A filter already boxed (what `new_http_filter` returns).
    pub fn boxed(filter: Box<dyn HttpFilter<E>>) -> Self {
        Self(Repr::Boxed(filter))
    }

    /// True when the filter is stored inline (tests).
    pub fn is_inline(&self) -> bool {
        matches!(self.0, Repr::Inline { .. })
    }

    pub fn get(&mut self) -> &mut dyn HttpFilter<E> {
        match &mut self.0 {
            // SAFETY: the storage holds the F that as_dyn was made for.
            Repr::Inline { storage, as_dyn } => unsafe {
                &mut *as_dyn(storage.as_mut_ptr().cast())
            },
            Repr::Boxed(filter) => &mut **filter,
        }
    }
}

impl<E: EnvoyHttpFilter> Drop for PlacedFilter<E> {
    fn drop(&mut self) {
        if let Repr::Inline { storage, as_dyn } = &mut self.0 {
            // SAFETY: the storage holds a live F, dropped once, here.
            unsafe { core::ptr::drop_in_place(as_dyn(storage.as_mut_ptr().cast())) }
        }
    }
}

/// The size of the blocks kept per thread: enough for a stream box.
const BLOCK: Layout = match Layout::from_size_align(128, 16) {
    Ok(layout) => layout,
    Err(_) => panic!("bad block layout"),
};

/// Blocks kept per thread at most: the streams a worker has in flight at once
/// in a busy moment; more are freed.
const KEPT: usize = 1024;

/// A thread's free blocks, a list threaded through the blocks themselves.
struct Free {
    head: Cell<*mut u8>,
    len: Cell<usize>,
}

impl Drop for Free {
    fn drop(&mut self) {
        let mut at = self.head.get();
        while !at.is_null() {
            // SAFETY: every block on the list was allocated with BLOCK and holds
            // the next block's address in its first word.
            unsafe {
                let next = *at.cast::<*mut u8>();
                std::alloc::dealloc(at, BLOCK);
                at = next;
            }
        }
    }
}

thread_local! {
    static FREE: Free = const {
        Free {
            head: Cell::new(core::ptr::null_mut()),
            len: Cell::new(0),
        }
    };
}

/// True when a `T` fits a recycled block (else `put` boxes it).
pub(crate) const fn fits_a_block<T>() -> bool {
    size_of::<T>() <= BLOCK.size() && align_of::<T>() <= BLOCK.align()
}

/// Stream boxes from the thread's free list.
pub(crate) struct StreamBoxes;

impl StreamBoxes {
    /// Moves `value` into a block: a recycled one when the thread has one.
    pub(crate) fn put<T>(value: T) -> *mut T {
        if !fits_a_block::<T>() {
            return Box::into_raw(Box::new(value));
        }
        let recycled = FREE
            .try_with(|free| {
                let head = free.head.get();
                if !head.is_null() {
                    // SAFETY: a block on the list holds the next one's address.
                    free.head.set(unsafe { *head.cast::<*mut u8>() });
                    free.len.set(free.len.get() - 1);
                }
                head
            })
            .unwrap_or(core::ptr::null_mut());
        let at = if recycled.is_null() {
            // SAFETY: BLOCK has a non-zero size.
            let at = unsafe { std::alloc::alloc(BLOCK) };
            if at.is_null() {
                std::alloc::handle_alloc_error(BLOCK);
            }
            at
        } else {
            recycled
        };
        let at = at.cast::<T>();
        // SAFETY: the block is BLOCK-sized and aligned, large enough for T.
        unsafe { at.write(value) };
        at
    }

    /// Drops the value at `at` (made by [`put`](Self::put)) and keeps its block.
    /// `drop_value` runs the drop (the caller puts its barrier around it).
    ///
    /// # Safety
    /// `at` came from `put::<T>` and is released once.
    pub(crate) unsafe fn release<T>(at: *mut T, drop_value: impl FnOnce(*mut T)) {
        drop_value(at);
        if !fits_a_block::<T>() {
            // SAFETY: put boxed it; the value was dropped above, the memory is freed here.
            unsafe { drop(Box::from_raw(at.cast::<MaybeUninit<T>>())) };
            return;
        }
        let block = at.cast::<u8>();
        let kept = FREE
            .try_with(|free| {
                if free.len.get() >= KEPT {
                    return false;
                }
                // SAFETY: the block is ours again; its first word links the list.
                unsafe { block.cast::<*mut u8>().write(free.head.get()) };
                free.head.set(block);
                free.len.set(free.len.get() + 1);
                true
            })
            .unwrap_or(false);
        if !kept {
            // SAFETY: the block was allocated with BLOCK.
            unsafe { std::alloc::dealloc(block, BLOCK) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    #[test]
    fn a_released_block_is_reused_and_values_dropped() {
        let token = Rc::new(());
        let first = StreamBoxes::put((Rc::clone(&token), 7u64));
        assert_eq!(Rc::strong_count(&token), 2);
        // SAFETY: from put, released once.
        unsafe { StreamBoxes::release(first, |at| core::ptr::drop_in_place(at)) };
        assert_eq!(Rc::strong_count(&token), 1);
        let second = StreamBoxes::put((Rc::clone(&token), 8u64));
        assert_eq!(first, second, "the block comes back from the free list");
        // SAFETY: as above.
        unsafe { StreamBoxes::release(second, |at| core::ptr::drop_in_place(at)) };
        assert_eq!(Rc::strong_count(&token), 1);
    }

    #[test]
    fn a_value_too_large_for_a_block_is_boxed() {
        let big = StreamBoxes::put([1u8; 512]);
        // SAFETY: from put, released once.
        unsafe { StreamBoxes::release(big, |at| core::ptr::drop_in_place(at)) };
    }
}
