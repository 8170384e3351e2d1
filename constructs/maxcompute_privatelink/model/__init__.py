"""The config model: what a user writes, checked. Plain pydantic, no cdktf: the shared
constrained types and validators (ids, CIDRs, DNS names, user text), the region catalog,
a deployment's fields and cross-field rules (the construct's props), client and backend
settings, loading the file and turning validation errors into one line each.
"""
