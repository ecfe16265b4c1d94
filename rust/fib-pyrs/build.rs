// The `Py_3_*` and `Py_LIMITED_API` cfgs for the version-specific int construction in int.rs.
fn main() {
    pyo3_build_config::use_pyo3_cfgs();
}
