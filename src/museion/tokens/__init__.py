"""API tokens: create, list, revoke, and resolve a bearer secret to a principal. Only hashes are stored."""
