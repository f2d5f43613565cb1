"""Admin: the accounts that may review and manage the map."""

import streamlit as st

from assetmap.accounts import (
    ROLES,
    AccountError,
    add_user,
    list_users,
    remove_user,
    set_role,
)
from assetmap.i18n import gettext as _
from assetmap.web import login, resources, widgets

actor = login.require("manage_accounts")
db = resources.database()
st.title(_("Accounts"))

with st.form("add_user", clear_on_submit=True):
    st.subheader(_("Add an account"))
    name = st.text_input(_("User name"))
    role = st.selectbox(
        _("Role"),
        ["team", "admin"],
        format_func=lambda r: _(ROLES[r]),
        placeholder=_("Choose an option"),
    )
    email = st.text_input(_("E-mail (for sign-in with OpenID Connect)"))
    password = st.text_input(_("Password (at least 10 characters)"), type="password")
    submitted = st.form_submit_button(_("Add account"), type="primary")
if submitted:
    try:
        add_user(db, actor, name.strip(), role, password, email=email.strip() or None)
    except AccountError as error:
        st.error(str(error))
    else:
        st.success(_("Added {name}.").format(name=widgets.plain(name)))

users = list_users(db)
st.dataframe(users, hide_index=True, width="stretch")

st.subheader(_("Change or remove an account"))
st.caption(_("A change applies at once, also to anyone already logged in with that account."))
done = st.session_state.pop("account_changed", None)
if done:
    st.success(done)
with st.form("change_user"):
    chosen = st.selectbox(_("Account"), users["name"].tolist(), placeholder=_("Choose an option"))
    new_role = st.selectbox(
        _("New role"),
        ["team", "admin"],
        format_func=lambda r: _(ROLES[r]),
        placeholder=_("Choose an option"),
    )
    change = st.form_submit_button(_("Change role"))
    sure = st.checkbox(_("Yes, remove this account"))
    remove = st.form_submit_button(_("Remove account"))
if (change or remove) and chosen:
    try:
        if change:
            set_role(db, actor, chosen, new_role)
            message = _("{name} is now: {role}.").format(
                name=widgets.plain(chosen), role=_(ROLES[new_role])
            )
        elif sure:
            remove_user(db, actor, chosen)
            message = _("Removed {name}. Their logins have ended.").format(
                name=widgets.plain(chosen)
            )
        else:
            raise AccountError(_("Tick the box to confirm that the account should go."))
    except AccountError as error:
        st.error(str(error))
    else:
        st.session_state["account_changed"] = message
        st.rerun()
