"""propscope: dissect propaganda techniques, text manipulation and coordinated messaging.

The public API is small; everything the CLI does is a call to one of these.
"""

from .corpus import Corpus, open_corpus
from .document import Document
from .settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = ["Corpus", "Document", "Settings", "load_settings", "open_corpus", "__version__"]
