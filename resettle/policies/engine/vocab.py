"""Canonical vocabulary a policy file may refer to.

The words the engine itself interprets (relationships, verification, outcome kinds) are fixed
here. Employers, units, roles, places, offers, currencies, authorities, named dates and facts
are data: ``data/vocabulary.yaml`` declares the shared ones and a policy file may add its own,
so a new country's pathway needs no Python. Policy files and situations are checked against
the vocabulary in force for them, so a typo such as ``nz_prt_bamiyan`` is an error when the
file is loaded instead of silently matching nobody.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .yamlmarks import PolicyFileError, Reader, load_yaml

RELATIONSHIPS = frozenset({"principal", "spouse", "child", "parent", "sibling", "other"})
GENDERS = frozenset({"female", "male", "other", "unknown"})
VERIFICATION = frozenset({"confirmed", "rejected", "unverified"})
MARITAL_STATUSES = frozenset({"single", "married", "divorced", "widowed", "separated", "engaged"})
OUTCOMES = ("offer", "referral", "not_eligible", "unknown")

# vocabulary section -> employment field it gives the values of
EMPLOYMENT_SECTIONS = {"employers": "employer", "units": "unit", "roles": "role", "locations": "location"}
EMPLOYMENT_FIELDS = tuple(EMPLOYMENT_SECTIONS.values())
SECTIONS = (*EMPLOYMENT_SECTIONS, "offers", "currencies", "authorities", "dates", "facts", "member_facts")
# the date every situation has; not declared in the vocabulary
RECEIVED = "received"
# facts the engine reads about a family member (dependant categories and discretion)
ENGINE_MEMBER_FACTS = ("has_children", "included_at_discretion")

SHARED_PATH = Path(__file__).resolve().parent.parent / "data" / "vocabulary.yaml"


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    attrs: dict = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash(self.id)


@dataclass
class Vocabulary:
    sections: dict[str, dict[str, Term]]

    def terms(self, section: str) -> dict[str, Term]:
        return self.sections.get(section, {})

    def field_terms(self, field_name: str) -> dict[str, Term]:
        section = next(s for s, f in EMPLOYMENT_SECTIONS.items() if f == field_name)
        return self.terms(section)

    def label(self, section: str, term_id: str) -> str:
        t = self.terms(section).get(term_id)
        return t.label if t else term_id

    def attributes(self, field_name: str) -> dict[str, set[str]]:
        """Attribute name -> every value some term declares, for one employment field."""
        out: dict[str, set[str]] = {}
        for t in self.field_terms(field_name).values():
            for k, v in t.attrs.items():
                out.setdefault(k, set()).add(v)
        return out

    def fact_values(self, name: str, member: bool = False) -> str | frozenset[str]:
        """'boolean', 'text' or the set of allowed words for a declared fact."""
        t = self.terms("member_facts" if member else "facts")[name]
        v = t.attrs.get("values", "boolean")
        return v if isinstance(v, str) else frozenset(v)

    def extended(self, path: str, node: object) -> Vocabulary:
        """This vocabulary plus a policy file's own terms (a term may not be redefined)."""
        extra = parse_sections(path, node, "the policy's vocabulary")
        merged = {s: dict(self.terms(s)) for s in SECTIONS}
        for section, terms in extra.items():
            for tid, term in terms.items():
                if tid in merged[section]:
                    line = getattr(node.get(section), "line_of", lambda _k: 0)(tid)
                    raise PolicyFileError(path, line, f"{section} term {tid!r} is already declared in the "
                                                      f"shared vocabulary ({merged[section][tid].label!r}); "
                                                      "use it, or pick another id")
                merged[section][tid] = term
        return Vocabulary(merged)


_ATTR_TEXT = (str, int, float)


def parse_sections(path: str | Path, node: object, what: str) -> dict[str, dict[str, Term]]:
    r = Reader(path, node, what)
    r.only(set(SECTIONS))
    out: dict[str, dict[str, Term]] = {}
    for section in SECTIONS:
        if section not in r.node or r.node[section] is None:
            continue
        sr = r.sub(section, f"{section} of {what}")
        terms: dict[str, Term] = {}
        for tid, spec in sr.node.items():
            if not isinstance(tid, str) or not tid.strip():
                raise sr.error(tid, f"a {section} id must be a word, not {tid!r}")
            tr = sr.sub(tid, f"{section} term {tid!r}")
            label = tr.text("label", required=True)
            attrs = {}
            for k, v in tr.node.items():
                if k == "label":
                    continue
                if section in ("facts", "member_facts"):
                    if k != "values":
                        raise tr.error(k, f"unknown key {k!r} in {section} term {tid!r} (allowed: label, values)")
                    if not (v in ("boolean", "text") or (isinstance(v, list) and v
                                                         and all(isinstance(x, str) for x in v))):
                        raise tr.error(k, f"values of {tid!r} must be boolean, text or a list of words")
                    attrs[k] = v if isinstance(v, str) else [x.strip().lower() for x in v]
                    continue
                if not isinstance(v, _ATTR_TEXT) or isinstance(v, bool):
                    raise tr.error(k, f"attribute {k!r} of {section} term {tid!r} must be a word, not {v!r}")
                attrs[str(k)] = str(v).strip().lower() if section not in ("currencies",) else str(v)
            terms[tid] = Term(tid, label, attrs)
        out[section] = terms
    return out


_SHARED: tuple[float, Vocabulary] | None = None


def shared(path: Path | None = None) -> Vocabulary:
    """The shared vocabulary file (cached until it changes)."""
    global _SHARED
    path = path or SHARED_PATH
    mtime = path.stat().st_mtime
    if path == SHARED_PATH and _SHARED and _SHARED[0] == mtime:
        return _SHARED[1]
    sections = parse_sections(path, load_yaml(path), "the shared vocabulary")
    vocab = Vocabulary({s: sections.get(s, {}) for s in SECTIONS})
    for name in ENGINE_MEMBER_FACTS:
        if name not in vocab.terms("member_facts"):
            raise PolicyFileError(path, None, f"member_facts must declare {name!r} (the engine reads it)")
    if path == SHARED_PATH:
        _SHARED = (mtime, vocab)
    return vocab
