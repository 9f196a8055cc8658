"""A daily arXiv awesome-list bot: config → arXiv → match → de-duplicate → render → files."""

__version__ = "0.1.0"
