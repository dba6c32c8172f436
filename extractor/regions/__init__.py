"""Page regions: the typed pieces a filing is split into before extraction."""

from extractor.regions.model import Region

__all__ = ["Region"]
