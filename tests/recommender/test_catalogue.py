"""The offering catalogue: an open set of offerings, each with whether it is live today."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaire.content import ContentError
from recommender.catalogue import OFFERING_IDS, catalogue_from_documents, kept_documents

DATA = Path(__file__).parents[2] / "data"
OFFERINGS = yaml.safe_load((DATA / "offerings.yaml").read_text("utf-8"))
SETTINGS = yaml.safe_load((DATA / "recommender.yaml").read_text("utf-8"))


def _load(offerings: Any = None, settings: Any = None) -> Any:
    return catalogue_from_documents(
        OFFERINGS if offerings is None else offerings,
        SETTINGS if settings is None else settings,
        "data/offerings.yaml",
        "data/recommender.yaml",
    )


def _edited(offering_id: str, **changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(OFFERINGS)
    entry = next(o for o in document["offerings"] if o["id"] == offering_id)
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    return document


def test_the_seed_catalogue_says_what_is_true_today() -> None:
    catalogue = _load()
    robot = catalogue.offering("robotlyftet")
    assert (robot.status, robot.ended_on, robot.successor) == ("ended", "2021-12", "edih")
    digital = catalogue.offering("digitaliseringslyftet")
    assert (digital.status, digital.successor, digital.verified_on) == ("paused", "edih", None)
    assert catalogue.offering("edih").kind == "initiative" and catalogue.offering("edih").active
    almi = catalogue.offering("almi")
    assert almi.kind == "referral" and almi.refer_when == ("outside_target_group",)
    for focus_area in ("kunskapslyft", "hallbar_produktion", "testbadd"):
        assert "fokusområde" in catalogue.offering(focus_area).summary.sv
    assert "YH" in catalogue.offering("kunskapslyft").summary.sv
    assert "energikontor" in catalogue.offering("hallbar_produktion").summary.sv
    assert "EDIH" in catalogue.offering("testbadd").summary.sv
    assert set(OFFERING_IDS) < set(catalogue.by_id)  # the ten stay, new ones join
    # Nothing was verified by a person yet, and no link or contact was invented.
    assert all(o.verified_on is None and o.url is None for o in catalogue.offerings)


def test_a_new_offering_id_is_allowed() -> None:
    document = copy.deepcopy(OFFERINGS)
    new = {**copy.deepcopy(document["offerings"][-1]), "id": "regional_radgivning"}
    document["offerings"].append(new)
    assert "regional_radgivning" in _load(document).by_id


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_edited("robotlyftet", ended_on=None), "offering 'robotlyftet': an ended offering needs"),
        (_edited("robotlyftet", ended_on="december 2021"), "offering 'robotlyftet' › ended_on"),
        (_edited("edih", successor="iuc"), "offering 'edih': an active offering has no successor"),
        (_edited("robotlyftet", successor="nowhere"), "refers to unknown offering 'nowhere'"),
        (_edited("robotlyftet", successor="digitaliseringslyftet"), "is not active"),
        (_edited("iuc", status="gone"), "offering 'iuc' › status"),
        (_edited("iuc", refer_when=["outside_target_group"]), "belongs to offerings of kind"),
        (_edited("almi", eligibility={"industries": "nowhere"}), "unknown industry set"),
        (_edited("iuc", url="http://example.com"), "offering 'iuc' › url"),
    ],
)
def test_a_catalogue_error_names_the_file_and_the_offering(document: Any, message: str) -> None:
    with pytest.raises(ContentError, match="data/offerings.yaml") as caught:
        _load(document)
    assert any(message in problem for problem in caught.value.problems), caught.value.problems


def test_none_of_the_first_ten_may_disappear() -> None:
    document = copy.deepcopy(OFFERINGS)
    document["offerings"] = [o for o in document["offerings"] if o["id"] != "robotlyftet"]
    with pytest.raises(ContentError, match=r"stored results name them\): robotlyftet"):
        _load(document)


def test_the_target_group_needs_a_name_for_each_of_its_divisions() -> None:
    settings = copy.deepcopy(SETTINGS)
    del settings["industries"]["divisions"]["36"]
    with pytest.raises(ContentError, match="division 36 of target_group has no name"):
        _load(settings=settings)


def test_a_kept_version_takes_today_s_statuses_and_what_it_lacks() -> None:
    """A catalogue kept before statuses existed still validates, knows that Robotlyftet
    has ended, and words the reasons added since."""
    old_offerings = copy.deepcopy(OFFERINGS)
    old_offerings["offerings"] = [
        {k: v for k, v in o.items() if k not in ("status", "ended_on", "successor", "verified_on")}
        for o in old_offerings["offerings"]
        if o["id"] in OFFERING_IDS
    ]
    robot = next(o for o in old_offerings["offerings"] if o["id"] == "robotlyftet")
    robot["eligibility"] = {"sme_only": True, "manufacturing_only": True}
    robot["summary"] = {"sv": "Den gamla texten.", "en": "The old text."}
    old_settings = copy.deepcopy(SETTINGS)
    del old_settings["industries"], old_settings["gate"]
    del old_settings["reasons"]["replaces_ended"]
    old_settings["company"]["manufacturing_divisions"] = [10, 33]

    with pytest.raises(ContentError):
        _load(old_offerings, old_settings)  # as it was kept, today's code refuses it
    offerings, settings = kept_documents(old_offerings, old_settings, OFFERINGS, SETTINGS)
    kept = _load(offerings, settings)
    assert kept.offering("robotlyftet").status == "ended"
    assert kept.offering("robotlyftet").summary.sv == "Den gamla texten."  # its own words
    assert kept.offering("robotlyftet").eligibility.industry_set == "manufacturing"
    assert "edih" in kept.by_id and "replaces_ended" in kept.reasons
    assert kept.gate == _load().gate


def test_a_kept_offering_list_with_an_odd_id_is_left_to_the_validation() -> None:
    odd = copy.deepcopy(OFFERINGS)
    odd["offerings"][0]["id"] = ["not", "an", "id"]
    offerings, settings = kept_documents(odd, SETTINGS, OFFERINGS, SETTINGS)
    with pytest.raises(ContentError, match="offering"):
        _load(offerings, settings)


def test_kept_industries_lacking_a_word_added_since_take_today_s() -> None:
    old = copy.deepcopy(SETTINGS)
    del old["industries"]["yours"]
    with pytest.raises(ContentError):
        _load(settings=old)
    _, settings = kept_documents(OFFERINGS, old, OFFERINGS, SETTINGS)
    assert _load(settings=settings).industries.yours.sv == "er bransch"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["industries"]["sets"].pop("manufacturing"), "the set 'manufacturing'"),
        (lambda s: s["industries"]["sets"]["target_group"]["divisions"].append([4, 4]),
         "04 is no SNI 2007 division"),
    ],
)  # fmt: skip
def test_the_industry_sets_the_code_relies_on_are_checked(change: Any, message: str) -> None:
    settings = copy.deepcopy(SETTINGS)
    change(settings)
    with pytest.raises(ContentError) as caught:
        _load(settings=settings)
    assert any(message in problem for problem in caught.value.problems), caught.value.problems
