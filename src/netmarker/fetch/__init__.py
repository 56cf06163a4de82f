"""Opt-in downloads of public data sets: generic HTTP (download), GDC projects, GEO series."""
