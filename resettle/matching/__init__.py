"""Probabilistic matching of applicants to employer HR records (Fellegi-Sunter, explainable)."""

from .engine import DEFAULT_THRESHOLD, Index, dedupe, link
from .model import ApplicantIn, Candidate, Contribution, Deduplication, DuplicatePair, Match, RecordIn

__all__ = [
    "DEFAULT_THRESHOLD",
    "ApplicantIn",
    "Candidate",
    "Contribution",
    "Deduplication",
    "DuplicatePair",
    "Index",
    "Match",
    "RecordIn",
    "dedupe",
    "link",
]
