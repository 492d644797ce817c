from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from cdt.accounts import console_views as account_console
from cdt.accounts import views as account_views
from cdt.accounts.api.views import CurrentUserView
from cdt.core import views as core_views
from cdt.core.api.docs import ApiDocsView
from cdt.core.api.views import StatusView
from cdt.core.forms import ChangePasswordForm
from cdt.directory import console_views as directory_console
from cdt.directory import views as directory_views
from cdt.directory.api import views as directory_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("directory/member-states", directory_api.MemberStateViewSet, basename="member-state")
router.register("directory/council-bodies", directory_api.CouncilBodyViewSet, basename="council-body")
router.register("directory/organisations", directory_api.OrganisationViewSet, basename="organisation")
router.register("directory/presidency", directory_api.PresidencyTermViewSet, basename="presidency-term")
router.register("directory/population-years", directory_api.PopulationYearViewSet, basename="population-year")

api_v1 = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("me/", CurrentUserView.as_view(), name="api-me"),
    path("status/", StatusView.as_view(), name="api-status"),
    *router.urls,
    path("", include("overview.api.urls")),
    path("", include("cases.api.urls")),
    path("", include("council.api.urls")),
    path("", include("awareness.api.urls")),
    path("", include("measures.api.urls")),
    path("", include("attribution.api.urls")),
    path("", include("notifications.api.urls")),
]

# The secretariat's console (every view is cdt.accounts.console.secretariat_console).
console = [
    path("", account_console.console_index, name="console-index"),
    path("people/", account_console.people_page, name="console-people"),
    path("people/new/", account_console.onboard_page, name="console-onboard"),
    path("people/<str:user_id>/invitation/", account_console.invitation_resend_page, name="console-invitation-resend"),
    path("people/<str:user_id>/deactivate/", account_console.deactivate_page, name="console-deactivate"),
    path("population/", directory_console.population_years_page, name="console-population"),
    path("population/<int:year>/", directory_console.population_year_page, name="console-population-year"),
    path("cases/", include("cases.console_urls")),
]

urlpatterns = [
    path("", include("overview.urls")),
    path("health/", core_views.health, name="health"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("accounts/login/", account_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", account_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(form_class=ChangePasswordForm), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/profile/", account_views.profile, name="profile"),
    path("accounts/second-factor/", account_views.otp_verify, name="otp-verify"),
    path("accounts/second-factor/setup/", account_views.otp_setup, name="otp-setup"),
    path("accounts/welcome/<str:uidb64>/<str:token>/", account_views.invitation_accept_page, name="invitation-accept"),
    path("directory/", directory_views.directory_index, name="directory"),
    path("console/", include(console)),
    path("cases/", include("cases.urls")),
    path("council/", include("council.urls")),
    path("awareness/", include("awareness.urls")),
    path("measures/", include("measures.urls")),
    path("attribution/", include("attribution.urls")),
    path("notifications/", include("notifications.urls")),
    path("i18n/setlang/", account_views.language_set, name="set_language"),
    path("api/v1/", include(api_v1)),
    path("taxii2/", include("awareness.taxii.urls")),
    path("admin/", admin.site.urls),
]
