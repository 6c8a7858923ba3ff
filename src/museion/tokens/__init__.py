"""API tokens: create, list, revoke, resolve a bearer secret to a principal. Only hashes stored."""
