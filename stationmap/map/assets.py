"""Where the map's front-end files and its background come from; the one place that decides.

Leaflet, MarkerCluster, topojson-client and the Natural Earth country outlines are copied into
``static/vendor/`` by ``make setup`` and served by Streamlit at ``/app/static/vendor/``. When
they are there, folium is pointed at them, so the map draws with no network and no third party
learns who is looking at it. Leaflet and MarkerCluster are loaded as one file, and jQuery not
at all (see ``LEAFLET_MARKERCLUSTER_JS``). When they are missing (npm was not available at
set-up), folium's public CDN defaults are kept and ``MapAssets.local`` is False, so the page
can say so on screen.

The background is a setting (``STATIONMAP_TILES``, see ``config``): by default no tiles at all,
only the country outlines from the app's own host; or a named tile provider; or an http(s) URL
template with its attribution. A setting that cannot be used gives the outlines and an error
message for the page, never a crash.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace
from pathlib import Path

import folium
import folium.plugins

from stationmap import config
from stationmap.i18n import _
from stationmap.record.loader import check_url

MANIFEST_NAME = "manifest.json"

# Vendored files the map needs, relative to the vendor folder (see scripts/vendor_assets.py).
LEAFLET_JS = "leaflet/leaflet.js"
LEAFLET_CSS = "leaflet/leaflet.css"
LEAFLET_IMAGES = "leaflet/images/"
JQUERY_JS = "jquery/jquery.min.js"
MARKERCLUSTER_JS = "leaflet.markercluster/leaflet.markercluster.js"
MARKERCLUSTER_CSS = "leaflet.markercluster/MarkerCluster.css"
MARKERCLUSTER_DEFAULT_CSS = "leaflet.markercluster/MarkerCluster.Default.css"
# Leaflet then MarkerCluster in one script (scripts/vendor_assets.py, its BUNDLES), the only
# script folium.Map loads here: streamlit-folium loads a map's scripts one after the other, a
# round trip each, before it draws. jQuery is left out: neither our code nor the folium code we
# use calls it (folium's Popup, keep_in_front and some plugins do; the map uses none of them).
LEAFLET_MARKERCLUSTER_JS = "stationmap/leaflet-markercluster.js"
TOPOJSON_JS = "topojson-client/topojson-client.min.js"
# The 1:110m outlines: about 100 kB and enough at the zooms where outlines are all there is.
COUNTRY_OUTLINES = "world-atlas/countries-110m.json"
# The 1:50m outlines (about 750 kB): a briefing slide's map shows them instead from
# FINE_OUTLINES_ZOOM on, where the coarse ones look blocky (a country at zoom 6). Optional: a
# vendor folder without them keeps the coarse ones at every zoom.
COUNTRY_OUTLINES_FINE = "world-atlas/countries-50m.json"
FINE_OUTLINES_ZOOM = 4
REQUIRED_FILES = (
    LEAFLET_MARKERCLUSTER_JS,
    LEAFLET_CSS,
    MARKERCLUSTER_CSS,
    MARKERCLUSTER_DEFAULT_CSS,
    TOPOJSON_JS,
    COUNTRY_OUTLINES,
)

# The same versions package.json pins, from a public CDN, for when static/vendor/ is missing.
CDN_PREFIX = "https://cdn.jsdelivr.net/npm/"
CDN_PACKAGES = {
    "leaflet.markercluster": "leaflet.markercluster@1.5.3/dist/",
    "topojson-client": "topojson-client@3.1.0/dist/",
    "world-atlas": "world-atlas@2.0.2/",
}

Links = tuple[tuple[str, str], ...]
# folium's own name for the MarkerCluster script, so a folium plugin and our layer share it.
MARKERCLUSTER_LINK = "markerclusterjs"
LEAFLET_MARKERCLUSTER_LINK = "leaflet_markercluster"
TOPOJSON_LINK = "topojson_client"


@dataclass(frozen=True)
class MapAssets:
    """The script and style links the map loads, and where its outlines and icons are."""

    local: bool  # False: loaded from public CDNs (the page must say so)
    map_js: Links  # folium.Map's own (Leaflet and, local, MarkerCluster; CDN: jQuery, ...)
    map_css: Links
    layer_js: Links  # the site layer's: topojson-client (CDN: MarkerCluster too)
    layer_css: Links
    outlines_url: str  # Natural Earth countries as TopoJSON
    icon_image_path: str | None  # L.Icon.Default.imagePath; None keeps Leaflet's own guess
    fine_outlines_url: str | None = None  # the 1:50m countries; None: the coarse ones only


def _local(prefix: str) -> MapAssets:
    return MapAssets(
        local=True,
        map_js=((LEAFLET_MARKERCLUSTER_LINK, prefix + LEAFLET_MARKERCLUSTER_JS),),
        map_css=(("leaflet_css", prefix + LEAFLET_CSS),),
        # MarkerCluster came with Leaflet, in the map's own script.
        layer_js=((TOPOJSON_LINK, prefix + TOPOJSON_JS),),
        layer_css=(
            ("markerclustercss", prefix + MARKERCLUSTER_CSS),
            ("markerclusterdefaultcss", prefix + MARKERCLUSTER_DEFAULT_CSS),
        ),
        outlines_url=prefix + COUNTRY_OUTLINES,
        # Inside streamlit-folium's iframe Leaflet cannot work this out from its CSS and asks
        # for a path that does not exist (a 404 in the console).
        icon_image_path=prefix + LEAFLET_IMAGES,
        fine_outlines_url=prefix + COUNTRY_OUTLINES_FINE,
    )


LOCAL_ASSETS = _local(config.VENDOR_URL_PREFIX)


def folium_standard_local(prefix: str = config.VENDOR_URL_PREFIX) -> MapAssets:
    """The local files as folium itself lists them: Leaflet, jQuery, then MarkerCluster apart.

    Not the app's (see ``LEAFLET_MARKERCLUSTER_JS``): the benchmarks' floors, bare folium pages,
    load these, as any folium page would, so the app is measured against the usual way.
    """
    return replace(
        _local(prefix),
        map_js=(("leaflet", prefix + LEAFLET_JS), ("jquery", prefix + JQUERY_JS)),
        layer_js=(
            (MARKERCLUSTER_LINK, prefix + MARKERCLUSTER_JS),
            (TOPOJSON_LINK, prefix + TOPOJSON_JS),
        ),
    )


def _folium_defaults(cls: type) -> tuple[Links, Links]:
    """folium's own links for a class, as they were before `install` first replaced them."""
    if "_stationmap_cdn_links" not in cls.__dict__:
        # Kept on the class itself, so a re-import of this module (Streamlit's file watcher)
        # cannot mistake already-replaced links for folium's defaults.
        cls._stationmap_cdn_links = (tuple(cls.default_js), tuple(cls.default_css))
    return cls._stationmap_cdn_links


def _cdn() -> MapAssets:
    map_js, map_css = _folium_defaults(folium.Map)
    cluster = CDN_PREFIX + CDN_PACKAGES["leaflet.markercluster"]
    return MapAssets(
        local=False,
        map_js=map_js,
        map_css=map_css,
        layer_js=(
            (MARKERCLUSTER_LINK, cluster + "leaflet.markercluster.js"),
            (
                TOPOJSON_LINK,
                CDN_PREFIX + CDN_PACKAGES["topojson-client"] + "topojson-client.min.js",
            ),
        ),
        layer_css=(
            ("markerclustercss", cluster + "MarkerCluster.css"),
            ("markerclusterdefaultcss", cluster + "MarkerCluster.Default.css"),
        ),
        outlines_url=CDN_PREFIX + CDN_PACKAGES["world-atlas"] + "countries-110m.json",
        icon_image_path=None,
        fine_outlines_url=CDN_PREFIX + CDN_PACKAGES["world-atlas"] + "countries-50m.json",
    )


CDN_ASSETS = _cdn()


def detect_assets(vendor_dir: Path | None = None) -> MapAssets:
    """Local assets if ``make setup`` vendored them (manifest and every needed file present).

    ``vendor_dir`` defaults to ``config.VENDOR_DIR``, found from the package, never the
    working directory.
    """
    vendor_dir = Path(vendor_dir or config.VENDOR_DIR)
    if not (vendor_dir / MANIFEST_NAME).is_file():
        return CDN_ASSETS
    if not all((vendor_dir / name).is_file() for name in REQUIRED_FILES):
        return CDN_ASSETS
    if not (vendor_dir / COUNTRY_OUTLINES_FINE).is_file():
        return replace(LOCAL_ASSETS, fine_outlines_url=None)
    return LOCAL_ASSETS


def install(assets: MapAssets) -> None:
    """Point folium (its Map and the MarkerCluster plugins) at these assets' links.

    Class-wide, so any folium map drawn in this process, not only ours, loads the same files.
    Idempotent; a later call with other assets replaces the links again. With the app's local
    assets the plugins list no script of their own: MarkerCluster is in the map's.
    """
    _folium_defaults(folium.Map)
    _folium_defaults(folium.plugins.MarkerCluster)
    folium.Map.default_js = list(assets.map_js)
    folium.Map.default_css = list(assets.map_css)
    # FastMarkerCluster inherits these.
    folium.plugins.MarkerCluster.default_js = [
        link for link in assets.layer_js if link[0] == MARKERCLUSTER_LINK
    ]
    folium.plugins.MarkerCluster.default_css = list(assets.layer_css)


# --- tiles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TileChoice:
    """The map background: no tiles (outlines only), or a tile layer with its attribution."""

    name: str  # "none", a key of TILE_PROVIDERS, or "custom"
    url: str | None = None
    attribution: str | None = None  # HTML; a custom one is escaped text
    subdomains: str = "abc"
    max_zoom: int = 18
    error: str | None = None  # why the setting asked for could not be used

    @property
    def has_tiles(self) -> bool:
        return self.url is not None


NO_TILES = TileChoice("none")

_OSM_ATTRIBUTION = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)
_CARTO_ATTRIBUTION = _OSM_ATTRIBUTION + ' &copy; <a href="https://carto.com/attributions">CARTO</a>'

TILE_PROVIDERS = {
    "osm": TileChoice(
        "osm",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        _OSM_ATTRIBUTION,
        max_zoom=19,
    ),
    "carto-light": TileChoice(
        "carto-light",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        _CARTO_ATTRIBUTION,
        subdomains="abcd",
        max_zoom=20,
    ),
    "carto-dark": TileChoice(
        "carto-dark",
        "https://{s}.basemaps.cartocdn.com/dark_all/{z}/{x}/{y}{r}.png",
        _CARTO_ATTRIBUTION,
        subdomains="abcd",
        max_zoom=20,
    ),
}
TEMPLATE_PLACEHOLDERS = ("{z}", "{x}", "{y}")
# Every placeholder Leaflet fills in; any other brace is refused, since folium reads its output
# again as a Jinja template, where "{{ ... }}" would run.
LEAFLET_PLACEHOLDERS = re.compile(r"\{[sxyzr]\}")


def _without_tiles(error: str) -> TileChoice:
    return replace(NO_TILES, error=error)


def resolve_tiles(setting: str | None, attribution: str | None = None) -> TileChoice:
    """The background a ``STATIONMAP_TILES`` value asks for.

    "none" (or empty), a provider name (case-insensitive), or an http(s) URL template with
    {z}, {x} and {y}, which needs ``attribution`` (plain text). Anything unusable gives no
    tiles and an ``error`` saying what to change.
    """
    value = (setting or "").strip()
    if value.casefold() in ("", NO_TILES.name):
        return NO_TILES
    provider = TILE_PROVIDERS.get(value.casefold())
    if provider is not None:
        return provider
    if "://" not in value:
        names = ", ".join([NO_TILES.name, *TILE_PROVIDERS])
        return _without_tiles(
            _(
                "{variable}={value!r} is not a known map background (use one of {names}, or an "
                "https://…/{{z}}/{{x}}/{{y}}.png URL template). Showing country outlines only."
            ).format(variable=config.TILES_ENV, value=value, names=names)
        )
    problem = check_url(value)
    if problem is None and not all(part in value for part in TEMPLATE_PLACEHOLDERS):
        problem = _("it needs {z}, {x} and {y} placeholders")
    if problem is None and set("{}") & set(LEAFLET_PLACEHOLDERS.sub("", value)):
        problem = _("braces may only hold s, x, y, z or r")
    if problem is not None:
        return _without_tiles(
            _(
                "{variable} is not a usable tile URL template ({problem}). "
                "Showing country outlines only."
            ).format(variable=config.TILES_ENV, problem=problem)
        )
    attribution = (attribution or "").strip()
    if not attribution:
        return _without_tiles(
            _(
                "{variable} is a tile URL template, but {attribution_variable} is empty: tiles "
                "may only be shown with their attribution. Showing country outlines only."
            ).format(variable=config.TILES_ENV, attribution_variable=config.TILES_ATTRIBUTION_ENV)
        )
    # Shown as text: escaped, braces included (see LEAFLET_PLACEHOLDERS).
    shown = html.escape(attribution, quote=True).replace("{", "&#123;").replace("}", "&#125;")
    return TileChoice("custom", value, shown)


def configured_tiles() -> TileChoice:
    """The background the environment asks for (see ``config.tiles_setting``)."""
    return resolve_tiles(config.tiles_setting(), config.tiles_attribution())
