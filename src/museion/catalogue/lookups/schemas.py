"""go~mus other_data.md shapes."""

from __future__ import annotations

from pydantic import BaseModel

from museion.web import Meta, Text


class CountryOut(BaseModel):
    name: Text
    id: int
    code: str


class StateOut(BaseModel):
    name: Text
    id: int
    country_id: int


class DispatchModeOut(BaseModel):
    name: Text
    id: int


class CountriesEnvelope(BaseModel):
    countries: list[CountryOut]
    meta: Meta


class StatesEnvelope(BaseModel):
    states: list[StateOut]
    meta: Meta


class DispatchModesEnvelope(BaseModel):
    dispatch_modes: list[DispatchModeOut]
    meta: Meta
