"""Who may do what: access levels, permissions, and the Principal a bearer token resolves to.

Plain data, no web framework: services decide with it, `auth` (HTTP) and `tokens` (storage)
both build on it, and neither imports the other's side of it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum


class Access(StrEnum):
    PUBLIC = "public"
    USER = "user"
    RESELLER = "reseller"
    CASHPOINT = "cashpoint"
    # Entry gates use API accounts with entry rights only; whoami reports them as "user",
    # the way go~mus reports its entry accounts.
    ENTRY = "entry"
    CUSTOMER = "customer"


TOKEN_ACCESS = (Access.USER, Access.RESELLER, Access.CASHPOINT, Access.ENTRY)
# Writes open to the public (holds): every caller but entry gates, whose tokens serve the entry
# API and public reads only.
ALL_BUT_ENTRY = tuple(a for a in Access if a is not Access.ENTRY)


class Permission(StrEnum):
    """What a token may do beyond what its access level gives every token of that level. Stored
    one row per token and permission (api_token_permission), so a new permission (content,
    customers, entry config) is a new member here and in GRANTABLE, and needs no migration."""

    # User tokens: the order endpoints (every order of the token's museums).
    ORDERS = "orders"
    # Cash points: every seller's orders, not only their own (go~mus page-cash_point_api.md:
    # "might be configured with global access to all orders placed").
    ALL_ORDERS = "all_orders"


# Which permissions a token of each access level can be given.
GRANTABLE: dict[Access, frozenset[Permission]] = {
    Access.USER: frozenset({Permission.ORDERS}),
    Access.CASHPOINT: frozenset({Permission.ALL_ORDERS}),
}
KNOWN_PERMISSIONS = {p.value for p in Permission}


@dataclass(frozen=True, slots=True)
class Principal:
    access: Access
    # None: every museum of the instance; otherwise only these.
    museum_ids: frozenset[int] | None = None
    token_id: int | None = None
    permissions: frozenset[Permission] = frozenset()

    @property
    def authenticated(self) -> bool:
        return self.access is not Access.PUBLIC

    @property
    def whoami_access(self) -> str:
        return Access.USER.value if self.access is Access.ENTRY else self.access.value

    @property
    def view(self) -> str:
        """All that answers may depend on (access, museums, permissions), not which token it is:
        callers with the same view get the same answers (the response cache's key)."""
        museums = "*" if self.museum_ids is None else ",".join(map(str, sorted(self.museum_ids)))
        permissions = ",".join(sorted(p.value for p in self.permissions))
        return f"{self.access.value}|{museums}|{permissions}"

    def may_see_museum(self, museum_id: int) -> bool:
        return self.museum_ids is None or museum_id in self.museum_ids

    def has(self, permission: Permission) -> bool:
        return permission in self.permissions


PUBLIC = Principal(Access.PUBLIC)


def limit_to_museums(principal: Principal, museum_ids: Collection[int] | None) -> list[int] | None:
    """Intersect a requested museum filter with the token's museums (None: no filter at all)."""
    if principal.museum_ids is None:
        return list(museum_ids) if museum_ids else None
    if not museum_ids:
        return sorted(principal.museum_ids)
    return [m for m in museum_ids if m in principal.museum_ids]
