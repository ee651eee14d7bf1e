"""URLs of every locality's site (and the city campus).

Requests reach these only after TenantMainMiddleware has chosen the locality from
the host name; unknown hosts are answered by ``lms.portal.views.unknown_host``.
"""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses import api as courses_api
from lms.learning import rest as learning_rest
from lms.portal import views as portal_views
from monitoring import rest as monitoring_rest
from participation import rest as participation_rest

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documentos/", include(wagtaildocs_urls)),
    # H5P player, its files and the xAPI endpoint (before Wagtail's catch-all).
    path("h5p/", include("h5p.urls")),
    path(
        "cuenta/ingresar/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    # Registration, email verification, password reset, «Mis datos», bulk import.
    path("cuenta/", include("lms.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Public verification (no login), issuer keys, status list, learner downloads.
    path("certificados/", include("certificates.urls")),
    # Program dashboards: the city's at the campus, each locality's on its site.
    path("tablero/", include("reporting.urls")),
    # «Mi aprendizaje», enrollment, QR attendance, facilitator roster, quizzes.
    path("aprendizaje/", include("lms.learning.urls")),
    # Civic roles the training opens: requirements, eligibility, applications.
    path("participacion/", include("participation.urls")),
    # REST API of civic roles (roles, one's eligibility, rosters for staff).
    path("api/participacion/", participation_rest.rest_api.urls),
    # Citizen monitoring: the locality's investment projects, public, no sign-in.
    path("seguimiento/", include("monitoring.urls")),
    # Its open data as a read-only REST API (projects, published reports).
    path("api/seguimiento/", monitoring_rest.rest_api.urls),
    # Open data: datasets, pinned versions and their profiles (public pages).
    path("datos/", include("open_data_labs.urls")),
    # REST API for enrollments and progress, with its OpenAPI document.
    path("api/aprendizaje/", learning_rest.rest_api.urls),
]

if settings.DEBUG:
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns += [
        re_path(
            rf"^{media_prefix}/(?P<schema_name>[a-z0-9_]+)/(?P<path>.+)$",
            portal_views.locality_media,
        )
    ]

# Wagtail serves every other path from the locality's own page tree, through
# courses' serve_page: the same view, with the site and route looked up once per
# page-tree generation (ADR 0026). Wagtail's other URLs come first, as in its
# own list, since the page pattern would match them too.
urlpatterns += [
    *(p for p in wagtail_urls.urlpatterns if getattr(p, "name", "") != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, courses_api.serve_page, name="wagtail_serve"),
]

# A database that cannot answer (pool exhausted, statement timeout) is a 503
# with Retry-After, JSON for the APIs and the xAPI relay (lms/portal/overload.py).
handler500 = "lms.portal.overload.server_error"
