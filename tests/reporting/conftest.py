from web.staffkit import cases, fast_passwords, staff  # noqa: F401  (fixtures shared by the web-facing tests)
