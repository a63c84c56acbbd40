"""The OpenAPI schema generates cleanly and the Swagger UI works offline."""

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.templatetags.static import static
from django.urls import reverse


def test_schema_and_docs_need_a_login(client, db):
    assert client.get(reverse("v1:schema")).status_code == 403
    assert client.get(reverse("v1:docs")).status_code == 403


def test_schema_endpoint_describes_the_v1_endpoints(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader"))
    response = client.get(reverse("v1:schema"), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/measures/", "/api/v1/units/{id}/", "/api/v1/auth/token/"} <= set(paths)
    assert "400" in paths["/api/v1/measures/"]["get"]["responses"]
    assert "404" in paths["/api/v1/measures/{id}/"]["get"]["responses"]


def test_schema_generates_without_warnings(tmp_path, db):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--api-version", "v1", "--file", str(tmp_path / "schema.yaml")
    )


@pytest.mark.parametrize("cdn", ["cdn.jsdelivr", "unpkg"])
def test_docs_page_loads_swagger_ui_from_our_own_static_files(client, django_user_model, cdn):
    client.force_login(django_user_model.objects.create_user("reader"))
    response = client.get(reverse("v1:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    # The set-up script is served apart from the page, so the page needs no inline script (CSP).
    assert reverse("v1:schema") in client.get(reverse("v1:docs"), {"script": ""}).content.decode()
    assert cdn not in html
    bundle = "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert static(bundle) in html
    assert finders.find(bundle)
