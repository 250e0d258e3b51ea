"""`python -m benchmarks [all|import|...]`: run benchmarks on demand and print their figures."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> None:
    which = argv[0] if argv else "all"
    if which in ("all", "import"):
        from benchmarks import import_bench

        print(import_bench.run()["text"])


main(sys.argv[1:])
