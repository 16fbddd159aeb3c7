"""Corporate blogs: RSS, Atom and the WordPress REST API."""

__version__ = "0.1.0"
