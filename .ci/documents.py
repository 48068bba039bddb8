"""The PDFs of the documents the examples expect (`amt test --documents DIR
--pdf`): each is tagged (PDF/UA: headings, lists and tables a screen reader
follows), A4, declares the language of its file name, has a first-level
heading, and says what its HTML says.

Usage: python3 .ci/documents.py DIR  (needs poppler-utils: pdfinfo, pdftotext)
"""

import html
import pathlib
import re
import subprocess
import sys
import zlib


def languages(pdf: bytes) -> set:
    """The /Lang entries of the PDF, in its streams (object streams) too."""
    found = set(re.findall(rb"/Lang\s*\(([^)]*)\)", pdf))
    for m in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", m.end())
        try:
            found |= set(re.findall(rb"/Lang\s*\(([^)]*)\)", zlib.decompress(pdf[m.end():end])))
        except zlib.error:
            pass
    return {x.decode() for x in found}


def words(text: str) -> str:
    return " ".join(text.split())


def main(root: pathlib.Path) -> int:
    pdfs = sorted(root.rglob("*.pdf"))
    failures = []
    for pdf in pdfs:
        name = pdf.relative_to(root)
        lang = pdf.stem.rsplit(".", 1)[-1]
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        if not re.search(r"^Tagged:\s+yes", info, re.M):
            failures.append(f"{name}: not tagged")
        if "(A4)" not in info:
            failures.append(f"{name}: not A4: {info}")
        if lang not in languages(pdf.read_bytes()):
            failures.append(f"{name}: does not declare the language {lang}")
        struct = subprocess.run(["pdfinfo", "-struct", str(pdf)], capture_output=True, text=True, check=True).stdout
        if not re.search(r"^\s*H1\b", struct, re.M):
            failures.append(f"{name}: no first-level heading in its structure")
        text = words(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
        source = pdf.with_suffix(".html").read_text(encoding="utf-8")
        title = html.unescape(re.search(r"<h1>(.*?)</h1>", source).group(1))
        tenor = [html.unescape(t) for t in re.findall(r'<section class="tenor">.*?<li>(.*?)</li>', source, re.S)]
        for expected in [title, *tenor]:
            # A line break may fall anywhere; compare the words.
            if words(expected).replace(" ", "") not in text.replace(" ", ""):
                failures.append(f"{name}: does not say “{expected}”")
    for f in failures:
        print(f, file=sys.stderr)
    print(f"documents: {len(pdfs)} PDFs tagged, A4, in their language, with a heading and their text; {len(failures)} failures")
    return 0 if pdfs and not failures else 1


if __name__ == "__main__":
    sys.exit(main(pathlib.Path(sys.argv[1])))
