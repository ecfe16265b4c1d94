//! The `fib_pyrs._fib_pyrs` extension module: thin PyO3 wrappers around `fib-rust`.

#[cfg(target_os = "linux")]
mod alloc;
mod int;

/// Large blocks go back to the kernel as soon as they are freed (see `alloc`).
#[cfg(target_os = "linux")]
#[global_allocator]
static GLOBAL: alloc::MapLarge = alloc::MapLarge;

use num_bigint::BigUint;
use pyo3::exceptions::{PyMemoryError, PyOverflowError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyInt;

/// Largest accepted n. F(10^9) already has 694 million bits (87 MB) and takes a few seconds;
/// fib-rust itself goes up to `fib_rust::MAX_N` (about 2.37 * 10^9). Where memory runs out
/// first, the call raises MemoryError.
const MAX_N: u64 = 1_000_000_000;
const _: () = assert!(MAX_N <= fib_rust::MAX_N);

/// fib-rust's errors as Python exceptions: MemoryError when an allocation failed.
fn py_err(e: fib_rust::Error) -> PyErr {
    match e {
        fib_rust::Error::OutOfMemory { .. } => PyMemoryError::new_err(e.to_string()),
        _ => PyOverflowError::new_err(e.to_string()),
    }
}

/// From these n on the computation runs with the GIL released, so other Python threads go on:
/// both take about 15 microseconds there natively (F(20,000) by doubling, the loop to 5,000).
/// For shorter calls, releasing and taking back the GIL would be a noticeable part of the call.
const DOUBLING_DETACH_MIN_N: u64 = 20_000;
const LOOP_DETACH_MIN_N: u64 = 5_000;

/// `f(n)`, with the GIL released from `detach_min_n` on.
fn compute<T: Send>(
    py: Python<'_>,
    n: u64,
    detach_min_n: u64,
    f: impl FnOnce(u64) -> T + Send,
) -> T {
    if n >= detach_min_n {
        py.detach(|| f(n))
    } else {
        f(n)
    }
}

/// Turns any Python object into a valid n, with the same exception types as `fib_python`:
/// TypeError for non-integers (via `__index__`, like `operator.index`), ValueError for
/// negatives, OverflowError above MAX_N.
fn checked_n(n: &Bound<'_, PyAny>) -> PyResult<u64> {
    // Fast path for the usual call, an int in range: no lookup of operator.index.
    if let Ok(int) = n.cast::<PyInt>() {
        if let Ok(v) = int.extract::<u64>() {
            if v <= MAX_N {
                return Ok(v);
            }
        }
    }
    let py = n.py();
    // operator.index() semantics: ints, bools and objects with __index__; TypeError otherwise.
    let index = py
        .import("operator")?
        .getattr("index")?
        .call1((n,))?
        .cast_into::<PyInt>()?;
    if index.lt(0)? {
        return Err(PyValueError::new_err(format!(
            "n must be >= 0, got n={index}"
        )));
    }
    match index.extract::<u64>() {
        Ok(v) if v <= MAX_N => Ok(v),
        _ => Err(PyOverflowError::new_err(format!(
            "n={index} is too large: the largest supported n is MAX_N={MAX_N}"
        ))),
    }
}

/// F(n) by fast doubling.
#[pyfunction]
fn fib<'py>(py: Python<'py>, n: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyInt>> {
    let n = checked_n(n)?;
    let limbs = compute(py, n, DOUBLING_DETACH_MIN_N, fib_rust::try_fib_limbs).map_err(py_err)?;
    int::int_from_limbs(py, &limbs)
}

/// F(n) by the plain addition loop.
#[pyfunction]
fn fib_iter(py: Python<'_>, n: &Bound<'_, PyAny>) -> PyResult<BigUint> {
    let n = checked_n(n)?;
    Ok(compute(py, n, LOOP_DETACH_MIN_N, fib_rust::fib_iter))
}

/// The pair (F(n), F(n+1)).
#[pyfunction]
fn fib_pair<'py>(
    py: Python<'py>,
    n: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyInt>, Bound<'py, PyInt>)> {
    let n = checked_n(n)?;
    let (f, f1) =
        compute(py, n, DOUBLING_DETACH_MIN_N, fib_rust::try_fib_pair_limbs).map_err(py_err)?;
    Ok((int::int_from_limbs(py, &f)?, int::int_from_limbs(py, &f1)?))
}

/// Panics in Rust. Exists so the test suites can prove, natively and in Pyodide, that a panic
/// reaches Python as `pyo3_runtime.PanicException` and the interpreter lives on.
#[pyfunction]
fn _panic(message: &str) {
    panic!("{message}");
}

/// `gil_used = false`: the module keeps no state behind the GIL (its functions share nothing
/// but read-only tables built once, under `OnceLock`), so free-threaded CPython need not
/// re-enable the GIL on import.
#[pymodule(gil_used = false)]
fn _fib_pyrs(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MAX_N", MAX_N)?;
    m.add_function(wrap_pyfunction!(fib, m)?)?;
    m.add_function(wrap_pyfunction!(fib_iter, m)?)?;
    m.add_function(wrap_pyfunction!(fib_pair, m)?)?;
    m.add_function(wrap_pyfunction!(_panic, m)?)?;
    Ok(())
}
