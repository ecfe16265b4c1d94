// PyO3's `Py_3_*`/`Py_LIMITED_API`/`PyPy` cfgs, and one of this crate's own: `int_digit_writer`,
// set where int.rs writes CPython's 30-bit digits straight into a new int (CPython without the
// limited API: 3.10 to 3.13 through `_PyLong_New`'s digit array, 3.14 and later through PEP 757's
// writer).
fn main() {
    let outputs = pyo3_build_config::get().build_script_outputs();
    pyo3_build_config::use_pyo3_cfgs();
    let has = |cfg: &str| {
        outputs
            .iter()
            .any(|o| *o == format!("cargo:rustc-cfg={cfg}"))
    };
    println!("cargo::rustc-check-cfg=cfg(int_digit_writer)");
    let cpython = !has("PyPy") && !has("GraalPy") && !has("RustPython");
    if cpython && !has("Py_LIMITED_API") {
        println!("cargo:rustc-cfg=int_digit_writer");
    }
}
