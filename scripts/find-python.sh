#!/usr/bin/env bash
# Print the path of a Python >= 3.12, or nothing. Tries plain commands first, then pyenv versions
# (a pyenv shim fails until a version is chosen, so ask pyenv for the real executable).
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
for cand in python3.12 python3.13 python3; do
  if command -v "$cand" >/dev/null 2>&1 && ok "$cand"; then command -v "$cand"; exit 0; fi
done
if command -v pyenv >/dev/null 2>&1; then
  # Prefer 3.12 (the version the project is tested on), then newer ones.
  for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.12\.' | sort -rV) \
           $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[3-9])\.' | sort -V); do
    exe="$(pyenv root)/versions/$v/bin/python"
    if [ -x "$exe" ] && ok "$exe"; then echo "$exe"; exit 0; fi
  done
fi
exit 0
