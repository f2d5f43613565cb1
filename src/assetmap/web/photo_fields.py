"""The photo fields that Add and Review both draw: the file chooser and the consent box, and the
chosen files prepared for storing (io/photos.py checks and cleans each)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from assetmap.i18n import gettext
from assetmap.io.photos import EXTENSIONS, PreparedPhoto, prepare_photo
from assetmap.web.resources import settings


def photo_uploader(key: str) -> list[UploadedFile]:
    """Choose up to the allowed number of photos (JPEG, PNG or WebP)."""
    chosen = st.file_uploader(
        gettext("Photos (up to {n})").format(n=settings().photos_per_asset),
        type=[suffix.lstrip(".") for suffix in EXTENSIONS],
        accept_multiple_files=True,
        key=key,
        max_upload_size=math.ceil(settings().max_photo_bytes / 1_000_000),
        help=gettext(
            "A team member looks at every photo before it is shown. Where and when it was "
            "taken, and the camera's details, are removed."
        ),
    )
    return list(chosen or [])


def people_consent_box(key: str) -> bool:
    return st.checkbox(
        gettext(
            "The people who can be recognised in these photos agreed to their being shown "
            "(needed for a photo of a person)"
        ),
        key=key,
    )


def prepared_photos(files: Sequence[UploadedFile]) -> list[PreparedPhoto]:
    """Each chosen file checked and cleaned; PhotoError for the first that cannot be used."""
    limit = settings().max_photo_bytes
    return [prepare_photo(file.getvalue(), file.name, limit) for file in files]
