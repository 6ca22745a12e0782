"""The admin obeys the capability table: it is a convenience, not a back door.

`CapabilityAdmin` answers every has_*_permission from resettle.accounts.roles (never from
Django's per-model permissions, and never from is_superuser), filters querysets through the same
object rules as the selectors, hides fields a role may not read, offers no bulk actions, and
writes refusals and views of identifying data to the audit log.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from resettle.accounts.permissions import can, capabilities_of, require
from resettle.audit.services import record_event


class CapabilityAdmin(admin.ModelAdmin):
    view_capability: str | tuple[str, ...] = ""  # needed to see the model at all (any one of a tuple)
    change_capability: str | None = None  # None: read-only in the admin (changes go through services)
    add_capability: str | None = None
    delete_capability: str | None = None
    field_capabilities: dict[str, str] = {}  # field -> capability needed to see it
    identifying = False  # viewing one object is audited as a view of identifying data
    actions = None  # no bulk delete, no bulk anything

    # --- permissions, from the capability table only ---------------------------------------
    def _can(self, request, capability: str | tuple[str, ...] | None) -> bool:
        wanted = capability if isinstance(capability, tuple) else (capability,)
        return any(c and can(request.user, c) for c in wanted)

    def has_module_permission(self, request):
        return self._can(request, self.view_capability)

    def has_view_permission(self, request, obj=None):
        return self._can(request, self.view_capability) and (obj is None or self.object_visible(request, obj))

    def has_change_permission(self, request, obj=None):
        return (self._can(request, self.view_capability) and self._can(request, self.change_capability)
                and (obj is None or self.object_visible(request, obj)))

    def has_add_permission(self, request):
        return self._can(request, self.add_capability)

    def has_delete_permission(self, request, obj=None):
        return self._can(request, self.delete_capability) and (obj is None or self.object_visible(request, obj))

    def get_actions(self, request):
        return {}

    # --- objects and fields -------------------------------------------------------------------
    def scope(self, request, queryset):
        """Narrow to the objects this user may see; models with per-case rules override it."""
        return queryset

    def object_visible(self, request, obj) -> bool:
        return self.scope(request, self.model._default_manager.filter(pk=obj.pk)).exists()

    def get_queryset(self, request):
        return self.scope(request, super().get_queryset(request))

    def get_fields(self, request, obj=None):
        caps = capabilities_of(request.user)
        return [f for f in super().get_fields(request, obj)
                if self.field_capabilities.get(f) is None or self.field_capabilities[f] in caps]

    # --- every save and delete goes to the hash-chained audit log, not only Django's admin log --
    def _audit(self, request, action: str, obj, message=None):
        details = {"model": self.model._meta.label_lower}
        if message:
            details["change"] = message if isinstance(message, (list, dict)) else str(message)
        record_event(actor=request.user, action=action, target=(self.model._meta.label_lower, str(obj.pk)),
                     reason="admin", details=details)

    def log_addition(self, request, obj, message):
        self._audit(request, "admin.added", obj, message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        self._audit(request, "admin.changed", obj, message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            self._audit(request, "admin.deleted", obj)
        return super().log_deletions(request, queryset)

    # --- refusals are audited; so are views of identifying data ------------------------------
    def _refuse_unless(self, request, capability: str | None, object_id=None):
        # PostgreSQL text cannot hold NUL: a probe's id goes into the audit log without it
        target = (self.model._meta.label_lower, str(object_id or "").replace("\x00", "\\x00")[:100])
        if not self._can(request, capability):
            first = capability[0] if isinstance(capability, tuple) else capability
            require(request.user, first or "admin.readonly", target=target)
        if object_id is not None:
            try:
                self.model._meta.pk.to_python(object_id)
            except (ValidationError, ValueError, TypeError):
                raise Http404("no such object") from None  # a malformed id, not a server error
            obj = self.model._default_manager.filter(pk=object_id).first()
            if obj is None or not self.object_visible(request, obj):
                record_event(actor=request.user, action="access.denied", target=target,
                             details={"capability": capability, "why": "outside team and assignment"})
                raise PermissionDenied

    def changelist_view(self, request, extra_context=None):
        self._refuse_unless(request, self.view_capability)
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._refuse_unless(request, self.view_capability, object_id)
        if request.method == "POST":
            self._refuse_unless(request, self.change_capability, object_id)
        if self.identifying:
            record_event(actor=request.user, action="person.identity_viewed",
                         target=(self.model._meta.label_lower, str(object_id)), reason="admin",
                         details={"model": self.model._meta.label_lower})
        return super().change_view(request, object_id, form_url, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        self._refuse_unless(request, self.add_capability)
        return super().add_view(request, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._refuse_unless(request, self.delete_capability, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._refuse_unless(request, self.view_capability, object_id)
        return super().history_view(request, object_id, extra_context)
