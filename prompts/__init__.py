"""The LLM prompt files, shipped inside the package as ``extractor.prompts`` (see pyproject.toml) and read
by ``extractor.extract.llm.prompts``; this file only makes the folder a package."""
