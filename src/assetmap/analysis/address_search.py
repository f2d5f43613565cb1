"""Address and place search over a gazetteer, with no geocoding service: pure and in memory.

A gazetteer is a frame of entries with the columns `GAZETTEER_COLUMNS`: its `kind` (an
address, a street or a named place), the street or place `name`, the house `number` (empty
for streets and places), the `locality` (postcode and town, as the source gives them) and the
point (`lon`, `lat`, WGS84).

`AddressIndex` is built once from such a frame and answers a keystroke's search in
milliseconds over a million entries (bench/gazetteer.md): names are folded once (case,
diacritics, punctuation), kept in one sorted list of keys (every name, and the name from each
of its later words) for prefix search by bisection, and in a trigram index for a typo or two.
Each name's entries lie side by side in arrays, so a house number is matched with numpy on a
slice.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from assetmap.models import GAZETTEER_COLUMNS, GAZETTEER_KINDS

KINDS = GAZETTEER_KINDS
RESULTS = 10
"""A search offers at most this many results."""
_NAMES_CONSIDERED = 40
"""Names matching best, whose entries a search looks at; enough for `RESULTS` and typos."""
_PREFIX_KEYS = 400
"""Keys read from the sorted list for one prefix; a one-letter query stops there."""

_FOLDED_LETTERS = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ð": "d", "þ": "th", "ł": "l"}
)
_ABBREVIATIONS = {
    "gt": "gate",
    "vn": "veien",
    "v": "vei",
    "pl": "plass",
    "str": "straat",
    "k": "katu",
    "t": "tie",
}
"""Street-word abbreviations (Norwegian, Dutch, Finnish) that are not a prefix of the word, or
that a person writes as a word of its own: "Karl Johans gt" is "Karl Johans gate"."""
_NUMBER = re.compile(
    r"^(?P<street>.*?)[\s,]+(?P<lo>\d{1,6})\s*(?P<letter>[^\W\d_])?"
    r"(?:\s*[-–]\s*(?P<hi>\d{1,6})\s*(?P<hiletter>[^\W\d_])?)?\s*$"
)
_ENTRY_NUMBER = re.compile(
    r"^\s*(?P<lo>\d{1,6})\s*(?P<letter>[^\W\d_])?\s*(?:[-–]\s*(?P<hi>\d{1,6}))?"
)
_NO_NUMBER = -1
_METRES = 6_371_008.8 * np.pi / 180
"""Metres in a degree of latitude (the mean Earth radius)."""


def fold(text: str) -> str:
    """Lower case, without diacritics or punctuation, single spaces: how names are compared.

    "Sörnäinen" and "Sornainen" fold alike, and so do "Kaisaniemenkatu" and "KAISANIEMENKATU".
    """
    lowered = unicodedata.normalize("NFKD", text.casefold().translate(_FOLDED_LETTERS))
    plain = "".join(c for c in lowered if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain).split())


@dataclass(frozen=True)
class HouseNumber:
    """A house number or a range of them: "5" is 5-5, "5 B" is 5-5 with letter "b", "5-7" is
    5-7."""

    lo: int
    hi: int
    letter: str = ""

    @property
    def text(self) -> str:
        return f"{self.lo}{self.letter}" if self.lo == self.hi else f"{self.lo}-{self.hi}"


@dataclass(frozen=True)
class Query:
    """What a person typed, read as a street or place name and perhaps a house number."""

    name: str
    number: HouseNumber | None


def parse_query(text: str) -> Query:
    """Split "Kaisaniemenkatu 5 B" into the folded name and the house number."""
    match = _NUMBER.match(text.strip())
    if match and fold(match["street"]):
        lo = int(match["lo"])
        hi = int(match["hi"]) if match["hi"] else lo
        letter = fold(match["letter"] or "") if lo == hi else ""
        return Query(fold(match["street"]), HouseNumber(min(lo, hi), max(lo, hi), letter))
    return Query(fold(text), None)


def house_number(text: str) -> HouseNumber | None:
    """An entry's house number as its source writes it ("5", "5 B", "5-7", "5a"), if any."""
    match = _ENTRY_NUMBER.match(text or "")
    if not match:
        return None
    lo = int(match["lo"])
    hi = int(match["hi"]) if match["hi"] else lo
    return HouseNumber(min(lo, hi), max(lo, hi), fold(match["letter"] or ""))


@dataclass(frozen=True)
class AddressMatch:
    """One search result: what to show, what it is, and where."""

    label: str
    kind: str
    lon: float
    lat: float


def _trigrams(text: str) -> set[str]:
    padded = f"  {text}"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def prefix_distance(query: str, name: str) -> int:
    """The fewest edits that turn `query` into some beginning of `name` (Levenshtein), so a
    half-typed word with a typo still matches the name it begins."""
    previous = list(range(len(name) + 1))
    for i, q in enumerate(query, start=1):
        current = [i] + [0] * len(name)
        for j, n in enumerate(name, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (q != n))
        previous = current
    return min(previous)


def typos_allowed(query: str) -> int:
    """One typo from four letters on, two from nine: fewer would miss, more would guess."""
    letters = len(query.replace(" ", ""))
    return 0 if letters < 4 else 1 if letters < 9 else 2


class AddressIndex:
    """A gazetteer frame made searchable: build once, then `search` on every keystroke."""

    def __init__(self, gazetteer: pd.DataFrame) -> None:
        frame = gazetteer.loc[:, list(GAZETTEER_COLUMNS)].copy()
        frame = frame[frame["name"].astype(str).str.strip() != ""]
        display = frame["name"].astype(str).str.strip()
        folded_of = {name: fold(name) for name in pd.unique(display)}
        folded = display.map(folded_of)
        names, name_ids = np.unique(folded.to_numpy(dtype=str), return_inverse=True)
        order = np.argsort(name_ids, kind="stable")
        self._names: list[str] = names.tolist()
        self._starts = np.searchsorted(name_ids[order], np.arange(len(names) + 1))
        self._display = display.to_numpy(dtype=object)[order]
        self._kinds = frame["kind"].map(KINDS.index).to_numpy(dtype=np.int8)[order]
        numbers = frame["number"].fillna("").astype(str).str.strip().to_numpy(dtype=object)[order]
        self._numbers = numbers
        parsed = [house_number(n) for n in numbers]
        self._lo = np.array([p.lo if p else _NO_NUMBER for p in parsed], dtype=np.int32)
        self._hi = np.array([p.hi if p else _NO_NUMBER for p in parsed], dtype=np.int32)
        self._letters = np.array([p.letter if p else "" for p in parsed], dtype=object)
        self._locality = frame["locality"].fillna("").astype(str).to_numpy(dtype=object)[order]
        self._lon = frame["lon"].to_numpy(dtype=np.float64)[order]
        self._lat = frame["lat"].to_numpy(dtype=np.float64)[order]
        keys: list[tuple[str, int, int]] = []
        for name_id, name in enumerate(self._names):
            keys.append((name, name_id, 0))
            for position, char in enumerate(name):
                if char == " ":
                    keys.append((name[position + 1 :], name_id, 1))
        keys.sort()
        self._keys = [key for key, _, _ in keys]
        self._key_names = np.array([name_id for _, name_id, _ in keys], dtype=np.int64)
        self._key_inner = np.array([inner for _, _, inner in keys], dtype=np.int8)
        postings: dict[str, list[int]] = defaultdict(list)
        for position, key in enumerate(self._keys):
            for gram in _trigrams(key[:12]):
                postings[gram].append(position)
        self._trigram_keys = {gram: np.array(p, dtype=np.int64) for gram, p in postings.items()}

    def __len__(self) -> int:
        return len(self._lon)

    def search(self, text: str, limit: int = RESULTS) -> list[AddressMatch]:
        """The best `limit` entries for what a person typed, best first: the address with that
        exact house number, then the street, places, and other numbers on the street."""
        query = parse_query(text)
        if not query.name:
            return []
        candidates = self._names_matching(query.name)
        ranked: list[tuple[tuple[object, ...], int]] = []
        for name_id, quality in candidates:
            ranked.extend(self._entries_ranked(name_id, quality, query.number))
        ranked.sort(key=lambda item: item[0])
        results: list[AddressMatch] = []
        seen: set[str] = set()
        for _, row in ranked:
            match = self._match(row)
            if match.label not in seen:
                seen.add(match.label)
                results.append(match)
                if len(results) == limit:
                    break
        return results

    def nearest(self, lon: float, lat: float) -> tuple[AddressMatch, float] | None:
        """The address nearest to a point and how far it is in metres (equirectangular, exact
        enough within a town), or None for a gazetteer without addresses."""
        addresses = np.flatnonzero(self._kinds == 0)
        if not len(addresses):
            return None
        east = (self._lon[addresses] - lon) * np.cos(np.radians(lat))
        north = self._lat[addresses] - lat
        squared = east * east + north * north
        closest = int(np.argmin(squared))
        return self._match(int(addresses[closest])), float(np.sqrt(squared[closest]) * _METRES)

    def _names_matching(self, query: str) -> list[tuple[int, tuple[int, int, int]]]:
        """Name ids with how well each matches: (typos, inner word, length), best first."""
        found: dict[int, tuple[int, int, int]] = {}
        for variant in dict.fromkeys((query, _expand_abbreviations(query))):
            self._prefix_names(variant, found)
        if len(found) < _NAMES_CONSIDERED and typos_allowed(query):
            self._typo_names(query, found)
        best = sorted(found.items(), key=lambda item: (item[1], self._names[item[0]]))
        return best[:_NAMES_CONSIDERED]

    def _prefix_names(self, query: str, found: dict[int, tuple[int, int, int]]) -> None:
        start = bisect.bisect_left(self._keys, query)
        for position in range(start, min(start + _PREFIX_KEYS, len(self._keys))):
            if not self._keys[position].startswith(query):
                break
            name_id = int(self._key_names[position])
            quality = (0, int(self._key_inner[position]), len(self._names[name_id]))
            if quality < found.get(name_id, (99, 0, 0)):
                found[name_id] = quality

    def _typo_names(self, query: str, found: dict[int, tuple[int, int, int]]) -> None:
        grams = [self._trigram_keys[g] for g in _trigrams(query[:12]) if g in self._trigram_keys]
        if not grams:
            return
        counts = np.bincount(np.concatenate(grams), minlength=len(self._keys))
        likely = np.argpartition(-counts, min(_NAMES_CONSIDERED * 3, len(counts) - 1))
        allowed = typos_allowed(query)
        for position in likely[: _NAMES_CONSIDERED * 3]:
            if counts[position] == 0:
                continue
            key = self._keys[position]
            typos = prefix_distance(query, key[: len(query) + allowed])
            if 0 < typos <= allowed:
                name_id = int(self._key_names[position])
                quality = (typos, int(self._key_inner[position]), len(self._names[name_id]))
                if quality < found.get(name_id, (99, 0, 0)):
                    found[name_id] = quality

    def _entries_ranked(
        self, name_id: int, quality: tuple[int, int, int], number: HouseNumber | None
    ) -> list[tuple[tuple[object, ...], int]]:
        start, end = int(self._starts[name_id]), int(self._starts[name_id + 1])
        kinds = self._kinds[start:end]
        if number is None:
            # The street or place first; its addresses after every other street and place.
            tiers = np.where(kinds == 0, 3, 1 + (kinds == 2))
        else:
            lo, hi = self._lo[start:end], self._hi[start:end]
            overlaps = (lo <= number.hi) & (hi >= number.lo) & (kinds == 0)
            exact = overlaps & (lo == number.lo) & (hi == number.hi)
            if number.letter:
                exact &= self._letters[start:end] == number.letter
            else:
                exact &= self._letters[start:end] == ""
            tiers = np.where(exact, 0, np.where(overlaps, 1, np.where(kinds == 0, 4, 2 + kinds)))
        chosen = np.argsort(tiers, kind="stable")[: RESULTS * 2]
        return [
            (
                (
                    quality[0],
                    int(tiers[i]),
                    quality[1:],
                    int(kinds[i]),
                    int(self._lo[start + i]),
                    str(self._numbers[start + i]),
                    str(self._locality[start + i]),
                ),
                start + int(i),
            )
            for i in chosen
        ]

    def _match(self, row: int) -> AddressMatch:
        name = str(self._display[row])
        number = str(self._numbers[row])
        label = f"{name} {number}" if number else name
        if locality := str(self._locality[row]):
            label = f"{label}, {locality}"
        return AddressMatch(
            label, KINDS[int(self._kinds[row])], float(self._lon[row]), float(self._lat[row])
        )


def _expand_abbreviations(query: str) -> str:
    """The query with abbreviated street words written out ("karl johans gt" is "karl johans
    gate"); a name with the abbreviation glued on ("kaisaniemenk") is a prefix already."""
    first, *rest = query.split(" ")
    return " ".join([first, *(_ABBREVIATIONS.get(word, word) for word in rest)])
