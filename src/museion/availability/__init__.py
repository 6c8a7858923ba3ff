"""Capacity: quotas, time slots, capacity maths, reservations (holds), claim and release.

The only place that consumes or releases capacity (STYLE.md section 6).
Orders ask it; nobody else writes.
"""
