from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("", include("crm.web.urls")),
    path("leads/", include("leads.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("events/", include("events.urls")),
    path("catalogs/", include("catalogs.urls")),
    path("emails/", include("crm.web.emails_urls")),
    path("reports/", include("reports.urls")),
    path("configuration/", include("crm.web.configuration_urls")),
    path("duplicates/", include("crm.web.duplicates_urls")),
    path("profile/", include("crm.web.profile_urls")),
    path("prints/", include("crm.web.prints_urls")),
    path("reference/", include("crm.web.reference_urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/reports/", include("reports.api_urls")),
    path("api/v1/", include("crm.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "crm.api.errors.api_aware_page_not_found"
