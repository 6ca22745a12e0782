from relocation.relockit import coordinator, fast_passwords, make_case, team, tranche  # noqa: F401  (shared fixtures)
