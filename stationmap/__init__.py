"""stationmap: a map dashboard of the alleged Chinese "overseas police service stations"."""

__version__ = "0.1.0"
