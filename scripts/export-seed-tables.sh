#!/usr/bin/env bash
# Regenerates the decision-table twins of the seed rule sets (rules/*.xlsx) from rules/*.rules.
# test/rules/decision-table.spec.ts fails when a committed workbook no longer matches its text.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build >/dev/null
for file in rules/*.rules; do
  node bin/zhengzhi.js rules export-table "$file" --out "${file%.rules}.xlsx"
done
