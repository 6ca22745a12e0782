"""Shown probabilities are the calibrated reading of the model's log-odds, and the explanation
still adds up to what is shown."""

import math

from resettle.matching import ApplicantIn, Index, RecordIn, link
from resettle.matching.engine import load_calibration

RECORDS = [RecordIn("r1", "Zabihullah Sakhizada", "Ghulam Haidar", "1361", unit="PRT Bamyan"),
           RecordIn("r2", "Ahmad Karimi", "Nazir", "1975")] + [
    RecordIn(f"x{i}", f"{g} {s}", f, str(1950 + i % 40))
    for i, (g, s, f) in enumerate((g, s, f) for g in ("Qasim", "Wahid", "Farid", "Yusuf") for s in ("Rezai", "Jafari", "Amiri")
                                  for f in ("Hamid", "Rasul", "Nabi"))]
APPLICANT = ApplicantIn("a1", "Zabiullah Sakhizada", "Ghulam Haider", "1982", claimed_unit="NZ PRT")


def test_calibration_shifts_the_shown_odds_and_is_explained():
    plain = Index(RECORDS, calibration=(1.0, 0.0)).candidates(APPLICANT)[0]
    shown = Index(RECORDS, calibration=(0.5, 1.0)).candidates(APPLICANT)[0]
    assert shown.record_id == plain.record_id == "r1"
    assert math.isclose(shown.log2_odds, 0.5 * plain.log2_odds + 1.0, abs_tol=1e-9)
    assert math.isclose(shown.probability, 2 ** shown.log2_odds / (1 + 2 ** shown.log2_odds), rel_tol=1e-9)
    line = [c for c in shown.contributions if c.field == "calibration"]
    assert len(line) == 1 and "calibration" in line[0].text
    assert math.isclose(sum(c.weight for c in shown.contributions), shown.log2_odds, abs_tol=1e-6)
    assert not [c for c in plain.contributions if c.field == "calibration"]


def test_link_threshold_applies_to_the_shown_probability():
    index = Index(RECORDS, calibration=(1.0, -30.0))  # everything shown at nearly 0
    assert link(index, [APPLICANT], 0.5, workers=1) == []
    index = Index(RECORDS, calibration=(1.0, 0.0))
    assert [m.record_id for m in link(index, [APPLICANT], 0.5, workers=1)] == ["r1"]


def test_the_shipped_calibration_keeps_the_order_of_pairs():
    a, _ = load_calibration()
    assert a > 0  # a monotone reading: ranking and the candidate list are unchanged
