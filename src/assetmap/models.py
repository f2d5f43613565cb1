"""The asset model: kinds, the category taxonomy, and validation.

Asset-Based Community Development sorts what a place has into people, associations,
physical places and institutions; each kind has its own categories. Validation turns
raw input (a form, an import row) into an `Asset` or raises `ValidationError` with
every problem, each in words a resident understands.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from assetmap.errors import AssetmapError
from assetmap.i18n import N_, gettext

KINDS: dict[str, str] = {
    "person": N_("Person"),
    "association": N_("Association"),
    "place": N_("Place"),
    "institution": N_("Institution"),
}

CATEGORIES: dict[str, dict[str, str]] = {
    "person": {
        "skill": N_("Skill"),
        "gift": N_("Gift or passion"),
        "local_knowledge": N_("Local knowledge"),
    },
    "association": {
        "sports_club": N_("Sports club"),
        "faith_group": N_("Faith group"),
        "cultural_group": N_("Cultural group"),
        "residents_group": N_("Residents' group"),
        "volunteer_group": N_("Volunteer group"),
        "self_help_group": N_("Self-help group"),
    },
    "place": {
        "park": N_("Park"),
        "community_hall": N_("Community hall"),
        "playground": N_("Playground"),
        "sports_ground": N_("Sports ground"),
        "garden": N_("Garden"),
    },
    "institution": {
        "school": N_("School"),
        "kindergarten": N_("Kindergarten"),
        "library": N_("Library"),
        "health_centre": N_("Health centre"),
        "social_service": N_("Social service"),
        "town_hall": N_("Town hall"),
        "place_of_worship": N_("Place of worship"),
        "arts_centre": N_("Arts centre"),
    },
}

SECTORS: dict[str, str] = {
    "public": N_("Public"),
    "private": N_("Private"),
    "civil_society": N_("Civil society"),
    "research": N_("Research"),
}

DEFAULT_SECTOR: dict[str, str] = {
    "person": "civil_society",
    "association": "civil_society",
    "place": "public",
    "institution": "public",
}

STATUSES: dict[str, str] = {
    "pending": N_("Pending review"),
    "approved": N_("Approved"),
    "hidden": N_("Hidden"),
}

SOURCES: dict[str, str] = {
    "resident": N_("Added by a resident"),
    "import": N_("Imported"),
    "osm": N_("OpenStreetMap"),
    "illustrative": N_("Illustrative: made up for the demo"),
}

WHEELCHAIR: dict[str, str] = {
    "unknown": N_("Not known"),
    "yes": N_("Yes"),
    "limited": N_("Partly"),
    "no": N_("No"),
}

TEXT_LIMITS: dict[str, int] = {
    "name": 120,
    "description": 2000,
    "address": 200,
    "website": 300,
    "phone": 40,
    "email": 200,
    "opening_hours": 200,
}
LIST_LIMITS: dict[str, tuple[int, int]] = {"languages": (10, 40), "tags": (20, 40)}
"""For list fields: (most entries, longest entry)."""

FIELD_LABELS: dict[str, str] = {
    "kind": N_("Kind"),
    "category": N_("Category"),
    "sector": N_("Sector"),
    "name": N_("Name"),
    "description": N_("Description"),
    "lon": N_("Longitude"),
    "lat": N_("Latitude"),
    "location": N_("Location"),
    "address": N_("Address"),
    "website": N_("Website"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "opening_hours": N_("Opening hours"),
    "wheelchair": N_("Wheelchair access"),
    "languages": N_("Languages"),
    "tags": N_("Tags"),
    "status": N_("Status"),
    "source": N_("Source"),
    "source_id": N_("Source id"),
    "area": N_("Area"),
    "consent": N_("Consent"),
    "contact_public": N_("Contact details public"),
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEB_SCHEME = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)
_HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def __str__(self) -> str:
        label = FIELD_LABELS.get(self.field)
        return f"{gettext(label) if label else self.field}: {self.message}"


class ValidationError(AssetmapError, ValueError):
    """Raised with every problem found, so a form can show them all at once."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Asset:
    kind: str
    category: str
    name: str
    lon: float
    lat: float
    sector: str = "civil_society"
    description: str = ""
    address: str = ""
    website: str = ""
    phone: str = ""
    email: str = ""
    opening_hours: str = ""
    wheelchair: str = "unknown"
    languages: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source: str = "resident"
    source_id: str | None = None
    status: str = "pending"
    contact_public: bool = False
    id: str | None = None
    area_id: str | None = None
    consent_version: str | None = None
    consent_at: datetime | None = None
    consent_renew_by: datetime | None = None
    created_at: datetime | None = field(default=None, compare=False)
    updated_at: datetime | None = field(default=None, compare=False)
    version: int = field(default=1, compare=False)
    """Raised by every stored change; an edit based on an older version is refused."""

    def with_changes(self, **changes: Any) -> Asset:
        return replace(self, **changes)


Extent = tuple[float, float, float, float]
"""A lon/lat bounding box: (min lon, min lat, max lon, max lat)."""


def field_label(field: str) -> str:
    """The translated label of a field (area_name is shown as "Area")."""
    return gettext(FIELD_LABELS["area" if field == "area_name" else field])


def kind_label(kind: str) -> str:
    return gettext(KINDS[kind])


def category_label(kind: str, category: str) -> str:
    return gettext(CATEGORIES[kind][category])


def categories_for(kinds: Iterable[str]) -> dict[str, str]:
    """Category keys and translated labels for the given kinds, in taxonomy order."""
    return {key: gettext(label) for kind in kinds for key, label in CATEGORIES[kind].items()}


def kind_of_category(category: str) -> str | None:
    return next((kind for kind, cats in CATEGORIES.items() if category in cats), None)


def parse_coordinate(value: Any) -> float:
    """Read a number typed by a person: '60,17' (decimal comma) counts as 60.17."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u2212", "-")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return float(text)


def typed_location(lon: Any, lat: Any) -> tuple[float, float] | None:
    """(lon, lat) when both read as numbers, else None: for showing a half-typed spot."""
    try:
        return parse_coordinate(lon), parse_coordinate(lat)
    except (TypeError, ValueError):
        return None


def split_list(value: Any) -> tuple[str, ...]:
    """A list field from a list, or from text separated by commas or semicolons."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else re.split(r"[,;]", str(value))
    cleaned = (str(item).strip() for item in items)
    return tuple(dict.fromkeys(item for item in cleaned if item))


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on a spherical Earth (good to ~0.5%, plenty for sanity checks)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def distance_to_extent_km(lon: float, lat: float, extent: Extent) -> float:
    min_lon, min_lat, max_lon, max_lat = extent
    nearest_lon = min(max(lon, min_lon), max_lon)
    nearest_lat = min(max(lat, min_lat), max_lat)
    return distance_km(lon, lat, nearest_lon, nearest_lat)


def location_problems(
    lon: float, lat: float, extent: Extent | None = None, max_distance_km: float = 25.0
) -> list[Problem]:
    """What is wrong with a point, if anything, judged against the mapped area's extent."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return [Problem("location", gettext("Longitude and latitude must be numbers."))]
    swapped_hint = gettext("Did you swap latitude and longitude?")
    if not -90 <= lat <= 90:
        message = gettext("Latitude must be between -90 and 90.")
        return [Problem("lat", f"{message} {swapped_hint}")]
    if not -180 <= lon <= 180:
        return [Problem("lon", gettext("Longitude must be between -180 and 180."))]
    if extent is None:
        if lon == 0 and lat == 0:
            message = gettext("0, 0 is in the ocean off West Africa; please pick the real spot.")
            return [Problem("location", message)]
        return []
    away = distance_to_extent_km(lon, lat, extent)
    if away <= max_distance_km:
        return []
    if -90 <= lon <= 90 and distance_to_extent_km(lat, lon, extent) <= max_distance_km:
        message = gettext("This point is {km:.0f} km outside the map's area.").format(km=away)
        return [Problem("location", f"{message} {swapped_hint}")]
    message = gettext(
        "This point is {km:.0f} km outside the map's area. Pick a spot inside or near it."
    ).format(km=away)
    return [Problem("location", message)]


def text_or_empty(value: Any) -> str:
    """A cell as text, with missing values (None, NaN) as the empty string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not text_or_empty(value):
        return ""
    return " ".join(str(value).split()) if name != "description" else str(value).strip()


def _normalise_website(url: str) -> str:
    if url and not _HAS_SCHEME.match(url):
        return f"https://{url}"
    return url


def _choice_problem(name: str, value: str, choices: Mapping[str, str]) -> Problem | None:
    if value in choices:
        return None
    known = ", ".join(gettext(label) for label in choices.values())
    message = gettext("'{value}' is not one of: {known}.").format(value=value, known=known)
    return Problem(name, message)


def _text_problems(texts: Mapping[str, str]) -> list[Problem]:
    problems = []
    if not texts["name"]:
        problems.append(Problem("name", gettext("Please give the asset a name.")))
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name]) > limit:
            message = gettext("At most {limit} characters (this has {length}).").format(
                limit=limit, length=len(texts[name])
            )
            problems.append(Problem(name, message))
    if texts["website"] and not _WEB_SCHEME.match(texts["website"]):
        message = gettext("A website must be a web address starting with http:// or https://.")
        problems.append(Problem("website", message))
    if texts["email"] and not _EMAIL.match(texts["email"]):
        problems.append(Problem("email", gettext("This does not look like an e-mail address.")))
    return problems


def _list_problems(lists: Mapping[str, tuple[str, ...]]) -> list[Problem]:
    problems = []
    for name, (most, longest) in LIST_LIMITS.items():
        if len(lists[name]) > most:
            message = gettext("At most {most} entries.").format(most=most)
            problems.append(Problem(name, message))
        if any(len(item) > longest for item in lists[name]):
            message = gettext("Each entry may have at most {longest} characters.").format(
                longest=longest
            )
            problems.append(Problem(name, message))
    return problems


def _coordinates(data: Mapping[str, Any]) -> tuple[float | None, float | None, list[Problem]]:
    values: dict[str, float | None] = {}
    problems = []
    for name in ("lon", "lat"):
        raw = data.get(name)
        try:
            values[name] = parse_coordinate(raw)
        except (TypeError, ValueError):
            values[name] = None
            if raw is None or str(raw).strip() == "":
                message = gettext("Please pick a spot on the map or type the coordinates.")
            else:
                message = gettext("'{value}' is not a number.").format(value=raw)
            problems.append(Problem(name, message))
    return values["lon"], values["lat"], problems


def _classification(data: Mapping[str, Any]) -> tuple[dict[str, str], list[Problem]]:
    kind = _text(data, "kind")
    chosen = {
        "kind": kind,
        "category": _text(data, "category"),
        "sector": _text(data, "sector") or DEFAULT_SECTOR.get(kind, "civil_society"),
        "wheelchair": _text(data, "wheelchair") or "unknown",
        "status": _text(data, "status") or "pending",
        "source": _text(data, "source") or "resident",
    }
    checks = [
        _choice_problem("kind", kind, KINDS),
        _choice_problem("sector", chosen["sector"], SECTORS),
        _choice_problem("wheelchair", chosen["wheelchair"], WHEELCHAIR),
        _choice_problem("status", chosen["status"], STATUSES),
        _choice_problem("source", chosen["source"], SOURCES),
    ]
    if kind in CATEGORIES:
        checks.append(_choice_problem("category", chosen["category"], CATEGORIES[kind]))
    return chosen, [problem for problem in checks if problem]


def truthy(value: Any) -> bool:
    """A yes from a checkbox, a CSV cell ("yes", "true", "1", "ja") or a boolean."""
    if isinstance(value, str):
        return value.strip().lower() in ("yes", "true", "1", "ja", "y")
    return bool(value) and not (isinstance(value, float) and math.isnan(value))


def report_reason(reason: str) -> str:
    """A visitor's reason for a report, spaces tidied: said, and at most 500 characters."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError([Problem("reason", gettext("Please say what is wrong."))])
    if len(reason) > 500:
        raise ValidationError([Problem("reason", gettext("At most 500 characters, please."))])
    return reason


def validate_asset(
    data: Mapping[str, Any], extent: Extent | None = None, max_distance_km: float = 25.0
) -> Asset:
    """Check raw fields and return a clean Asset, or raise ValidationError with all problems."""
    chosen, problems = _classification(data)
    texts = {name: _text(data, name) for name in TEXT_LIMITS}
    texts["website"] = _normalise_website(texts["website"])
    lists = {name: split_list(data.get(name)) for name in LIST_LIMITS}
    problems += _text_problems(texts) + _list_problems(lists)
    if chosen["kind"] == "person" and not truthy(data.get("consent")):
        message = gettext("A person can only be added when they have agreed to be on the map.")
        problems.append(Problem("consent", message))
    lon, lat, coordinate_problems = _coordinates(data)
    problems += coordinate_problems
    if lon is not None and lat is not None:
        problems += location_problems(lon, lat, extent, max_distance_km)
    if problems:
        raise ValidationError(problems)
    assert lon is not None and lat is not None
    source_id = _text(data, "source_id") or None
    choices_and_texts: dict[str, Any] = {**chosen, **texts}
    return Asset(
        lon=lon,
        lat=lat,
        source_id=source_id,
        languages=lists["languages"],
        tags=lists["tags"],
        id=_text(data, "id") or None,
        contact_public=truthy(data.get("contact_public")),
        **choices_and_texts,
    )


GAZETTEER_COLUMNS = ("kind", "name", "number", "locality", "lon", "lat")
"""A gazetteer entry: its kind, the street or place name, the house number (empty for streets
and places), the postcode and town as its source writes them, and the point (WGS84)."""
GAZETTEER_KINDS = ("address", "street", "place")
"""Gazetteer entry kinds, in the order a search ranks them when they match equally well."""
