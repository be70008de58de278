"""The project's errors. Messages are for users: what was wrong, the value, the fix."""


class RagError(Exception):
    """Base of every error this package raises on purpose."""


class IndexNotFound(RagError):
    """No usable index where one was expected."""


class ModelUnavailable(RagError):
    """An embedding, reranking or language model could not be loaded or reached."""


class ModelMismatch(RagError):
    """The index was built with another embedding model than the one configured."""


class InvalidQuestion(RagError):
    """A question or query that cannot be answered as given."""


class CorpusError(RagError):
    """The corpus folder is missing, empty or unreadable."""


class IndexCorrupted(RagError):
    """The index files exist but cannot be read."""
