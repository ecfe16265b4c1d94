//! The `fib_pyrs._fib_pyrs` extension module: thin PyO3 wrappers around `fib-rust`.

use num_bigint::BigUint;
use pyo3::exceptions::{PyOverflowError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyInt;

/// Largest accepted n. F(10^9) already has 694 million bits (87 MB); anything much larger
/// would exhaust memory, and a failed allocation aborts the process instead of raising.
const MAX_N: u64 = 1_000_000_000;

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
fn fib(py: Python<'_>, n: &Bound<'_, PyAny>) -> PyResult<BigUint> {
    let n = checked_n(n)?;
    Ok(py.detach(|| fib_rust::fib(n)))
}

/// F(n) by the plain addition loop.
#[pyfunction]
fn fib_iter(py: Python<'_>, n: &Bound<'_, PyAny>) -> PyResult<BigUint> {
    let n = checked_n(n)?;
    Ok(py.detach(|| fib_rust::fib_iter(n)))
}

/// The pair (F(n), F(n+1)).
#[pyfunction]
fn fib_pair(py: Python<'_>, n: &Bound<'_, PyAny>) -> PyResult<(BigUint, BigUint)> {
    let n = checked_n(n)?;
    Ok(py.detach(|| fib_rust::fib_pair(n)))
}

/// Panics in Rust. Exists so the test suites can prove, natively and in Pyodide, that a panic
/// reaches Python as `pyo3_runtime.PanicException` and the interpreter lives on.
#[pyfunction]
fn _panic(message: &str) {
    panic!("{message}");
}

#[pymodule]
fn _fib_pyrs(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("MAX_N", MAX_N)?;
    m.add_function(wrap_pyfunction!(fib, m)?)?;
    m.add_function(wrap_pyfunction!(fib_iter, m)?)?;
    m.add_function(wrap_pyfunction!(fib_pair, m)?)?;
    m.add_function(wrap_pyfunction!(_panic, m)?)?;
    Ok(())
}
