"""Text posted to the site's forms: a lone UTF-16 surrogate never breaks a page or a backup."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Flask
from werkzeug.datastructures import MultiDict

from tests.helpers import (
    Survey,
    create_workshop,
    csrf_token,
    logged_in,
    set_profile,
)
from web.workshops._forms import JoinForm

# U+D800 as a form would carry it if it could: the three bytes UTF-8 would give it.
ENCODED_SURROGATE = "%ED%A0%80"


def test_the_forms_text_filter_refuses_a_lone_surrogate(app: Flask) -> None:
    """Defence in depth: werkzeug cannot hand a form a surrogate (see below), but should
    one reach the shared filter, the field is invalid and says so in Swedish."""
    with app.test_request_context("/"):
        form = JoinForm(
            formdata=MultiDict({"name": "Anna \ud800", "role": "VD"}), meta={"csrf": False}
        )
        assert not form.validate()
        assert form.name.errors == [
            "Texten innehåller ett tecken som inte kan sparas. Skriv den igen."
        ]
        assert form.role.data == "VD" and not form.role.errors


def _post_raw(client: Any, url: str, fields: dict[str, str], raw: dict[str, str]) -> Any:
    """Post ``fields`` and, percent-encoded as given, ``raw``: as a form would."""
    page = client.get(url)
    body = "&".join(
        [f"csrf_token={quote(csrf_token(page.text))}"]
        + [f"{name}={quote(value)}" for name, value in fields.items()]
        + [f"{name}={value}" for name, value in raw.items()]
    )
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


def _post_multipart(client: Any, url: str, fields: dict[str, bytes]) -> Any:
    """Post ``fields`` as multipart/form-data with these bytes, as a form may too."""
    page = client.get(url)
    fields = {"csrf_token": csrf_token(page.text).encode(), **fields}
    body = b"".join(
        b'--B\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (name.encode(), value)
        for name, value in fields.items()
    )
    return client.post(
        url, data=body + b"--B--\r\n", content_type="multipart/form-data; boundary=B"
    )


def test_a_percent_encoded_surrogate_posted_to_a_form_is_stored_and_shown_harmlessly(
    app: Flask, client: Any, questionnaire: Any
) -> None:
    """A form cannot carry a lone surrogate: werkzeug decodes form data as UTF-8 and keeps
    a percent-encoded one (the bytes ED A0 80 that UTF-8 would give U+D800) as the text
    typed, and the same bytes raw in a multipart form as U+FFFD. Pages and the export
    write either like any other text."""
    survey = Survey(client, questionnaire)
    token = survey.start()
    posted = _post_raw(
        client,
        survey.url(1),
        {"employees": "20", "action": "next"},
        {"goal": f"Mindre%20svinn%20{ENCODED_SURROGATE}"},
    )
    assert posted.status_code == 302, posted.text
    page = client.get(f"/a/{token}/steg/1")
    assert page.status_code == 200
    assert f"Mindre svinn {ENCODED_SURROGATE}" in page.text

    anna = logged_in(app, "anna@example.se")
    url, code = create_workshop(anna)
    set_profile(anna, url)
    joined = _post_multipart(
        app.test_client(), f"/w/{code}", {"name": b"Lena \xed\xa0\x80", "role": b"VD"}
    )
    assert joined.status_code == 302, joined.text
    advisor_page = anna.get(url)
    assert advisor_page.status_code == 200 and "Lena \ufffd\ufffd\ufffd" in advisor_page.text

    export = app.test_cli_runner().invoke(args=["export"])
    assert export.exit_code == 0, export.output
    assert f"Mindre svinn {ENCODED_SURROGATE}" in export.output
    assert "Lena \ufffd\ufffd\ufffd" in export.output


def test_tick_all_that_apply_is_said_once_per_checklist(survey: Any, questionnaire: Any) -> None:
    survey.start()
    survey.post(1, {"employees": "20", "sni": "25"})
    for number, section in enumerate(questionnaire.sections[1:], start=2):
        page = survey.client.get(survey.url(number)).text
        checklists = sum(1 for q in section.questions if q.type == "multi")
        assert page.count("Kryssa i alla som stämmer.") == checklists, section.id
