"""The typed JSON API (OpenAPI at /api/docs): the same operations as the pages, through the
same services and the same permission checks. Session login with CSRF, like the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import SessionAuth

from huanjie.apps.aftermath.api import router as aftermath_router
from huanjie.apps.ballots.api import router as ballots_router
from huanjie.apps.campaigns.api import router as campaigns_router
from huanjie.apps.candidates.api import router as candidates_router
from huanjie.apps.committee.api import router as committee_router
from huanjie.apps.counting.api import router as counting_router
from huanjie.apps.errors import ServiceError
from huanjie.apps.polling.api import router as polling_router
from huanjie.apps.preparation.api import router as preparation_router
from huanjie.apps.proxies.api import router as proxies_router
from huanjie.apps.results.api import router as results_router
from huanjie.apps.roll.api import router as roll_router

api = NinjaAPI(
    title="huanjie 换届选举工作平台 API",
    version="1",
    auth=SessionAuth(csrf=True),
    urls_namespace="api",
)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(
        request, {"detail": exc.message, "field": exc.field, "code": exc.code}, status=400
    )


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "无权操作"}, status=403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "未找到"}, status=404)


api.add_router("/", campaigns_router)
api.add_router("/elections/{election_id}/committee", committee_router)
api.add_router("/elections/{election_id}/preparation", preparation_router)
api.add_router("/elections/{election_id}/roll", roll_router)
api.add_router("/elections/{election_id}/proxies", proxies_router)
api.add_router("/elections/{election_id}/candidates", candidates_router)
api.add_router("/elections/{election_id}/polling", polling_router)
api.add_router("/elections/{election_id}/ballots", ballots_router)
api.add_router("/elections/{election_id}/counting", counting_router)
api.add_router("/elections/{election_id}/results", results_router)
api.add_router("/elections/{election_id}/aftermath", aftermath_router)
