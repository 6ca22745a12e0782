import pytest

from resettle.relocation.demo import DEMO_TRANCHE, seed_relocation_demo
from resettle.relocation.models import ManifestEntry, Tranche

pytestmark = pytest.mark.django_db


def test_the_demo_tranche_is_planned_through_the_services_and_seeding_twice_changes_nothing(coordinator, make_case):
    for _ in range(6):
        make_case(adults=3, infants=1)
    tranche = seed_relocation_demo(coordinator=coordinator, seed=3)
    assert tranche.name == DEMO_TRANCHE and tranche.flights.count() == 3
    assert tranche.plan_status == "optimal"
    assert tranche.cases.count() == 6
    assert tranche.cases.get(held=True).left_reason.startswith("Held back")
    assert ManifestEntry.objects.filter(lap_infant=True).exists()
    assert seed_relocation_demo(coordinator=coordinator, seed=3) == tranche
    assert Tranche.objects.count() == 1


def test_no_approved_case_means_no_demo_tranche(coordinator):
    assert seed_relocation_demo(coordinator=coordinator) is None
    assert not Tranche.objects.exists()
