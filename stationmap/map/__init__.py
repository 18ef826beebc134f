"""The maps' browser side: the live map's code (``live/``) and its carrier (`folium_bridge`)."""
