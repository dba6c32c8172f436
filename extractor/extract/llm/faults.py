"""What a failed model call means, read from the exception alone (no SDK import, any LangChain provider).

The chat models raise their SDK's errors (``openai.APIStatusError``, ``anthropic.APIStatusError``, httpx
transport errors …); these helpers read them by shape — an integer ``status_code``, a ``response`` with
headers, the class names of the connection and timeout errors the SDKs share — so that one retry policy
and one message style cover every provider.
"""

from __future__ import annotations

import re
from typing import Any

_FORMAT_WORDS = ("response_format", "response format", "json_schema", "json_object")
_KEY_LIKE = re.compile(r"(?i)\b(?:sk|key|bearer)[-_ ][A-Za-z0-9_\-*.]{6,}")
_MAX_MESSAGE = 200
#: Class names (anywhere in an exception's MRO) of a connection that failed or timed out: the OpenAI and
#: Anthropic SDKs' ``APIConnectionError``/``APITimeoutError``, httpx's ``TransportError``, the builtins.
_CONNECTION = frozenset({"APIConnectionError", "APITimeoutError", "TransportError", "TimeoutException",
                         "ConnectionError", "TimeoutError"})
_TIMEOUT = frozenset({"APITimeoutError", "TimeoutException", "TimeoutError", "ReadTimeout"})
#: What a 2xx answer that is no chat completion raises inside the chat model (a body that is not JSON,
#: no choices).
_MALFORMED = (ValueError, TypeError, KeyError, IndexError)

def _kinds(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


def status_of(exc: BaseException) -> int | None:
    """Return the HTTP status an SDK error carries (``status_code``), None for other errors."""
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) and not isinstance(status, bool) else None


def is_transient(exc: BaseException) -> bool:
    """Return True for faults worth retrying: timeouts, connection errors, 408, 429, 5xx."""
    status = status_of(exc)
    if status is not None:
        return status in (408, 429) or status >= 500
    return bool(_kinds(exc) & _CONNECTION)


def rejects_format(exc: BaseException) -> bool:
    """Return True when the server says it does not take the response_format: a 400/422 naming it, or a
    500 whose message names ``response_format`` (llama-cpp-python's server fails its request validation so)."""
    status = status_of(exc)
    text = f"{getattr(exc, 'message', '')} {getattr(exc, 'body', '')} {exc}".lower()
    if status in (400, 422):
        return any(word in text for word in _FORMAT_WORDS)
    return status == 500 and "response_format" in text


def retry_after(exc: BaseException | None) -> float | None:
    """Return the seconds a 429/503 asks to wait (Retry-After or retry-after-ms), if it says."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    millis = _seconds(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000
    return _seconds(headers.get("retry-after"))


def _seconds(value: Any) -> float | None:
    try:
        seconds = float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
    return seconds if seconds is not None and seconds >= 0 else None


def describe(exc: BaseException, timeout: float) -> str:
    """Return a one-line description of a failed call."""
    kinds = _kinds(exc)
    status = status_of(exc)
    if status is not None:
        return f"HTTP {status}: {one_line(str(getattr(exc, 'message', None) or exc))}"
    if kinds & _TIMEOUT:
        return f"request timed out after {timeout:g}s"
    if kinds & _CONNECTION:
        return "connection failed"
    if isinstance(exc, _MALFORMED):
        return f"the server's answer is not a chat completion ({type(exc).__name__}: {one_line(str(exc))})"
    return f"{type(exc).__name__}: {one_line(str(exc))}"


def one_line(text: str, limit: int = _MAX_MESSAGE) -> str:
    """Return text on one line, cut to ``limit`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def redact(text: str, key: str | None) -> str:
    """Remove the API key (and anything shaped like one) from a message."""
    if key and len(key) >= 4:
        text = text.replace(key, "[redacted]")
    return _KEY_LIKE.sub("[redacted]", text)
