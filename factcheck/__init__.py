"""factcheck: numeric and date consistency checking for news articles."""

__version__ = "0.1.0"
