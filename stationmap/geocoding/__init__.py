"""Geocoding: curated places, the cache, the offline gazetteer and Nominatim, in that order."""
