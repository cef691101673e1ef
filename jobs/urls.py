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
]
