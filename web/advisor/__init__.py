"""The advisor's desk: logging in, companies, workshops run for them, and results over time.

Its views are on the advisor's area (web.platform.areas), with those of web.reporting and
web.learning.
"""
