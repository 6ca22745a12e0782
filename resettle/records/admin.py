from django.contrib import admin

from resettle.accounts import roles
from resettle.core.admin import CapabilityAdmin
from resettle.records.models import EmploymentRecord, ImportBatch, RecordSource


@admin.register(RecordSource)
class RecordSourceAdmin(CapabilityAdmin):
    view_capability = (roles.RECORDS_VIEW, roles.RECORDS_IMPORT)
    change_capability = roles.RECORDS_IMPORT  # the description and employer of a source
    list_display = ("name", "employer")


@admin.register(ImportBatch)
class ImportBatchAdmin(CapabilityAdmin):
    view_capability = (roles.RECORDS_VIEW, roles.RECORDS_IMPORT)
    list_display = ("__str__", "kind", "source", "rows", "created", "unchanged", "imported_at", "imported_by")


@admin.register(EmploymentRecord)
class EmploymentRecordAdmin(CapabilityAdmin):
    view_capability = roles.RECORDS_VIEW
    identifying = True  # names of the people in the HR lists
    list_display = ("__str__", "employer", "unit", "role", "start_date", "end_date")
    list_filter = ("employer", "unit", "role")
