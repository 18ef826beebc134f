"""The HTML library: escaping, popups, legend, tables, palette, Markdown escaping."""
