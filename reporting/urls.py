from django.urls import path

from reporting.views import bundles, dashboard, longterm, rsdf, runs, targets

app_name = "reporting"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("people/", dashboard.people_behind, name="people"),
    path("long-term/", longterm.long_term_list, name="long_term"),
    path("long-term/target/", longterm.long_term_target, name="long_term_target"),
    path("runs/", runs.run_list, name="run_list"),
    path("runs/<int:pk>/", runs.run_detail, name="run_detail"),
    path("runs/<int:pk>/retry/", runs.run_retry, name="run_retry"),
    path("runs/<int:pk>/<str:kind>/", runs.run_download, name="run_download"),
    path("published/", runs.published, name="published"),
    path("rsdf/", rsdf.rsdf_list, name="rsdf_list"),
    path("rsdf/<int:pk>/", rsdf.rsdf_detail, name="rsdf_detail"),
    path("rsdf/<int:pk>/people/", rsdf.rsdf_people, name="rsdf_people"),
    path("rsdf/<int:pk>/csv/", rsdf.rsdf_csv, name="rsdf_csv"),
    path("rsdf/<int:pk>/xlsx/", rsdf.rsdf_xlsx, name="rsdf_xlsx"),
    path("targets/", targets.target_list, name="target_list"),
    path("targets/new/", targets.target_create, name="target_create"),
    path("targets/<int:pk>/", targets.target_detail, name="target_detail"),
    path("targets/<int:pk>/edit/", targets.target_edit, name="target_edit"),
    path("import/", bundles.bundle_import, name="bundle_import"),
    path("import/<int:pk>/", bundles.bundle_import_detail, name="bundle_import_detail"),
    path("export/", bundles.bundle_export, name="bundle_export"),
]
