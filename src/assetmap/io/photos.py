"""Photos as uploaded files: decoded to learn what they are, turned upright, shrunk for the
web and written again without any metadata (EXIF, GPS, comments, colour profiles).

What a file is comes from decoding it with Pillow, never from its name; a name that claims
another type than the content is refused, so a person learns that the file is not what they
thought it was. Pure functions on bytes: nothing here knows the database.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import PurePath

from PIL import Image, ImageOps, UnidentifiedImageError

from assetmap.errors import AssetmapError
from assetmap.i18n import gettext

MAX_PIXELS = 50_000_000
"""Larger images are refused before they are decoded: a small file may unpack to gigabytes."""

LONGEST_SIDE = 1600
"""Photos are stored at most this many pixels wide and high: enough for a screen."""

JPEG_QUALITY = 85
MEDIA_TYPE = "image/jpeg"
"""Every photo is stored as a JPEG, whatever it came as."""

ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP"}
"""Pillow's format names of the images accepted, and how a person knows them."""

EXTENSIONS = {
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".jpe": "JPEG",
    ".png": "PNG",
    ".webp": "WEBP",
}
"""File name endings and the format they claim."""


class PhotoError(AssetmapError, ValueError):
    """A file that cannot be taken as a photo, with the reason in plain words."""


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo ready to store: JPEG bytes without metadata, and its size in pixels."""

    data: bytes
    media_type: str
    width: int
    height: int


def _too_many_pixels(name: str) -> PhotoError:
    return PhotoError(
        gettext(
            "{name} has too many pixels: photos may have at most {limit} million. Make it "
            "smaller and try again."
        ).format(name=name, limit=MAX_PIXELS // 1_000_000)
    )


def _decoded(data: bytes, name: str) -> Image.Image:
    """The image in `data`, checked to be a photo small enough to decode."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except UnidentifiedImageError:
            image = None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_many_pixels(name) from error
        except OSError as error:
            raise PhotoError(
                gettext("{name} could not be read as an image: {error}").format(
                    name=name, error=error
                )
            ) from error
    if image is None:
        raise PhotoError(
            gettext(
                "{name} is not a photo Assetmap can read. Choose a JPEG, PNG or WebP image."
            ).format(name=name)
        )
    if image.format not in ACCEPTED_FORMATS:
        raise PhotoError(
            gettext("{name} is a {format} image. Choose a JPEG, PNG or WebP image.").format(
                name=name, format=image.format
            )
        )
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _too_many_pixels(name)
    return image


def _check_name(image: Image.Image, name: str) -> None:
    """Refuse a file whose name claims another type than its content."""
    claimed = EXTENSIONS.get(PurePath(name).suffix.lower())
    if claimed is not None and claimed != image.format:
        raise PhotoError(
            gettext(
                "{name} is named as a {claimed} file but is a {actual} image. Save it again "
                "as {claimed}, or give it its right name, and try again."
            ).format(
                name=name,
                claimed=ACCEPTED_FORMATS[claimed],
                actual=ACCEPTED_FORMATS[str(image.format)],
            )
        )


def check_photo_size(name: str, size: int, max_bytes: int) -> None:
    """Refuse a file over the cap before anything decodes it."""
    if size > max_bytes:
        raise PhotoError(
            gettext("{name} is {size:.1f} MB; photos may be at most {limit:.0f} MB.").format(
                name=name, size=size / 1_000_000, limit=max_bytes / 1_000_000
            )
        )


def prepare_photo(data: bytes, name: str, max_bytes: int) -> PreparedPhoto:
    """The uploaded file `data` (called `name`) as a photo to store, or PhotoError.

    The image is turned as its EXIF orientation says, shrunk to LONGEST_SIDE, flattened onto
    white where it is transparent and written as a JPEG with no metadata at all.
    """
    check_photo_size(name, len(data), max_bytes)
    image = _decoded(data, name)
    _check_name(image, name)
    try:
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
        if upright.mode in ("RGBA", "LA") or "transparency" in upright.info:
            rgba = upright.convert("RGBA")
            flat = Image.new("RGB", rgba.size, "white")
            flat.paste(rgba, mask=rgba.getchannel("A"))
            upright = flat
        # A new image carries none of the original's info (EXIF, XMP, ICC, comments).
        clean = Image.new("RGB", upright.size)
        clean.paste(upright.convert("RGB"))
    except OSError as error:
        raise PhotoError(
            gettext("{name} could not be read as an image: {error}").format(name=name, error=error)
        ) from error
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return PreparedPhoto(out.getvalue(), MEDIA_TYPE, clean.width, clean.height)


def thumbnail(data: bytes, longest_side: int) -> bytes:
    """A stored photo (a prepared JPEG) made at most `longest_side` pixels wide and high."""
    image = Image.open(io.BytesIO(data))
    image.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue()
