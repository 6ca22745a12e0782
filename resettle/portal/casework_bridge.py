"""The one place the portal calls the case lifecycle (resettle/casework) for the applicant.

Everything the applicant does to a submitted case (answer a request, upload a document, report a
change) goes through casework's services with actor=None, which means "the applicant, through
the portal"."""

from __future__ import annotations


def available() -> bool:
    try:
        import resettle.casework.services  # noqa: F401
    except ImportError:
        return False
    return True


def stage_text(application):
    if not available():
        return None
    from resettle.casework.selectors import applicant_stage_text

    return applicant_stage_text(application)


def open_requests(application) -> list:
    if not available():
        return []
    from resettle.casework.selectors import open_information_requests

    return list(open_information_requests(application))
