"""Every error a user can meet derives from AssetmapError, and the edges catch it once."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

import assetmap
from assetmap import cli
from assetmap.errors import AssetmapError
from assetmap.register.limits import LimitReachedError


def _package_errors() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(assetmap.__path__, "assetmap."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == info.name:
                found.append(value)
    return found


def test_every_error_of_the_package_is_an_assetmap_error() -> None:
    errors = _package_errors()
    assert len(errors) >= 15
    assert [error.__name__ for error in errors if not issubclass(error, AssetmapError)] == []


def test_errors_keep_the_builtin_bases_callers_rely_on() -> None:
    from assetmap.accounts import PermissionDeniedError
    from assetmap.models import ValidationError
    from assetmap.register.assets import AssetNotFoundError

    assert issubclass(PermissionDeniedError, PermissionError)
    assert issubclass(AssetNotFoundError, LookupError)
    assert issubclass(ValidationError, ValueError)


def test_the_message_is_the_text_for_the_person() -> None:
    error = LimitReachedError("Try again in an hour.")
    assert error.message == str(error) == "Try again in an hour."
    assert AssetmapError("Something to do.").message == "Something to do."


def test_errors_module_is_the_bottom_layer() -> None:
    tree = ast.parse(Path(inspect.getfile(AssetmapError)).read_text())
    imported = [
        node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for _ in node.names
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    assert [name for name in imported if name.startswith("assetmap")] == []


def test_the_command_line_shows_any_assetmap_error_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class NewError(AssetmapError):
        pass

    def fail(args: object) -> int:
        raise NewError("Nothing was changed.")

    monkeypatch.setattr(cli, "cmd_user_list", fail)
    assert cli.main(["user", "list"]) == 1
    assert capsys.readouterr().err == "assetmap: error: Nothing was changed.\n"
