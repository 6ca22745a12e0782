"""Staff accounts in the admin, and a guard over the admins other packages register.

django.contrib.auth, django-otp, django-axes and django-tasks register plain ModelAdmins whose
permissions come from Django's per-model permissions, which a superuser always has. Here each
is replaced by a subclass that answers from the capability table instead: they are all
administration (USERS_MANAGE), and none of them shows an authenticator's secret key.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from resettle.accounts import roles
from resettle.accounts.models import StaffProfile, Team
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


def _guard(model, model_admin_class, **capabilities):
    name = f"Guarded{model_admin_class.__name__}"
    attrs = {"view_capability": roles.USERS_MANAGE, **capabilities}
    return type(name, (CapabilityAdmin, model_admin_class), attrs)


_CAPS = {
    get_user_model(): {"change_capability": roles.USERS_MANAGE, "add_capability": roles.USERS_MANAGE},
}

for _model, _model_admin in list(admin.site._registry.items()):
    if isinstance(_model_admin, CapabilityAdmin) or _model._meta.app_label.startswith("resettle"):
        continue
    admin.site.unregister(_model)
    if _model is TOTPDevice:
        admin.site.register(_model, _TOTPDeviceAdmin)
    elif _model._meta.app_label.startswith("otp_"):
        continue  # device types we do not use
    else:
        admin.site.register(_model, _guard(_model, type(_model_admin), **_CAPS.get(_model, {})))
