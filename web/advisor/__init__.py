"""The advisor's desk: logging in, companies, workshops run for them, and results over time.

Its views are on the advisor's area (web.platform.areas), with those of web.reporting (the
programme overview and its export). The decision forms on the workshop's and the company's
pages record through web.learning.
"""
