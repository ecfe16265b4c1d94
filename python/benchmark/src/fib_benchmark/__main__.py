"""``python -m fib_benchmark``."""

import sys

from fib_benchmark.cli import main

sys.exit(main())
