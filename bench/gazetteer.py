"""Benchmark address search: every keystroke of typed addresses over a gazetteer of 1,000,000
entries (synthetic street names in Finnish, Norwegian and Dutch, 40 house numbers each, and
named places). Writes bench/gazetteer.md. Run: make bench (or python bench/gazetteer.py
[--count N]).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from assetmap.analysis.address_search import AddressIndex

RESULT = Path(__file__).with_name("gazetteer.md")
NUMBERS_PER_STREET = 40
SYLLABLES = (
    "kai", "sa", "nie", "men", "ka", "lle", "vuo", "ri", "mä", "ki", "jär", "ven", "hel", "sin",
    "sör", "näi", "nen", "ha", "mi", "ber", "gen", "sand", "vik", "hol", "lø", "ke", "ga", "ams",
    "ter", "dam", "van", "der", "heu", "vel", "kerk", "bos", "wijk", "ro",
)  # fmt: skip
SUFFIXES = ("katu", "tie", "kuja", "gate", "veien", "vegen", "straat", "weg", "laan", "plein")
TYPED = (
    "Kaisaniemenkatu 5",
    "kaisaniemenk 5",
    "Sornaisten rantatie 22 B",
    "Karl Johans gt 22",
    "Kerkstraat 12-14",
    "Heuvelweg 3",
    "Kaisanimenkatu 7",
)
"""Typed one key at a time, as a resident would; each includes a street the gazetteer holds."""


def synthetic_gazetteer(count: int, rng: np.random.Generator) -> pd.DataFrame:
    streets = max(count // (NUMBERS_PER_STREET + 1), 1)
    names: set[str] = {"Kaisaniemenkatu", "Sörnäisten rantatie", "Karl Johans gate"}
    names |= {"Kerkstraat", "Heuvelweg"}
    while len(names) < streets:
        stem = "".join(rng.choice(SYLLABLES, rng.integers(2, 5)))
        names.add(stem.capitalize() + rng.choice(SUFFIXES))
    street_names = np.array(sorted(names), dtype=object)
    lon = rng.uniform(4.0, 30.0, len(street_names))
    lat = rng.uniform(52.0, 70.0, len(street_names))
    rows = len(street_names) * NUMBERS_PER_STREET
    numbers = np.tile(np.arange(1, NUMBERS_PER_STREET + 1), len(street_names)).astype(str)
    letters = rng.choice(["", "", "", " A", " B"], rows)
    addresses = pd.DataFrame(
        {
            "kind": "address",
            "name": np.repeat(street_names, NUMBERS_PER_STREET),
            "number": np.char.add(numbers, letters.astype(str)),
            "locality": "00100 Kaupunki",
            "lon": np.repeat(lon, NUMBERS_PER_STREET) + rng.normal(0, 0.002, rows),
            "lat": np.repeat(lat, NUMBERS_PER_STREET) + rng.normal(0, 0.001, rows),
        }
    )
    streets_frame = pd.DataFrame(
        {"kind": "street", "name": street_names, "number": "", "locality": "Kaupunki"}
        | {"lon": lon, "lat": lat}
    )
    places = count - len(addresses) - len(streets_frame)
    place_frame = pd.DataFrame(
        {
            "kind": "place",
            "name": [f"Paikka {i}" for i in range(max(places, 0))],
            "number": "",
            "locality": "",
            "lon": rng.uniform(4.0, 30.0, max(places, 0)),
            "lat": rng.uniform(52.0, 70.0, max(places, 0)),
        }
    )
    return pd.concat([addresses, streets_frame, place_frame], ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()
    gazetteer = synthetic_gazetteer(args.count, np.random.default_rng(19))
    started = time.perf_counter()
    index = AddressIndex(gazetteer)
    built = time.perf_counter() - started
    timings: list[float] = []
    first_results: dict[str, str] = {}
    for typed in TYPED:
        for end in range(1, len(typed) + 1):
            started = time.perf_counter()
            found = index.search(typed[:end])
            timings.append((time.perf_counter() - started) * 1000)
        first_results[typed] = found[0].label if found else "(nothing)"
    timings.sort()
    rng = np.random.default_rng(7)
    clicks = []
    for lon, lat in zip(rng.uniform(4.0, 30.0, 50), rng.uniform(52.0, 70.0, 50), strict=True):
        started = time.perf_counter()
        index.nearest(lon, lat)
        clicks.append((time.perf_counter() - started) * 1000)
    p95 = timings[int(len(timings) * 0.95) - 1]
    lines = [
        "# Address search benchmark",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {sys.version.split()[0]}: `python bench/gazetteer.py`.",
        "",
        f"A gazetteer of {len(index):,} entries ({len(gazetteer.name.unique()):,} names; "
        f"{NUMBERS_PER_STREET} house numbers a street), each of {len(TYPED)} addresses typed one "
        f"key at a time ({len(timings)} searches, every prefix from the first letter on).",
        "",
        "| Measure | Figure |",
        "| --- | --- |",
        f"| Index built once | {built:.1f} s |",
        f"| Median search (one keystroke) | {statistics.median(timings):.2f} ms |",
        f"| 95th percentile | {p95:.2f} ms |",
        f"| Slowest keystroke | {timings[-1]:.2f} ms |",
        f"| Nearest address to a click on the map (median of 50) | "
        f"{statistics.median(clicks):.1f} ms |",
        "",
        "What each typed address found first:",
        "",
        *(f"- `{typed}` → {label}" for typed, label in first_results.items()),
        "",
        "The goal is at most 50 ms a keystroke at 1,000,000 entries (issue 19).",
        "",
    ]
    RESULT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
