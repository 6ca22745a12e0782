from django.shortcuts import render

from resettle.accounts import roles
from resettle.accounts.permissions import require
from resettle.core.uploads import run_import
from resettle.records.forms import RecordImportForm
from resettle.records.selectors import import_batches
from resettle.records.services import import_records


def import_view(request):
    require(request.user, roles.RECORDS_IMPORT)
    form = RecordImportForm(request.POST or None, request.FILES or None)
    result = problems = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result, problems = run_import(data["file"], lambda path: import_records(
            path=path, source_name=data["source"], actor=request.user, employer=data["employer"] or None,
            encoding=data["encoding"] or None))
    return render(request, "records/import.html", {"form": form, "result": result, "problems": problems})


def batches_view(request):
    return render(request, "records/batches.html", {"batches": import_batches(request.user)[:200]})
