"""Signals other apps subscribe to, so records never imports them (verification re-scores and
regroups after an import; the dependency runs one way)."""

from django.dispatch import Signal

# Sent inside the import's transaction when records were created or changed: kwargs batch.
records_changed = Signal()
