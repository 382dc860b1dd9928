"""The operators' pages at ``/admin``: platforms, deployments and keys of every registration."""
