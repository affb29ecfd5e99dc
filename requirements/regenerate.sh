#!/usr/bin/env bash
# Regenerate the transitive locks from the direct pins in pyproject.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3.11}"
tmp="$(mktemp -d)"
"$PY" -m venv "$tmp/base" && "$tmp/base/bin/pip" install -q -e . >/dev/null
{ echo "# Runtime lock (transitive). Regenerate with requirements/regenerate.sh"; \
  "$tmp/base/bin/pip" freeze --exclude-editable | grep -v '^-e '; } > requirements/base.txt
"$PY" -m venv "$tmp/dev" && "$tmp/dev/bin/pip" install -q -e '.[dev]' >/dev/null
{ echo "# Development and test lock (transitive). Regenerate with requirements/regenerate.sh"; \
  echo "-r base.txt"; \
  "$tmp/dev/bin/pip" freeze --exclude-editable | grep -v '^-e ' | grep -vxFf <(grep -v '^#' requirements/base.txt); } > requirements/dev.txt
rm -rf "$tmp"
