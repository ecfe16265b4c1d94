"""A computation that runs out of memory raises MemoryError, and the interpreter goes on.

Provoked honestly: in a fresh interpreter whose address space is capped (RLIMIT_AS) a little
above what it already uses, fib_pyrs.fib(10**9) (a 87 MB result, several times that while it
computes) cannot get its buffers. Rust's allocation failures would abort the process; the
extension allocates its large buffers fallibly and turns a failure into MemoryError.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import fib_pyrs

CHILD = textwrap.dedent(
    """
    import resource, sys
    import fib_pyrs, fib_python

    def vm_size():
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
        raise RuntimeError("no VmSize")

    fib_pyrs.fib(10**6)  # twiddle tables and the code paged in before the cap
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (vm_size() + 150 * 2**20, hard))
    try:
        fib_pyrs.fib(10**9)
    except MemoryError as e:
        print("MemoryError:", e)
    else:
        print("no error")
        sys.exit(1)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
    # The interpreter and the extension go on.
    assert fib_pyrs.fib(10**5) == fib_python.fib(10**5)
    print("alive")
    """
)


def test_out_of_memory_raises_memory_error_and_the_interpreter_lives_on() -> None:
    paths = [p for p in sys.path if p]
    env_code = f"import sys; sys.path[:0] = {paths!r}\n" + CHILD
    out = subprocess.run(
        [sys.executable, "-c", env_code], capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "MemoryError: out of memory" in out.stdout
    assert out.stdout.rstrip().endswith("alive")

