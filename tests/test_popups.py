"""Popup, tooltip, legend and details HTML: content, order, date precision, escaping, links."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import pytest

from stationmap.html import legend, palette, popups
from stationmap.html.escape import esc, safe_href
from stationmap.html.texts import current_texts
from stationmap.record import schema
from stationmap.record.status import status_histories
from stationmap.record.views import build_site_view
from tests.conftest import TEST_TODAY

HOSTILE = "<img src=x onerror=alert(1)>"


class Links(HTMLParser):
    """Every <a> in a piece of HTML: its attributes and its text."""

    def __init__(self):
        super().__init__()
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append({**dict(attrs), "text": ""})

    def handle_data(self, data):
        if self.links and "end" not in self.links[-1]:
            self.links[-1]["text"] += data

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            self.links[-1]["end"] = True


def links_in(html: str) -> list[dict]:
    parser = Links()
    parser.feed(html)
    return parser.links


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def croydon(shipped_dataset):
    view = build_site_view(shipped_dataset, on=TEST_TODAY)
    site = view.loc["uk-croydon"]
    events = popups.events_of_site(shipped_dataset.events, "uk-croydon")
    sources = shipped_dataset.sources.to_dict("index")
    return site, events, sources


@pytest.fixture(scope="module")
def croydon_popup(croydon) -> str:
    site, events, sources = croydon
    return popups.popup_html(site, events, sources)


def test_popup_names_the_site_its_place_bureau_and_status(croydon_popup):
    text = text_of_html(croydon_popup)
    assert "London: Croydon" in text
    assert "United Kingdom" in text
    assert "Croydon" in text and "London" in text
    assert "Fuzhou PSB" in text
    assert "No evidence reported by authorities, since 6 June 2023" in text
    # The event that set the status: the police's visits, reported in the June statement.
    assert "(Police visit," in text


def test_popup_lists_the_events_in_date_order(croydon, croydon_popup):
    _, events, _ = croydon
    items = re.findall(r'<li><span class="sm-date">([^<]+)</span>', croydon_popup)
    assert len(items) == len(events) == 11
    starts = [event["date"].start for event in events]
    assert starts == sorted(starts)
    assert items[0] == "12 September 2022"


def test_month_precision_dates_read_as_the_month_never_a_made_up_day(croydon_popup):
    dates = re.findall(r'<span class="sm-date">([^<]+)</span>', croydon_popup)
    assert "April 2023" in dates
    assert "June 2023" in dates
    assert "1 June 2023" not in dates
    assert "1 April 2023" not in dates


def test_every_source_is_a_link_opening_in_a_new_tab_without_an_opener(croydon, croydon_popup):
    site, events, sources = croydon
    links = links_in(croydon_popup)
    assert links
    for link in links:
        assert link["href"].startswith(("https://", "http://"))
        assert link["target"] == "_blank"
        assert set(link["rel"].split()) == {"noopener", "noreferrer"}
    # The closing list holds every source the site or its events cite, once each.
    cited = popups.site_source_ids(site, events)
    listed = croydon_popup.split('<ul class="sm-sources">', 1)[1]
    originals = [link for link in links_in(listed) if link["text"] != "copy read"]
    assert len(originals) == len(cited)
    # A source read from a copy offers it beside the publisher's own page.
    copies = [i for i in cited if safe_href(sources[i].get("copy_url"))]
    assert len(links_in(listed)) - len(originals) == len(copies) > 0
    hansard = sources["S001"]
    assert f"{hansard['publisher']} — " in text_of_html(listed).replace("&quot;", '"')


def test_each_event_cites_its_sources_as_links(croydon, croydon_popup):
    _, events, sources = croydon
    events_part = croydon_popup.split('<ol class="sm-events">', 1)[1].split("</ol>", 1)[0]
    for event, item in zip(events, events_part.split("</li>")[:-1], strict=True):
        hrefs = {link["href"] for link in links_in(item)}
        assert hrefs == {sources[i]["url"] for i in event["source_ids"]}


def test_a_country_level_row_says_the_city_was_not_reported(shipped_dataset):
    view = build_site_view(shipped_dataset, on=TEST_TODAY)
    site = view.loc["de-unspecified"]
    assert site["precision"] == "country"
    assert "City not reported" in popups.tooltip_html(site)
    assert "City not reported" in popups.tooltip_text(site)
    popup = popups.popup_html(site, popups.events_of_site(shipped_dataset.events, site.name), {})
    assert "Country only (city not reported)" in popup
    assert "<dt>City</dt><dd>City not reported</dd>" in popup


def test_an_empty_bureau_reads_not_reported(shipped_dataset):
    view = build_site_view(shipped_dataset, on=TEST_TODAY)
    site = view.loc["uk-belfast"]
    assert site["operating_bureau"] == ""
    popup = popups.popup_html(site, [], {})
    assert "<dt>Operating bureau (as reported)</dt><dd>not reported</dd>" in popup


def test_tooltip_gives_name_and_status(small_dataset):
    view = build_site_view(small_dataset, on=TEST_TODAY)
    assert popups.tooltip_html(view.loc["uk-glasgow"]) == "<strong>Glasgow</strong><br>Alleged"


def hostile_site(**changes) -> dict:
    site = {
        "site_id": "x",
        "name": HOSTILE,
        "country": "</script><script>alert(1)</script>",
        "city": "`${alert(1)}`",
        "locality": "{{ 7 * 7 }}",
        "operating_bureau": "\"'><b>",
        "precision": "city",
        "status": "alleged",
        "status_since": None,
        "status_event_id": "",
        "source_ids": ("S1",),
        "notes": "<script>alert(2)</script>",
    }
    return {**site, **changes}


def test_data_is_escaped_everywhere():
    site = hostile_site()
    event = {
        "event_id": "E1",
        "date": None,
        "event_type": "ngo_report",
        "actor": "<svg onload=alert(1)>",
        "summary": "a & b",
        "source_ids": ("S1",),
        "order": 0,
    }
    source = {
        "source_id": "S1",
        "publisher": "<i>pub</i>",
        "title": '"><script>',
        "date": None,
        "url": 'https://example.org/?q="><script>alert(1)</script>',
    }
    rendered = [
        popups.popup_html(site, [event], {"S1": source}),
        popups.details_html(site, [event], {"S1": source}, []),
        popups.tooltip_html(site),
    ]
    for html in rendered:
        for raw in (HOSTILE, "<script", "<svg", "<i>", "`", "${", "{{", "'><b>"):
            assert raw not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in rendered[0]
    assert "&amp; b" in rendered[0]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "\tjavascript:alert(1)",
        "java\nscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//example.org/no-scheme",
        "ftp://example.org/file",
        " https://example.org/leading-space",
        "",
    ],
)
def test_only_http_urls_become_links(url):
    source = {"publisher": "P", "title": "T", "date": None, "url": url}
    html = popups.source_html(source)
    assert "href" not in html
    assert links_in(html) == []
    assert "<script" not in html


def test_an_http_url_is_a_link():
    source = {"publisher": "P", "title": "T", "date": None, "url": "http://example.org/a?b=1&c=2"}
    (link,) = links_in(popups.source_html(source))
    assert link["href"] == "http://example.org/a?b=1&c=2"


def test_status_history_lists_each_change_with_its_date(shipped_dataset):
    history = status_histories(shipped_dataset)["uk-croydon"]
    events_by_id = shipped_dataset.events.to_dict("index")
    html = popups.status_history_html(history, events_by_id)
    text = text_of_html(html)
    assert text.index("Alleged") < text.index("No evidence reported by authorities")
    assert html.count("<li>") == len(history)


def test_legend_lists_every_status_with_colour_symbol_and_count():
    counts = {status: i for i, status in enumerate(schema.STATUSES)}
    html = legend.legend_html(counts, country_level=5, unplaced=2)
    for i, status in enumerate(schema.STATUSES):
        row = re.search(rf'<li data-status="{status}">(.*?)</li>', html).group(1)
        assert palette.STATUS_COLORS[status] in row
        assert f">{palette.STATUS_SYMBOLS[status]}</span>" in row
        assert current_texts().status_label(status) in row
        assert f'<span class="sm-legend-count">{i}</span>' in row
    assert "sm-chip-country" in html
    assert "Country only, city not reported" in html
    assert "Not on the map (no coordinates): 2" in html


def test_headline_counts_list_every_status_in_its_colour():
    html = legend.status_counts_html({"alleged": 3})
    for status in schema.STATUSES:
        assert f'data-status="{status}"' in html
        assert palette.STATUS_COLORS[status] in html
    assert '<strong class="sm-count-value">3</strong>' in html


def test_site_details_stop_at_the_as_of_date(shipped_dataset):
    as_of = date(2022, 12, 31)
    view = build_site_view(shipped_dataset, on=as_of)
    html = popups.site_details(shipped_dataset, view.loc["uk-croydon"], as_of)
    events = html.split('<ol class="sm-events">', 1)[1].split("</ol>", 1)[0]
    history = html.split('<ol class="sm-history">', 1)[1].split("</ol>", 1)[0]
    for part in (events, history):
        dates = re.findall(r'<span class="sm-date">([^<]+)</span>', part)
        assert dates
        assert all(label.endswith("2022") for label in dates), dates
    changes = [c for c in status_histories(shipped_dataset)["uk-croydon"] if c.date.start <= as_of]
    assert history.count("<li>") == len(changes)
    assert "Under investigation" in text_of_html(history)
    assert "No evidence found" not in text_of_html(history)


def test_status_history_gives_each_change_its_event_and_sources(shipped_dataset):
    history = status_histories(shipped_dataset)["uk-glasgow"]
    events_by_id = shipped_dataset.events.to_dict("index")
    sources = shipped_dataset.sources.to_dict("index")
    html = popups.status_history_html(history, events_by_id, sources=sources)
    items = html.split("<li>")[1:]
    assert len(items) == len(history)
    for change, item in zip(history, items, strict=True):
        event = events_by_id[change.event_id]
        hrefs = {link["href"] for link in links_in(item)}
        assert hrefs == {sources[i]["url"] for i in event["source_ids"]}
        assert f'<span class="sm-date">{current_texts().date(change.date)}</span>' in item
    # October 2022 is known only to the month: it reads as the month.
    assert '<span class="sm-date">October 2022</span>' in items[1]
    assert "Police Scotland" in text_of_html(items[1])


def test_the_details_panel_gives_each_status_change_its_sources(shipped_dataset):
    view = build_site_view(shipped_dataset, on=TEST_TODAY)
    html = popups.site_details(shipped_dataset, view.loc["uk-glasgow"])
    history = html.split('<ol class="sm-history">', 1)[1].split("</ol>", 1)[0]
    links = links_in(history)
    assert links
    for link in links:
        assert link["href"].startswith("https://")
        assert set(link["rel"].split()) == {"noopener", "noreferrer"}


def test_a_popup_given_the_history_marks_the_status_each_event_set(shipped_dataset, croydon):
    site, events, sources = croydon
    history = status_histories(shipped_dataset)["uk-croydon"]
    html = popups.popup_html(site, events, sources, history=history)
    items = html.split('<ol class="sm-events">', 1)[1].split("</ol>", 1)[0].split("</li>")[:-1]
    setters = {change.event_id: change.status for change in history}
    ordered = popups.ordered_events(events)
    assert len(items) == len(ordered)
    for event, item in zip(ordered, items, strict=True):
        status = setters.get(event["event_id"])
        if status:
            label = current_texts().status_label(status)
            assert f'→ <span class="sm-to sm-to-{status}">{label}</span>' in item
        else:
            assert "sm-to" not in item
    assert "Events (→ status they set)" in html
    # The chip is a style rule per status, not markup per change.
    for status in schema.STATUSES:
        assert f".sm-to-{status}::before" in popups.POPUP_CSS
        assert palette.STATUS_COLORS[status] in popups.POPUP_CSS


def test_a_popup_for_the_play_control_marks_the_day_of_each_dated_item(croydon, shipped_dataset):
    site, events, sources = croydon

    def day_of(day: date) -> int:
        return (day - date(2020, 1, 1)).days

    history = status_histories(shipped_dataset)["uk-croydon"]
    html = popups.popup_html(site, events, sources, history=history, day_of=day_of)
    # One status line per day a status began, and one for before the first report; the latest
    # shows without a script.
    now = html.split('<span class="sm-now">', 1)[1]
    starts = [int(day) for day in re.findall(r'<span data-from="(-?\d+)"', now)]
    assert starts == [popups.BEFORE_FIRST_REPORT] + [day_of(c.date.start) for c in history]
    assert now.count('<span data-from="') - now.count(" hidden>") == 1
    latest = now.split(f'<span data-from="{starts[-1]}">', 1)[1].split("</span></span>", 1)[0]
    assert "No evidence reported by authorities, since 6 June 2023" in text_of_html(latest)
    before = now.split(f'<span data-from="{starts[0]}" hidden>', 1)[1]
    assert text_of_html(before).startswith("No status recorded.")
    events_part = html.split('<ol class="sm-events">', 1)[1].split("</ol>", 1)[0]
    dated = [event for event in popups.ordered_events(events) if event["date"] is not None]
    days = [int(day) for day in re.findall(r'<li data-d="(-?\d+)">', events_part)]
    assert days == [day_of(event["date"].start) for event in dated]
    # Each source from the first event citing it; a month counts from its first day.
    listed = html.split('<ul class="sm-sources">', 1)[1]
    first_cited = {}
    for event in dated:
        for source_id in event["source_ids"]:
            first_cited.setdefault(source_id, day_of(event["date"].start))
    for source_id, day in first_cited.items():
        title = esc(sources[source_id]["title"])
        item = next(part for part in listed.split("</li>") if title in part)
        assert f'data-d="{day}"' in item


def test_a_site_not_yet_reported_has_no_status_line(shipped_dataset):
    view = build_site_view(shipped_dataset, on=date(2022, 10, 1))
    belfast = view.loc["uk-belfast"]
    assert not belfast["reported"]
    assert popups.status_line_html(belfast, {}) == "No status recorded."
