"""mapdash: press releases and news articles turned into an interactive campaign map."""

__version__ = "0.1.0"
