#!/usr/bin/env python3
"""The schemas mean what amt's validator means in Python's jsonschema too.

Reads the cases tests/agreement.rs writes (AMT_AGREEMENT_CASES=DIR): each
procedure's schema, and every generated submission with amt's verdict. The
schema may never reject what amt accepts, and must reject what amt rejects
for a reason the schema claims to express (as the Rust test demands of the
`jsonschema` crate). Python's `re` lets `$` match before a final line break
and its dates have no year 0, which is where the schemas were not portable.
"""
import json
import pathlib
import sys

from jsonschema import Draft202012Validator, FormatChecker

root = pathlib.Path(sys.argv[1])
validators = {}
failures = []
count = 0
for line in (root / "cases.jsonl").read_text(encoding="utf-8").split("\n"):
    if not line:
        continue
    case = json.loads(line)
    pid = case["schema"]
    if pid not in validators:
        schema = json.loads((root / f"{pid}.schema.json").read_text())
        Draft202012Validator.check_schema(schema)
        validators[pid] = Draft202012Validator(schema, format_checker=FormatChecker())
    ok = validators[pid].is_valid(case["data"])
    count += 1
    if case["valid"] and not ok:
        errors = [e.message for e in validators[pid].iter_errors(case["data"])][:3]
        failures.append(f"{pid}: amt accepts, Python's jsonschema rejects: {errors}\n{json.dumps(case['data'])[:400]}")
    elif case["claimed"] and ok:
        failures.append(f"{pid}: amt rejects for a reason the schema claims, Python's jsonschema accepts\n{json.dumps(case['data'])[:400]}")
for f in failures[:5]:
    print(f)
print(f"python jsonschema: {count} submissions compared with amt's validator, {len(failures)} disagreements")
sys.exit(1 if failures or count == 0 else 0)
