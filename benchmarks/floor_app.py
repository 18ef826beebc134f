"""The floor's shell: a bare Streamlit page showing a one-marker st_folium map.

What any Streamlit page with a folium map costs before it draws a single site of its own:
Streamlit's start, the component's iframe, Leaflet, jQuery and MarkerCluster as folium lists
them (``assets.folium_standard_local``, not the app's one-file bundle), from the same local
folder as the app (``/app/static/vendor/``). ``scripts/bench.py`` runs it with its own server.
"""

import folium
import folium.plugins
import streamlit as st
from streamlit_folium import st_folium

from stationmap.map import assets

# The app's own map height and width, so the iframe costs the same to lay out.
MAP_HEIGHT_PX = 620

st.set_page_config(page_title="floor", layout="wide")
assets.install(assets.folium_standard_local())
floor_map = folium.Map(location=[25.0, 10.0], zoom_start=2, tiles=None)
# Without a tile layer Leaflet has no maxZoom, and MarkerCluster refuses to draw.
floor_map.options["maxZoom"] = 18
cluster = folium.plugins.MarkerCluster().add_to(floor_map)
folium.Marker([51.5072, -0.1276]).add_to(cluster)
st_folium(
    floor_map,
    key="floor_map",
    height=MAP_HEIGHT_PX,
    use_container_width=True,
    returned_objects=["last_object_clicked"],
)
