"""The LLM extractor: regions → record parts through a LangChain chat model, every answer checked.

``client`` is the only module that talks HTTP (ChatOpenAI on an OpenAI-compatible endpoint, or another
provider by name through ``init_chat_model``); ``faults`` reads what a failed call means; ``prompts``
loads the files in ``prompts/``; ``targets`` builds each region kind's answer schema from ``schemas/``;
``source`` quotes a region and reads its printed numbers; ``checks`` judges an answer; ``extract`` runs
the bounded repair loop and the cache.
"""

from extractor.extract.llm.client import ChatClient, Completion, LLMConfig, LLMError
from extractor.extract.llm.extract import (
    Cache,
    CallRecord,
    MemoryCache,
    RegionOutcome,
    cache_key,
    extract_region,
    extract_regions,
)
from extractor.extract.llm.prompts import PROMPT_VERSION, Prompt, load_prompt, render

__all__ = [
    "PROMPT_VERSION", "Cache", "CallRecord", "ChatClient", "Completion", "LLMConfig", "LLMError", "MemoryCache",
    "Prompt", "RegionOutcome", "cache_key", "extract_region", "extract_regions", "load_prompt", "render",
]
