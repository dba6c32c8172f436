"""The deterministic, layout-aware rules extractor (offline, no model)."""
