"""How long what is stored is kept, where the privacy page and the purge both read it.

Unfinished assessments untouched for ``UNFINISHED_KEPT_DAYS`` days are removed by
``flask --app app purge`` (web/operations/cli.py), and the privacy page
(web/pages/_privacy.py) says so with the same number.
"""

from __future__ import annotations

UNFINISHED_KEPT_DAYS = 90
