"""Exporters: one per format, each turning a bank into a file another tool (or we) can read."""
