"""Facebook Pages and Instagram professional accounts through the Meta Graph API."""

__version__ = "0.1.0"
