"""Draw the application icon: a white tick in a GOV.UK-blue square. Run once; outputs are committed.

    .venv/bin/python packaging/make_icon.py

Writes resources/icons/decision-checklist.{png,ico,icns}. Needs Pillow (not a runtime dependency).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (0x1D, 0x70, 0xB8, 255)  # GOV.UK link / primary-action blue
WHITE = (255, 255, 255, 255)
SIZE = 1024
OUT = Path(__file__).resolve().parent.parent / "resources" / "icons"


def draw(size: int = SIZE) -> Image.Image:
    """The icon at `size` px, drawn 4x larger and scaled down for smooth edges."""
    big = size * 4
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(img)
    margin = big // 16
    pen.rounded_rectangle(
        (margin, margin, big - margin, big - margin), radius=big // 10, fill=BLUE
    )
    # The tick: a short stroke down to the right, then a long stroke up to the right.
    points = [(0.27, 0.52), (0.43, 0.68), (0.74, 0.34)]
    width = big // 11
    xy = [(x * big, y * big) for x, y in points]
    pen.line(xy, fill=WHITE, width=width, joint="curve")
    r = width / 2
    for x, y in (xy[0], xy[-1]):  # round the two ends
        pen.ellipse((x - r, y - r, x + r, y + r), fill=WHITE)
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    icon = draw()
    icon.resize((256, 256), Image.LANCZOS).save(OUT / "decision-checklist.png")
    icon.save(
        OUT / "decision-checklist.ico",
        sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)],
    )
    icon.save(OUT / "decision-checklist.icns")
    for name in ("png", "ico", "icns"):
        path = OUT / f"decision-checklist.{name}"
        print(f"{path.relative_to(OUT.parent.parent)}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
