"""``python -m extract`` runs the same program as ``zh-extract``."""

from extract.cli import main

main()
