"""The one module that talks HTTP to an LLM: an OpenAI-compatible chat endpoint asked for JSON.

``ChatClient.complete_json`` asks for structured output (``json_schema``), falls back to ``json_object``
and then plain text when the server rejects the response format (remembering the mode that works), and
retries transient faults (timeouts, connection errors, 408/429/5xx) with exponential backoff and
jitter, honouring ``Retry-After``. Anything else raises ``LLMError`` with a one-line message. The API
key is read from the environment for each call and never logged, stored or put in a message.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import openai
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
    wait_random,
)

MODES: tuple[str, ...] = ("json_schema", "json_object", "text")
STRUCTURED: tuple[str, ...] = ("auto", *MODES)
NO_KEY = "not-needed"

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_FORMAT_WORDS = ("response_format", "response format", "json_schema", "json_object")
_KEY_LIKE = re.compile(r"(?i)\b(?:sk|key|bearer)[-_ ][A-Za-z0-9_\-*.]{6,}")
_MAX_MESSAGE = 200
_BACKOFF = wait_exponential(multiplier=0.5, max=30.0) + wait_random(0, 0.5)

Message = Mapping[str, str]


class LLMError(RuntimeError):
    """An LLM call failed for good; the message is one line and never holds the API key."""

    def __init__(self, message: str, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.status = status
        self.attempts = attempts


@dataclass(frozen=True)
class LLMConfig:
    """How to reach the model and how hard to try; invalid values raise ValueError at construction."""

    base_url: str
    model: str
    api_key_env: str = "YUSUAN_LLM_API_KEY"
    timeout: float = 120.0
    max_retries: int = 4
    total_time_cap: float = 600.0
    repair_attempts: int = 2
    concurrency: int = 2
    structured: str = "auto"
    temperature: float = 0.0
    max_tokens: int = 2048

    def __post_init__(self) -> None:
        problems = _config_problems(self)
        if problems:
            raise ValueError("invalid LLMConfig: " + "; ".join(problems))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> LLMConfig:
        """Build a config from settings (e.g. a TOML table); unknown keys raise ValueError."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown LLMConfig key(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**values)


def _config_problems(config: LLMConfig) -> list[str]:
    """Return what is wrong with a config, one phrase per bad field."""
    checks: list[tuple[bool, str]] = [
        (_text(config.base_url) and config.base_url.startswith(("http://", "https://")),
         f"base_url must be an http(s) URL, got {config.base_url!r}"),
        (_text(config.model), "model must be a non-empty string"),
        (isinstance(config.api_key_env, str) and bool(_ENV_NAME.match(config.api_key_env)),
         f"api_key_env must be an environment variable name, got {config.api_key_env!r}"),
        (_number(config.timeout) and config.timeout > 0, f"timeout must be > 0, got {config.timeout!r}"),
        (_integer(config.max_retries) and config.max_retries >= 0, "max_retries must be an integer >= 0"),
        (_number(config.total_time_cap) and config.total_time_cap > 0, "total_time_cap must be > 0"),
        (_integer(config.repair_attempts) and config.repair_attempts >= 0, "repair_attempts must be an integer >= 0"),
        (_integer(config.concurrency) and config.concurrency >= 1, "concurrency must be an integer >= 1"),
        (config.structured in STRUCTURED, f"structured must be one of {STRUCTURED}, got {config.structured!r}"),
        (_number(config.temperature) and 0 <= config.temperature <= 2, "temperature must be in [0, 2]"),
        (_integer(config.max_tokens) and config.max_tokens >= 1, "max_tokens must be an integer >= 1"),
    ]
    return [message for ok, message in checks if not ok]


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Completion:
    """One answer: its text, token usage (0 where the server reports none), wall time and the mode used."""

    text: str
    tokens_in: int
    tokens_out: int
    latency_s: float
    mode: str
    finish_reason: str | None = None  # "length" when the answer was cut at max_tokens


class _FormatRejected(Exception):
    """The server refused the response_format of the current mode."""


class ChatClient:
    """An OpenAI-compatible chat client that answers JSON; safe to share between threads."""

    def __init__(self, config: LLMConfig, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self._sleep = sleep
        self._http = openai.DefaultHttpxClient()
        self._lock = threading.Lock()
        self._mode = "json_schema" if config.structured == "auto" else config.structured

    @property
    def model(self) -> str:
        """Return the model name sent with every call."""
        return self.config.model

    @property
    def mode(self) -> str:
        """Return the structured-output mode in use: json_schema, json_object or text."""
        with self._lock:
            return self._mode

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> ChatClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def complete_json(self, messages: Sequence[Message], schema: dict[str, Any], name: str) -> Completion:
        """Send the chat and return the answer text; raise LLMError when it cannot be had."""
        start = time.monotonic()
        while True:
            mode = self.mode
            try:
                response = self._call_with_retries(messages, response_format(mode, schema, name))
            except _FormatRejected:
                self._fall_back(mode)
                continue
            return _completion(response, time.monotonic() - start, mode)

    def _fall_back(self, rejected: str) -> None:
        """Move to the next mode after ``rejected`` (once, whichever thread sees it first)."""
        if self.config.structured != "auto" or rejected == MODES[-1]:
            raise LLMError(f"server rejects response_format {rejected!r} (structured={self.config.structured!r})",
                           status=400)
        with self._lock:
            if self._mode == rejected:
                self._mode = MODES[MODES.index(rejected) + 1]

    def _call_with_retries(self, messages: Sequence[Message], fmt: dict[str, Any] | None) -> Any:
        """Call once, retrying transient faults within the attempt and time caps."""
        attempts = [0]
        retrying = Retrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(self.config.max_retries + 1) | stop_after_delay(self.config.total_time_cap),
            wait=self._wait,
            sleep=self._sleep,
            reraise=True,
        )
        try:
            return retrying(self._call_once, messages, fmt, attempts)
        except _FormatRejected:
            raise
        except openai.OpenAIError as exc:
            raise self._error(exc, attempts[0]) from None

    def _call_once(self, messages: Sequence[Message], fmt: dict[str, Any] | None, attempts: list[int]) -> Any:
        """One HTTP request; the key is read now and lives only as long as this call."""
        attempts[0] += 1
        api = openai.OpenAI(base_url=self.config.base_url, api_key=os.environ.get(self.config.api_key_env) or NO_KEY,
                            timeout=self.config.timeout, max_retries=0, http_client=self._http)
        request: dict[str, Any] = {"model": self.config.model, "messages": list(messages),
                                   "temperature": self.config.temperature, "max_tokens": self.config.max_tokens}
        if fmt:
            request["response_format"] = fmt
        try:
            return api.chat.completions.create(**request)
        except openai.APIStatusError as exc:
            if fmt and rejects_format(exc):
                raise _FormatRejected() from None
            raise
        except ValueError as exc:  # a 2xx whose body is not JSON
            raise LLMError(f"the server's answer is not a chat completion ({type(exc).__name__})") from None

    def _wait(self, state: RetryCallState) -> float:
        """Retry-After when the server sends one, else exponential backoff with jitter; never past the cap."""
        exc = state.outcome.exception() if state.outcome else None
        delay = retry_after(exc)
        if delay is None:
            delay = _BACKOFF(state)
        remaining = self.config.total_time_cap - (state.seconds_since_start or 0.0)
        return max(0.0, min(delay, remaining))

    def _error(self, exc: openai.OpenAIError, attempts: int) -> LLMError:
        """Turn an SDK error into a one-line LLMError without the key."""
        status = getattr(exc, "status_code", None)
        text = describe(exc, self.config.timeout)
        if is_transient(exc):
            text = f"gave up after {attempts} attempt(s): {text}"
        return LLMError(redact(text, os.environ.get(self.config.api_key_env)), status=status, attempts=attempts)


def response_format(mode: str, schema: dict[str, Any], name: str) -> dict[str, Any] | None:
    """Return the response_format for a mode (None in text mode)."""
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def is_transient(exc: BaseException) -> bool:
    """Return True for faults worth retrying: timeouts, connection errors, 408, 429, 5xx."""
    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError included
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 429) or exc.status_code >= 500
    return False


def rejects_format(exc: openai.APIStatusError) -> bool:
    """Return True when the server says it does not take the response_format: a 400/422 naming it, or a
    500 whose message names ``response_format`` (llama-cpp-python's server fails its request validation so)."""
    text = f"{exc.message} {exc.body}".lower()
    if exc.status_code in (400, 422):
        return any(word in text for word in _FORMAT_WORDS)
    return exc.status_code == 500 and "response_format" in text


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


def _seconds(value: str | None) -> float | None:
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds >= 0 else None


def describe(exc: BaseException, timeout: float) -> str:
    """Return a one-line description of an SDK error."""
    if isinstance(exc, openai.APITimeoutError):
        return f"request timed out after {timeout:g}s"
    if isinstance(exc, openai.APIConnectionError):
        return "connection failed"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}: {_one_line(exc.message)}"
    return f"{type(exc).__name__}: {_one_line(str(exc))}"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 1] + "…"


def redact(text: str, key: str | None) -> str:
    """Remove the API key (and anything shaped like one) from a message."""
    if key and len(key) >= 4:
        text = text.replace(key, "[redacted]")
    return _KEY_LIKE.sub("[redacted]", text)


def _completion(response: Any, latency_s: float, mode: str) -> Completion:
    """Read the answer text and token usage from a chat completion."""
    choices = getattr(response, "choices", None)
    if not choices:
        raise LLMError("the server answered with no choices")
    usage = getattr(response, "usage", None)
    return Completion(
        text=choices[0].message.content or "",
        tokens_in=int(getattr(usage, "prompt_tokens", 0) or 0),
        tokens_out=int(getattr(usage, "completion_tokens", 0) or 0),
        latency_s=round(latency_s, 6),
        mode=mode,
        finish_reason=getattr(choices[0], "finish_reason", None),
    )
