"""The one module that talks HTTP to an LLM: a LangChain chat model asked for JSON.

The model is LangChain's: ``langchain-openai``'s ``ChatOpenAI`` for any OpenAI-compatible endpoint
(provider ``openai``, the default: ``base_url`` is the endpoint), or any provider that LangChain's
``init_chat_model`` knows by name (``anthropic``, ``google_genai``, ``mistralai`` …, its integration
package installed). ``ChatClient.complete_json`` asks for structured output with the answer's JSON
Schema (``json_schema``), falls back to ``json_object`` (with the schema, as llama.cpp takes it) and
then plain text when the server rejects the response format (remembering the mode that works), and
retries transient faults (timeouts, connection errors, 408/429/5xx) with exponential backoff and
jitter, honouring ``Retry-After``, within a total time cap. tenacity is the only retry layer: the chat
model's own retries are off (``max_retries=0``). Anything else raises ``LLMError`` with a one-line
message. The API key is read from the environment (for ``openai`` at each request) and never logged,
stored or put in a message.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import openai
from langchain.chat_models import init_chat_model
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_openai import ChatOpenAI
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential,
    wait_random,
)

from extractor.extract.llm.faults import describe, is_transient, one_line, redact, rejects_format, retry_after

MODES: tuple[str, ...] = ("json_schema", "json_object", "text")
STRUCTURED: tuple[str, ...] = ("auto", *MODES)
NO_KEY = "not-needed"
#: The default provider: ``ChatOpenAI`` on the OpenAI-compatible endpoint at ``base_url``.
OPENAI = "openai"

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_PROVIDER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_BACKOFF = wait_exponential(multiplier=0.5, max=30.0) + wait_random(0, 0.5)
#: with_structured_output's method for each mode, for providers other than ``openai``.
_METHODS = {"json_schema": "json_schema", "json_object": "json_mode"}

Message = Mapping[str, str]


class LLMError(RuntimeError):
    """An LLM call failed for good; the message is one line and never holds the API key."""

    def __init__(self, message: str, status: int | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.status = status
        self.attempts = attempts


@dataclass(frozen=True)
class LLMConfig:
    """How to reach the model and how hard to try; invalid values raise ValueError at construction.

    ``base_url`` is required for the ``openai`` provider (any OpenAI-compatible endpoint); other
    providers take it if given ("" means the provider's own endpoint).
    """

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
    provider: str = OPENAI

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
    own_endpoint = provider_key(config.provider) != OPENAI and config.base_url == ""
    checks: list[tuple[bool, str]] = [
        (isinstance(config.provider, str) and bool(_PROVIDER_NAME.match(config.provider)),
         f"provider must be a LangChain provider name, got {config.provider!r}"),
        (own_endpoint or (_text(config.base_url) and config.base_url.startswith(("http://", "https://"))),
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


def provider_key(name: str) -> str:
    """Return a provider name as init_chat_model reads it: ``Google-GenAI`` → ``google_genai``."""
    return name.strip().replace("-", "_").lower() if isinstance(name, str) else ""


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
    """The server (or the provider's chat model) refused the response format of the current mode."""


class ChatClient:
    """A LangChain chat model that answers JSON; safe to share between threads.

    The chat model is built once: for ``openai`` a ChatOpenAI whose key is a function reading the
    environment at each request; another provider is loaded through ``init_chat_model`` (with the key
    when the variable is set), so that an unknown name or a missing integration package is a ValueError
    before any region is sent.
    """

    def __init__(self, config: LLMConfig, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self._sleep = sleep
        self._provider = provider_key(config.provider)
        self._http = openai.DefaultHttpxClient() if self._provider == OPENAI else None
        self._lock = threading.Lock()
        self._mode = "json_schema" if config.structured == "auto" else config.structured
        self._chat = self._openai_model() if self._provider == OPENAI else self._provider_model()

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
        if self._http is not None:
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
                message, text = self._call_with_retries(messages, mode, schema, name)
            except _FormatRejected:
                self._fall_back(mode)
                continue
            return _completion(message, text, time.monotonic() - start, mode)

    def _fall_back(self, rejected: str) -> None:
        """Move to the next mode after ``rejected`` (once, whichever thread sees it first)."""
        if self.config.structured != "auto" or rejected == MODES[-1]:
            raise LLMError(f"server rejects response_format {rejected!r} (structured={self.config.structured!r})",
                           status=400)
        with self._lock:
            if self._mode == rejected:
                self._mode = MODES[MODES.index(rejected) + 1]

    def _call_with_retries(self, messages: Sequence[Message], mode: str, schema: dict[str, Any],
                           name: str) -> tuple[BaseMessage, str]:
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
            return retrying(self._call_once, messages, mode, schema, name, attempts)
        except (_FormatRejected, LLMError):
            raise
        except Exception as exc:  # a transient fault, retried until a cap
            raise self._error(exc, attempts[0]) from None

    def _call_once(self, messages: Sequence[Message], mode: str, schema: dict[str, Any], name: str,
                   attempts: list[int]) -> tuple[BaseMessage, str]:
        """One request through the chat model."""
        attempts[0] += 1
        try:
            return self._invoke([dict(m) for m in messages], mode, schema, name)
        except _FormatRejected:
            raise
        except Exception as exc:  # the provider SDK's errors, whatever the provider
            if mode != "text" and rejects_format(exc):
                raise _FormatRejected() from None
            if is_transient(exc):
                raise
            raise self._error(exc, attempts[0]) from None

    def _invoke(self, messages: list[dict[str, str]], mode: str, schema: dict[str, Any],
                name: str) -> tuple[BaseMessage, str]:
        """Ask the chat model; return its message and the answer text."""
        if self._provider == OPENAI:
            message = self._chat.invoke(messages, extra_body=self._openai_body(mode, schema, name))
            return message, _text_of(message)
        if mode == "text":
            message = self._chat.invoke(messages)
            return message, _text_of(message)
        try:
            runnable = self._chat.with_structured_output({**schema, "title": name}, method=_METHODS[mode],
                                                         include_raw=True)
        except Exception:  # the provider's model has no such method, or cannot take this schema with it
            raise _FormatRejected() from None
        result: Any = runnable.invoke(messages)  # include_raw: {"raw": message, "parsed": …, "parsing_error": …}
        message = result["raw"]
        text = _text_of(message)  # the answer as the model wrote it: the checks parse and judge it
        if not text.strip() and isinstance(result.get("parsed"), dict | list):  # answered by a tool call
            text = json.dumps(result["parsed"], ensure_ascii=False)
        return message, text

    def _openai_body(self, mode: str, schema: dict[str, Any], name: str) -> dict[str, Any]:
        """The request fields ChatOpenAI sends as given: ``response_format`` and ``max_tokens``.

        They travel in ``extra_body``, byte for byte as the server reads them: a top-level
        ``response_format`` makes LangChain call the SDK's ``parse``, which raises on an answer cut at
        ``max_tokens`` (the repair loop feeds such answers back) and knows only OpenAI's forms (llama.cpp
        takes ``json_object`` with a ``schema``); ChatOpenAI renames ``max_tokens`` to
        ``max_completion_tokens``, which llama.cpp, Ollama and others ignore.
        """
        body: dict[str, Any] = {"max_tokens": self.config.max_tokens}
        fmt = response_format(mode, schema, name)
        if fmt:
            body["response_format"] = fmt
        return body

    def _openai_model(self) -> BaseChatModel:
        """ChatOpenAI on the OpenAI-compatible endpoint at ``base_url``; its own retries off."""
        params: dict[str, Any] = {
            "model": self.config.model, "base_url": self.config.base_url, "api_key": self._read_key,
            "timeout": self.config.timeout, "max_retries": 0, "temperature": self.config.temperature,
            "http_client": self._http, "use_responses_api": False,
        }
        return ChatOpenAI(**params)

    def _read_key(self) -> str:
        """The API key, read from the environment at each request (a local server needs none)."""
        return os.environ.get(self.config.api_key_env) or NO_KEY

    def _provider_model(self) -> BaseChatModel:
        """The provider's chat model through ``init_chat_model``; raise ValueError (one line) if it cannot be
        loaded. The key is passed when the variable named by ``api_key_env`` is set; otherwise the
        integration reads its own (e.g. ``ANTHROPIC_API_KEY``)."""
        params: dict[str, Any] = {"model_provider": self._provider, "temperature": self.config.temperature,
                                  "max_tokens": self.config.max_tokens, "timeout": self.config.timeout,
                                  "max_retries": 0}
        key = os.environ.get(self.config.api_key_env)
        if key:
            params["api_key"] = key
        if self.config.base_url:
            params["base_url"] = self.config.base_url
        try:
            return init_chat_model(self.config.model, **params)
        except ImportError as exc:  # LangChain's message names the pip package
            raise ValueError(f"LLM provider {self.config.provider!r} needs its LangChain integration: "
                             f"{one_line(str(exc), 400)}") from None
        except Exception as exc:  # an unknown name (the message lists the known ones), a bad setting
            text = redact(one_line(str(exc), 800), key)
            raise ValueError(f"LLM provider {self.config.provider!r} cannot be used: {text}") from None

    def _wait(self, state: RetryCallState) -> float:
        """Retry-After when the server sends one, else exponential backoff with jitter; never past the cap."""
        exc = state.outcome.exception() if state.outcome else None
        delay = retry_after(exc)
        if delay is None:
            delay = _BACKOFF(state)
        remaining = self.config.total_time_cap - (state.seconds_since_start or 0.0)
        return max(0.0, min(delay, remaining))

    def _error(self, exc: BaseException, attempts: int) -> LLMError:
        """Turn a provider error into a one-line LLMError without the key."""
        status = getattr(exc, "status_code", None)
        text = describe(exc, self.config.timeout)
        if is_transient(exc):
            text = f"gave up after {attempts} attempt(s): {text}"
        return LLMError(redact(text, os.environ.get(self.config.api_key_env)),
                        status=status if isinstance(status, int) else None, attempts=attempts)


def response_format(mode: str, schema: dict[str, Any], name: str) -> dict[str, Any] | None:
    """Return the OpenAI-compatible response_format for a mode (None in text mode)."""
    if mode == "json_schema":
        return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": False}}
    if mode == "json_object":
        return {"type": "json_object", "schema": schema}
    return None


def _text_of(message: BaseMessage) -> str:
    """The answer text of a chat message (content given as a string or as content blocks)."""
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(block if isinstance(block, str) else str(block.get("text", ""))
                   for block in content if isinstance(block, str | dict))


def _completion(message: BaseMessage, text: str, latency_s: float, mode: str) -> Completion:
    """Read the token usage (LangChain's usage metadata) and the finish reason of an answer."""
    usage = getattr(message, "usage_metadata", None) or {}
    metadata = message.response_metadata or {}
    finish = metadata.get("finish_reason") or metadata.get("stop_reason")
    return Completion(
        text=text,
        tokens_in=int(usage.get("input_tokens", 0) or 0),
        tokens_out=int(usage.get("output_tokens", 0) or 0),
        latency_s=round(latency_s, 6),
        mode=mode,
        finish_reason=str(finish) if finish is not None else None,
    )
