"""Copy the map's front-end files from node_modules into static/vendor/.

Streamlit serves ``static/`` at ``/app/static/`` (``enableStaticServing``), so the map can
load Leaflet, MarkerCluster and the country outlines from the app's own origin
instead of public CDNs: it then draws with no network, and no third party learns who is
looking at it.

Run by ``make setup`` after ``npm ci``. Stdlib only, so it runs before any venv exists.
Besides the copies it writes ``BUNDLES``: one script made of several pinned files in turn.
The map's frame loads its scripts one after the other, each costing a round trip, so the app
loads Leaflet and MarkerCluster as one file (``stationmap/map/assets.py``).

Idempotent: files whose bytes already match are left alone, and files that are no longer
listed are removed, so ``static/vendor/`` always mirrors ``ASSETS`` and ``BUNDLES`` exactly.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = REPO_ROOT / "node_modules"
PACKAGE_LOCK = REPO_ROOT / "package-lock.json"
VENDOR_DIR = REPO_ROOT / "static" / "vendor"
MANIFEST_NAME = "manifest.json"

# (npm package, source path inside the package, destination relative to VENDOR_DIR).
# A source ending in "/*" copies every file of that folder into the destination folder.
ASSETS: tuple[tuple[str, str, str], ...] = (
    ("leaflet", "dist/leaflet.js", "leaflet/leaflet.js"),
    ("leaflet", "dist/leaflet.css", "leaflet/leaflet.css"),
    # leaflet.css finds its marker and layer icons at images/ next to itself.
    ("leaflet", "dist/images/*", "leaflet/images"),
    (
        "leaflet.markercluster",
        "dist/leaflet.markercluster.js",
        "leaflet.markercluster/leaflet.markercluster.js",
    ),
    ("leaflet.markercluster", "dist/MarkerCluster.css", "leaflet.markercluster/MarkerCluster.css"),
    (
        "leaflet.markercluster",
        "dist/MarkerCluster.Default.css",
        "leaflet.markercluster/MarkerCluster.Default.css",
    ),
    # Not loaded by the app's map (see BUNDLES): by the benchmarks' floors, bare folium pages
    # that load Leaflet, jQuery and MarkerCluster as folium lists them.
    ("jquery", "dist/jquery.min.js", "jquery/jquery.min.js"),
    # The country outlines ship as TopoJSON; the browser turns them into GeoJSON with this.
    (
        "topojson-client",
        "dist/topojson-client.min.js",
        "topojson-client/topojson-client.min.js",
    ),
    ("world-atlas", "countries-110m.json", "world-atlas/countries-110m.json"),
    ("world-atlas", "countries-50m.json", "world-atlas/countries-50m.json"),
)

# (destination relative to VENDOR_DIR, its parts as ASSETS destinations, in order). A bundle is
# its parts' bytes one after the other, each part's sourceMappingURL comment dropped: the
# browser would ask for a .map beside the bundle, which is not there.
BUNDLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "stationmap/leaflet-markercluster.js",
        ("leaflet/leaflet.js", "leaflet.markercluster/leaflet.markercluster.js"),
    ),
)
_SOURCE_MAP_LINE = re.compile(rb"^//# sourceMappingURL=.*$\n?", re.MULTILINE)


class VendorError(Exception):
    """Raised when node_modules is missing, stale, or lacks a listed file."""


def read_installed_version(package: str) -> str:
    """Return the version of ``package`` as installed in node_modules."""
    package_json = NODE_MODULES / package / "package.json"
    if not package_json.is_file():
        raise VendorError(f"{package_json.relative_to(REPO_ROOT)} is missing: run `npm ci`.")
    return json.loads(package_json.read_text(encoding="utf-8"))["version"]


def read_locked_version(package: str) -> str | None:
    """Return the version package-lock.json pins for ``package``, or None if it has none."""
    if not PACKAGE_LOCK.is_file():
        return None
    lock = json.loads(PACKAGE_LOCK.read_text(encoding="utf-8"))
    return lock.get("packages", {}).get(f"node_modules/{package}", {}).get("version")


def plan_copies() -> list[tuple[Path, str, str, str]]:
    """Resolve ``ASSETS`` to (source file, destination, package, version) rows.

    Checks every package against package-lock.json first, so a node_modules left over
    from an older lock fails here rather than shipping a silently different Leaflet.
    """
    versions: dict[str, str] = {}
    for package in sorted({package for package, _, _ in ASSETS}):
        installed = read_installed_version(package)
        locked = read_locked_version(package)
        if locked is not None and locked != installed:
            raise VendorError(
                f"node_modules has {package}@{installed} but package-lock.json pins "
                f"{locked}: run `npm ci`."
            )
        versions[package] = installed

    rows = []
    for package, source, destination in ASSETS:
        package_dir = NODE_MODULES / package
        if source.endswith("/*"):
            folder = package_dir / source[:-2]
            files = sorted(path for path in folder.glob("*") if path.is_file())
            if not files:
                raise VendorError(f"{folder.relative_to(REPO_ROOT)} has no files.")
            rows.extend(
                (path, f"{destination}/{path.name}", package, versions[package]) for path in files
            )
        else:
            path = package_dir / source
            if not path.is_file():
                raise VendorError(f"{path.relative_to(REPO_ROOT)} is missing.")
            rows.append((path, destination, package, versions[package]))
    return rows


def bundle_bytes(parts: list[bytes]) -> bytes:
    """The parts of a bundle as one script: each without its source map line, in order.

    Each part ends with a newline, so a part's last statement or comment cannot run on into
    the next part's first.
    """
    pieces = []
    for data in parts:
        data = _SOURCE_MAP_LINE.sub(b"", data).rstrip(b"\n") + b"\n"
        pieces.append(data)
    return b"".join(pieces)


def plan_bundles(rows: list[tuple[Path, str, str, str]]) -> list[tuple[str, bytes, list[dict]]]:
    """Resolve ``BUNDLES`` against the planned copies: (destination, bytes, manifest rows)."""
    by_destination = {row[1]: row for row in rows}
    bundles = []
    for destination, part_names in BUNDLES:
        parts = []
        for name in part_names:
            if name not in by_destination:
                raise VendorError(f"bundle {destination}: {name} is not a listed asset.")
            parts.append(by_destination[name])
        data = bundle_bytes([source.read_bytes() for source, _, _, _ in parts])
        made_from = [
            {
                "path": name,
                "package": package,
                "version": version,
                "source": source.relative_to(NODE_MODULES).as_posix(),
                "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
            }
            for source, name, package, version in parts
        ]
        bundles.append((destination, data, made_from))
    return bundles


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` unless it already holds exactly those bytes."""
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def remove_stale_files(keep: set[Path]) -> int:
    """Delete files under VENDOR_DIR that are not in ``keep``, then empty folders."""
    removed = 0
    for path in sorted(VENDOR_DIR.rglob("*"), reverse=True):
        if path.is_file() and path not in keep:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


def vendor_assets() -> tuple[int, int, int]:
    """Mirror the listed files into VENDOR_DIR and write its manifest.

    Returns the counts of files listed, files (re)written and stale files removed.
    """
    if not NODE_MODULES.is_dir():
        raise VendorError(
            "node_modules/ not found. Install the pinned front-end packages with `npm ci` "
            "(or run `make setup`) and try again."
        )

    rows = plan_copies()
    written = 0
    manifest_files = []
    for source, destination, package, version in rows:
        data = source.read_bytes()
        written += write_if_changed(VENDOR_DIR / destination, data)
        manifest_files.append(
            {
                "path": destination,
                "package": package,
                "version": version,
                "source": source.relative_to(NODE_MODULES).as_posix(),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )

    bundles = plan_bundles(rows)
    for destination, data, made_from in bundles:
        written += write_if_changed(VENDOR_DIR / destination, data)
        manifest_files.append(
            {
                "path": destination,
                "sha256": hashlib.sha256(data).hexdigest(),
                "made_from": made_from,
            }
        )

    # No timestamp, so an unchanged install rewrites nothing and make's stamp holds.
    manifest = {
        "generated_by": "scripts/vendor_assets.py",
        "url_prefix": "/app/static/vendor/",
        "packages": {package: version for _, _, package, version in rows},
        "files": manifest_files,
    }
    manifest_path = VENDOR_DIR / MANIFEST_NAME
    manifest_bytes = (json.dumps(manifest, indent=2) + "\n").encode("utf-8")
    written += write_if_changed(manifest_path, manifest_bytes)
    # make compares this file's mtime with package-lock.json; touch it even when unchanged.
    manifest_path.touch()

    keep = {VENDOR_DIR / destination for _, destination, _, _ in rows}
    keep |= {VENDOR_DIR / destination for destination, _, _ in bundles} | {manifest_path}
    removed = remove_stale_files(keep)
    return len(rows) + len(bundles), written, removed


def main() -> int:
    try:
        listed, written, removed = vendor_assets()
    except VendorError as error:
        print(f"vendor_assets: error: {error}", file=sys.stderr)
        return 1
    print(
        f"vendor_assets: {listed} files in {VENDOR_DIR.relative_to(REPO_ROOT)}/ "
        f"({written} written, {removed} stale removed)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
