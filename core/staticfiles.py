"""Static files storage for production: hashed names, gzip, served by whitenoise."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    return tuple(
        (glob, tuple(p for p in rules if "sourceMappingURL" not in (p[0] if isinstance(p, tuple) else p)))
        for glob, rules in patterns
    )


class ProductionStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Whitenoise's hashed, compressed storage with two changes.

    Vendored minified files (Bootstrap, and any a library ships) end with a sourceMappingURL
    comment naming a .map we don't ship; the manifest storage would fail collectstatic on it.
    Source maps are a developer convenience, so those comments are left as written instead of
    being rewritten to hashed names (a browser's devtools then get a 404, nothing else does).

    Gzip only: brotli on every file makes collectstatic take about a minute on a small machine,
    for a few percent smaller files on an intranet.
    """

    patterns = _without_source_maps(ManifestStaticFilesStorage.patterns)

    def create_compressor(self, **kwargs):
        return super().create_compressor(use_brotli=False, **kwargs)
