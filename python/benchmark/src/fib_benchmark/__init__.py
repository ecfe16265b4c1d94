"""fib-benchmark: fib-python against fib-pyrs (and GMP), natively and inside Pyodide.

Run it as ``fib-benchmark`` or ``python -m fib_benchmark`` (see ``--help``); in this repository
``make benchmark`` (checks/benchmark.sh) builds the wheels and passes the right paths.
"""

__version__ = "0.1.0"
