"""The printed page as a committee reads it: the author's line breaks only, continued pages
that say what they continue, a sign-off block to write on, Red that survives black and white."""

from __future__ import annotations

import itertools
import random
import re
import subprocess

import pytest
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from desktop.application.bootstrap import load_shipped_checklist
from desktop.domain.decision import Action, Answer, Decision, Rating
from desktop.domain.record import code_for
from desktop.export.pdf import BODY_WIDTH, PrintRecord, render_record
from desktop.export.pdf.styles import REGULAR


@pytest.fixture(scope="module")
def checklist():
    return load_shipped_checklist()


def numbered_text(prefix: str, length: int, seed: int, breaks: int = 0) -> tuple[str, set[int]]:
    """Sentences of numbered words (t1 t2 ...), `breaks` of them ended by a typed line break;
    returns the text and the numbers of the words a typed break follows."""
    rng = random.Random(seed)
    words, ends, i = [], set(), 0
    while sum(len(w) + 1 for w in words) < length:
        i += 1
        word = f"{prefix}{i}"
        words.append(word + ("." if rng.random() < 0.12 else ""))
    for k in rng.sample(range(len(words) // 10, len(words) - 10), breaks):
        ends.add(k + 1)
    text = "".join(w + ("\n" if n in ends else " ") for n, w in enumerate(words, 1)).strip()
    return text, ends


def layout_text(pdf: bytes, tmp_path) -> str:
    """pdftotext -layout: the pages' text, each page ended by a form feed."""
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def layout_lines(pdf: bytes, tmp_path) -> list[str]:
    return layout_text(pdf, tmp_path).splitlines()


def runs_of(lines: list[str], prefix: str) -> list[list[list[str]]]:
    """The printed lines holding numbered words, in runs (a run restarts at word 1), a blank
    line between two of them kept as [] (not where other text, a page's foot, comes between)."""
    token = re.compile(rf"\b{prefix}(\d+)\.?")
    runs: list[list[list[str]]] = []
    between = False  # other text since the last numbered line
    for line in lines:
        words = [m.group(0) for m in token.finditer(line)]
        if not words:
            if runs and line.strip() == "" and not between:
                runs[-1].append([])
            elif runs and line.strip():
                between = True
                while runs[-1] and runs[-1][-1] == []:
                    runs[-1].pop()
            continue
        between = False
        if int(token.match(words[0]).group(1)) == 1:
            runs.append([])
        runs[-1].append(words)
    for run in runs:
        while run and run[-1] == []:
            run.pop()
    return runs


def assert_only_typed_breaks(run: list[list[str]], ends: set[int], width: float, size: float):
    """Every printed line but those the author ended is full: the next word would not fit."""
    lines = [x for x in run if x]
    number = re.compile(r"\d+")
    for line, following in itertools.pairwise(lines):
        last = int(number.search(line[-1]).group())
        if last in ends:
            continue
        longer = " ".join([*line, following[0]])
        assert stringWidth(longer, REGULAR, size) > width * 0.985, (
            f"a break the author did not type after {line[-1]}: {' '.join(line)[-60:]}")


def test_long_text_keeps_only_the_authors_line_breaks(checklist, tmp_path):
    body, body_ends = numbered_text("t", 10_000, 1, breaks=3)
    cell, cell_ends = numbered_text("c", 1_000, 2, breaks=1)
    d = Decision(id="00000000-0000-4000-8000-000000000000", title="Fidelity", proposal=body,
                 sections=checklist.slugs,
                 answers={"long-term": Answer(Rating.RED, "r", "", (
                     Action(cell, "Jo Bloggs", "2027-01-01"),))})
    lines = layout_lines(render_record(PrintRecord(d, checklist, code_for(d))).pdf, tmp_path)

    (paragraph,) = runs_of(lines, "t")
    assert [] not in paragraph  # one paragraph: no gap inside it
    words = [w for line in paragraph for w in line]
    assert len(words) == len(body.split())
    assert_only_typed_breaks(paragraph, body_ends, BODY_WIDTH, 10.5)

    in_principle, in_open_actions = runs_of(lines, "c")
    for run, column in ((in_principle, 88 * mm), (in_open_actions, 78 * mm)):
        assert [] not in run  # the pieces of a cell join without a gap
        assert sum(len(x) for x in run) == len(cell.split())
        assert_only_typed_breaks(run, cell_ends, column - 8, 9.5)


def page_lines(pdf: bytes, tmp_path) -> list[list[str]]:
    """Each page's non-blank lines (pdftotext -layout)."""
    return [[ln for ln in page.splitlines() if ln.strip()]
            for page in layout_text(pdf, tmp_path).split("\f") if page.strip()]


def long_record(checklist, actions: int = 2) -> Decision:
    answers = {}
    for p in checklist.principles:
        text, _ = numbered_text("w", 2500 + 300 * p.number, p.number)
        acts = tuple(Action(numbered_text("a", 700 + 100 * (i % 4), i)[0], f"Owner{p.number}x{i}",
                            "2027-01-01") for i in range(actions))
        answers[p.slug] = Answer(Rating.AMBER, text, text[: 1500 + 100 * p.number], acts)
    return Decision(id="00000000-0000-4000-8000-000000000000", title="Continued pages",
                    proposal=numbered_text("p", 4000, 99)[0], answers=answers,
                    sections=checklist.slugs)


def test_a_page_that_continues_a_principle_says_which(checklist, tmp_path):
    d = long_record(checklist)
    pages = page_lines(render_record(PrintRecord(d, checklist, code_for(d))).pdf, tmp_path)
    titles = {f"Principle {p.number} of 10": f"{p.number}. {p.title}"
              for p in checklist.principles}
    starts = re.compile(r"Principle \d+ of 10$|Summary of the ten principles$|Open actions$"
                        r"|Sign-off$|Decision assurance record")
    part, checked = "Proposal", 0
    for number, lines in enumerate(pages, start=1):
        body = lines[1:] if number > 1 else lines
        if number > 1 and not starts.match(body[0].strip()):
            assert lines[0].rstrip().endswith(f"{part}, continued"), (number, lines[:2])
            checked += 1
        else:
            assert "continued" not in lines[0], (number, lines[:2])
        for line in body:
            key = line.strip()
            if key in titles:
                part = titles[key]
            elif key in ("Open actions", "Reasons for the recommendation", "Options considered",
                         "Conflicts of interest and dispensations", "Decision timeline"):
                part = key
    assert checked >= 8


def test_an_action_row_split_across_pages_repeats_its_owner_and_due_date(checklist, tmp_path):
    d = long_record(checklist, actions=8)
    pages = page_lines(render_record(PrintRecord(d, checklist, code_for(d))).pdf, tmp_path)
    continued = 0
    for lines in pages:
        for i, line in enumerate(lines[:4]):
            if re.match(r"\s*(Principle\s+)?Action\s+Owner\s+Due", line):
                row = lines[i + 1]
                assert re.search(r"Owner\d+x\d+", row), row  # never blank owner/due cells
                assert re.search(r"January", row), row
                continued += "continued" in lines[i + 2] or "continued" in lines[i + 3]
    assert continued >= 1


def drawn(page) -> tuple[list[tuple[float, float, str]], list[tuple[float, float, float]]]:
    """A page's text (x, baseline y, text) and horizontal lines (x1, x2, y), in points."""
    texts: list[tuple[float, float, str]] = []
    lines: list[tuple[float, float, float]] = []
    start: list[tuple[float, float]] = []

    def apply(cm, x, y):
        return cm[0] * x + cm[2] * y + cm[4], cm[1] * x + cm[3] * y + cm[5]

    def operator(op, args, cm, tm):
        if op == b"m":
            start[:] = [apply(cm, float(args[0]), float(args[1]))]
        elif op == b"l" and start:
            (x1, y1), (x2, y2) = start[0], apply(cm, float(args[0]), float(args[1]))
            if abs(y1 - y2) < 0.01 and abs(x2 - x1) > 20:
                lines.append((min(x1, x2), max(x1, x2), y1))

    def text(value, cm, tm, font, size):
        if value.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            texts.append((x, y, value.strip()))

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return texts, lines


def test_the_sign_off_block_has_room_to_sign_with_a_pen(checklist):
    import io

    from pypdf import PdfReader

    from desktop.domain.decision import SignOff

    d = Decision(id="00000000-0000-4000-8000-000000000000", title="Sign here", sections=checklist.slugs,
                 sign_offs=(SignOff("Section 151 Officer", "Priya Shah", "2026-12-09", "M/42"),))
    pdf = render_record(PrintRecord(d, checklist, code_for(d))).pdf
    page = PdfReader(io.BytesIO(pdf)).pages[-1]
    texts, lines = drawn(page)
    everything = " ".join(t for _, _, t in texts)
    assert "Sign-off recorded for" not in everything
    roles = [r.name for r in checklist.sign_off_roles]
    captions = [(x, y, t) for x, y, t in texts if t.startswith("Signed on behalf of the")]
    assert sorted(t for _, _, t in captions) == sorted(f"Signed on behalf of the {r}"
                                                       for r in roles)
    for x, y, caption in captions:
        # The signature line just above the caption, and the nearest text above that line.
        line = min((ln for ln in lines if ln[2] > y and ln[0] - 1 <= x <= ln[1]),
                   key=lambda ln: ln[2] - y)
        above = min(ty for tx, ty, _ in texts if ty > line[2] and line[0] - 1 <= tx < line[1])
        clear = above - 3 - line[2]  # from the line to the descenders of the text above
        assert clear >= 15 * mm, (caption, clear / mm)
        for needed in ("Printed name", "Post held", "Date"):
            assert any(t == needed and -1 < y - ty < 20 * mm for _, ty, t in texts), needed
    assert "Priya Shah" in everything and "9 December 2026" in everything


def test_one_red_in_the_packs_summary_grid_stands_out_in_black_and_white(checklist, tmp_path):
    import io

    from PIL import Image
    from pypdf import PdfReader

    from desktop.export.pdf import render_pack
    from tests.helpers.shipped import SLUGS

    records = []
    for i in range(6):
        answers = {slug: Answer(Rating.GREEN, "ok", "", ()) for slug in SLUGS}
        if i == 2:
            answers["staff"] = Answer(Rating.RED, "no", "", ())
        d = Decision(id=f"00000000-0000-4000-8000-00000000000{i}", title=f"Decision {i}",
                     answers=answers, sections=checklist.slugs)
        records.append(PrintRecord(d, checklist, code_for(d)))
    pdf = render_pack(records).pdf
    page = PdfReader(io.BytesIO(pdf)).pages[2]
    texts, _ = drawn(page)
    assert any("Summary of decisions" in t for _, _, t in texts)
    (path := tmp_path / "pack.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-f", "3", "-l", "3", "-r", "72", "-gray", "-png", str(path),
                    str(tmp_path / "grid")], check=True)
    (png,) = tmp_path.glob("grid*.png")
    grey = Image.open(png).convert("L")
    height = grey.height

    def darkness(x: float, y: float) -> float:
        """How dark the cell around a symbol drawn at (x, y) is: 0 white, 255 black."""
        box = grey.crop((int(x - 6), int(height - y - 10), int(x + 12), int(height - y + 5)))
        histogram = box.histogram()  # 256 counts of grey levels
        return 255 - sum(i * n for i, n in enumerate(histogram)) / sum(histogram)

    red = [darkness(x, y) for x, y, t in texts if t == "✕"]
    green = [darkness(x, y) for x, y, t in texts if t == "✓"]
    assert red and len(green) >= 50
    assert min(red) > 120, red  # a dark cell, not a light grey cross
    assert min(red) > 3 * max(green), (red, max(green))
