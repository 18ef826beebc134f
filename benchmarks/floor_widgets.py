"""The floors of the pages without a live map: a bare Streamlit page, a title and one widget.

``/chart``: one Altair chart of one point (the timeline's floor); ``/table``: one
``st.dataframe`` of one row (the sites' and the sources' floor); ``/frame``: one static
folium map of one marker in an iframe, as the briefing draws its slide's map (the briefing's
floor). ``scripts/bench.py`` runs it on its own server, beside the repo's ``static/``, so the
frame loads folium's standard files (Leaflet, jQuery, MarkerCluster) from the app's
``static/vendor/``.

The floor of a page change into a table: opened with ``?rows=N``, the first page links to
``/rows?rows=N``, one ``st.dataframe`` of N rows as wide as the sites' table, which links back.
"""

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from benchmarks.server import FLOOR_ROWS_COLUMNS, FLOOR_ROWS_PARAM
from benchmarks.static_pages import build_static_map
from stationmap.html import tables

# The briefing's own slide-map height (pages/briefing.py), so the frame costs the same to lay out.
FRAME_HEIGHT_PX = 520
# The one site of the frame: any city will do.
ONE_SITE = [(51.5072, -0.1276, "London")]
# The change floor's table: ?rows=N rows (at most MAX_ROWS), of as many text and count columns
# as the sites' table has; repeated words as categories, as the app sends them.
MAX_ROWS = 100_000
TEXT_COLUMNS, COUNT_COLUMNS = FLOOR_ROWS_COLUMNS


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


def row_count() -> int | None:
    """The rows the link asked for (?rows=N), within 1..MAX_ROWS; None without a number."""
    asked = st.query_params.get(FLOOR_ROWS_PARAM, "")
    return min(max(int(asked), 1), MAX_ROWS) if asked.isdigit() else None


@st.cache_data(max_entries=4)
def rows_table(rows: int) -> pd.DataFrame:
    """`rows` rows of made-up text (a few hundred distinct words a column) and counts."""
    numbers = np.arange(rows)
    columns = {"text_0": [f"Site {n}" for n in numbers]}  # one column of distinct names
    for column in range(1, TEXT_COLUMNS):
        columns[f"text_{column}"] = pd.Categorical([f"word {column}-{n % 400}" for n in numbers])
    for column in range(COUNT_COLUMNS):
        columns[f"count_{column}"] = ((numbers * (column + 3)) % 17).astype("int32")
    return pd.DataFrame(columns)


def none_floor() -> None:
    title("none")
    rows = row_count()
    if rows is not None:
        st.page_link(ROWS_PAGE, label="rows", query_params={FLOOR_ROWS_PARAM: str(rows)})


def rows_floor() -> None:
    title("rows")
    rows = row_count() or 1
    st.page_link(NONE_PAGE, label="back", query_params={FLOOR_ROWS_PARAM: str(rows)})
    height = tables.table_height(rows)
    st.dataframe(rows_table(rows), hide_index=True, width="stretch", height=height)


def frame_floor() -> None:
    title("frame")
    st.iframe(build_static_map(ONE_SITE).get_root().render(), height=FRAME_HEIGHT_PX)


st.set_page_config(page_title="floor", layout="wide")
# Each floor at a path of its own, as the app's pages are (/timeline, /sites, ...): Streamlit's
# front end, opened at a path, first looks for its server under that path (a 404, then a
# 100 ms wait) before it tries the root; a floor at the root would not pay that.
NONE_PAGE = st.Page(none_floor, title="floor", url_path="index", default=True)
ROWS_PAGE = st.Page(rows_floor, title="rows", url_path="rows")
st.navigation(
    [
        NONE_PAGE,
        st.Page(chart_floor, title="chart", url_path="chart"),
        st.Page(table_floor, title="table", url_path="table"),
        st.Page(frame_floor, title="frame", url_path="frame"),
        ROWS_PAGE,
    ],
    position="hidden",
).run()
