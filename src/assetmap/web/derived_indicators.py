"""The Layers page's form for a derived indicator: per 1,000 residents, per km² or a share of
a total, worked out from stored indicators and kept with its formula."""

from __future__ import annotations

import streamlit as st

from assetmap.accounts import Actor
from assetmap.analysis.derived import DERIVATIONS, formula_inputs
from assetmap.i18n import gettext
from assetmap.register.indicators import IndicatorError, derive_indicator, list_indicators
from assetmap.storage import Database
from assetmap.web import widgets


def derived_indicator_form(db: Database, actor: Actor) -> None:
    """Choose a derivation and the indicators it reads; store the result."""
    indicators = {i.key: i for i in list_indicators(db) if not i.formula}
    if not indicators:
        return
    st.subheader(gettext("Derived indicators"))
    labels = {key: i.label for key, i in indicators.items()}
    derivation = st.selectbox(
        gettext("Work out"),
        list(DERIVATIONS),
        format_func=lambda key: gettext(DERIVATIONS[key].label),
        key="derivation",
    )
    value = st.selectbox(
        gettext("Of the indicator"), list(labels), format_func=labels.__getitem__, key="derive_of"
    )
    total = None
    if "total" in formula_inputs(DERIVATIONS[derivation].formula):
        total = st.selectbox(
            gettext("As a share of"), list(labels), format_func=labels.__getitem__, key="total"
        )
    if st.button(gettext("Work it out and keep it")):
        try:
            made = derive_indicator(db, actor, derivation, value, total)
        except IndicatorError as error:
            st.error(widgets.plain(error.message))
        else:
            st.success(
                gettext("Kept {label}: {formula}.").format(
                    label=widgets.plain(made.label), formula=widgets.plain(made.formula)
                )
            )
