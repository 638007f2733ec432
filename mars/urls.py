from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from mars import views, waiting_views
from mars.api import router

handler400 = "mars.views.bad_request"
handler403 = "mars.views.permission_denied"
handler404 = "mars.views.page_not_found"
handler500 = "mars.views.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("signed-in", views.signed_in, name="signed_in"),
    path("people/", include("clients.urls")),
    path("outreach/", include("outreach.urls")),
    path("accommodation/", include("accommodation.urls")),
    path("risk/", include("risk.urls")),
    path("funds/", include("funds.urls")),
    path("reports/", include("reporting.urls")),
    path("data-protection/", include("rights.urls")),
    path("privacy/", include("privacy.urls")),
    path("team/", include("team.urls")),
    path("strategy-group/", include("strategy.urls")),
    path("attendance/", include("staffing.urls")),
    path("notifications/", views.notification_list, name="notifications"),
    path("waiting/", waiting_views.waiting_list, name="waiting"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("accounts/", include("accounts.urls")),
    path("access-log/", include("audit.urls")),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view loads its start-up script from a URL: our CSP allows no inline script.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="mars/swagger_ui.html"
        ),
        name="api-docs",
    ),
]
