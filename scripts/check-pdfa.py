#!/usr/bin/env python3
"""Check PDF reports as PDF/A (issue 13, decision 0044).

Usage: check-pdfa.py [--profile 2b|3b] FILE.pdf...

For each file, three independent checks:
  1. page-validation (PyPI `page-validation`, module `page`): `validate_pdf(file, profile=...)`;
     every failure is reported, except those of ALLOWED below (a known false positive).
  2. `qpdf --check`: the file's structure (cross-reference table, streams) is sound.
  3. The XMP metadata declares the profile: `<pdfaid:part>` and `<pdfaid:conformance>`.

Exit 0 when every file passes; 1 with each problem on stderr; 2 when page-validation or qpdf
is missing (scripts/setup-system.sh installs them into .venv-tools/ and from Debian).
"""

import re
import shutil
import subprocess
import sys

# Failures page-validation reports that are not PDF/A violations, each with the reason. Typst
# embeds the Noto CJK fonts as CFF-based CIDFonts (CIDFontType0); page-validation compares the
# /W widths with the CFF charstrings' widths and misreads the CFF CID font's default and nominal
# widths, so it flags glyph widths that agree (qpdf and veraPDF accept the same files). A failure
# is allowed only when its rule id contains a listed rule AND its message is about widths: any
# other failure of the rule still fails, and an allowed one is printed, never hidden.
ALLOWED = {
    # ISO 19005-2 6.2.11.5: glyph widths in the font dictionary and the font program agree.
    "GLYPH-WIDTH": "CFF CID font widths: page-validation misreads the CFF default width (known false positive)",
}


def allowed(failure) -> bool:
    rule = str(failure.rule_id)
    return any(r in rule for r in ALLOWED) and "width" in str(failure.message).lower()


def stream_lengths_exact(raw: bytes) -> tuple[bool, int]:
    """Whether every stream's /Length (a direct number) ends its data exactly where the EOL
    before `endstream` begins, and how many streams' data end with a CR byte.

    page-validation reports STREAM-LENGTH-001 for a stream whose (deflated) data happen to end
    with CR (0Dh): followed by the LF that Typst writes before `endstream`, the two bytes read as
    one CRLF end-of-line, one byte short of /Length. About one report in twenty has such a
    stream (the lock time in the document changes the deflated bytes). The failure is allowed only
    when this independent reading finds every length exact and at least one such stream.
    """
    exact, cr_ending, seen = True, 0, 0
    for m in re.finditer(rb"/Length (\d+)(?! \d+ R)[^>]*>>\s*stream(\r\n|\n)", raw):
        seen += 1
        start = m.end()
        end = start + int(m.group(1))
        if not (raw.startswith(b"\nendstream", end) or raw.startswith(b"\r\nendstream", end)):
            exact = False
        elif raw[end - 1 : end] == b"\r":
            cr_ending += 1
    if re.search(rb"/Length \d+ \d+ R", raw) or seen != raw.count(b"endstream"):
        exact = False  # a length not read here (indirect, or a stream missed): nothing is allowed
    return exact, cr_ending


def check(path: str, profile: str, page) -> list[str]:
    problems = []
    report = page.validate_pdf(path, profile=profile)
    with open(path, "rb") as f:
        raw_bytes = f.read()
    lengths_exact, cr_ending = stream_lengths_exact(raw_bytes)
    for f in report.failures:
        if allowed(f):
            print(f"{path}: allowed: {f.rule_id}: {f.message}", file=sys.stderr)
            continue
        if "STREAM-LENGTH" in str(f.rule_id) and lengths_exact and cr_ending > 0:
            print(
                f"{path}: allowed: {f.rule_id}: {f.message} (every /Length checked exact; "
                f"{cr_ending} stream(s) whose data end with CR, read by page-validation as a CRLF end-of-line)",
                file=sys.stderr,
            )
            continue
        problems.append(f"page-validation {profile}: {f.rule_id}: {f.message}")
    if not report.failures and not report.is_compliant:
        problems.append(f"page-validation {profile}: not compliant (no failure listed)")
    qpdf = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
    if qpdf.returncode != 0:
        problems.append(f"qpdf --check: exit {qpdf.returncode}: {qpdf.stdout.strip()} {qpdf.stderr.strip()}")
    with open(path, "rb") as f:
        raw = f.read().decode("latin-1")
    part, conformance = profile[0], profile[1:].upper()
    if not re.search(rf"<pdfaid:part>\s*{part}\s*</pdfaid:part>", raw):
        problems.append(f"XMP: no <pdfaid:part>{part}</pdfaid:part>")
    if not re.search(rf"<pdfaid:conformance>\s*{conformance}\s*</pdfaid:conformance>", raw):
        problems.append(f"XMP: no <pdfaid:conformance>{conformance}</pdfaid:conformance>")
    return problems


def main(argv: list[str]) -> int:
    profile = "2b"
    files = []
    args = iter(argv)
    for a in args:
        if a == "--profile":
            profile = next(args, "")
        else:
            files.append(a)
    if profile not in ("2b", "3b") or not files:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import page  # page-validation
    except ImportError:
        print("check-pdfa: the Python package page-validation is missing (pip install page-validation)", file=sys.stderr)
        return 2
    if shutil.which("qpdf") is None:
        print("check-pdfa: qpdf is missing (Debian package qpdf)", file=sys.stderr)
        return 2
    failed = 0
    for path in files:
        problems = check(path, profile, page)
        if problems:
            failed += 1
            for p in problems:
                print(f"{path}: {p}", file=sys.stderr)
        else:
            print(f"{path}: PDF/A-{profile} ok (page-validation {page.__version__}, qpdf, XMP)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
