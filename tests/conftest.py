"""Test-wide set-up: fresh keys for every run, never the developer's own."""

import os

from resettle import config

for _name, _value in config.generate_secrets().items():
    os.environ[_name] = _value

import pytest  # noqa: E402

from resettle.core import keys  # noqa: E402

keys.reload()


@pytest.fixture
def user_factory(db):
    """Staff users with given roles (and teams), created through the one staff service."""
    from resettle.accounts.services import staff_create

    counter = {"n": 0}

    def make(*roles, teams=(), username=None):
        counter["n"] += 1
        return staff_create(username=username or f"user{counter['n']}-{'-'.join(roles) or 'none'}",
                            password="a long test password 123", roles=list(roles), teams=list(teams))

    return make
