"""Signals other apps subscribe to, so verification never imports them (casework moves a case on
when its last claim is decided; the dependency runs one way)."""

from django.dispatch import Signal

# Sent after a verifier's decision is committed: kwargs application, actor.
claim_decided = Signal()
