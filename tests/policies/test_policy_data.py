"""Every policy file loads, and every policy test written as data passes."""

import pytest

from resettle.policies.engine import all_policies
from resettle.policies.engine.testing import load_cases, run_case, policy_test_paths

CASES = [(path, line, case, pid) for path in policy_test_paths() for line, case, pid in load_cases(path)]


def test_shipped_policies_load_and_cite_sources():
    policies = {p.id: p for p in all_policies()}
    assert {"nz-bamyan-2012", "nz-afghan-2021", "uk-arap", "us-siv", "au-lee"} <= set(policies)
    for p in policies.values():
        for v in p.versions:
            assert v.sources and all(s.url or s.title for s in v.sources)


def test_every_policy_has_data_tests():
    tested = {pid for _, _, _, pid in CASES}
    assert {p.id for p in all_policies()} <= tested


def test_every_version_is_exercised_by_a_data_test():
    seen = {(r.policy, r.version) for r in (run_case(*c) for c in CASES)}
    for p in all_policies():
        for v in p.versions:
            assert (p.id, v.id) in seen, f"no data test reaches {p.id}@{v.id}"


@pytest.mark.parametrize("path,line,case,policy_id", CASES,
                         ids=[f"{p.stem}:{line}" for p, line, _, _ in CASES])
def test_policy_case(path, line, case, policy_id):
    result = run_case(path, line, case, policy_id)
    assert result.ok, str(result)
