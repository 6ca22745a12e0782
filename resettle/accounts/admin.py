"""Staff accounts in the admin, and a guard over the admins other packages register.

django.contrib.auth, django-otp, django-axes and django-tasks register plain ModelAdmins whose
permissions come from Django's per-model permissions, which a superuser always has. Here each
is replaced by a subclass that answers from the capability table instead: they are all
administration (USERS_MANAGE), and none of them shows an authenticator's secret key.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from resettle.accounts import roles
from resettle.accounts.models import StaffChange, StaffProfile, Team
from resettle.accounts.services import identity_roles, sees_identities, staff_change_request
from resettle.audit.services import record_event
from resettle.core.admin import CapabilityAdmin

_SECOND = ("This change lets an account read applicants' identities: it waits for a second administrator's "
           "approval under Staff changes (%s).")


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
    # For an account that sees identities, that is half of taking it over: a second administrator
    # approves it.
    view_capability = delete_capability = roles.USERS_MANAGE
    fields = ("user", "name", "confirmed")
    list_display = ("user", "name", "confirmed")

    def delete_view(self, request, object_id, extra_context=None):
        self._refuse_unless(request, self.delete_capability, object_id)
        device = TOTPDevice.objects.select_related("user").filter(pk=unquote(object_id)).first()
        if (request.method == "POST" and device is not None and device.user_id != request.user.pk
                and sees_identities(device.user)):
            staff_change_request(actor=request.user, kind=StaffChange.DELETE_DEVICE, target=device.user,
                                 device_id=device.pk)
            messages.warning(request, _SECOND % reverse("accounts:staff_changes"))
            return redirect("admin:otp_totp_totpdevice_changelist")
        return super().delete_view(request, object_id, extra_context)


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
        if (set(after) - set(before)) & identity_roles():
            # Not granted yet: the account keeps its roles until a second administrator approves.
            form.instance.groups.set(Group.objects.filter(name__in=before))
            staff_change_request(actor=request.user, kind=StaffChange.GRANT_ROLES, target=form.instance, roles=after)
            messages.warning(request, _SECOND % reverse("accounts:staff_changes"))
            return
        if before != after or not change:
            record_event(actor=request.user, action="staff.roles_changed", target=form.instance,
                         reason="admin", details={"from": before, "to": after})

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if (request.method == "POST" and user is not None and self.has_change_permission(request, user)
                and user.pk != request.user.pk and sees_identities(user)):
            form = self.change_password_form(user, request.POST)
            if form.is_valid() and form.cleaned_data.get("set_usable_password", True):
                staff_change_request(actor=request.user, kind=StaffChange.SET_PASSWORD, target=user,
                                     password_hash=make_password(form.cleaned_data["password1"]))
                messages.warning(request, _SECOND % reverse("accounts:staff_changes"))
                return redirect("admin:auth_user_change", user.pk)
        return super().user_change_password(request, id, form_url)


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
