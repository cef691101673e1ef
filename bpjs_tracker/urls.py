from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from bpjs_tracker.dashboard import api
from bpjs_tracker.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/coverage/", api.CoverageView.as_view(), name="api_coverage"),
    path("api/coverage/<str:code>/units/", api.RegencyUnitsView.as_view(), name="api_units"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/jobs/", include("jobs.urls")),
    path("admin/", admin.site.urls),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
