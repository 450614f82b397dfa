#!/usr/bin/env bash
# The flow picture alone: `rasp draw` every example's main s-op to SVG, open each in headless
# Chromium, take a screenshot, and check the page rendered (a PNG of the page's size with more
# than one colour). Screenshots go to e2e/.out/svg/; the Dyck-2 one to docs/screenshots/.
# Usage: e2e/run-svg.sh PYTHON
set -euo pipefail
cd "$(dirname "$0")/.."
python="$1"
rasp="$(dirname "$python")/rasp"
out="e2e/.out/svg"
rm -rf "$out" && mkdir -p "$out"
profile="$(mktemp -d /tmp/rasp-svg.XXXX)"
trap 'rm -rf "$profile"' EXIT
pairs="reverse:reverse histogram:hist_bos double_histogram:hist2 sort:sorted_bos
most_frequent:most_freq dyck1:dyck1_ptf dyck2:dyck2_ptf dyck3:dyck3_ptf"
checked=0
for pair in $pairs; do
  file="${pair%%:*}"; name="${pair##*:}"
  timeout 60 "$rasp" draw "examples/$file.rasp" "$name" -o "$out/$file.svg" >/dev/null
  timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --window-size=1400,1600 --screenshot="$out/$file.png" \
    "file://$PWD/$out/$file.svg" >/dev/null 2>&1
  "$python" - "$out/$file.png" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
assert (width, height) == (1400, 1600), (width, height)
chunks, at = [], 8
while at < len(data):
    size = struct.unpack(">I", data[at:at + 4])[0]
    if data[at + 4:at + 8] == b"IDAT":
        chunks.append(data[at + 8:at + 8 + size])
    at += 12 + size
pixels = zlib.decompress(b"".join(chunks))
assert len(set(pixels[: width * 400])) > 8, "the page is blank"
PY
  checked=$((checked + 1))
done
mkdir -p docs/screenshots
cp "$out/dyck2.png" docs/screenshots/flow-svg-dyck2.png
echo "svg: $checked pictures rendered"
