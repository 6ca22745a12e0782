"""Invalid policy files are rejected naming the file, the line and the reason."""

import textwrap

import pytest

from resettle.policies.engine import PolicyFileError, load_policy

GOOD = textwrap.dedent("""\
    title: Test pathway
    versions:
      - id: v1
        effective_from: 2020-01-01
        effective_until: 2020-12-31
        sources:
          - {id: S1, url: https://example.org/s1}
        criteria:
          terp:
            type: employment
            role: [interpreter]
        outcomes:
          - id: offer
            when: terp
            outcome: offer
            offers: [resettlement]
      - id: v2
        effective_from: 2021-01-01
        sources:
          - {id: S1, url: https://example.org/s1}
        criteria:
          terp:
            type: employment
            role: [interpreter]
        outcomes:
          - id: offer
            when: terp
            outcome: offer
            offers: [resettlement]
    """)


def load(tmp_path, text, name="test-policy.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


def error(tmp_path, text, name="test-policy.yaml") -> PolicyFileError:
    with pytest.raises(PolicyFileError) as exc:
        load(tmp_path, text, name)
    assert str(exc.value).startswith(str(tmp_path / name))
    return exc.value


def test_good_file_loads(tmp_path):
    p = load(tmp_path, GOOD)
    assert [v.id for v in p.versions] == ["v1", "v2"]


def test_unknown_key_names_its_line(tmp_path):
    e = error(tmp_path, GOOD.replace("        role: [interpreter]\n", "        role: [interpreter]\n        colour: red\n", 1))
    assert e.line == 12 and "unknown key 'colour'" in e.reason


def test_unknown_criterion_type(tmp_path):
    e = error(tmp_path, GOOD.replace("type: employment", "type: employmnet", 1))
    assert e.line == 10 and "unknown criterion type 'employmnet'" in e.reason


def test_unknown_vocabulary_value(tmp_path):
    e = error(tmp_path, GOOD.replace("role: [interpreter]", "role: [interpeter]", 1))
    assert e.line == 11 and "unknown role 'interpeter'" in e.reason


def test_bad_date(tmp_path):
    e = error(tmp_path, GOOD.replace("effective_from: 2020-01-01", "effective_from: 2020-13-01", 1))
    assert e.line == 4 and "2020-13-01" in e.reason


def test_bad_relative_date(tmp_path):
    e = error(tmp_path, GOOD.replace("role: [interpreter]", "role: [interpreter]\n        employed_on: reference_date - 2 fortnights", 1))
    assert e.line == 12 and "not a date" in e.reason


def test_overlapping_versions(tmp_path):
    e = error(tmp_path, GOOD.replace("effective_from: 2021-01-01", "effective_from: 2020-06-01", 1))
    assert e.line == 17 and "overlaps version 'v1'" in e.reason


def test_open_ended_version_followed_by_another_overlaps(tmp_path):
    e = error(tmp_path, GOOD.replace("    effective_until: 2020-12-31\n", "", 1))
    assert "overlaps" in e.reason


def test_version_ending_before_it_starts(tmp_path):
    e = error(tmp_path, GOOD.replace("effective_until: 2020-12-31", "effective_until: 2019-12-31", 1))
    assert e.line == 5 and "ends" in e.reason


def test_duplicate_key(tmp_path):
    e = error(tmp_path, GOOD.replace("    effective_from: 2020-01-01\n", "    effective_from: 2020-01-01\n    effective_from: 2020-02-01\n", 1))
    assert e.line == 5 and "duplicate key 'effective_from'" in e.reason


def test_when_refers_to_unknown_criterion(tmp_path):
    e = error(tmp_path, GOOD.replace("when: terp", "when: {any: [terp, driver]}", 1))
    assert e.line == 14 and "unknown criterion 'driver'" in e.reason


def test_offer_without_offers(tmp_path):
    e = error(tmp_path, GOOD.replace("        offers: [resettlement]\n", "", 1))
    assert "lists no 'offers'" in e.reason


def test_unknown_outcome(tmp_path):
    e = error(tmp_path, GOOD.replace("outcome: offer\n", "outcome: maybe\n", 1))
    assert e.line == 15 and "'maybe'" in e.reason


def test_missing_sources(tmp_path):
    e = error(tmp_path, GOOD.replace("    sources:\n      - {id: S1, url: https://example.org/s1}\n", "", 1))
    assert "missing required key 'sources'" in e.reason


def test_source_reference_must_exist(tmp_path):
    e = error(tmp_path, GOOD.replace("        type: employment\n", "        type: employment\n        source: S9\n", 1))
    assert e.line == 11 and "'S9'" in e.reason


def test_unused_criterion(tmp_path):
    extra = "      driver:\n        type: employment\n        role: [driver]\n"
    e = error(tmp_path, GOOD.replace("    outcomes:\n", extra + "    outcomes:\n", 1))
    assert e.line == 12 and "not used" in e.reason


def test_file_name_must_match_id(tmp_path):
    e = error(tmp_path, "id: other\n" + GOOD)
    assert e.line == 1 and "must match the file name" in e.reason


def test_invalid_yaml_reports_line(tmp_path):
    e = error(tmp_path, GOOD.replace("  - id: v2\n", "  - id: v2\n    bad: [\n", 1))
    assert e.line is not None and "not valid YAML" in e.reason


def test_structure_errors(tmp_path):
    e = error(tmp_path, "title: x\nversions: 3\n")
    assert e.line == 2 and "must be a list" in e.reason
    e = error(tmp_path, "- just\n- a list\n")
    assert "mapping" in e.reason


def test_any_of_needs_two_alternatives_with_conditions(tmp_path):
    e = error(tmp_path, GOOD.replace("        role: [interpreter]\n", "        role: [interpreter]\n        any_of:\n          - {employer: [nzdf]}\n", 1))
    assert e.line == 12 and "at least two alternatives" in e.reason
    e = error(tmp_path, GOOD.replace("        role: [interpreter]\n", "        role: [interpreter]\n        any_of:\n          - {employer: [nzdf]}\n          - {colour: red}\n", 1))
    assert e.line == 14 and "unknown key 'colour'" in e.reason


def test_merge_keys_may_be_overridden_but_not_repeated(tmp_path):
    text = GOOD.replace("    criteria:\n      terp:", "    criteria: &c\n      terp:", 1).replace(
        "    criteria:\n      terp:\n        type: employment\n        role: [interpreter]\n",
        "    criteria:\n      <<: *c\n      terp:\n        type: employment\n        role: [driver]\n", 1)
    p = load(tmp_path, text)
    assert p.versions[1].criteria["terp"].conditions[0].allowed == frozenset({"driver"})
    e = error(tmp_path, text.replace("        role: [driver]\n", "        role: [driver]\n        role: [cook]\n", 1))
    assert "duplicate key 'role'" in e.reason


# --- the second step's constructs ------------------------------------------------------------

def test_a_policy_declares_its_own_vocabulary_and_may_not_redefine_the_shared(tmp_path):
    own = "vocabulary:\n  employers:\n    adf: {label: Australian Defence Force, government: au}\n" + GOOD.replace(
        "role: [interpreter]", "employer: [adf]", 1)
    p = load(tmp_path, own)
    assert p.vocabulary.label("employers", "adf") == "Australian Defence Force"
    e = error(tmp_path, "vocabulary:\n  employers:\n    nzdf: {label: Mine}\n" + GOOD)
    assert e.line == 3 and "already declared in the shared vocabulary" in e.reason
    e = error(tmp_path, GOOD.replace("role: [interpreter]", "employer: [adf]", 1))
    assert "unknown employer 'adf'" in e.reason and "vocabulary" in e.reason


def test_selecting_employers_by_attribute(tmp_path):
    p = load(tmp_path, GOOD.replace("role: [interpreter]", "employer: {contractor_of: us}", 1))
    cond = p.versions[0].criteria["terp"].conditions[0]
    assert "us_government_contractor" in cond.allowed and "isaf_contractor" not in cond.allowed
    assert cond.undetermined == frozenset({"contractor"})  # whose contractor is not recorded
    e = error(tmp_path, GOOD.replace("role: [interpreter]", "employer: {colour: red}", 1))
    assert e.line == 11 and "unknown attribute 'colour'" in e.reason
    e = error(tmp_path, GOOD.replace("role: [interpreter]", "employer: {contractor_of: mars}", 1))
    assert "contractor_of 'mars'" in e.reason


def test_facts_must_be_declared_and_values_fit(tmp_path):
    crit = "        role: [interpreter]\n      wrote:\n        type: attribute\n        field: wrote_to_minister\n        equals: true\n"
    text = GOOD.replace("        role: [interpreter]\n", crit, 1).replace("when: terp", "when: [terp, wrote]", 1)
    e = error(tmp_path, text)
    assert e.line == 14 and "fact 'wrote_to_minister', which is not declared" in e.reason
    declared = "vocabulary:\n  facts:\n    wrote_to_minister: {label: Wrote to the Minister}\n" + text
    assert load(tmp_path, declared).versions[0].criteria["wrote"].field_name == "wrote_to_minister"
    e = error(tmp_path, declared.replace("equals: true", "equals: maybe", 1))
    assert "true or false" in e.reason


def test_outcome_parameters(tmp_path):
    text = GOOD.replace("        offers: [resettlement]\n", "        offers: [cash_assistance]\n"
                        "        params: {amount: 10000, currency: NZD}\n", 1)
    rule = load(tmp_path, text).versions[0].rules[0]
    assert rule.params == {"amount": 10000, "currency": "NZD"}
    e = error(tmp_path, text.replace("currency: NZD", "currency: XXX", 1))
    assert e.line == 17 and "unknown currency 'XXX'" in e.reason
    e = error(tmp_path, text.replace(", currency: NZD", "", 1))
    assert "without a currency" in e.reason
    e = error(tmp_path, text.replace("amount: 10000", "amount: -5", 1))
    assert "positive number" in e.reason
    e = error(tmp_path, text.replace("amount: 10000, currency: NZD", "decided_by: the_king", 1))
    assert "unknown decided_by 'the_king'" in e.reason


def test_deadlines_and_dates(tmp_path):
    closes = "    closes:\n      before: 2020-06-30T23:59:00\n      label: Closed\n"
    text = GOOD.replace("    criteria:\n", closes + "    criteria:\n", 1)
    e = error(tmp_path, text)
    assert e.line == 9 and "has no zone" in e.reason
    p = load(tmp_path, text.replace("T23:59:00", "T23:59:00+12:00", 1))
    assert [r.id for r in p.versions[0].rules] == ["applications_closed", "offer"]
    e = error(tmp_path, GOOD.replace("role: [interpreter]", "role: [interpreter]\n        employed_on: petition_filled - 1 year", 1))
    assert "unknown date 'petition_filled'" in e.reason
    e = error(tmp_path, "timezone: Mars/Olympus\n" + GOOD)
    assert e.line == 1 and "unknown time zone" in e.reason


def test_dependant_categories_for_discretion(tmp_path):
    deps = ("    dependants:\n      categories:\n        - {id: other, relationship: [parent], discretion: true,"
            " decided_by: nz_immigration_minister}\n")
    p = load(tmp_path, GOOD.replace("  - id: v2\n", deps + "  - id: v2\n", 1))
    cat = p.versions[0].dependants[0]
    assert cat.discretion and cat.decided_by == "nz_immigration_minister"
    e = error(tmp_path, GOOD.replace("  - id: v2\n", deps.replace("discretion: true,", "") + "  - id: v2\n", 1))
    assert "only goes with discretion" in e.reason
    e = error(tmp_path, GOOD.replace("  - id: v2\n", deps.replace("[parent]", "[parent], age_on: filed") + "  - id: v2\n", 1))
    assert "unknown date 'filed'" in e.reason
