"""Open Referral's HSDS 3.0 schemas and API description, read from beside the project
(../shared/hsds: tests only, the app never reads them), for validating what Assetmap gives
out: the HSDS file export (test_io) and the HSDS API (test_hsds_api).

openapi.json points at its schemas by their upstream addresses
(https://raw.githubusercontent.com/openreferral/specification/3.0/schema/...); the registry
answers those from the local copies, so nothing is fetched.
"""

from __future__ import annotations

import functools
import json

import jsonschema
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT202012

from .conftest import PROJECT_DIR

HSDS = PROJECT_DIR.parent / "shared" / "hsds"
UPSTREAM = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
PAGE_FIELDS = (
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
)
"""What every list answers with (the API reference's "Lists"); openapi.json's Page schema
describes them but does not require them, so the tests check they are there."""


_FOLDERS = (HSDS.resolve(), (HSDS / "compiled").resolve())


@functools.cache
def _local(uri: str) -> Resource:
    """A schema by its upstream address, or by the bare file name the schemas use for each
    other ("phone.json")."""
    path = HSDS / uri.removeprefix(UPSTREAM)
    if not path.is_file() or path.resolve().parent not in _FOLDERS:
        raise NoSuchResource(ref=uri)
    return Resource.from_contents(json.loads(path.read_text()), DRAFT202012)


_REGISTRY: Registry = Registry(retrieve=_local)


def _validator(schema: dict) -> jsonschema.protocols.Validator:
    cls = jsonschema.Draft202012Validator
    return cls(schema, registry=_REGISTRY, format_checker=cls.FORMAT_CHECKER)


def hsds_validator(name: str) -> jsonschema.protocols.Validator:
    """A validator for one schema file of ../shared/hsds ("compiled/service.json")."""
    return _validator(json.loads((HSDS / name).read_text()))


@functools.cache
def response_validator(path: str) -> jsonschema.protocols.Validator:
    """A validator for what openapi.json says `GET path` answers with ("/services/{id}")."""
    escaped = path.replace("~", "~0").replace("/", "~1")
    pointer = f"/paths/{escaped}/get/responses/200/content/application~1json/schema"
    return _validator({"$ref": f"{UPSTREAM}openapi.json#{pointer}"})


def schema_errors(validator: jsonschema.protocols.Validator, record: object) -> list[str]:
    """Every way `record` breaks the schema, each with where in the record."""
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in sorted(validator.iter_errors(record), key=str)
    ]
