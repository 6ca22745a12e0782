"""Policy tests as data (in the spirit of OpenFisca's YAML tests): named situations with the
expected outcome and the expected status of each criterion and family member.

A test file names its policy by id. The policy is looked for beside the test file first (the
test's folder, then its parent: ``my-pathway.yaml`` next to ``tests/my-pathway.yaml``), then in
the package, so an analyst can try a new pathway without touching the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .evaluate import SituationError, evaluate
from .policy import DATA_DIR, VOCABULARY_FILE, Policy, get_policy, load_policy_cached
from .yamlmarks import PolicyFileError, Reader, load_yaml

STATUSES = {"met", "not_met", "unknown"}
MEMBER_STATUSES = {*STATUSES, "referred"}
EXPECT_KEYS = {"outcome", "rule", "offers", "criteria", "members", "dependants", "possible", "params",
               "referred", "member_categories", "received_date", "error"}


@dataclass
class CaseResult:
    path: str
    line: int
    name: str
    policy: str
    version: str = ""
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def __str__(self) -> str:
        head = f"{self.path}:{self.line}: {self.name} [{self.policy}@{self.version}]"
        return head + (" ok" if self.ok else " FAILED\n  " + "\n  ".join(self.failures))


def policy_test_paths(directory: Path | None = None) -> list[Path]:
    return sorted(((directory or DATA_DIR) / "tests").glob("*.yaml"))


def load_cases(path: str | Path) -> list[tuple[int, dict, str]]:
    data = load_yaml(path)
    r = Reader(path, data, "the test file")
    r.only({"policy", "tests"}, {"tests"})
    cases = []
    for line, node in r.items("tests"):
        cr = Reader(path, node, "a test", line)
        cr.only({"name", "policy", "version", "situation", "expect"}, {"name", "situation", "expect"})
        er = cr.sub("expect", "expect")
        er.only(EXPECT_KEYS)
        if "error" in er.node and len(er.node) > 1:
            raise er.error("error", "a test expecting an error expects nothing else")
        policy = cr.text("policy", r.text("policy"))
        if not policy:
            raise cr.error(None, "a test needs a 'policy' (on the test or at the top of the file)")
        cases.append((line, node, policy))
    return cases


def find_policy(policy_id: str, test_path: str | Path, policy_dir: Path | None = None) -> Policy:
    """The policy a test file names: beside the test file (its folder, then the parent), else
    in ``policy_dir`` (default: the package's data)."""
    here = Path(test_path).resolve().parent
    for folder in (here, here.parent):
        candidate = folder / f"{policy_id}.yaml"
        if candidate.name != VOCABULARY_FILE and candidate.is_file() and candidate != Path(test_path).resolve():
            return load_policy_cached(candidate)
    return get_policy(policy_id, policy_dir)


def tests_beside(policy_path: str | Path) -> list[Path]:
    """Test files for a policy file: ``tests/<id>.yaml`` or ``<id>.tests.yaml`` beside it."""
    p = Path(policy_path)
    return [c for c in (p.parent / "tests" / p.name, p.with_name(f"{p.stem}.tests.yaml")) if c.is_file()]


def run_case(path: str | Path, line: int, case: dict, policy_id: str, policy_dir: Path | None = None,
             policy: Policy | None = None) -> CaseResult:
    res = CaseResult(str(path), line, str(case["name"]), policy_id)
    if policy is None:
        try:
            policy = find_policy(policy_id, path, policy_dir)
        except KeyError as exc:
            raise PolicyFileError(path, line, str(exc.args[0])) from None
    exp = case["expect"]
    fail = res.failures.append
    situation_line = getattr(case, "line_of", lambda k: line)("situation")
    try:
        version = policy.version(str(case["version"])) if case.get("version") is not None else None
        result = evaluate(policy, case["situation"], version)
    except (SituationError, LookupError, KeyError) as exc:
        if "error" in exp:
            if str(exp["error"]) not in str(exc):
                fail(f"error: expected one saying {exp['error']!r}, got {exc}")
            return res
        raise PolicyFileError(path, situation_line, f"test {case['name']!r}: {exc}") from None
    res.version = result.version_id
    if "error" in exp:
        fail(f"error: expected one saying {exp['error']!r}, but the situation was evaluated ({result.outcome})")
        return res
    if "outcome" in exp and exp["outcome"] != result.outcome:
        fail(f"outcome: expected {exp['outcome']}, got {result.outcome} ({result.rule_id or result.label})")
    if "rule" in exp and exp["rule"] != result.rule_id:
        fail(f"rule: expected {exp['rule']}, got {result.rule_id or '(none: unknown)'}")
    if "offers" in exp and sorted(exp["offers"] or []) != sorted(result.offers):
        fail(f"offers: expected {sorted(exp['offers'] or [])}, got {sorted(result.offers)}")
    if "params" in exp and dict(exp["params"] or {}) != result.params:
        fail(f"params: expected {dict(exp['params'] or {})}, got {result.params}")
    if "received_date" in exp and str(exp["received_date"]) != result.reference_date:
        fail(f"received date (in the policy's zone): expected {exp['received_date']}, got {result.reference_date}")
    if "possible" in exp:
        got = [p["rule_id"] for p in result.possible]
        if list(exp["possible"]) != got:
            fail(f"possible outcomes: expected {list(exp['possible'])}, got {got}")
    exp_line = exp.line_of("criteria") if hasattr(exp, "line_of") else line
    ids = {c.id: c for c in result.criteria}
    for cid, want in (exp.get("criteria") or {}).items():
        if want not in STATUSES:
            raise PolicyFileError(path, exp_line, f"test {case['name']!r}: status {want!r} must be met, not_met or unknown")
        if cid not in ids:
            raise PolicyFileError(path, exp_line, f"test {case['name']!r}: version {result.version_id} has no "
                                                  f"criterion {cid!r}")
        if ids[cid].status != want:
            c = ids[cid]
            fail(f"criterion {cid}: expected {want}, got {c.status} ({'; '.join(c.evidence + c.missing)})")
    if "members" in exp:
        for want in exp["members"]:
            if want not in MEMBER_STATUSES:
                raise PolicyFileError(path, exp.line_of("members") if hasattr(exp, "line_of") else line,
                                      f"test {case['name']!r}: member status {want!r} must be one of "
                                      f"{', '.join(sorted(MEMBER_STATUSES))}")
        got = [m.status for m in result.members]
        if list(exp["members"]) != got:
            detail = "; ".join(f"{m.index + 1}: {', '.join(m.evidence + m.missing)}" for m in result.members)
            fail(f"members: expected {list(exp['members'])}, got {got} ({detail})")
    if "member_categories" in exp:
        got = [m.category or None for m in result.members]
        if list(exp["member_categories"]) != got:
            fail(f"member categories: expected {list(exp['member_categories'])}, got {got}")
    if "referred" in exp:
        got = [r["category"] for r in result.referred_members]
        if list(exp["referred"]) != got:
            fail(f"members referred for discretion (by category): expected {list(exp['referred'])}, got {got}")
    if "dependants" in exp and exp["dependants"] != result.dependants:
        fail(f"dependants: expected {exp['dependants']}, got {result.dependants}")
    return res


def run_policy_tests(paths: list[str | Path] | None = None, policy_dir: Path | None = None) -> list[CaseResult]:
    """Run test files (default: every file under the policy data's tests/ directory). A path
    may also be a policy file: its tests beside it are run against that very file."""
    results = []
    for path in paths or policy_test_paths(policy_dir):
        data = load_yaml(path)
        if isinstance(data, dict) and "versions" in data:
            policy = load_policy_cached(path)
            found = tests_beside(path)
            if not found:
                raise PolicyFileError(path, None, f"no tests found for this policy (looked for "
                                                  f"{', '.join(str(c) for c in (Path(path).parent / 'tests' / Path(path).name, Path(path).with_name(Path(path).stem + '.tests.yaml')))})")
            for test_path in found:
                for line, case, policy_id in load_cases(test_path):
                    if policy_id != policy.id:
                        raise PolicyFileError(test_path, line, f"test names policy {policy_id!r}, not {policy.id!r}")
                    results.append(run_case(test_path, line, case, policy_id, policy_dir, policy))
            continue
        for line, case, policy_id in load_cases(path):
            results.append(run_case(path, line, case, policy_id, policy_dir))
    return results
