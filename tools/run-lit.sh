#!/usr/bin/env bash
# Runs lit on a build's test folder and ends with a "N passed, N failed" line.
set -uo pipefail
dir=$1
xml=$(mktemp --suffix=.xml)
trap 'rm -f "$xml"' EXIT
/usr/lib/llvm-22/bin/lit -v --xunit-xml-output "$xml" "$dir"
rc=$?
python3 - "$xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.iter("testcase")
passed = failed = skipped = 0
for c in cases:
    if c.find("failure") is not None or c.find("error") is not None:
        failed += 1
    elif c.find("skipped") is not None:
        skipped += 1
    else:
        passed += 1
print(f"lit: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $rc
