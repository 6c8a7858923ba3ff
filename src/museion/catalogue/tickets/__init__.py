"""Admission tickets as the catalogue knows them: what they are, cost and who may buy them.

Their HTTP routes live in `museion.availability.routes`: every ticket shape carries `quota_ids`,
and all the `/tickets/...` live endpoints are availability's, so one router keeps the paths in
the order FastAPI needs (`/tickets/capacity` before `/tickets/{ticket_id}`).
"""
