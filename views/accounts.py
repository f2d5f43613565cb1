"""Admin: the accounts that may review and manage the map."""

import streamlit as st

from assetmap import ui
from assetmap.accounts import ROLES, AccountError, add_user, list_users
from assetmap.i18n import gettext as _

actor = ui.require("manage_accounts")
db = ui.database()
st.title(_("Accounts"))

with st.form("add_user", clear_on_submit=True):
    st.subheader(_("Add an account"))
    name = st.text_input(_("User name"))
    role = st.selectbox(_("Role"), ["team", "admin"], format_func=lambda r: _(ROLES[r]))
    email = st.text_input(_("E-mail (for sign-in with OpenID Connect)"))
    password = st.text_input(_("Password (at least 10 characters)"), type="password")
    submitted = st.form_submit_button(_("Add account"), type="primary")
if submitted:
    try:
        add_user(db, actor, name.strip(), role, password, email.strip() or None)
    except AccountError as error:
        st.error(str(error))
    else:
        st.success(_("Added {name}.").format(name=ui.plain(name)))

st.dataframe(list_users(db), hide_index=True, width="stretch")
