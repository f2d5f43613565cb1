"""One asset form for Add and Review's editor, limited by models.TEXT_LIMITS."""

from typing import Any

from streamlit.testing.v1 import AppTest

from assetmap.models import TEXT_LIMITS, field_label
from assetmap.register.assets import AssetFilter, list_assets
from assetmap.storage import connect

from .test_pages import open_page, selectbox, submit_and_open_review


def text_fields(app: AppTest) -> dict[str, Any]:
    """The page's text fields by label (the first one of each label: one form's worth)."""
    fields: dict[str, Any] = {}
    for widget in [*app.text_input, *app.text_area]:
        fields.setdefault(widget.label, widget)
    return fields


def test_the_add_form_stops_each_text_where_validation_would(app_db):
    app = open_page("views/add.py")
    fields = text_fields(app)
    assert {name: fields[field_label(name)].max_chars for name in TEXT_LIMITS} == TEXT_LIMITS
    assert not any("agreed to be on the map" in box.label for box in app.checkbox)
    selectbox(app, "What kind of asset is it?").select("person").run()
    assert any("agreed to be on the map" in box.label for box in app.checkbox)


def test_review_edits_with_the_same_fields_and_limits_as_add(team_account):
    app = submit_and_open_review("Walkers")
    added = text_fields(open_page("views/add.py"))
    edited = text_fields(app)
    shared = ["Name", "Description", "Address", "Website", "Opening hours"]
    for label in shared:
        looks = [(f.max_chars, f.help, f.placeholder) for f in (edited[label], added[label])]
        assert looks[0] == looks[1], label
    assert edited["Opening hours"].max_chars == TEXT_LIMITS["opening_hours"]

    edited["Opening hours"].input("Tu 18:00-20:00")
    edited["Latitude (north–south)"].input("60.1750")
    next(b for b in app.button if b.label == "Save changes").click().run()
    assert not app.exception, app.exception
    with connect(team_account) as db:
        stored = list_assets(db, AssetFilter(statuses=("pending",))).iloc[0]
    assert (stored["opening_hours"], round(stored["lat"], 4)) == ("Tu 18:00-20:00", 60.175)
