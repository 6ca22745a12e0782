"""End to end on the demo world: imported records and applications (Solar Hijri birth dates,
aliases, unverified claims) evaluate and simulate without errors, and the outcomes make sense."""

import collections

import pytest

from resettle.demo import generate


@pytest.mark.django_db
def test_demo_applications_evaluate_and_simulate(tmp_path):
    from resettle.applications.models import Application, ClaimedEmployment
    from resettle.applications.imports import import_applications
    from resettle.policies.models import Evaluation
    from resettle.policies.services import evaluate_application
    from resettle.policies.simulation import run
    from resettle.records.services import import_records

    files = generate(tmp_path, seed=5, scale=0.1)
    for source, path in files.records.items():
        import_records(path=path, source_name=source)
    import_applications(path=files.applications)

    outcomes = collections.Counter()
    for app in Application.objects.all():
        ev = evaluate_application(application=app, actor=None)
        outcomes[(app.pathway, ev.outcome)] += 1
        # nothing is verified yet, so nobody can be offered anything or refused for lack of proof
        assert ev.outcome in {"unknown", "not_eligible"}, (app.pathway, ev.criteria["criteria"])
        if ev.outcome == "not_eligible":
            # a refusal rests on something known: every earlier rule definitely not met, the
            # refusing rule (the deadline, or 'otherwise') met
            rules = ev.criteria["rules"]
            order = list(rules)
            earlier = order[: order.index(ev.rule_id)]
            assert rules[ev.rule_id] == "met" and all(rules[r] == "not_met" for r in earlier), rules
    assert outcomes[("nz-bamyan-2012", "unknown")] > 0 and outcomes[("nz-afghan-2021", "unknown")] > 0
    # the ~5% of 2021 requests that arrived after 25 August are refused whatever the evidence
    late = Application.objects.filter(pathway="nz-afghan-2021", received_on__gt="2021-08-25")
    assert late.exists()
    for a in late:
        ev = Evaluation.objects.get(application=a)
        assert (ev.outcome, ev.rule_id) == ("not_eligible", "applications_closed")
        assert {c["id"]: c["status"] for c in ev.criteria["criteria"]}["applications_open"] == "not_met"

    # confirm every claim: outcomes become definite where only verification was missing
    ClaimedEmployment.objects.update(verification_status="confirmed")
    offers = sum(evaluate_application(application=a, actor=None).outcome == "offer"
                 for a in Application.objects.filter(pathway="nz-bamyan-2012"))
    assert offers > 0

    out = run(policy="nz-bamyan-2012@2012-10", compare_with="nz-bamyan-2012@2012-12")
    assert set(out["results"]) == {"records", "applications"}
    records = out["results"]["records"]
    assert records["left"]["candidates"] == records["right"]["candidates"] > 100
    assert records["changed"] > 0
