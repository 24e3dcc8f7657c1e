//! What every kind shares at the C border: Envoy's and the module's buffers,
//! header lists, and metric definitions through a kind's callbacks.

use crate::abi;

/// Which header map a header call works on.
pub type HeaderType = abi::envoy_dynamic_module_type_http_header_type;
/// An Envoy attribute, read with `get_attribute_*`.
pub type AttributeId = abi::envoy_dynamic_module_type_attribute_id;

/// A metric defined by a configuration, used later from its streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricId(pub usize);

/// Lends module bytes to Envoy for the duration of one call.
pub(crate) fn module_buffer(bytes: &[u8]) -> abi::envoy_dynamic_module_type_module_buffer {
    abi::envoy_dynamic_module_type_module_buffer {
        ptr: bytes.as_ptr().cast(),
        length: bytes.len(),
    }
}

/// Envoy's answer to a metric definition as the id, or as why not; `what`
/// names the metric in the error ("metric", "counter").
pub(crate) fn defined(
    result: abi::envoy_dynamic_module_type_metrics_result,
    id: usize,
    what: &str,
    name: &str,
) -> Result<MetricId, String> {
    match result {
        abi::envoy_dynamic_module_type_metrics_result::Success => Ok(MetricId(id)),
        other => Err(format!("defining {what} {name:?} failed: {other:?}")),
    }
}

/// Defines a metric through a kind's labelless `*_config_define_*` callback.
///
/// # Safety
/// `raw` is the config pointer Envoy passed to the running config_new hook.
pub(crate) unsafe fn define_labelless<P>(
    raw: P,
    define: unsafe extern "C" fn(
        P,
        abi::envoy_dynamic_module_type_module_buffer,
        *mut usize,
    ) -> abi::envoy_dynamic_module_type_metrics_result,
    what: &str,
    name: &str,
) -> Result<MetricId, String> {
    let mut id = 0usize;
    // SAFETY: `raw` is the running config hook's pointer (the caller's
    // contract); the name outlives the call; `id` is written by Envoy.
    let result = unsafe { define(raw, module_buffer(name.as_bytes()), &mut id) };
    defined(result, id, what, name)
}

/// Views Envoy-owned bytes as a slice.
///
/// # Safety
/// `ptr`..`ptr+len` must be readable for the returned lifetime.
pub(crate) unsafe fn envoy_bytes<'a>(ptr: *const core::ffi::c_char, len: usize) -> &'a [u8] {
    if ptr.is_null() || len == 0 {
        &[]
    } else {
        // SAFETY: non-null, and readable for `len` bytes for 'a (the caller's contract).
        unsafe { core::slice::from_raw_parts(ptr.cast(), len) }
    }
}

/// An envoy_buffer for Envoy to fill in.
pub(crate) const EMPTY: abi::envoy_dynamic_module_type_envoy_buffer =
    abi::envoy_dynamic_module_type_envoy_buffer {
        ptr: core::ptr::null(),
        length: 0,
    };

/// Every value of one header through a kind's indexed get-header callback,
/// `get(index, value_out, total_count_out) -> found`: index 0 reports how
/// many values there are, then 1, 2, ... until that count (the early header
/// mutation's, the matcher's, the data input's and the formatter's).
///
/// # Safety
/// `get` calls Envoy with the running hook's live pointer; the bytes stay
/// Envoy's for as long as the caller's handle borrows them.
pub(crate) unsafe fn header_values<'a>(
    mut get: impl FnMut(usize, &mut abi::envoy_dynamic_module_type_envoy_buffer, &mut usize) -> bool,
) -> Vec<&'a [u8]> {
    let mut values = Vec::new();
    let mut count = 0usize;
    let mut index = 0usize;
    loop {
        let mut value = EMPTY;
        if !get(index, &mut value, &mut count) {
            break;
        }
        // SAFETY: Envoy's bytes, kept while the caller's handle borrows them.
        values.push(unsafe { envoy_bytes(value.ptr, value.length) });
        index += 1;
        if index >= count {
            break;
        }
    }
    values
}

/// The first value of a request header through a kind's get-header callback
/// (`(context, key, result, index, total_count_out) -> found`: the cluster and
/// route specifiers' and the upstream HTTP-to-TCP bridge's have that shape).
///
/// # Safety
/// `raw` is the live pointer of the running hook; the bytes stay Envoy's for
/// as long as the caller's handle borrows them.
pub(crate) unsafe fn first_header_value<'a, P>(
    raw: P,
    name: &str,
    get: unsafe fn(
        P,
        abi::envoy_dynamic_module_type_module_buffer,
        *mut abi::envoy_dynamic_module_type_envoy_buffer,
        usize,
        *mut usize,
    ) -> bool,
) -> Option<&'a [u8]> {
    let mut out = abi::envoy_dynamic_module_type_envoy_buffer {
        ptr: core::ptr::null(),
        length: 0,
    };
    // SAFETY: `raw` is the running hook's pointer (the caller's contract); the
    // name outlives the call; the value is Envoy's for as long as 'a.
    unsafe {
        let found = get(
            raw,
            module_buffer(name.as_bytes()),
            &mut out,
            0,
            core::ptr::null_mut(),
        );
        (found && !out.ptr.is_null()).then(|| envoy_bytes(out.ptr, out.length))
    }
}

/// Every header of one map through a kind's size and get callbacks (the HTTP
/// filter's and the access logger's have the same shape).
///
/// # Safety
/// `raw` is the live pointer of the running hook; the bytes stay Envoy's for
/// as long as the caller's handle borrows them.
pub(crate) unsafe fn header_list<'a, P: Copy>(
    raw: P,
    kind: HeaderType,
    size: unsafe extern "C" fn(P, HeaderType) -> usize,
    get: unsafe extern "C" fn(
        P,
        HeaderType,
        *mut abi::envoy_dynamic_module_type_envoy_http_header,
    ) -> bool,
) -> Vec<(&'a [u8], &'a [u8])> {
    // SAFETY: `raw` is the running hook's live pointer (the caller's contract).
    let n = unsafe { size(raw, kind) };
    if n == 0 {
        return Vec::new();
    }
    let mut headers = vec![
        abi::envoy_dynamic_module_type_envoy_http_header {
            key_ptr: core::ptr::null(),
            key_length: 0,
            value_ptr: core::ptr::null(),
            value_length: 0,
        };
        n
    ];
    // SAFETY: the live pointer as above; the array is sized by the count Envoy reports.
    if !unsafe { get(raw, kind, headers.as_mut_ptr()) } {
        return Vec::new();
    }
    headers
        .iter()
        .map(|h| {
            // SAFETY: Envoy's header bytes, kept while the caller's handle borrows them.
            unsafe {
                (
                    envoy_bytes(h.key_ptr, h.key_length),
                    envoy_bytes(h.value_ptr, h.value_length),
                )
            }
        })
        .collect()
}
