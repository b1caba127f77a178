"""How long a bench runs: `full` for bench/RESULTS.md, `tiny` for the smoke test in
`make test` (tests/bench/), which only proves each bench still runs."""

from __future__ import annotations

import argparse
from dataclasses import dataclass


@dataclass(frozen=True)
class Shape:
    rounds: int  # alternations of the two sides of a figure
    seconds: float  # each side's load in a round
    clients: int  # concurrent kept-alive connections


SIZES = {"tiny": Shape(rounds=1, seconds=0.3, clients=2), "full": Shape(rounds=7, seconds=3.0, clients=4)}


def size_from_argv() -> str:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    return parser.parse_args().size
