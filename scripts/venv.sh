#!/usr/bin/env bash
# Creates .venv (Python 3.11 or newer) if it is missing and installs the project with its dev
# extras into it; the install is redone only when pyproject.toml changes (a stamp file in .venv
# holds its SHA-256). Used by scripts/test.sh, scripts/demo.sh and .ci/run.
#
# PYTHON=/path/to/python3.x   picks the interpreter for a new .venv.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
STAMP=$VENV/.confer-installed

is_supported_python() {
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in ${PYTHON:-} python3 python3.13 python3.12 python3.11; do
        if command -v "$candidate" >/dev/null 2>&1 && is_supported_python "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if [[ ! -x $VENV/bin/python ]] || ! is_supported_python "$VENV/bin/python"; then
    python=$(find_python) || {
        echo "venv.sh: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
        exit 1
    }
    echo "venv.sh: creating $VENV with $python ($("$python" --version 2>&1))" >&2
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
fi

want=$(sha256sum pyproject.toml | cut -d' ' -f1)
have=$(cat "$STAMP" 2>/dev/null || true)
if [[ $want != "$have" ]]; then
    echo "venv.sh: installing the project and its dev dependencies into $VENV" >&2
    rm -f "$STAMP"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[dev]'
    printf '%s\n' "$want" >"$STAMP"
fi
