"""HTML to PDF through headless Chromium's own printing (`--print-to-pdf`): the page's CSS
says the paper (@page size), so a poster comes out at A4 to A1 as its template asks.

The page is printed from a file in a folder of its own, with a profile of its own, so
prints at the same time keep apart. Chromium fetches nothing the page does not ask for, and
our pages ask for nothing: everything is inline.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from assetmap.config import chromium_path
from assetmap.errors import AssetmapError
from assetmap.i18n import gettext

PRINT_SECONDS = 120
"""The longest a print may take before it is given up (an A1 poster takes a few seconds)."""
HEADLESS_CHROMIUM = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
"""How Assetmap runs Chromium with no screen and no calls home (the benchmarks and browser
tests run it so too)."""
PRINTING = ("--no-default-browser-check", "--no-pdf-header-footer")


class PrintError(AssetmapError, RuntimeError):
    """The PDF could not be made, with the reason in plain words."""


def html_to_pdf(html: str, chromium: str | None = None) -> bytes:
    """`html` printed to PDF by `chromium` (config.chromium_path by default)."""
    browser = chromium or chromium_path()
    if not os.access(browser, os.X_OK):
        raise PrintError(
            gettext(
                "Chromium is needed to make the PDF and was not found at {path}. Install it "
                "(apt-get install chromium) or set ASSETMAP_CHROMIUM to where it is."
            ).format(path=browser)
        )
    with tempfile.TemporaryDirectory(prefix="assetmap-print-") as work:
        page, pdf = Path(work) / "page.html", Path(work) / "page.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            browser,
            *HEADLESS_CHROMIUM,
            *PRINTING,
            f"--user-data-dir={Path(work) / 'profile'}",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=PRINT_SECONDS, check=False)
        except subprocess.TimeoutExpired as error:
            raise PrintError(
                gettext("Making the PDF took too long. Try a smaller paper size.")
            ) from error
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise PrintError(gettext("Chromium could not make the PDF. Please try again."))
        return pdf.read_bytes()
