from django.contrib import admin
from django.urls import path

from jobs import views

app_name = "jobs"

urlpatterns = [
    path("<int:job_id>/", admin.site.admin_view(views.progress_page), name="progress"),
    path(
        "<int:job_id>/progress.json",
        admin.site.admin_view(views.progress_json),
        name="progress_json",
    ),
    path("<int:job_id>/result/", admin.site.admin_view(views.result_page), name="result"),
    path("<int:job_id>/download/", admin.site.admin_view(views.download), name="download"),
]
