"""Turn scraped Chinese news text into clean article text plus metadata.

Pure functions, no I/O. The work is split by concern: `boilerplate` drops the lines that
are page furniture (`clean`), `prose` cuts furniture out of a line of body text,
`metadata` reads title, date, source and address, `titles` reads a title from the lead of
an article without one, `pinyin` and `dates` handle those two notations; the patterns
themselves are data in `line_rules`, `prose_rules` and `metadata_rules`, each with its
reason. This module joins text and metadata into an `Article` and is where the rest of
rag imports cleaning from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from rag.ingestion.boilerplate import clean
from rag.ingestion.dates import normalize_date
from rag.ingestion.metadata import Metadata, extract_metadata
from rag.ingestion.pinyin import repair_pinyin
from rag.ingestion.titles import derive_title
from rag.types import Article

__all__ = [
    "Metadata",
    "build_article",
    "clean",
    "derive_title",
    "extract_metadata",
    "normalize_date",
    "repair_pinyin",
]

_FIELDS = ("title", "date", "source", "url")


def build_article(
    id: str,
    path: str,
    raw_text: str,
    sha256: str,
    html_meta: Metadata | Mapping[str, str] | None = None,
) -> Article:
    """Clean `raw_text` and attach its metadata; fields found in `html_meta` win.

    When the HTML title is not among the first lines of a non-empty text it is put first,
    so the headline is part of the text in every format (a page with a title and no body
    stays empty, so the loader skips it). An article that states no title gets one read
    from its lead (`derive_title`), so no article is known only by its file id.
    """
    meta = extract_metadata(raw_text)
    text = clean(raw_text)
    if html_meta is not None:
        given = html_meta if isinstance(html_meta, Mapping) else html_meta.__dict__
        fields = {k: str(given.get(k) or "").strip() for k in _FIELDS}
        fields["date"] = normalize_date(fields["date"]) if fields["date"] else ""
        meta = replace(meta, **{k: v for k, v in fields.items() if v})
        title = fields["title"]
        if title and text and title not in text.split("\n")[:3]:
            text = f"{title}\n{text}"
    if not meta.title and text:  # no title line: a short one read from the lead
        meta = replace(meta, title=derive_title(text))
    return Article(
        id=id,
        path=path,
        text=text,
        title=meta.title,
        date=meta.date,
        source=meta.source,
        url=meta.url,
        sha256=sha256,
    )
