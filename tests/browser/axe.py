"""axe-core over a page and every frame in it, for any browser test to reuse.

axe-core is pinned in package.json (a dev dependency: `npm ci` installs it, nothing serves it)
and injected from node_modules into each document. Each frame is audited on its own
(``iframes: false``), because the map's and the slides' frames are separate documents with
their own title, language and colours; a violation names the frame it was found in.

    violations = audit(page)
    assert_accessible(page, "map page")
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Page

from tests.browser.conftest import REPO_ROOT

AXE_SCRIPT = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What fails a test: the two highest of axe's four impacts (minor, moderate, serious, critical).
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
# axe's default rule set (WCAG 2.0 and 2.1 A and AA, and its best practices), plus WCAG 2.2
# AA's target size (2.5.8), which axe leaves off by default; each frame alone.
AXE_OPTIONS = {
    "iframes": False,
    "resultTypes": ["violations"],
    "rules": {"target-size": {"enabled": True}},
}
# Elements a rule does not apply to, by a class in axe's selector for them, and why. Target
# size (WCAG 2.5.8) excepts targets whose places are essential, and those with an equivalent
# full-size control: a map's markers and clusters sit where their sites are, overlapping where
# sites are close, and every site has its row in the Sites table.
EXEMPT = {"target-size": "leaflet-marker-icon"}

# Defines window.axe in the document, once; an indirect eval runs it at the document's top level.
INJECT_JS = "(source) => { if (!window.axe) { (0, eval)(source); } }"
RUN_JS = """async (options) => {
    const results = await window.axe.run(document, options);
    return results.violations.map((rule) => ({
        rule: rule.id,
        impact: rule.impact,
        help: rule.help,
        targets: rule.nodes.map((node) => node.target.join(' ')),
        summaries: rule.nodes.map((node) => node.failureSummary || ''),
    }));
}"""


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    frame: str
    targets: tuple[str, ...]
    summaries: tuple[str, ...]

    def __str__(self) -> str:
        lines = [f"{self.impact} {self.rule} in {self.frame}: {self.help}"]
        for target, summary in zip(self.targets, self.summaries, strict=True):
            lines.append(f"    {target}: {' '.join(summary.split())}")
        return "\n".join(lines)


@cache
def axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.fail(
            f"{AXE_SCRIPT.relative_to(REPO_ROOT)} not found: run `npm ci` (or `make setup`), "
            "which installs axe-core as package.json pins it."
        )
    return AXE_SCRIPT.read_text(encoding="utf-8")


def describe_frame(frame: Frame) -> str:
    """The top document, or a frame by its title attribute and address."""
    if frame.parent_frame is None:
        return f"top document {frame.url}"
    element = frame.frame_element()
    title = element.get_attribute("title") or element.get_attribute("name") or ""
    return f"frame {title!r} ({frame.url[:80]})"


def without_exempt(found: dict) -> dict:
    """axe's finding without the elements `EXEMPT` takes out of its rule."""
    exempt = EXEMPT.get(found["rule"])
    if exempt is None:
        return found
    kept = [
        (target, summary)
        for target, summary in zip(found["targets"], found["summaries"], strict=True)
        if exempt not in target
    ]
    return {**found, "targets": [t for t, _ in kept], "summaries": [s for _, s in kept]}


def audit_frame(frame: Frame) -> list[Violation]:
    """axe's violations in one document, of every impact."""
    frame.evaluate(INJECT_JS, axe_source())
    where = describe_frame(frame)
    findings = [without_exempt(found) for found in frame.evaluate(RUN_JS, AXE_OPTIONS)]
    return [
        Violation(
            rule=found["rule"],
            impact=found["impact"] or "",
            help=found["help"],
            frame=where,
            targets=tuple(found["targets"]),
            summaries=tuple(found["summaries"]),
        )
        for found in findings
        if found["targets"]
    ]


def audit(page: Page) -> list[Violation]:
    """axe's violations in the page and every frame attached to it, frame by frame."""
    violations: list[Violation] = []
    for frame in page.frames:
        if frame.is_detached():
            continue
        try:
            violations.extend(audit_frame(frame))
        except PlaywrightError as error:
            # A frame that went away mid-audit is the app's rerun, not a finding: but a frame
            # that cannot be audited at all must not pass unnoticed.
            if not frame.is_detached():
                raise AssertionError(
                    f"axe could not audit {describe_frame(frame)}: {error}"
                ) from error
    return violations


def blocking(violations: list[Violation]) -> list[Violation]:
    return [violation for violation in violations if violation.impact in BLOCKING_IMPACTS]


def assert_accessible(page: Page, what: str) -> None:
    """Fail, naming each rule, target and frame, on any serious or critical violation."""
    found = blocking(audit(page))
    report = "\n".join(str(violation) for violation in found)
    assert not found, (
        f"axe-core found {len(found)} serious or critical violations on {what}:\n{report}"
    )
