#!/usr/bin/env python3
"""The FIT-Connect metadata amt writes for every example is valid against
the metadata schema 1.0.0 as FITKO ships it (PyPI `fitconnect` 0.4.2,
`fitconnect/schema/metadata.schema.v1.0.0.json`), and says the truth: its
hashes are those of the data and files written beside it, and its
attachment ids are unique within each submission.

Usage: fitconnect.py PACKAGE (the downloaded wheel or sdist) DIR (what
`amt fitconnect --examples DIR` wrote).
"""
import hashlib
import json
import pathlib
import sys
import tarfile
import zipfile

from jsonschema import Draft202012Validator, FormatChecker

package, root = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
NAME = "metadata.schema.v1.0.0.json"
if zipfile.is_zipfile(package):
    with zipfile.ZipFile(package) as z:
        member = next(n for n in z.namelist() if n.endswith(NAME))
        schema = json.loads(z.read(member))
else:
    with tarfile.open(package) as t:
        member = next(m for m in t.getmembers() if m.name.endswith(NAME))
        schema = json.load(t.extractfile(member))
assert schema["$id"] == "https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json", schema["$id"]
Draft202012Validator.check_schema(schema)
validator = Draft202012Validator(schema, format_checker=FormatChecker())


def sha512(path):
    return hashlib.sha512(path.read_bytes()).hexdigest()


failures = []
count = files = 0
for meta_path in sorted(root.glob("*/*/metadata.json")):
    count += 1
    folder = meta_path.parent
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    for e in validator.iter_errors(meta):
        failures.append(f"{folder}: {e.message} at {list(e.absolute_path)}")
    content = meta["contentStructure"]
    if content["data"]["hash"]["content"] != sha512(folder / "data.json"):
        failures.append(f"{folder}: the data hash is not that of data.json")
    written = sorted((folder / "files").glob("*")) if (folder / "files").exists() else []
    attachments = content["attachments"]
    if len(written) != len(attachments):
        failures.append(f"{folder}: {len(attachments)} attachments, {len(written)} files")
    ids = [a["attachmentId"] for a in attachments]
    if len(set(ids)) != len(ids):
        failures.append(f"{folder}: attachment ids repeat: {ids}")
    hashes = {sha512(f) for f in written}
    for a in attachments:
        files += 1
        if a["hash"]["content"] not in hashes:
            failures.append(f"{folder}: the hash of {a.get('filename')} is not that of a file written")
for f in failures[:10]:
    print(f)
print(f"fitconnect: {count} metadata documents valid against {NAME} ({files} attachments), {len(failures)} failures")
sys.exit(1 if failures or count == 0 else 0)
