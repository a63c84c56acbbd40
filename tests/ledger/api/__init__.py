"""Helpers for the progress-report API tests: URLs and JSON requests with If-Match."""

from django.urls import reverse


def report_url(name: str = "list", pk: int | None = None) -> str:
    return reverse(f"v1:report-{name}", args=[] if pk is None else [pk])


def open_report(client, measure, period):
    return client.post(report_url(), {"measure": measure.pk, "period": period.pk}, content_type="application/json")


def patch(client, pk: int, data, if_match: str | None = None):
    headers = {"If-Match": if_match} if if_match is not None else {}
    return client.patch(report_url("detail", pk), data, content_type="application/json", headers=headers)


def submit(client, pk: int, if_match: str | None = None):
    headers = {"If-Match": if_match} if if_match is not None else {}
    return client.post(report_url("submit", pk), headers=headers)


def review(client, pk: int, decision: str, **data):
    return client.post(report_url(decision, pk), data, content_type="application/json")


def etag_of(report) -> str:
    return f'"{report.lock_version}"'
