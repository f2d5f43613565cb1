"""Help in easy language: what the map is for, how to add an asset, what happens to your data."""

import streamlit as st

from assetmap.i18n import gettext as _

st.title(_("Help in easy language"))

st.header(_("What is this map?"))
st.write(_("This map shows the good things in our neighbourhood."))
st.write(
    _(
        "Good things can be people who help others, groups and clubs, places to meet, "
        "and services like the library."
    )
)
st.write(_("We call them assets. Together they make the neighbourhood a good place to live."))

st.header(_("How do I add something?"))
st.write(_("1. Open the page Add an asset."))
st.write(
    _(
        "2. Click on the map where it is. Or type the place. You can also choose a place "
        "from a list."
    )
)
st.write(_("3. Write the name and what it is."))
st.write(_("4. Press Send for review."))
st.write(_("Someone from the neighbourhood team checks it. Then it comes on the map."))

st.header(_("What happens to information about me?"))
st.write(_("We only put a person on the map if they say yes."))
st.write(_("We never show where you live. The map only shows the block."))
st.write(_("Your phone number and e-mail are only shown if you want that."))
st.write(_("Every year we ask you again if you still want to be on the map."))
st.write(
    _(
        "You can always ask the neighbourhood team to change or remove you. Then we delete "
        "everything about you."
    )
)

st.header(_("Something is wrong on the map?"))
st.write(_("On the map page, open Report a problem with an asset. Write what is wrong."))
