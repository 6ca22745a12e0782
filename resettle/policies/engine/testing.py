"""Policy tests as data (in the spirit of OpenFisca's YAML tests): named situations with the
expected outcome and the expected status of each criterion and family member."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .evaluate import SituationError, evaluate
from .policy import DATA_DIR, get_policy
from .yamlmarks import PolicyFileError, Reader, load_yaml

STATUSES = {"met", "not_met", "unknown"}
EXPECT_KEYS = {"outcome", "rule", "offers", "criteria", "members", "dependants", "possible"}


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
        policy = cr.text("policy", r.text("policy"))
        if not policy:
            raise cr.error(None, "a test needs a 'policy' (on the test or at the top of the file)")
        cases.append((line, node, policy))
    return cases


def run_case(path: str | Path, line: int, case: dict, policy_id: str, policy_dir: Path | None = None) -> CaseResult:
    res = CaseResult(str(path), line, str(case["name"]), policy_id)
    try:
        policy = get_policy(policy_id, policy_dir)
    except KeyError as exc:
        raise PolicyFileError(path, line, str(exc.args[0])) from None
    try:
        version = policy.version(str(case["version"])) if case.get("version") is not None else None
        result = evaluate(policy, case["situation"], version)
    except (SituationError, LookupError, KeyError) as exc:
        raise PolicyFileError(path, getattr(case, "line_of", lambda k: line)("situation"),
                              f"test {case['name']!r}: {exc}") from None
    res.version = result.version_id
    exp = case["expect"]
    fail = res.failures.append
    if "outcome" in exp and exp["outcome"] != result.outcome:
        fail(f"outcome: expected {exp['outcome']}, got {result.outcome} ({result.rule_id or result.label})")
    if "rule" in exp and exp["rule"] != result.rule_id:
        fail(f"rule: expected {exp['rule']}, got {result.rule_id or '(none: unknown)'}")
    if "offers" in exp and sorted(exp["offers"] or []) != sorted(result.offers):
        fail(f"offers: expected {sorted(exp['offers'] or [])}, got {sorted(result.offers)}")
    if "possible" in exp:
        got = [p["rule_id"] for p in result.possible]
        if list(exp["possible"]) != got:
            fail(f"possible outcomes: expected {list(exp['possible'])}, got {got}")
    ids = {c.id: c for c in result.criteria}
    for cid, want in (exp.get("criteria") or {}).items():
        if want not in STATUSES:
            raise PolicyFileError(path, exp.line_of("criteria") if hasattr(exp, "line_of") else line,
                                  f"test {case['name']!r}: status {want!r} must be met, not_met or unknown")
        if cid not in ids:
            raise PolicyFileError(path, exp.line_of("criteria") if hasattr(exp, "line_of") else line,
                                  f"test {case['name']!r}: version {result.version_id} has no criterion {cid!r}")
        if ids[cid].status != want:
            c = ids[cid]
            fail(f"criterion {cid}: expected {want}, got {c.status} ({'; '.join(c.evidence + c.missing)})")
    if "members" in exp:
        got = [m.status for m in result.members]
        if list(exp["members"]) != got:
            fail(f"members: expected {list(exp['members'])}, got {got}")
    if "dependants" in exp and exp["dependants"] != result.dependants:
        fail(f"dependants: expected {exp['dependants']}, got {result.dependants}")
    return res


def run_policy_tests(paths: list[str | Path] | None = None, policy_dir: Path | None = None) -> list[CaseResult]:
    """Run test files (default: every file under the policy data's tests/ directory)."""
    results = []
    for path in paths or policy_test_paths(policy_dir):
        for line, case, policy_id in load_cases(path):
            results.append(run_case(path, line, case, policy_id, policy_dir))
    return results
