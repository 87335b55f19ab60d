"""REST API views, one per operation group; each scopes to the caller, then calls services."""
