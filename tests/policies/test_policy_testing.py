"""An analyst tries a new pathway outside the package: `policy check` and `policy test` take a
policy file (its tests beside it) or a test file (its policy beside it)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from resettle.policies.engine.policy import DATA_DIR

POLICY = DATA_DIR / "au-lee.yaml"
TESTS = DATA_DIR / "tests" / "au-lee.yaml"


def _draft(tmp_path, layout: str):
    """The Australian policy and its tests copied outside the package under another id."""
    text = POLICY.read_text(encoding="utf-8").replace("id: au-lee\n", "id: my-draft\n", 1)
    tests = TESTS.read_text(encoding="utf-8").replace("policy: au-lee\n", "policy: my-draft\n", 1)
    (tmp_path / "my-draft.yaml").write_text(text, encoding="utf-8")
    if layout == "tests-folder":
        (tmp_path / "tests").mkdir()
        test_path = tmp_path / "tests" / "my-draft.yaml"
    else:
        test_path = tmp_path / "my-draft.tests.yaml"
    test_path.write_text(tests, encoding="utf-8")
    return tmp_path / "my-draft.yaml", test_path


@pytest.mark.parametrize("layout", ["tests-folder", "beside"])
def test_a_policy_outside_the_package_is_checked_and_tested(tmp_path, layout):
    policy, tests = _draft(tmp_path, layout)
    out = StringIO()
    call_command("policy", "check", str(policy), stdout=out)
    assert "my-draft.yaml: ok (1 versions)" in out.getvalue()
    for target in (policy, tests):
        out = StringIO()
        call_command("policy", "test", str(target), stdout=out)
        text = out.getvalue()
        assert "[my-draft@2012-12] ok" in text and "0 failed" in text and "FAILED" not in text


def test_a_failing_expectation_in_a_draft_fails_the_command(tmp_path):
    policy, tests = _draft(tmp_path, "tests-folder")
    tests.write_text(tests.read_text(encoding="utf-8").replace("dependants: 2", "dependants: 5", 1), encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError, match="1 policy test"):
        call_command("policy", "test", str(policy), stdout=out)
    assert "dependants: expected 5, got 2" in out.getvalue()


def test_a_policy_without_tests_is_an_error(tmp_path):
    policy, tests = _draft(tmp_path, "beside")
    tests.unlink()
    with pytest.raises(CommandError, match="no tests found"):
        call_command("policy", "test", str(policy), stdout=StringIO())


def test_evaluate_a_situation_under_a_draft_policy_file(tmp_path):
    policy, _ = _draft(tmp_path, "beside")
    situation = tmp_path / "s.yaml"
    situation.write_text("received: 2013-09-01\nprincipal:\n  nationality: afghan\n  other_nationality: false\n"
                         "  at_risk: true\n  employment:\n    - {employer: adf, role: interpreter, start: 2010-01-01,"
                         " end: 2013-06-30, verification: confirmed}\nmembers:\n  - {relationship: parent}\n",
                         encoding="utf-8")
    out = StringIO()
    call_command("policy", "evaluate", str(situation), "--policy", str(policy), stdout=out)
    text = out.getvalue()
    assert "Outcome: offer [Resettlement]" in text
    assert "Decided by: Australian Department of Home Affairs" in text
    assert "[REFERRED] member 1 (parent)" in text and "1 referred for discretion" in text
