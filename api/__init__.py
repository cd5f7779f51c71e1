"""The REST API: the same records under the same access policy, for other systems."""
