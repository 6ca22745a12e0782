"""Signals other apps subscribe to, so that applications never imports them (casework writes the
first row of a case's history; the dependency runs one way)."""

from django.dispatch import Signal

# Sent inside application_create's transaction: kwargs application, actor, via.
application_created = Signal()

# Sent inside an import's transaction with the ids of the applications it created (verification
# queues matching for them).
applications_imported = Signal()
