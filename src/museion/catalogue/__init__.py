"""What a museum offers, read-mostly: museums, exhibitions, lookups; later events, dates,
tickets and tours.

One sub-package per resource, each with routes/schemas/service/queries/models as STYLE.md says.
Shared building blocks (locations, pictures) live in this package's own models.py and schemas.py.
"""
