"""Shops: what a shop frontend (X-Shop-Url) reads to run: name, texts, config, settings."""
