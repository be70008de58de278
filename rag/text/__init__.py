"""Text: script and normalisation, BM25 tokens, sentences (the one splitter), places' short
names.

Everything here is pure (no I/O besides loading jieba's and OpenCC's dictionaries once).
"""

from rag.text.places import REGION_RUN, is_place, is_province, joint_names, short_names
from rag.text.script import (
    CJK,
    FORMS,
    Form,
    Script,
    char_ngrams,
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
    "REGION_RUN",
    "STOPWORDS",
    "Script",
    "char_ngrams",
    "cjk_ratio",
    "content_terms",
    "detect_script",
    "is_place",
    "is_province",
    "joint_names",
    "normalize",
    "sentence_spans",
    "short_names",
    "split_sentences",
    "to_script",
    "to_simplified",
    "to_traditional",
    "tokenize",
    "unglued",
    "words",
]
