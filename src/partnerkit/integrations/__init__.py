"""Adapters to other data tools. Each imports its tool only when used.

* :mod:`partnerkit.integrations.dlt` — every connector stream as a dlt resource, so
  dlt's own pipelines load partnerkit records into any dlt destination.
"""

__all__: list[str] = []
