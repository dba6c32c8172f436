"""``yusuan review``: a local web app over the store: page images beside the records and their findings,
corrections re-checked at once and saved as gold (Starlette, Jinja templates, htmx vendored in ``static/``)."""

from extractor.review.web.app import ReviewConfig, create_app, prepare_store

__all__ = ["ReviewConfig", "create_app", "prepare_store"]
