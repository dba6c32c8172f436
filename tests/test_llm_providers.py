"""``--llm-provider``: the model behind LangChain's chat-model interface, pluggable by name.

``openai`` (the default) is ChatOpenAI on the OpenAI-compatible endpoint (tests/test_llm_faults.py);
any other name goes through LangChain's ``init_chat_model``. Here: an unknown name and a provider
whose integration package is missing fail before anything is sent, with one line and exit code 2; a
provider loaded by name (``azure_openai``, whose integration ships in ``langchain-openai``) answers
through the same retries, structured output and format fallback, against the fake server.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.extract.llm import ChatClient, LLMConfig, LLMError, extract_region
from tests.test_llm_faults import GOOD_TABLE, KEY_ENV, SECRET, FakeLLM, Reply, answer, config
from tests.test_llm_prompts import SNIPPET, snippet_regions

runner = CliRunner()
OK_SCHEMA: dict[str, Any] = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
#: Providers init_chat_model knows, with the integration package each needs.
OPTIONAL = {"anthropic": "langchain-anthropic", "mistralai": "langchain-mistralai", "groq": "langchain-groq",
            "cohere": "langchain-cohere", "xai": "langchain-xai", "perplexity": "langchain-perplexity"}


def _missing_provider() -> tuple[str, str]:
    """Return a provider whose integration package is not installed here, and that package."""
    for provider, package in OPTIONAL.items():
        if importlib.util.find_spec(package.replace("-", "_")) is None:
            return provider, package
    pytest.skip(f"every one of {', '.join(OPTIONAL.values())} is installed")


def _convert_llm(tmp_path: Path, *options: str) -> Any:
    filing = tmp_path / "filing.txt"
    filing.write_text(SNIPPET, encoding="utf-8")
    return runner.invoke(app, ["convert", str(filing), "--db", str(tmp_path / "x.duckdb"), "--extractor", "llm",
                               "--llm-model", "some-model", "-q", *options])


def _error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.strip()]


def test_an_unknown_provider_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    result = _convert_llm(tmp_path, "--llm-provider", "no_such_provider")
    assert result.exit_code == 2, result.output
    lines = _error_lines(result.output)
    assert len(lines) == 1 and lines[0].startswith("error: LLM provider 'no_such_provider' cannot be used")
    assert "anthropic" in lines[0] and "openai" in lines[0]  # LangChain's list of the providers it knows
    assert "Traceback" not in result.output


def test_a_provider_without_its_integration_package_names_the_pip_package(tmp_path: Path) -> None:
    provider, package = _missing_provider()
    result = _convert_llm(tmp_path, "--llm-provider", provider)  # no --llm-base-url: the provider has its own
    assert result.exit_code == 2, result.output
    lines = _error_lines(result.output)
    assert len(lines) == 1 and f"pip install {package}" in lines[0]
    assert lines[0].startswith(f"error: LLM provider '{provider}' needs its LangChain integration")
    with pytest.raises(ValueError, match=f"pip install {package}"):
        ChatClient(LLMConfig("", "some-model", provider=provider))


def test_the_openai_provider_still_needs_the_endpoint(tmp_path: Path) -> None:
    result = _convert_llm(tmp_path)
    assert result.exit_code == 2 and "needs --llm-base-url" in result.output


def test_llm_config_checks_the_provider() -> None:
    assert LLMConfig("", "m", provider="anthropic").base_url == ""  # the provider's own endpoint
    with pytest.raises(ValueError, match="base_url must be an http"):
        LLMConfig("", "m")  # openai: the endpoint is what it talks to
    with pytest.raises(ValueError, match="provider must be a LangChain provider name"):
        LLMConfig("http://x/v1", "m", provider="no provider")
    assert LLMConfig("", "m", provider="Google-GenAI").provider == "Google-GenAI"  # read as google_genai


# --- a provider loaded by name, against the fake server ------------------------------------------------------


@pytest.fixture
def azure(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Build ``azure_openai`` clients (init_chat_model → AzureChatOpenAI) on a fake server."""
    monkeypatch.setenv(KEY_ENV, SECRET)
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    sleeps: list[float] = []

    def build(fake: FakeLLM, **overrides: Any) -> ChatClient:
        monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", fake.url.removesuffix("/v1"))
        client = ChatClient(config(fake, provider="azure_openai", base_url="", **overrides), sleep=sleeps.append)
        client.sleeps = sleeps  # type: ignore[attr-defined]
        return client

    return build


def test_a_provider_by_name_answers_with_the_schema_and_retries(azure) -> None:
    script = [Reply(status=429, error="slow down", headers={"Retry-After": "2"}), Reply(answer(GOOD_TABLE))]
    with FakeLLM(script) as fake:
        client = azure(fake)
        outcome = extract_region(snippet_regions()["table"], client)
    assert len(fake.requests) == 2 and client.sleeps == [2.0]
    sent = fake.requests[1]
    assert sent["response_format"]["type"] == "json_schema"
    assert sent["response_format"]["json_schema"]["name"] == "table_expenditure_summary"
    assert sent["response_format"]["json_schema"]["schema"]["properties"]["rows"]
    assert outcome.status == "ok" and outcome.part["rows"][0]["values"]["total"] == 100.0
    assert (outcome.calls[0].tokens_in, outcome.calls[0].tokens_out) == (11, 7)


def test_a_provider_by_name_falls_back_to_json_mode_then_text(azure) -> None:
    script = [Reply(status=400, error="response_format json_schema is not supported"),
              Reply(status=400, error="response_format json_object is not supported"),
              Reply('Here: {"ok": true}', finish_reason="length")]
    with FakeLLM(script) as fake:
        client = azure(fake)
        first = client.complete_json([{"role": "user", "content": "hi"}], OK_SCHEMA, "x")
    assert [body.get("response_format", {}).get("type") for body in fake.requests] == [
        "json_schema", "json_object", None]
    assert client.mode == "text" and first.text == 'Here: {"ok": true}' and first.finish_reason == "length"


def test_a_provider_by_name_gives_the_unparsed_answer_to_the_repair_loop(azure) -> None:
    broken = answer(GOOD_TABLE)[:-2]
    with FakeLLM([Reply(broken), Reply(answer(GOOD_TABLE))]) as fake:
        outcome = extract_region(snippet_regions()["table"], azure(fake))
    assert outcome.status == "ok" and outcome.attempts == 2
    assert fake.requests[1]["messages"][1]["content"] == broken
    assert "llm.malformed_json" in fake.requests[1]["messages"][2]["content"]


def test_a_provider_by_name_fails_in_one_line_without_the_key(azure) -> None:
    with FakeLLM([Reply(status=401, error=f"bad key {SECRET}")]) as fake:
        with pytest.raises(LLMError, match="^HTTP 401: ") as caught:
            azure(fake).complete_json([{"role": "user", "content": "hi"}], OK_SCHEMA, "x")
    assert SECRET not in str(caught.value) and "\n" not in str(caught.value)
    assert json.dumps(fake.requests[0]).count(SECRET) == 0  # the key goes in a header, never the body
