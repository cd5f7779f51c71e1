"""API URLs under /api/: an index of the endpoints, records by public id, the schema and its
docs page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from api.schema import DocsView
from api.views.advocacy import ReferralViewSet, VictimViewSet
from api.views.arrests import ArrestViewSet
from api.views.cases import CaseViewSet
from api.views.handoffs import HandOffViewSet
from api.views.misc import AgencyViewSet, DeadlineViewSet, NotificationViewSet
from api.views.operations import OperationViewSet
from api.views.people import PersonViewSet
from api.views.runaways import RunawayReportViewSet

app_name = "api"


class Router(DefaultRouter):
    """SimpleRouter's routes plus a root at /api/ listing them (a JSON index), without the
    `.json` suffix routes: the API speaks JSON only."""

    include_format_suffixes = False


router = Router()
router.register("agencies", AgencyViewSet, basename="agency")
router.register("operations", OperationViewSet, basename="operation")
router.register("arrests", ArrestViewSet, basename="arrest")
router.register("people", PersonViewSet, basename="person")
router.register("handoffs", HandOffViewSet, basename="handoff")
router.register("cases", CaseViewSet, basename="case")
router.register("victims", VictimViewSet, basename="victim")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("deadlines", DeadlineViewSet, basename="deadline")
router.register("runaways", RunawayReportViewSet, basename="runaway")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include(router.urls)),
]
