"""Text: script and normalisation, BM25 tokens, sentences (the one splitter).

Everything here is pure (no I/O besides loading jieba's and OpenCC's dictionaries once).
"""

from rag.text.script import (
    CJK,
    FORMS,
    Form,
    Script,
    cjk_ratio,
    detect_script,
    normalize,
    to_script,
    to_simplified,
    to_traditional,
)
from rag.text.sentences import sentence_spans, split_sentences
from rag.text.tokens import (
    CHINESE_STOPWORDS,
    ENGLISH_QUERY_STOPWORDS,
    ENGLISH_STOPWORDS,
    STOPWORDS,
    content_terms,
    tokenize,
    unglued,
    words,
)

__all__ = [
    "CHINESE_STOPWORDS",
    "CJK",
    "ENGLISH_QUERY_STOPWORDS",
    "ENGLISH_STOPWORDS",
    "FORMS",
    "Form",
    "STOPWORDS",
    "Script",
    "cjk_ratio",
    "content_terms",
    "detect_script",
    "normalize",
    "sentence_spans",
    "split_sentences",
    "to_script",
    "to_simplified",
    "to_traditional",
    "tokenize",
    "unglued",
    "words",
]
