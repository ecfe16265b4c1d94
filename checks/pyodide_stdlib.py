"""Runs INSIDE a Pyodide runtime (checks/pyodide_stdlib.mjs loads it under Node): compiles the
runtime's standard library to bytecode with the runtime's own interpreter, and checks the result.

Two layouts, by how the runtime ships its standard library:

``zip``      one zip on sys.path (Pyodide 314: ``python_stdlib.zip``, mounted as
             ``/lib/python314.zip``): the result is the same zip with every ``.py`` replaced by
             its ``.pyc`` (zipimport takes a module's ``.pyc`` when the zip has one); the page hands
             it to loadPyodide as ``stdLibURL``. Modules keep their names; a traceback through the
             standard library shows file and line but not the source line.
``pycache``  plain files under ``/lib/python3.X`` (Pyodide 0.21, from ``pyodide.asm.data``): the
             result is a zip of ``lib/python3.X/**/__pycache__/*.pyc`` paths, relative to ``/``,
             stored uncompressed; the page writes them into the file system before Python starts,
             beside their sources, as a Linux distribution installs Python.

Every ``.pyc`` is an unchecked hash-based pyc (PEP 552): the import system loads it without
looking at the source, so no timestamp in the file system matters. The bytes are reproducible:
entries sorted, every timestamp SOURCE_DATE_EPOCH's, and the caller sets PYTHONHASHSEED=0 (a set
literal is compiled to a frozenset constant, marshalled in hash order).

Standard library only, and runs on every Python the runtimes bring (3.10 and 3.14).
"""

from __future__ import annotations

import importlib.util
import io
import os
import sys
import time
import zipfile
from importlib._bootstrap_external import (  # type: ignore[attr-defined]  # py_compile's own
    _code_to_hash_pyc,
)

#: The test imports: modules a fresh runtime has not imported yet, which must load without a
#: single call to compile() once the precompiled library is installed.
LATER_IMPORTS = ("difflib", "statistics", "fractions", "csv", "email.message", "html.parser")


def pyc(source: bytes, filename: str) -> bytes:
    code = compile(source, filename, "exec", dont_inherit=True, optimize=0)
    pyc: bytes = _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)
    return pyc


def stdlib_zip_path() -> str | None:
    """The standard library's zip on sys.path, if the runtime has one (the interpreter always
    lists one; a runtime with a plain-files library has none there)."""
    return next((p for p in sys.path if p.endswith(".zip") and os.path.isfile(p)), None)


def library_dir() -> str:
    """/lib/python3.X (sysconfig says //lib/python3.X in Pyodide 0.21: its prefix is /)."""
    return os.path.dirname(os.__file__)


def layout() -> str:
    return "zip" if stdlib_zip_path() else "pycache"


def compiled_zip_entries() -> dict[str, bytes]:
    """The runtime's standard library zip, with every .py replaced by its .pyc."""
    path = stdlib_zip_path()
    assert path is not None
    entries: dict[str, bytes] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename
            if info.is_dir():
                entries[name] = b""
            elif name.endswith(".py"):
                # The file name the module has when imported from the original zip.
                entries[name[:-3] + ".pyc"] = pyc(archive.read(info), f"{path}/{name}")
            else:
                entries[name] = archive.read(info)
    return entries


def pycache_entries() -> dict[str, bytes]:
    """A .pyc in __pycache__ for every .py of the runtime's library directory (the standard
    library and the runtime's own _pyodide and pyodide packages: nothing else is installed in a
    runtime that has just started), named by their paths relative to /."""
    root = library_dir()
    entries: dict[str, bytes] = {}
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d != "__pycache__")
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                with open(path, "rb") as f:
                    source = f.read()
                cached = importlib.util.cache_from_source(path)
                entries[cached.lstrip("/")] = pyc(source, path)
    return entries


def build(epoch: int) -> bytes:
    """The precompiled library of this runtime, as the bytes of a zip."""
    kind = layout()
    entries = compiled_zip_entries() if kind == "zip" else pycache_entries()
    # A zip's timestamps start in 1980 and are local, field by field: take them in UTC.
    stamp = time.gmtime(max(epoch, 315532800))[:6]
    method = zipfile.ZIP_DEFLATED if kind == "zip" else zipfile.ZIP_STORED
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, stamp)
            if name.endswith("/"):
                info.external_attr = (0o40755 << 16) | 0x10
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.external_attr = 0o644 << 16
                info.compress_type = method
            archive.writestr(info, entries[name])
    return buffer.getvalue()


def verify(kind: str) -> str:
    """Checks, in a runtime started with the precompiled library installed as the page installs
    it, that the start-up imported the standard library from bytecode and that later imports
    compile nothing. Returns a summary; raises AssertionError on a failure."""
    assert kind == layout(), f"the runtime's layout is {layout()}, the file is for {kind}"
    stdlib = stdlib_zip_path() or library_dir()
    # module name -> (file, path of its bytecode): the modules loaded from the library, not
    # frozen into the interpreter (3.11+: nothing to load)
    started = {
        name: (module.__file__ or "", module.__spec__.cached)
        for name, module in list(sys.modules.items())
        if (getattr(module, "__file__", None) or "").startswith(stdlib + "/")
        and module.__spec__ is not None
        and module.__spec__.origin != "frozen"
    }
    assert len(started) > 20, f"only {len(started)} standard library modules at start"
    for name, (file, cached) in started.items():
        if kind == "zip":
            assert file.endswith(".pyc"), f"{name} from {file}"
        else:
            assert cached and os.path.isfile(cached), f"{name}: no {cached}"
    compiled: list[str] = []

    def audit(event: str, args: tuple[object, ...]) -> None:
        # compile() of a module's source; namedtuple and dataclasses compile generated code
        # ("<string>") at every run, precompiled or not.
        if event == "compile" and str(args[1]).endswith((".py", "<control>")):
            compiled.append(str(args[1]))

    sys.addaudithook(audit)
    compile("0", "<control>", "eval")
    assert compiled == ["<control>"], f"the audit hook saw {compiled}"
    compiled.clear()
    later = [name for name in LATER_IMPORTS if name not in sys.modules]
    assert len(later) >= 3, f"{LATER_IMPORTS} were imported at start already"
    before = set(sys.modules)
    for name in later:
        importlib.import_module(name)
    fresh = [n for n in set(sys.modules) - before if getattr(sys.modules[n], "__file__", None)]
    assert not compiled, f"compiled from source after start: {compiled}"
    return (
        f"{len(started)} standard library modules imported at start, all from bytecode; "
        f"{len(fresh)} more imported later ({', '.join(later)}), none compiled from source"
    )
