# Shared by scripts/demo and scripts/test: make .venv with Python 3.11+ and install huanjie into it.
# Usage: source scripts/_venv.sh EXTRAS   (EXTRAS: "" or "test")
set -euo pipefail
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "huanjie needs Python 3.11 or newer (found: $("$PY" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
spec="."
[ -n "${1:-}" ] && spec=".[$1]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check --editable "$spec"
