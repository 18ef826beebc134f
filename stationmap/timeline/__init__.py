"""Timelines of reports, police action and government responses.

- `events`: the timeline table: event groups and lanes, which events are in scope, the chart
  rows and the counts by group.
- `charts`: the Altair charts of a timeline table, a mark per event or a count per row and
  month, and how to read a click on them.
- `event_list`: the events as an HTML list under their month headings, with their sources.
- `view`: all of the above for one set of filters, as the timeline page shows it.

Import a name from the module that owns it; this package re-exports nothing.
"""
