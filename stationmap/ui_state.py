"""Every session-state key and URL query-parameter name the app uses, named once here.

The sidebar filters are bound to the URL with Streamlit's own ``bind="query-params"``, which
uses a widget's key as its query-parameter name. For those widgets the key *is* the URL name:
renaming one breaks every link people have already shared, so these names are short, lower-case
and meant to stay.

What a bound parameter carries is what the widget shows: a multiselect's chosen options as
their displayed labels (``?status=Under+investigation&country=United+Kingdom``), a date as
``YYYY-MM-DD``, a date range as two repeated values. A value equal to the widget's default is
left out, so a plain address shows everything.
"""

from __future__ import annotations

# --- URL query parameters, which are also the keys of the widgets bound to them ---------------

STATUS = "status"
COUNTRY = "country"
REGION = "region"
BUREAU = "bureau"
# The range of first-report dates, as two repeated values: ?reported=2022-09-01&reported=2023-06-30.
REPORTED = "reported"
# "q", as search boxes everywhere call it: people recognise it in a link.
TEXT = "q"
# The date statuses are derived for; absent means today.
AS_OF = "as_of"
# The interface language (shown only once a second catalogue exists); absent means English.
LANGUAGE = "lang"

# The filter widgets, in the order the sidebar shows them; "Reset filters" resets all of them.
FILTER_KEYS = (TEXT, STATUS, AS_OF, COUNTRY, REGION, BUREAU, REPORTED)

# --- session-state keys that never reach the URL ----------------------------------------------

RESET_FILTERS = "reset_filters"
# The map page's streamlit-folium widget (its last click lives here) and the container that
# shows the clicked site's details.
SITE_MAP = "site_map"
SITE_DETAILS = "site_details"
# The FilterState the sidebar produced in this run, read by chrome.current_view() on every page.
CURRENT_FILTERS = "current_filters"
