"""Speed and load measurements of the dashboard, run by ``scripts/bench.py`` (``make bench``).

- ``stats``: medians, percentiles, the floor arithmetic and the Markdown tables (pure).
- ``procmem``: resident memory of a process tree, read from /proc, and a sampler.
- ``server``: a Streamlit server on a free loopback port, stopped by process group.
- ``browser``: Debian's Chromium, fresh contexts, and the timed steps in a page.
- ``expectations``: what the map must show for a dataset and a filter, from the package.
- ``static_pages``: the floor's static folium pages, one folium Marker per site.
- ``floor_app``: the floor's shell, a bare Streamlit page with a one-marker map.
- ``load``: many concurrent sessions against one server (``tests/browser/test_load.py``).
- ``profile_map``: where a map rerun spends its time, stage by stage, in this process.
"""
