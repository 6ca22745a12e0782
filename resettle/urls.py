from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from resettle.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("resettle.accounts.urls")),
    path("cases/", include("resettle.applications.urls")),
    path("casework/", include("resettle.casework.urls")),
    path("relocation/", include("resettle.relocation.urls")),
    path("reporting/", include("resettle.reporting.urls")),
    path("records/", include("resettle.records.urls")),
    path("verification/", include("resettle.verification.urls")),
    path("policies/", include("resettle.policies.urls")),
    path("exports/", include("resettle.exports.urls")),
    path("apply/", include("resettle.portal.urls")),
    path("api/", include("resettle.applications.api_urls")),
    path("api/", include("resettle.casework.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/docs.html"), name="api-docs"),
]
