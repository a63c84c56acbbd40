"""What the public site reads: each a fixed number of queries, whatever the data."""

from django.db.models import Prefetch

from measures.models import Measure

from .models import Feedback, InterpretationAttachment, PolicyInterpretation, Publication


def live_publication() -> Publication | None:
    """The latest publication not withdrawn: the only source of the public plan. One query."""
    return Publication.objects.live().only("pk", "as_of", "published_at", "note", "data").first()


def public_measures(publication: Publication | None) -> list[dict]:
    if publication is None:
        return []
    return [m for section in publication.data["sections"] for m in section["measures"]]


def public_interpretations():
    """Published interpretations with their measures and attachments: three queries."""
    return PolicyInterpretation.objects.public().prefetch_related(
        Prefetch("measures", queryset=Measure.objects.select_related("section").order_by("position")),
        Prefetch("attachments", queryset=InterpretationAttachment.objects.order_by("uploaded_at", "pk")),
    )


def public_replies():
    """Feedback the office closed with a reply it chose to publish, newest first."""
    return (
        Feedback.objects.filter(reply_public=True)
        .select_related("measure__section")
        .only("public_summary", "reply", "closed_at", "measure__number", "measure__title", "measure__section__numeral")
        .order_by("-closed_at", "-pk")
    )
