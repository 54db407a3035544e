"""The spec: models (what may be written), loader (YAML with positions), messages."""
