"""zh-extract: Chinese news articles to structured, verifiable facts.

``extract.load(DIR)`` and ``extract.extract_text(text, ref_date=...)`` are the Python API
(:mod:`extract.api`); they are imported on first use so that ``import extract`` stays cheap.
"""

__version__ = "0.1.0"
__all__ = ["extract_text", "load"]


def __getattr__(name: str):
    if name in __all__:
        from extract import api

        return getattr(api, name)
    raise AttributeError(f"module 'extract' has no attribute {name!r}")
