"""Speed and load measurements of the dashboard, run by ``scripts/bench.py`` (``make bench``).

- ``stats``: medians, percentiles, the floor arithmetic and the Markdown tables (pure).
- ``procmem``: resident memory of a process tree, read from /proc, and a sampler.
- ``server``: a Streamlit server on a free loopback port, stopped by process group.
- ``browser``: Debian's Chromium, fresh contexts, and the timed steps in a page.
- ``expectations``: what the map must show for a dataset and a filter, from the package, and
  every page's limits (issue 17).
- ``static_pages``: the floor's static folium pages, one folium Marker per site.
- ``floor_app``: the floor's shell, a bare Streamlit page with a one-marker map.
- ``floor_widgets``: the other pages' floors, a title and one chart, table or map frame.
- ``layout_shift``: Cumulative Layout Shift as Chrome defines it, and what moved
  (``js/page_watch.js``, installed before navigation; ``tests/browser/test_layout_shift.py``).
- ``page_loads``: every page opened, or reached from the navigation, until its main widget is
  drawn and Streamlit is idle (``js/page_drawn.js``), and the walk through every page change.
- ``page_stats``: every page's figures beside the limits in ``expectations`` (pure).
- ``load``: many concurrent sessions against one server (``tests/browser/test_load.py``).
- ``profile_map``: where a map rerun spends its time, stage by stage, in this process.
"""
