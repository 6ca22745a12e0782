"""Who may do what: each role's capabilities, in one table a reviewer can read.

Roles are Django groups of the same name. Capabilities are checked in selectors and services
(and by the admin, which is not a back door), never only in templates.
"""

from __future__ import annotations

INTAKE_OFFICER = "intake_officer"
DF_VERIFIER = "df_verifier"
DECISION_MAKER = "decision_maker"
RELOCATION_COORDINATOR = "relocation_coordinator"
ANALYST = "analyst"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    INTAKE_OFFICER: "Intake officer",
    DF_VERIFIER: "Defence Force verifier",
    DECISION_MAKER: "Decision maker",
    RELOCATION_COORDINATOR: "Relocation coordinator",
    ANALYST: "Analyst (aggregates only)",
    ADMINISTRATOR: "Administrator",
}

# Capabilities. "identity" is names, father's/grandfather's names, birth date, documents;
# "contact" is phone, e-mail, address; "family" is the dependants on a case.
CASE_VIEW = "case.view"
CASE_VIEW_ALL = "case.view_all"  # beyond one's own team and assignments
CASE_CREATE = "case.create"
CASE_EDIT = "case.edit"
PERSON_IDENTITY = "person.identity"
PERSON_CONTACT = "person.contact"
PERSON_FAMILY = "person.family"
RECORDS_VIEW = "records.view"
RECORDS_IMPORT = "records.import"
APPLICATIONS_IMPORT = "applications.import"
VERIFY = "verification.decide"
ELIGIBILITY_EVALUATE = "eligibility.evaluate"
DECIDE = "decision.make"
APPROVE = "decision.approve"
RELOCATION_MANAGE = "relocation.manage"
REPORTS_AGGREGATE = "reports.aggregate"
EXPORT_REQUEST = "export.request"
EXPORT_APPROVE = "export.approve"
AUDIT_VERIFY = "audit.verify"
USERS_MANAGE = "users.manage"

CAPABILITIES: dict[str, frozenset[str]] = {
    INTAKE_OFFICER: frozenset({CASE_VIEW, CASE_CREATE, CASE_EDIT, PERSON_IDENTITY, PERSON_CONTACT,
                               PERSON_FAMILY, APPLICATIONS_IMPORT, ELIGIBILITY_EVALUATE}),
    # What verification needs: names and claimed employment against the records; no contact
    # details, no family.
    DF_VERIFIER: frozenset({CASE_VIEW, CASE_VIEW_ALL, PERSON_IDENTITY, RECORDS_VIEW, VERIFY}),
    DECISION_MAKER: frozenset({CASE_VIEW, PERSON_IDENTITY, PERSON_FAMILY, ELIGIBILITY_EVALUATE,
                               DECIDE, APPROVE, EXPORT_APPROVE, REPORTS_AGGREGATE}),
    RELOCATION_COORDINATOR: frozenset({CASE_VIEW, PERSON_IDENTITY, PERSON_CONTACT, PERSON_FAMILY,
                                       RELOCATION_MANAGE}),
    ANALYST: frozenset({REPORTS_AGGREGATE, EXPORT_REQUEST}),
    ADMINISTRATOR: frozenset({USERS_MANAGE, RECORDS_IMPORT, APPLICATIONS_IMPORT, AUDIT_VERIFY,
                              REPORTS_AGGREGATE, EXPORT_REQUEST, EXPORT_APPROVE}),
}

ALL_ROLES = tuple(CAPABILITIES)

# Stages of a case each role works on (resettle.casework.lifecycle declares the stages). A role
# sees only cases at these stages, whatever its other capabilities: a relocation coordinator has
# no business reading 400 undecided cases' contact details. A role missing here sees every stage.
CASE_STAGES_BY_ROLE: dict[str, frozenset[str]] = {
    DF_VERIFIER: frozenset({"received", "verification", "assessment", "reconsideration"}),
    DECISION_MAKER: frozenset({"assessment", "decision_proposed", "approved", "declined", "reconsideration",
                               "relocation", "arrived", "closed", "withdrawn"}),
    RELOCATION_COORDINATOR: frozenset({"approved", "relocation", "arrived", "closed"}),
}
