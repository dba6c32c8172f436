"""yusuan: Chinese government budget disclosures into validated, queryable data."""

__version__ = "0.1.0"
#: Bumped whenever extraction output may change; stored with each converted document.
EXTRACTOR_VERSION = "rules-0.1.0"
