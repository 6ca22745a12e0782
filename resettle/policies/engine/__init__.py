"""Pathway policies as data: pure-Python engine (no Django).

Public API:
    load_policy(path) / get_policy(id) / all_policies() / resolve("id@version")
    evaluate(policy, situation, version=None) -> Result
    Situation.from_dict(dict)
    simulate(...), compare(...)          (see simulate.py)
    run_policy_tests(paths)              (see testing.py)
"""

from .evaluate import Result, Situation, SituationError, evaluate
from .policy import Policy, Version, all_policies, get_policy, load_policy, resolve
from .yamlmarks import PolicyFileError

__all__ = [
    "Policy", "PolicyFileError", "Result", "Situation", "SituationError", "Version",
    "all_policies", "evaluate", "get_policy", "load_policy", "resolve",
]
