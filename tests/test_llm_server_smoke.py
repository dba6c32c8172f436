"""The real LLM server the tests use answers like OpenAI: it lists its model and follows a JSON Schema."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import openai
import pytest
from openai import OpenAI
from openai.types.chat import ChatCompletionMessageParam

from tests.llm_server import MODEL_ALIAS

pytestmark = pytest.mark.slow

OK_SCHEMA: dict[str, Any] = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
QUESTION: list[ChatCompletionMessageParam] = [
    {"role": "user", "content": 'Is 2 + 2 = 4? Answer as JSON like {"ok": true}.'}
]
# llama-cpp-python's form; the OpenAI SDK's types know only OpenAI's json_schema form.
JSON_OBJECT_WITH_SCHEMA: Any = {"type": "json_object", "schema": OK_SCHEMA}


def _client(base_url: str) -> OpenAI:
    return OpenAI(base_url=base_url, api_key="not-needed", timeout=120, max_retries=0)


def test_models_lists_the_served_model(llm_server: str) -> None:
    ids = [model.id for model in _client(llm_server).models.list()]
    assert MODEL_ALIAS in ids


def test_chat_completion_follows_a_json_object_schema_response_format(llm_server: str) -> None:
    response = _client(llm_server).chat.completions.create(
        model=MODEL_ALIAS, messages=QUESTION, temperature=0, max_tokens=32, response_format=JSON_OBJECT_WITH_SCHEMA
    )
    content = response.choices[0].message.content
    assert content is not None
    jsonschema.validate(json.loads(content), OK_SCHEMA)


def test_openai_json_schema_response_format_is_refused_by_this_server_version(llm_server: str) -> None:
    """llama-cpp-python 0.3.36 knows only "text" and "json_object"; when this starts to pass, clients may
    switch to OpenAI's own form."""
    with pytest.raises(openai.APIStatusError, match="json_object"):
        _client(llm_server).chat.completions.create(
            model=MODEL_ALIAS, messages=QUESTION, max_tokens=8,
            response_format={"type": "json_schema", "json_schema": {"name": "ok", "schema": OK_SCHEMA}},
        )
