"""zh-extract: Chinese news articles to structured, verifiable facts."""

__version__ = "0.1.0"
