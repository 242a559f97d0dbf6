"""Hypothesis over every HTML form: hostile input never gives a 5xx, a forged form never
changes anything, and typed text is never shown as markup.

The forms are found by walking the URL map, as the security-header test does: a new POST
route fails ``test_every_post_route_has_a_fuzz_strategy`` until it gets a strategy here.
Each example sends a body built by hand, so it can hold what a browser never sends:
invalid UTF-8 and lone surrogates, NUL and control characters, 100k characters, a list
where one value is expected (repeated keys), a file where text is expected, JSON, numbers
where a choice is expected, unknown fields, and a missing, wrong or another session's
CSRF token. Where a valid form leads (its redirect) is fetched and checked too, and the
GET "forms" (the language switch, ``next=``) get hostile query strings.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import quote_from_bytes, urlsplit
from weakref import WeakKeyDictionary

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import select

from recommender.catalogue import OFFERING_IDS
from tests.helpers import PASSWORD, Survey, create_workshop, csrf_token, make_user, set_profile
from web.advisor import sessions as advisor_sessions
from web.platform.extensions import db
from web.storage.models import DECISION_REASON_MAX, User

ADVISOR = "fuzz@example.se"
HOST = "lyftkollen.test"

# Markup that must never come back unescaped, in text, attributes, <title> and <textarea>.
XSS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
)

# JSON API routes take no form: schemathesis covers them (tests/web/test_api_fuzz.py).
COVERED_BY_SCHEMATHESIS = {"api.create_assessment", "api.recommendations"}


# ------------------------------------------------------------------ hostile values


Value = str | bytes

LONE_SURROGATES = st.sampled_from(["\ud800", "a\udfffb", "\udc80\udc80", "x\ud83dy"])
CONTROL = st.text(st.characters(min_codepoint=0, max_codepoint=0x9F, categories=["Cc"]), min_size=1)
NUMBERS = st.one_of(
    st.integers().map(str),
    st.floats().map(str),  # nan, inf, -0.0, 1e+308
    st.sampled_from(["1e309", "-1e309", "NaN", "Infinity", "0x10", "١٢", "12,5", "1 200", "½"]),
)
# What a person (or a script) may type into any field.
TYPED: st.SearchStrategy[Value] = st.one_of(
    st.text(max_size=40),
    st.sampled_from(XSS),
    st.sampled_from(["", " ", "\u202e", "\u200b", "\x00", "a\x00b", "{{ 7*7 }}", "%(x)s", "%s"]),
    st.just("A" * 100_000),
    st.just("å" * 30_000),
    CONTROL,
    LONE_SURROGATES,
    st.binary(max_size=24),  # mostly invalid UTF-8
    NUMBERS,
)
FIELD_NAMES = st.one_of(
    st.text(min_size=1, max_size=20),
    st.sampled_from(["csrf_token[]", "__proto__", "action", "id", "user_id", "status", "\x00"]),
)


@dataclass(frozen=True)
class Field:
    """A form field: what the page's own form sends there (typed text included)."""

    usual: st.SearchStrategy[Value]
    many: bool = False  # check boxes: the key repeats


def choice(values: list[str], many: bool = False) -> Field:
    return Field(st.sampled_from(values), many)


def text(max_length: int) -> Field:
    return Field(either(TYPED, st.text(min_size=max_length - 2, max_size=max_length + 2)))


def question_fields(questions: Any) -> dict[str, Field]:
    fields: dict[str, Field] = {}
    for q in questions:
        if q.type in ("single", "multi"):
            fields[q.id] = choice([o.value for o in q.options], many=q.type == "multi")
        elif q.type == "number":
            fields[q.id] = Field(either(st.integers(-10, 10**6).map(str), NUMBERS))
            fields[q.id + "__dont_know"] = choice(["y", ""])
        else:
            fields[q.id] = text(q.max_length)
    return fields


def mostly(usual: Any, rare: st.SearchStrategy[Any], share: int = 3) -> st.SearchStrategy[Any]:
    """``usual`` (a value, a list to pick from or a strategy) ``share`` times in
    ``share + 1``, else ``rare``. (``st.one_of`` weighs each of its flattened branches
    alike, so a ``rare`` built from many branches would otherwise crowd ``usual`` out.)"""
    if isinstance(usual, st.SearchStrategy):
        common = usual
    else:
        common = st.sampled_from(usual) if isinstance(usual, list) else st.just(usual)
    return st.sampled_from([True] * share + [False]).flatmap(lambda u: common if u else rare)


def either(one: Any, other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return mostly(one, other, share=1)


# ------------------------------------------------------------------ bodies


def _bytes(value: Value) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def escaped(value: Value) -> str:
    """For a URL: percent-encoded, so that invalid UTF-8 and surrogates reach the server."""
    return quote_from_bytes(_bytes(value), safe="")


def urlencoded(pairs: list[tuple[Value, Value]]) -> bytes:
    return "&".join(f"{escaped(k)}={escaped(v)}" for k, v in pairs).encode("ascii")


BOUNDARY = "fuzz-7MA4YWxkTrZu0gW-boundary"


def multipart(pairs: list[tuple[Value, Value]], uploads: set[Value]) -> bytes:
    """A multipart body; the fields in ``uploads`` are sent as files."""
    out = bytearray()
    for key, value in pairs:
        name = _bytes(key).replace(b'"', b"%22").replace(b"\r", b"").replace(b"\n", b"")
        out += f"--{BOUNDARY}\r\n".encode() + b'Content-Disposition: form-data; name="' + name
        if key in uploads:
            out += b'"; filename="x.txt"\r\nContent-Type: text/plain'
        else:
            out += b'"'
        out += b"\r\n\r\n" + _bytes(value) + b"\r\n"
    return bytes(out + f"--{BOUNDARY}--\r\n".encode())


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@dataclass
class Body:
    csrf: str  # valid | missing | wrong | foreign | twice
    content_type: str
    data: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def forged(self) -> bool:
        return self.csrf in ("missing", "wrong", "foreign")


@st.composite
def bodies(draw: st.DrawFn, fields: dict[str, Field], token: str, foreign: str) -> Body:
    """Half the bodies are what the page's form would send (typed text and all), half are
    wild: fields missing or repeated, any value in any field, unknown fields, files, JSON."""
    wild = draw(st.booleans())
    pairs: list[tuple[Value, Value]] = []
    for name, spec in fields.items():
        if wild:
            repeat = draw(st.sampled_from([1, 1, 0, 2, 3]))  # missing, or a list
            values = either(spec.usual, TYPED)
        else:
            repeat = draw(st.integers(0, 3) if spec.many else st.sampled_from([1, 1, 1, 0]))
            values = spec.usual
        pairs += [(name, draw(values)) for _ in range(repeat)]
    if wild:
        pairs += draw(st.lists(st.tuples(FIELD_NAMES, TYPED), max_size=3))
    csrf = draw(mostly("valid", st.sampled_from(["missing", "wrong", "foreign", "twice"])))
    if csrf == "valid":
        pairs.append(("csrf_token", token))
    elif csrf == "wrong":
        pairs.append(("csrf_token", draw(either(token[:-4] + "AAAA", TYPED))))
    elif csrf == "foreign":
        pairs.append(("csrf_token", foreign))  # a real token, but another session's
    elif csrf == "twice":
        pairs += [("csrf_token", token), ("csrf_token", draw(TYPED))]
    if wild:
        pairs = draw(st.permutations(pairs))
    # Wild bodies also come as files where text is expected, as JSON (which Flask-WTF would
    # read as the form: numbers, lists, objects) or as a type no form sends.
    wild_kinds = ["urlencoded", "multipart", "files", "json", "text/plain"]
    kind = draw(st.sampled_from(wild_kinds if wild else ["urlencoded", "multipart"]))
    if kind == "json":
        document = {name: draw(JSON_VALUES) for name in fields}
        document = draw(mostly(document, JSON_VALUES))
        headers = {"X-CSRFToken": token} if csrf in ("valid", "twice") else {}
        return Body(csrf, "application/json", json.dumps(document).encode(), headers)
    if kind in ("multipart", "files"):
        names = sorted(fields) or ["x"]
        uploads = draw(st.sets(st.sampled_from(names), min_size=1)) if kind == "files" else set()
        content_type = f"multipart/form-data; boundary={BOUNDARY}"
        return Body(csrf, content_type, multipart(pairs, uploads))
    content_type = "application/x-www-form-urlencoded" if kind == "urlencoded" else kind
    return Body(csrf, content_type, urlencoded(pairs))


# ------------------------------------------------------------------ the world the forms act on


class World:
    """An advisor with a company and workshops, participants and self-assessments."""

    def __init__(self, app: Flask, questionnaire: Any) -> None:
        self.app = app
        self.questionnaire = questionnaire
        # The limits have their own tests; here they would only hide the views behind 429s.
        app.config["LOGIN_RATE_LIMIT"] = "100000 per minute"
        app.config["JOIN_CODE_RATE_LIMIT"] = "100000 per minute"
        app.config["ASSESSMENT_RATE_LIMIT"] = "100000 per minute"
        make_user(app, ADVISOR)
        with app.app_context():
            advisor = db.session.execute(select(User).where(User.email == ADVISOR)).scalar_one()
            self.advisor_id, self.login_id = advisor.id, advisor.login_id
        self._tokens: WeakKeyDictionary[FlaskClient, str] = WeakKeyDictionary()
        self.anonymous = app.test_client()
        self.advisor = self.advisor_client()
        self.workshop_url, self.code = create_workshop(self.advisor, reveal="on_reveal")
        self.workshop_id = self.workshop_url.rsplit("/", 1)[-1]
        company = re.search(
            r'href="/radgivare/foretag/([\w-]+)"', self.advisor.get(self.workshop_url).text
        )
        assert company
        self.company_id = company.group(1)
        self.web_token = Survey(self.anonymous, questionnaire).start()
        self.foreign_token = self.csrf(app.test_client())

    def advisor_client(self) -> FlaskClient:
        """A logged-in advisor, without paying for a password hash each time."""
        client = self.app.test_client()
        with self.app.app_context():
            session_id = advisor_sessions.create(db.session.get_one(User, self.advisor_id))
            db.session.commit()
        with client.session_transaction() as session:
            session["_user_id"] = self.login_id
            session["_fresh"] = True
            session[advisor_sessions.SESSION_KEY] = session_id
        return client

    def csrf(self, client: FlaskClient) -> str:
        """A CSRF token of ``client``'s session: any form's token is valid for every form."""
        if client not in self._tokens:
            self._tokens[client] = csrf_token(client.get("/").text)
        return self._tokens[client]

    @cached_property
    def participant_token(self) -> str:
        return Survey(self.app.test_client(), self.questionnaire).join(self.code, name="Karin")

    @cached_property
    def done_token(self) -> str:
        """A finished self-assessment, for linking to a company."""
        survey = Survey(self.app.test_client(), self.questionnaire)
        survey.complete({"employees": "45", "sni": "25"})
        return survey.token

    @cached_property
    def closed_code(self) -> str:
        url, code = create_workshop(self.advisor, title="Stängd")
        page = self.advisor.get(url)
        self.advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
        return code

    def new_workshop(self) -> str:
        url, _ = create_workshop(self.advisor)
        return url.rsplit("/", 1)[-1]

    @cached_property
    def decided_workshop_id(self) -> str:
        """A workshop whose team has a path: its decision form saves."""
        url, code = create_workshop(self.advisor, title="Med beslut")
        assert set_profile(self.advisor, url).status_code == 302
        Survey(self.app.test_client(), self.questionnaire).join(code)
        person = Survey(self.app.test_client(), self.questionnaire)
        person.join(code, name="Eva")
        person.answer_maturity_pages(2)
        return url.rsplit("/", 1)[-1]

    @cached_property
    def linked_key(self) -> str:
        """The key of a finished self-assessment linked to the company (its decision form)."""
        survey = Survey(self.app.test_client(), self.questionnaire)
        survey.complete({"employees": "45", "sni": "25"})
        page = self.advisor.get(f"/radgivare/foretag/{self.company_id}")
        linked = self.advisor.post(
            f"/radgivare/foretag/{self.company_id}/koppla",
            data={"csrf_token": csrf_token(page.text), "link": survey.token},
        )
        assert linked.status_code == 302, linked.text
        return "a-" + hashlib.sha256(survey.token.encode()).hexdigest()[:12]

    def new_assessment(self) -> str:
        return Survey(self.app.test_client(), self.questionnaire).start()


@dataclass
class Target:
    client: FlaskClient
    url: str
    fields: dict[str, Field] = field(default_factory=dict)
    after_forgery: Callable[[], None] | None = None  # what else must hold after a forged form


UNKNOWN_ID = st.one_of(
    st.sampled_from(["nope", "x" * 300, "\x00", "..", "<script>", "%2F"]), TYPED.filter(bool)
)


def _start(data: st.DataObject, world: World) -> Target:
    return Target(world.anonymous, "/start")


def _step(data: st.DataObject, world: World) -> Target:
    sections = world.questionnaire.sections
    tokens = [world.web_token, world.participant_token, world.done_token]
    token = data.draw(mostly(tokens, UNKNOWN_ID))
    number = data.draw(mostly(list(range(1, len(sections) + 1)), st.sampled_from([0, 99, 10**20])))
    section = sections[number - 1] if 1 <= number <= len(sections) else sections[0]
    fields = {
        "action": choice(["next", "back", "finish", "autosave"]),
        **question_fields(section.questions),
    }
    return Target(world.anonymous, f"/a/{escaped(token)}/steg/{number}", fields)


def _delete_assessment(data: st.DataObject, world: World) -> Target:
    token = data.draw(mostly("fresh", either(world.participant_token, UNKNOWN_ID)))
    token = world.new_assessment() if token == "fresh" else token
    return Target(world.anonymous, f"/a/{escaped(token)}/radera")


def _enter_code(data: st.DataObject, world: World) -> Target:
    code = world.code
    codes = [code, code.lower(), f" {code[:3]} {code[3:]} ", f"{code[:3]}-{code[3:]}"]
    typed = Field(mostly([*codes, world.closed_code], TYPED))
    return Target(world.app.test_client(), "/w", {"code": typed})


def _join(data: st.DataObject, world: World) -> Target:
    codes = [world.code, world.code, world.code.lower(), world.closed_code]
    code = data.draw(mostly(codes, UNKNOWN_ID))
    fields = {"name": text(80), "role": text(80)}
    return Target(world.app.test_client(), f"/w/{escaped(code)}", fields)


OFF_SITE = ["//evil.example", "https://evil.example/", "/\\evil.example", "/%0d%0aX:1", "///x"]


def _login(data: st.DataObject, world: World) -> Target:
    following = data.draw(mostly(["", "/radgivare/", *OFF_SITE], TYPED))
    url = "/radgivare/logga-in" + (f"?next={escaped(following)}" if following else "")
    fields = {
        "email": Field(mostly([ADVISOR, ADVISOR.upper(), f" {ADVISOR} "], TYPED)),
        "password": Field(mostly(PASSWORD, TYPED)),
    }
    return Target(world.app.test_client(), url, fields)


def _logout(data: st.DataObject, world: World) -> Target:
    client = world.advisor_client()

    def still_logged_in() -> None:
        assert client.get("/radgivare/").status_code == 200, "a forged logout logged out"

    return Target(client, "/radgivare/logga-ut", after_forgery=still_logged_in)


def _new_workshop(data: st.DataObject, world: World) -> Target:
    dates = ["2026-11-21", "2026-02-30", "0001-01-01", "9999-12-31", "99999-01-01", "21/11/2026"]
    fields = {
        "company": choice([world.company_id, "new", "new"]),
        "new_company": text(200),
        "title": text(200),
        "held_on": Field(either(dates, st.dates().map(str))),
        "language": choice(["sv", "en"]),
        "reveal": choice(["immediate", "on_reveal"]),
    }
    return Target(world.advisor, "/radgivare/workshop/ny", fields)


def _advisor_workshop(action: str, flag: str | None) -> Callable[[st.DataObject, World], Target]:
    def target(data: st.DataObject, world: World) -> Target:
        public_id = data.draw(mostly(world.workshop_id, UNKNOWN_ID))
        fields = {flag: choice(["1", "0"])} if flag else {}
        return Target(world.advisor, f"/radgivare/workshop/{escaped(public_id)}/{action}", fields)

    return target


def _profile(data: st.DataObject, world: World) -> Target:
    public_id = data.draw(mostly(world.workshop_id, UNKNOWN_ID))
    fields = question_fields(world.questionnaire.profile_section.questions)
    return Target(world.advisor, f"/radgivare/workshop/{escaped(public_id)}/profil", fields)


def _delete_workshop(data: st.DataObject, world: World) -> Target:
    public_id = data.draw(mostly("fresh", UNKNOWN_ID))
    public_id = world.new_workshop() if public_id == "fresh" else public_id
    return Target(world.advisor, f"/radgivare/workshop/{escaped(public_id)}/radera")


def _remove_participant(data: st.DataObject, world: World) -> Target:
    public_id = data.draw(mostly("fresh", UNKNOWN_ID))
    key = data.draw(mostly("fresh", UNKNOWN_ID))
    if public_id == "fresh":  # the shared workshop may be closed by now: no joining
        url, code = create_workshop(world.advisor, title="Att ta bort ur")
        public_id = url.rsplit("/", 1)[-1]
        if key == "fresh":
            token = Survey(world.app.test_client(), world.questionnaire).join(code)
            key = "a-" + hashlib.sha256(token.encode()).hexdigest()[:12]
    url = f"/radgivare/workshop/{escaped(public_id)}/deltagare/{escaped(key)}/ta-bort"
    return Target(world.advisor, url)


def _delete_company(data: st.DataObject, world: World) -> Target:
    public_id = data.draw(mostly("fresh", UNKNOWN_ID))
    if public_id == "fresh":
        url, _ = create_workshop(world.advisor, new_company="Ny AB")
        found = re.search(r'href="/radgivare/foretag/([\w-]+)"', world.advisor.get(url).text)
        assert found
        public_id = found.group(1)
    return Target(world.advisor, f"/radgivare/foretag/{escaped(public_id)}/radera")


def _create_company(data: st.DataObject, world: World) -> Target:
    return Target(world.advisor, "/radgivare/foretag", {"name": text(200)})


def _link(data: st.DataObject, world: World) -> Target:
    public_id = data.draw(mostly(world.company_id, UNKNOWN_ID))
    links = [
        f"http://{HOST}/a/{world.done_token}",
        world.done_token,
        f"/a/{world.participant_token}/resultat",
        f"http://{HOST}/a/{world.web_token}",
        "http://[::1",
        "https://evil.example/a/",
    ]
    fields = {"link": Field(mostly(links, TYPED))}
    return Target(world.advisor, f"/radgivare/foretag/{escaped(public_id)}/koppla", fields)


OFFERINGS = [*OFFERING_IDS, "nope", "", "INSPIRATIONSSEMINARIUM"]


def _workshop_decision(data: st.DataObject, world: World) -> Target:
    ids = [world.decided_workshop_id, world.decided_workshop_id, world.workshop_id]
    public_id = data.draw(mostly(ids, UNKNOWN_ID))
    fields = {"offering": choice(OFFERINGS), "reason": text(DECISION_REASON_MAX)}
    return Target(world.advisor, f"/radgivare/workshop/{escaped(public_id)}/beslut", fields)


def _company_decision(data: st.DataObject, world: World) -> Target:
    public_id = data.draw(mostly(world.company_id, UNKNOWN_ID))
    fields = {
        "target": Field(mostly([world.linked_key, "a-000000000000"], TYPED)),
        "offering": choice(OFFERINGS),
        "reason": text(DECISION_REASON_MAX),
    }
    return Target(world.advisor, f"/radgivare/foretag/{escaped(public_id)}/beslut", fields)


@dataclass(frozen=True)
class Form:
    target: Callable[[st.DataObject, World], Target]
    examples: int = 20


FORMS: dict[str, Form] = {
    "survey.start": Form(_start, examples=10),
    "survey.step": Form(_step, examples=60),
    "survey.delete": Form(_delete_assessment),
    "workshop.enter_code": Form(_enter_code),
    "workshop.join": Form(_join, examples=30),
    "advisor.login": Form(_login, examples=30),
    "advisor.logout": Form(_logout, examples=10),
    "advisor.new_workshop": Form(_new_workshop, examples=30),
    "advisor.profile": Form(_profile, examples=30),
    "advisor.reveal": Form(_advisor_workshop("visa", "show")),
    "advisor.close": Form(_advisor_workshop("stang", "open")),
    "advisor.delete_workshop": Form(_delete_workshop, examples=10),
    "advisor.remove_participant": Form(_remove_participant, examples=10),
    "advisor.delete_company": Form(_delete_company, examples=10),
    "advisor.create_company": Form(_create_company),
    "advisor.link_assessment": Form(_link),
    "advisor.workshop_decision": Form(_workshop_decision, examples=30),
    "advisor.company_decision": Form(_company_decision, examples=30),
}


# ------------------------------------------------------------------ checks


def database_state(app: Flask) -> dict[str, str]:
    """A digest of every table's rows."""
    with app.app_context():
        state = {}
        for table in db.metadata.sorted_tables:
            rows = sorted(repr(tuple(row)) for row in db.session.execute(table.select()))
            state[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
        db.session.remove()
        return state


def assert_sound(response: Any, where: Any) -> None:
    """No server error, no redirect off the site, and no typed markup sent back unescaped."""
    assert response.status_code < 500, where
    if 300 <= response.status_code < 400:
        assert urlsplit(response.location).netloc in ("", HOST), (where, response.location)
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        for markup in XSS:
            assert markup not in html, (where, markup)


FUZZ_SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


def test_every_post_route_has_a_fuzz_strategy(app: Flask) -> None:
    posts = {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    assert posts - COVERED_BY_SCHEMATHESIS - set(FORMS) == set(), "give the new form a strategy"
    assert set(FORMS) <= posts, "a strategy for a form that no longer exists"
    assert COVERED_BY_SCHEMATHESIS <= posts


@pytest.mark.slow  # hypothesis fuzzes every form
def test_hostile_form_input_never_breaks_anything(
    app: Flask, questionnaire: Any, subtests: Any
) -> None:
    """Every form in turn, on one app and one world (a fresh app per form costs seconds)."""
    world = World(app, questionnaire)
    for endpoint, form in FORMS.items():
        with subtests.test(form=endpoint):
            fuzz_form(app, world, endpoint, form)


def fuzz_form(app: Flask, world: World, endpoint: str, form: Form) -> None:
    @settings(max_examples=form.examples, **FUZZ_SETTINGS)
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        target = form.target(data, world)
        body = data.draw(bodies(target.fields, world.csrf(target.client), world.foreign_token))
        before = database_state(app) if body.forged else None
        response = target.client.post(
            target.url, data=body.data, content_type=body.content_type, headers=body.headers
        )
        where = (endpoint, target.url[:120], body.csrf, body.content_type, response.status_code)
        assert_sound(response, where)
        if response.status_code in (302, 303):  # where the form leads shows what it stored
            assert_sound(target.client.get(response.location), (*where, response.location))
        if body.forged:
            assert 400 <= response.status_code < 500, where
            assert database_state(app) == before, ("a forged form changed the database", where)
            if target.after_forgery:
                target.after_forgery()

    fuzz()


@pytest.mark.slow  # hypothesis fuzzes the query strings
def test_hostile_query_strings_never_break_anything(app: Flask, questionnaire: Any) -> None:
    """The GET "forms": the language switch and where a page sends the person next."""
    world = World(app, questionnaire)

    @settings(max_examples=40, **FUZZ_SETTINGS)
    @given(
        url=st.sampled_from(
            [
                "/sprak/{}?next={}",
                "/radgivare/logga-in?next={1}",
                "/radgivare/workshop/ny?foretag={1}",
            ]
        ),
        code=either(["sv", "en", "de", "EN"], TYPED.filter(bool)),
        following=either(["/", "/sa-raknar-vi?x=1", *OFF_SITE], TYPED),
    )
    def fuzz(url: str, code: Value, following: Value) -> None:
        target = url.format(escaped(code), escaped(following))
        for client in (world.anonymous, world.advisor):
            response = client.get(target)
            assert_sound(response, target[:120])

    fuzz()


# ------------------------------------------------------------------ stored text on every page


def _exposing_pages(
    advisor: FlaskClient, person: Survey, survey: Survey, workshop: str, company: str
) -> dict[str, FlaskClient]:
    w, c = f"/radgivare/workshop/{workshop}", f"/radgivare/foretag/{company}"
    pages = [
        "/radgivare/",
        "/radgivare/foretag",
        c,
        f"{c}/jamforelse",
        w,
        f"{w}/team",
        f"{w}/presentera",
        f"{w}/presentera/2",
        f"{w}/presentera/bilder",
        f"{w}/rapport",
        f"{w}/profil",
        f"{w}/radera",
        "/radgivare/workshop/ny",
    ]
    return {
        **{page: advisor for page in pages},
        f"/a/{person.token}/steg/2": person.client,
        f"/a/{person.token}/resultat": person.client,
        f"/a/{person.token}/radera": person.client,
        f"/a/{survey.token}/steg/1": survey.client,
        f"/a/{survey.token}/resultat": survey.client,
        f"/a/{survey.token}/radera": survey.client,
    }


# Where each stored value must be seen (escaped), so the check is not vacuous.
SHOWN_ON = {
    "company": [
        "/radgivare/",
        "/radgivare/foretag",
        "{c}",
        "{c}/jamforelse",
        "{w}",
        "{w}/rapport",
        "{w}/profil",
        "/radgivare/workshop/ny",
    ],
    "title": [
        "/radgivare/",
        "{c}",
        "{c}/jamforelse",
        "{w}",
        "{w}/presentera",
        "{w}/presentera/bilder",
        "{w}/rapport",
        "{w}/radera",
    ],
    "participant": ["{w}"],
    "goal": ["{w}/profil", "/a/{s}/steg/1"],
}


# Closes a <title>, a <textarea> and both kinds of attribute quote before its script.
STORED = "</title></textarea>\"'><script>alert(1)</script><img src=x onerror=alert(1)>"


def test_stored_text_is_escaped_on_every_page_that_shows_it(app: Flask, questionnaire: Any) -> None:
    """Company name, workshop title, participant name and role, and free-text answers."""
    markup = STORED
    assert len(markup) <= 80  # fits a participant's name
    world = World(app, questionnaire)
    advisor = world.advisor
    url, code = create_workshop(advisor, new_company=markup, title=markup, reveal="immediate")
    workshop = url.rsplit("/", 1)[-1]
    company = re.search(r'href="/radgivare/foretag/([\w-]+)"', advisor.get(url).text)
    assert company
    assert (
        set_profile(advisor, url, {"employees": "45", "sni": "25", "goal": markup}).status_code
        == 302
    )
    page = advisor.get("/radgivare/foretag")
    named = advisor.post(
        "/radgivare/foretag", data={"csrf_token": csrf_token(page.text), "name": markup}
    )
    assert named.status_code == 302

    person = Survey(world.app.test_client(), questionnaire)
    person.join(code, name=markup, role=markup)
    person.answer_maturity_pages(2)

    survey = Survey(world.app.test_client(), questionnaire)
    survey.complete({"employees": "45", "sni": "25", "goal": markup})
    link_page = advisor.get(f"/radgivare/foretag/{company.group(1)}")
    linked = advisor.post(
        f"/radgivare/foretag/{company.group(1)}/koppla",
        data={"csrf_token": csrf_token(link_page.text), "link": survey.token},
    )
    assert linked.status_code == 302
    pages = _exposing_pages(advisor, person, survey, workshop, company.group(1))
    for path, client in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        assert markup not in response.text, path
    shown = str(escape(markup))
    for value, paths in SHOWN_ON.items():
        for template in paths:
            path = template.format(
                w=f"/radgivare/workshop/{workshop}",
                c=f"/radgivare/foretag/{company.group(1)}",
                s=survey.token,
            )
            assert shown in pages[path].get(path).text, (value, path)

    # The participant's own pages, the join page and the closed page show the title.
    assert shown in world.app.test_client().get(f"/w/{code}").text
    export = advisor.get(f"{url}/export.csv")
    assert export.mimetype == "text/csv" and export.headers["X-Content-Type-Options"] == "nosniff"
    assert export.headers["Content-Disposition"].startswith("attachment")
    page = advisor.get(url)
    advisor.post(f"{url}/stang", data={"csrf_token": csrf_token(page.text), "open": "0"})
    closed = world.app.test_client().get(f"/w/{code}")
    assert closed.status_code == 410 and markup not in closed.text and shown in closed.text
    # The flash after deleting repeats the title.
    page = advisor.get(f"{url}/radera")
    deleted = advisor.post(
        f"{url}/radera", data={"csrf_token": csrf_token(page.text)}, follow_redirects=True
    )
    assert deleted.status_code == 200 and markup not in deleted.text and shown in deleted.text
