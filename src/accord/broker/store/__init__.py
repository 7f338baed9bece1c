"""Data access: small functions over SQLAlchemy Core, each given the request's connection.

No function here commits; the caller's transaction decides. Reads fetch in sets (one query
for all the versions on a page, never one per row) so response building stays O(queries).
"""
