"""A page's form class is made once per content, section and language and kept
(``Content.derived``, web/storage/content.py): a page posted through the kept class is
read exactly as through a class made anew, also after a person's own posts."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from tests.helpers import Survey, page_values
from web.assessments.forms import page_form_class, read_page, section_form_class
from web.storage.content import content


def _read(form_class: type, section: Any, posted: MultiDict[str, Any], language: str) -> Any:
    form = form_class(formdata=posted, meta={"csrf": False})
    form.validate()
    return read_page(form, section, {}, language)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_a_kept_form_class_reads_a_page_as_one_made_anew(
    app: Flask, survey: Survey, language: str
) -> None:
    survey.start()
    for number, page in survey.answers_at_level(3).items():  # the kept classes in use
        survey.post(number, {k: v for k, v in page.items() if v != "dont_know_box"})
    with app.test_request_context("/"):
        c = content()
        for section in c.questionnaire.sections:
            for variant in range(8):
                posted: MultiDict[str, Any] = MultiDict()
                for name, value in page_values(section, variant).items():
                    for one in value if isinstance(value, list) else [value]:
                        posted.add(name, "y" if one is True else one)
                kept = _read(page_form_class(c, section, language), section, posted, language)
                anew = _read(section_form_class(section, language), section, posted, language)
                assert kept == anew, (section.id, variant)
                assert page_form_class(c, section, language) is page_form_class(
                    c, section, language
                )
