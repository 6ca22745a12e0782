"""Staff accounts in the admin, and a guard over the admins other packages register.

django.contrib.auth, django-otp, django-axes and django-tasks register plain ModelAdmins whose
permissions come from Django's per-model permissions, which a superuser always has. Here each
is replaced by a subclass that answers from the capability table instead: they are all
administration (USERS_MANAGE), and none of them shows an authenticator's secret key.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from resettle.accounts import roles
from resettle.accounts.models import StaffProfile, Team
from resettle.audit.services import record_event
from resettle.core.admin import CapabilityAdmin


@admin.register(Team)
class TeamAdmin(CapabilityAdmin):
    view_capability = change_capability = add_capability = roles.USERS_MANAGE
    list_display = ("name",)


@admin.register(StaffProfile)
class StaffProfileAdmin(CapabilityAdmin):
    view_capability = change_capability = roles.USERS_MANAGE
    list_display = ("user", "is_demo")
    filter_horizontal = ("teams",)


class _TOTPDeviceAdmin(CapabilityAdmin):
    # Deleting a device is how a lost phone is handled: the person enrols again at next sign-in.
    view_capability = delete_capability = roles.USERS_MANAGE
    fields = ("user", "name", "confirmed")
    list_display = ("user", "name", "confirmed")


class _StaffUserAdmin(CapabilityAdmin, UserAdmin):
    """Administrators manage accounts, but not their own roles (no granting oneself case
    access), and every change of roles goes to the audit log."""

    view_capability = change_capability = add_capability = roles.USERS_MANAGE
    _own = ("groups", "is_superuser", "is_staff", "is_active", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + self._own if obj is not None and obj.pk == request.user.pk else fields

    def save_related(self, request, form, formsets, change):
        before = sorted(form.instance.groups.values_list("name", flat=True)) if change else []
        super().save_related(request, form, formsets, change)
        after = sorted(form.instance.groups.values_list("name", flat=True))
        if before != after or not change:
            record_event(actor=request.user, action="staff.roles_changed", target=form.instance,
                         reason="admin", details={"from": before, "to": after})


def _guard(model, model_admin_class):
    name = f"Guarded{model_admin_class.__name__}"
    attrs = {"view_capability": roles.USERS_MANAGE}
    return type(name, (CapabilityAdmin, model_admin_class), attrs)


for _model, _model_admin in list(admin.site._registry.items()):
    if isinstance(_model_admin, CapabilityAdmin) or _model._meta.app_label.startswith("resettle"):
        continue
    admin.site.unregister(_model)
    if _model is TOTPDevice:
        admin.site.register(_model, _TOTPDeviceAdmin)
    elif _model is get_user_model():
        admin.site.register(_model, _StaffUserAdmin)
    elif _model._meta.app_label.startswith("otp_"):
        continue  # device types we do not use
    else:
        admin.site.register(_model, _guard(_model, type(_model_admin)))
