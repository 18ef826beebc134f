"""Briefings: stories (parse and validate), captions and the slide view."""
