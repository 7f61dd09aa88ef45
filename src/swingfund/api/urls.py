from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_safe

from swingfund.api.v1 import api


@require_safe
def schema(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 schema of /api/v1/ (also at /api/v1/openapi.json; interactive docs at /api/v1/docs)."""
    response = JsonResponse(api.get_openapi_schema(path_prefix="/api/v1/"), json_dumps_params={"indent": 1})
    response["Access-Control-Allow-Origin"] = "*"
    return response


urlpatterns = [
    path("v1/", api.urls),
    path("schema/", schema, name="api-schema"),
]
