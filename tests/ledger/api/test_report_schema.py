"""The report endpoints are in the OpenAPI schema with every response a client can meet."""

import yaml
from django.core.management import call_command


def test_schema_with_the_report_endpoints_validates_without_warnings(tmp_path, db):
    schema_file = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--api-version", "v1", "--file", str(schema_file))
    paths = yaml.safe_load(schema_file.read_text(encoding="utf-8"))["paths"]

    detail = paths["/api/v1/reports/{id}/"]
    assert set(detail["patch"]["responses"]) == {"200", "400", "403", "404", "409", "412", "428"}
    assert "If-Match" in [p["name"] for p in detail["patch"]["parameters"] if p["in"] == "header"]
    assert "ETag" in detail["get"]["responses"]["200"]["headers"]
    assert {"412", "428"} <= set(paths["/api/v1/reports/{id}/submit/"]["post"]["responses"])
    assert set(paths["/api/v1/reports/"]["post"]["responses"]) == {"200", "201", "400", "403", "409"}
    assert {"400", "403", "404", "409"} <= set(paths["/api/v1/reports/{id}/return/"]["post"]["responses"])
    filters = {p["name"] for p in paths["/api/v1/reports/"]["get"]["parameters"]}
    assert {"measure", "period", "unit", "state", "latest_only"} <= filters
