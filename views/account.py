"""Log in and out. With OpenID Connect configured, sign-in goes through the provider."""

import streamlit as st

from assetmap.accounts import ROLES
from assetmap.i18n import gettext as _
from assetmap.web import login, widgets

actor = login.current_actor()
st.title(_("Your account"))
login.login_cookie()

if actor.may("review"):
    st.write(
        _("Logged in as {name} ({role}).").format(
            name=widgets.plain(actor.name), role=_(ROLES[actor.role])
        )
    )
    st.caption(
        _(
            "You stay logged in on this browser, in every tab, until you log out or leave it "
            "unused for a while."
        )
    )
    if st.button(_("Log out")):
        login.log_out()
        st.rerun()
    if st.button(_("Log me out on every device")):
        login.log_out(everywhere=True)
        st.rerun()
    st.stop()

st.write(
    _(
        "Team members and admins log in here. Residents do not need an account to browse "
        "the map, add an asset or report a problem."
    )
)
if login.uses_oidc():
    if st.button(_("Log in with your organisation's account"), type="primary"):
        st.login()
    if st.user.is_logged_in:
        st.info(_("You are signed in, but your e-mail has no team role yet. Ask an admin."))
    st.stop()

with st.form("login"):
    name = st.text_input(_("User name"), autocomplete="username")
    password = st.text_input(_("Password"), type="password", autocomplete="current-password")
    submitted = st.form_submit_button(_("Log in"), type="primary")
if submitted:
    problem = login.log_in(name, password)
    if problem:
        st.error(problem)
    else:
        st.rerun()
