"""museion: a self-hostable museum ticketing and booking server speaking the go~mus API v4."""

__version__ = "0.1.0"
