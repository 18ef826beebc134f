"""The floors of the pages without a live map: a bare Streamlit page, a title and one widget.

``/chart``: one Altair chart of one point (the timeline's floor); ``/table``: one
``st.dataframe`` of one row (the sites' and the sources' floor); ``/frame``: one static
folium map of one marker in an iframe, as the briefing draws its slide's map (the briefing's
floor). ``scripts/bench.py`` runs it on its own server, beside the repo's ``static/``, so the
frame loads folium's standard files (Leaflet, jQuery, MarkerCluster) from the app's
``static/vendor/``.
"""

import altair as alt
import pandas as pd
import streamlit as st

from benchmarks.static_pages import build_static_map

# The briefing's own slide-map height (pages/briefing.py), so the frame costs the same to lay out.
FRAME_HEIGHT_PX = 520
# The one site of the frame: any city will do.
ONE_SITE = [(51.5072, -0.1276, "London")]


def title(kind: str) -> None:
    st.title(f"Floor: {kind}")


def chart_floor() -> None:
    title("chart")
    one_point = pd.DataFrame({"date": pd.to_datetime(["2023-01-01"]), "lane": ["one"]})
    chart = alt.Chart(one_point).mark_point().encode(x="date:T", y="lane:N")
    st.altair_chart(chart, width="stretch")


def table_floor() -> None:
    title("table")
    st.dataframe(pd.DataFrame({"name": ["one"], "events": [1]}), hide_index=True)


def frame_floor() -> None:
    title("frame")
    st.iframe(build_static_map(ONE_SITE).get_root().render(), height=FRAME_HEIGHT_PX)


st.set_page_config(page_title="floor", layout="wide")
# Each floor at a path of its own, as the app's pages are (/timeline, /sites, ...): Streamlit's
# front end, opened at a path, first looks for its server under that path (a 404, then a
# 100 ms wait) before it tries the root; a floor at the root would not pay that.
st.navigation(
    [
        st.Page(lambda: title("none"), title="floor", url_path="index", default=True),
        st.Page(chart_floor, title="chart", url_path="chart"),
        st.Page(table_floor, title="table", url_path="table"),
        st.Page(frame_floor, title="frame", url_path="frame"),
    ],
    position="hidden",
).run()
