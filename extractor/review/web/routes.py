"""The review app's pages and edit endpoints; each wraps one or two calls of ``extractor.review.service``.

Pages (GET) render whole HTML documents; edits (POST, CSRF-checked by the app) store one correction and answer
with the re-rendered panel of the part (its verdict, findings, grid) that htmx swaps in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from extractor.review import service
from extractor.review.errors import InvalidCorrection, NotFound
from extractor.review.web.app import state
from extractor.review.web.forms import Edit, FormError, card_edit, table_edit
from extractor.review.web.listing import parse_query
from extractor.review.web.textpage import numbered_lines

MIN_DPI, MAX_DPI = 36, 300


def documents(request: Request) -> Response:
    """The documents list: verdict counts, filters, sort, paging."""
    review = state(request)
    query = parse_query(request.query_params)
    page = review.call(service.list_documents, **query.service_arguments())
    return review.render(request, "documents.html", page=page, query=query)


def document(request: Request) -> Response:
    """One document: its tables and cards with their verdicts, its loose findings and corrections."""
    review = state(request)
    view = review.call(service.document_parts, request.path_params["document_id"])
    return review.render(request, "document.html", doc=view)


def _dpi(request: Request) -> int:
    try:
        dpi = int(request.query_params.get("dpi", ""))
    except ValueError:
        return state(request).config.dpi
    return min(MAX_DPI, max(MIN_DPI, dpi))


@dataclass(frozen=True)
class _Header:
    """What a part's page shows of its document: the id, the file's name and the document's verdict."""

    document_id: str
    source_name: str | None
    verdict: Any


def _header(view: Any) -> _Header:
    return _Header(view.document_id, view.source_name, view.document_verdict)


def table(request: Request) -> Response:
    """A table: its pages with the rows drawn as boxes, beside the rows as an editable grid, and the findings."""
    return _table_page(request, request.path_params["index"], "table.html")


def _table_page(request: Request, index: int, template: str, status_code: int = 200, **extra: Any) -> HTMLResponse:
    review = state(request)
    document_id = request.path_params["document_id"]
    view = review.call(service.table_view, document_id, index)
    doc, dpi = _header(view), _dpi(request)
    pages = [review.page_image(document_id, page, dpi) for page in view.pages]
    texts = {number: numbered_lines(image, view.rows, view.lines)
             for number, image in zip(view.pages, pages) if image.kind == "text"}
    return review.render(request, template, status_code=status_code, doc=doc, view=view,
                         pages=list(zip(view.pages, pages)), texts=texts, dpi=dpi, **extra)


def card(request: Request) -> Response:
    """A performance card: its fields, spending plan and indicators, editable, with its findings."""
    return _card_page(request, request.path_params["seq"], "card.html")


def _card_page(request: Request, seq: int, template: str, status_code: int = 200, **extra: Any) -> HTMLResponse:
    review = state(request)
    document_id = request.path_params["document_id"]
    view = review.call(service.card_view, document_id, seq)
    doc, dpi = _header(view), _dpi(request)
    page = review.page_image(document_id, view.page, dpi) if view.page else None
    text = numbered_lines(page, (), view.lines) if page is not None and page.kind == "text" else None
    return review.render(request, template, status_code=status_code, doc=doc, view=view, page=page,
                         page_number=view.page, text=text, dpi=dpi, **extra)


def page_png(request: Request) -> Response:
    """The PNG of one page at the asked dpi (rendered once, then read from the cache)."""
    review = state(request)
    image = review.page_image(request.path_params["document_id"], request.path_params["page"], _dpi(request))
    if image.kind != "png" or image.path is None:
        raise NotFound(f"page {request.path_params['page']} of this document has no image (a text source)")
    return FileResponse(image.path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


def next_part(request: Request) -> Response:
    """Go to the next table or card that is not verified (after the one named by ``after``), else to the list."""
    review = state(request)
    after = _part_ref(request.query_params.get("after", ""))
    found = review.call(service.next_part, after=after)
    if found is None:
        return RedirectResponse("/?verdict=&done=1", status_code=303)
    document_id, part, index = found
    return RedirectResponse(part_url(document_id, part, index), status_code=303)


def _part_ref(text: str) -> tuple[str, str, int] | None:
    document_id, _, rest = text.partition(":")
    part, _, index = rest.partition(":")
    return (document_id, part, int(index)) if part in ("table", "card") and index.isdigit() else None


def part_url(document_id: str, part: str, index: int) -> str:
    """Return the page of a table or card."""
    return f"/documents/{document_id}/{'tables' if part == 'table' else 'cards'}/{index}"


async def correct_table(request: Request) -> Response:
    """Store one correction of a table (a cell, a row's name, an added row, the kind, a mark) and re-check it."""
    return await _correct(request, "table")


async def correct_card(request: Request) -> Response:
    """Store one correction of a card (a field, a plan month, an indicator, a mark) and re-check it."""
    return await _correct(request, "card")


async def _correct(request: Request, part: str) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    return await run_in_threadpool(_correct_part, request, part, form)


def _correct_part(request: Request, part: str, form: dict[str, str]) -> Response:
    index = request.path_params["index" if part == "table" else "seq"]
    try:
        edit = (table_edit if part == "table" else card_edit)(index, form)
    except FormError as error:
        return _panel(request, part, index, 422, message=str(error), message_kind="error")
    return _apply(request, edit)


def _panel(request: Request, part: str, index: int, status_code: int = 200, **extra: Any) -> HTMLResponse:
    if part == "table":
        return _table_page(request, index, "_table_panel.html", status_code, **extra)
    return _card_page(request, index, "_card_panel.html", status_code, **extra)


def _apply(request: Request, edit: Edit) -> Response:
    review = state(request)
    target = service.Target(part=edit.part, row_key=edit.row_key, field=edit.field,
                            **({"table_index": edit.index} if edit.part == "table" else {"card_seq": edit.index}))
    try:
        result = review.call(service.add_correction, request.path_params["document_id"], target, edit.new,
                             who=review.config.user)
    except InvalidCorrection as error:
        return _panel(request, edit.part, edit.index, 422, message=str(error), message_kind="error")
    message = f"saved: {_describe(result.correction)} — verdict {result.verdict.status}"
    return _panel(request, edit.part, edit.index, message=message, message_kind="ok")


def _describe(correction: Any) -> str:
    """A correction in a few words for the message line: what changed, from what to what."""
    where = f"{correction.row_key} · " if correction.row_key else ""
    field, new = correction.field, correction.new
    if field == "printed_as_is":
        return f"{where}{new or 'all of it'} marked as printed this way"
    if field == "accepted":
        return "accepted as it is"
    if field == "row":
        name = new.get("name") or new.get("code") if isinstance(new, dict) else new
        return f"row {name} added"
    if field == "delete_row":
        return f"row {correction.row_key} left out"
    return f"{where}{field} {_show(correction.old)} → {_show(new)}"


def _show(value: Any) -> str:
    return "—" if value is None or value == "" else str(value)


def undo(request: Request) -> Response:
    """Undo one correction (it stays in the store as undone) and show its part re-checked."""
    review = state(request)
    document_id, correction_id = request.path_params["document_id"], request.path_params["correction_id"]
    doc = review.call(service.document_parts, document_id)
    if correction_id not in {c.id for c in doc.corrections}:
        raise NotFound(f"correction {correction_id} is not one of document {document_id}")
    result = review.call(service.undo_correction, correction_id, who=review.config.user)
    correction = result.correction
    index = correction.table_index if correction.part == "table" else correction.card_seq
    message = f"undone: {_describe(correction)} — verdict {result.verdict.status}"
    if index is None:  # a document-level correction: its page is the document's
        return RedirectResponse(f"/documents/{document_id}", status_code=303)
    return _panel(request, correction.part, index, message=message, message_kind="ok")


def save_gold(request: Request) -> Response:
    """Write the corrected record as a gold JSON (contract format) into the gold folder; say where."""
    review = state(request)
    folder = review.config.gold_folder
    folder.mkdir(parents=True, exist_ok=True)
    path = review.call(service.save_gold, request.path_params["document_id"], folder)
    return HTMLResponse(f'<span class="message ok" id="gold-message">saved as gold: <code>{_escape(str(path))}'
                        "</code></span>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


ROUTES = [
    Route("/", documents, name="documents"),
    Route("/next", next_part, name="next"),
    Route("/documents/{document_id}", document, name="document"),
    Route("/documents/{document_id}/tables/{index:int}", table, name="table"),
    Route("/documents/{document_id}/tables/{index:int}/corrections", correct_table, methods=["POST"]),
    Route("/documents/{document_id}/cards/{seq:int}", card, name="card"),
    Route("/documents/{document_id}/cards/{seq:int}/corrections", correct_card, methods=["POST"]),
    Route("/documents/{document_id}/corrections/{correction_id:int}/undo", undo, methods=["POST"]),
    Route("/documents/{document_id}/gold", save_gold, methods=["POST"]),
    Route("/documents/{document_id}/pages/{page:int}.png", page_png, name="page"),
]
