"""The floors of the pages without a live map: a bare Streamlit page, a title and one widget.

``?floor=chart``: one Altair chart of one point (the timeline's floor); ``?floor=table``: one
``st.dataframe`` of one row (the sites' and the sources' floor); ``?floor=frame``: one static
folium map of one marker in an iframe, as the briefing draws its slide's map (the briefing's
floor). ``scripts/bench.py`` runs it on its own server, beside the repo's ``static/``, so the
frame loads Leaflet from the same local assets as the app.
"""

import altair as alt
import pandas as pd
import streamlit as st

from benchmarks.static_pages import build_static_map

# The briefing's own slide-map height (pages/briefing.py), so the frame costs the same to lay out.
FRAME_HEIGHT_PX = 520
# The one site of the frame: any city will do.
ONE_SITE = [(51.5072, -0.1276, "London")]

st.set_page_config(page_title="floor", layout="wide")
floor = st.query_params.get("floor", "chart")
st.title(f"Floor: {floor}")
if floor == "table":
    st.dataframe(pd.DataFrame({"name": ["one"], "events": [1]}), hide_index=True)
elif floor == "frame":
    st.iframe(build_static_map(ONE_SITE).get_root().render(), height=FRAME_HEIGHT_PX)
else:
    one_point = pd.DataFrame({"date": pd.to_datetime(["2023-01-01"]), "lane": ["one"]})
    chart = alt.Chart(one_point).mark_point().encode(x="date:T", y="lane:N")
    st.altair_chart(chart, width="stretch")
