"""The Swedish catalogue: complete, compiled, and covering every UI string in the source.

How to extract, update and compile the catalogue: docs/translations.md.
"""

from __future__ import annotations

import gettext
import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
BABEL_CFG = ROOT / "babel.cfg"
SV_PO = ROOT / "translations" / "sv" / "LC_MESSAGES" / "messages.po"
SV_MO = SV_PO.with_suffix(".mo")

# The same keywords as `pybabel extract -k _l -k lazy_gettext` (on top of babel's defaults).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}

# Python %-format placeholders, e.g. %(number)s or %(num)d; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")


def read_catalogue() -> Catalog:
    with SV_PO.open("rb") as po:
        return read_po(po)


def messages(catalogue: Catalog) -> list[Message]:
    return [message for message in catalogue if message.id]


def forms(text: str | tuple[str, ...] | list[str]) -> list[str]:
    return [text] if isinstance(text, str) else list(text)


def label(message: Message) -> str:
    return repr(forms(message.id)[0])


def test_catalogue_is_swedish_with_swedish_plurals() -> None:
    catalogue = read_catalogue()
    assert str(catalogue.locale) == "sv"
    assert catalogue.num_plurals == 2
    assert catalogue.plural_expr.replace(" ", "") == "(n!=1)"
    assert messages(catalogue), "the Swedish catalogue is empty"


def test_every_message_is_translated_and_keeps_its_placeholders() -> None:
    problems = []
    for message in messages(read_catalogue()):
        ids, strings = forms(message.id), forms(message.string)
        if message.fuzzy:
            problems.append(f"{label(message)} is fuzzy: check the translation, then drop the flag")
        if message.pluralizable and len(strings) != 2:
            problems.append(f"{label(message)} needs exactly 2 plural forms, has {len(strings)}")
        for index, string in enumerate(strings):
            if not string.strip():
                problems.append(f"{label(message)} has no Swedish translation")
                continue
            # Swedish form 0 is n == 1 (the msgid's singular), form 1 is every other n.
            source = ids[min(index, len(ids) - 1)]
            wanted = set(PLACEHOLDER.findall(source))
            allowed = {p for text in ids for p in PLACEHOLDER.findall(text)}
            found = set(PLACEHOLDER.findall(string))
            if wanted - found:
                problems.append(f"{label(message)} lost {sorted(wanted - found)} in {string!r}")
            if found - allowed:
                problems.append(f"{label(message)} has unknown {sorted(found - allowed)}")
            # Flask-Babel always applies %-formatting, so a lone % would crash the page.
            if "%" in PLACEHOLDER.sub("", string).replace("%%", ""):
                problems.append(f"{label(message)} has a lone % in {string!r}: write %%")
    assert not problems, "\n".join(problems)


def test_committed_mo_matches_the_po() -> None:
    compiled = BytesIO()
    write_mo(compiled, read_catalogue())
    compiled.seek(0)
    fresh = gettext.GNUTranslations(compiled)._catalog
    with SV_MO.open("rb") as mo:
        committed = gettext.GNUTranslations(mo)._catalog
    # Compare the messages, not the bytes or the header (key ""), which may differ.
    fresh.pop("", None)
    committed.pop("", None)
    stale = {key for key in fresh.keys() | committed.keys() if fresh.get(key) != committed.get(key)}
    assert not stale, (
        f"{SV_MO.name} is out of date with the .po for {sorted(map(str, stale))[:10]}; "
        "run: pybabel compile -d translations"
    )


@pytest.fixture(scope="module")
def source_messages() -> dict[str, tuple[str, int, str | tuple[str, ...]]]:
    with BABEL_CFG.open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, str(BABEL_CFG))
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        msgid = message if isinstance(message, str) else message[0]
        if msgid:
            found.setdefault(msgid, (filename, lineno, message))
    return found


def test_extraction_finds_the_ui_strings(source_messages: dict) -> None:
    # Guards the check below against a babel.cfg or keyword list that finds nothing.
    assert len(source_messages) > 50
    assert "Step %(number)s of %(total)s" in source_messages  # a template, _()
    assert "Please answer this question." in source_messages  # Python, lazy_gettext as _l
    assert isinstance(source_messages["%(num)d question"][2], tuple)  # ngettext plurals


def test_every_string_in_the_source_is_in_the_swedish_catalogue(source_messages: dict) -> None:
    catalogue = read_catalogue()
    missing = []
    for msgid, (filename, lineno, message) in sorted(source_messages.items()):
        entry = catalogue.get(msgid)
        if entry is None or forms(entry.id) != forms(message):
            missing.append(f"{filename}:{lineno}: {msgid!r}")
    assert not missing, (
        "Not in the Swedish catalogue; extract, update and translate them "
        "(docs/translations.md):\n" + "\n".join(missing)
    )
