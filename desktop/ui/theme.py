"""The look: GOV.UK colours, one font family, focus highlight, and how ratings are drawn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from desktop.domain.decision import Rating

if TYPE_CHECKING:
    from PySide6.QtGui import QBrush, QPixmap

TEXT = "#0b0c0c"
SECONDARY = "#505a5f"
LINK = "#1d70b8"
GREEN = "#00703c"
RED = "#d4351c"
ORANGE = "#f47738"
# #f47738 on white is below 4.5:1 for text, so amber words use a darker orange;
# the shape and the word carry the meaning anyway.
AMBER_TEXT = "#8f4400"
BORDER = "#b1b4b6"
FOCUS = "#ffdd00"
# Radio buttons and tick boxes are large targets: at least 24 px high (WCAG 2.5.8), the box
# or circle itself 20 px.
TARGET = 24
INDICATOR = 20
LIGHT_GREY = "#f3f2f1"
# Disabled text: clearly lighter than secondary text (#505a5f, 7:1) yet legible (3.4:1 on
# white). Never the only cue: disabled menu items are also italic, and disabled buttons lose
# their raised edge for a dashed outline. Read-only inputs keep dark text on light grey.
DISABLED = "#858b8e"
BODY_PT = 11

RATING_COLOURS = {
    Rating.GREEN: GREEN,
    Rating.AMBER: ORANGE,
    Rating.RED: RED,
    Rating.NOT_APPLICABLE: SECONDARY,
}
RATING_TEXT_COLOURS = {**RATING_COLOURS, Rating.AMBER: AMBER_TEXT}


def rating_text(rating: Rating | None) -> str:
    """'✓ Green', '! Amber', '✕ Red', '– Not applicable', or 'Not rated'."""
    return f"{rating.symbol} {rating.label}" if rating else "Not rated"


def rating_colour(rating: Rating | None) -> QColor:
    return QColor(RATING_TEXT_COLOURS[rating] if rating else SECONDARY)


_ICONS: dict[Rating, QIcon] = {}


def rating_icon(rating: Rating | None) -> QIcon:
    """A filled shape with the rating's symbol in white: shape and symbol differ per rating.

    Drawn without naming PySide's `Qt` (its ~95 enums cost ~15 ms and 1.5 MiB, and the
    register's first paint draws these): QPainter.setPen, setBrush and QBrush(QColor) each
    resolve their overloads through it, so the shape is filled or stroked as a path with a
    brush or pen made without them, and the symbol, drawn in the default pen, is coloured in
    a layer of its own. The pixels are those of drawing it with NoPen, a brush and a pen."""
    if rating is None:
        return QIcon()
    if rating not in _ICONS:
        from PySide6.QtCore import QPointF, QRectF
        from PySide6.QtGui import QPainter, QPainterPath, QPen, QPolygonF

        size = 32
        pix = _clear_pixmap(size)
        p = QPainter(pix)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        shape = QPainterPath()
        rect = QRectF(2, 2, size - 4, size - 4)
        if rating == Rating.RED:
            shape.addRect(rect)
        elif rating == Rating.AMBER:
            shape.addPolygon(QPolygonF([QPointF(16, 1), QPointF(31, 30), QPointF(1, 30)]))
            shape.closeSubpath()
        else:
            shape.addEllipse(rect)
        if rating == Rating.NOT_APPLICABLE:  # an outline only
            pen = QPen()
            pen.setColor(QColor(SECONDARY))
            p.strokePath(shape, pen)
        else:
            p.fillPath(shape, _solid(RATING_COLOURS[rating]))
        font = QFont(app_font_family())
        font.setPixelSize(18 if rating != Rating.AMBER else 16)
        font.setBold(True)
        symbol = _clear_pixmap(size)
        s = QPainter(symbol)
        s.setRenderHint(QPainter.RenderHint.Antialiasing)
        s.setFont(font)
        text_rect = QRectF(0, 4, size, size - 4) if rating == Rating.AMBER else QRectF(0, 0, size, size)
        s.drawText(text_rect, _ALIGN_CENTER, rating.symbol)
        # The symbol's coverage, in its colour: white, or grey on the outline.
        s.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        whole = QPainterPath()
        whole.addRect(QRectF(0, 0, size, size))
        s.fillPath(whole, _solid("white" if rating != Rating.NOT_APPLICABLE else SECONDARY))
        s.end()
        p.drawPixmap(QPointF(0, 0), symbol)
        p.end()
        icon = QIcon()
        for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
            icon.addPixmap(pix, mode)  # no tinting on selected rows: the colour is meaning
        _ICONS[rating] = icon
    return _ICONS[rating]


_ALIGN_CENTER = 0x0004 | 0x0080  # Qt.AlignmentFlag.AlignHCenter | AlignVCenter, as an int


def _clear_pixmap(size: int) -> QPixmap:
    from PySide6.QtGui import QPixmap

    pix = QPixmap(size, size)
    pix.fill(QColor(0, 0, 0, 0))  # Qt.GlobalColor.transparent
    return pix


def _solid(colour: str) -> QBrush:
    """A solid brush of colour: a palette's window brush (see rating_icon)."""
    from PySide6.QtGui import QPalette

    return QPalette(QColor(colour), QColor(colour)).window()


_family: list[str] = []


def app_font_family() -> str:
    return _family[0] if _family else QApplication.font().family()


_OBLIQUE = "DejaVuSans-Oblique.ttf"
_oblique_loaded: list[bool] = []


def load_fonts(*, oblique: bool = True) -> str:
    """Register the shipped DejaVu Sans so every platform looks the same; returns the family.

    oblique=False leaves the oblique face for load_oblique_font(): the first frame shows no
    italic text (only disabled menu items are italic), and each face costs ~1.7 ms."""
    if _family:
        if oblique:
            load_oblique_font()
        return _family[0]
    from desktop import paths

    family = ""
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font_id = QFontDatabase.addApplicationFont(str(paths.resource("fonts", name)))
        if font_id >= 0 and not family:
            families = QFontDatabase.applicationFontFamilies(font_id)
            family = families[0] if families else ""
    _family.append(family or QApplication.font().family())
    if oblique:
        load_oblique_font()
    return _family[0]


def load_oblique_font() -> None:
    """The italic face of the shipped family (once)."""
    if _oblique_loaded:
        return
    from desktop import paths

    _oblique_loaded.append(True)
    QFontDatabase.addApplicationFont(str(paths.resource("fonts", _OBLIQUE)))


STYLE = f"""
QWidget {{ color: {TEXT}; }}
QMainWindow, QDialog, QScrollArea, QScrollArea > QWidget > QWidget#page {{ background: white; }}
QLabel[role="h1"] {{ font-size: 20pt; font-weight: bold; }}
QLabel[role="h2"] {{ font-size: 15pt; font-weight: bold; }}
QLabel[role="caption"] {{ color: {SECONDARY}; font-size: 12pt; }}
QLabel[role="hint"] {{ color: {SECONDARY}; }}
QLabel[role="error"] {{ color: {RED}; font-weight: bold; }}
QLabel[role="warning"] {{ color: {TEXT}; font-weight: bold; }}
QLabel#warningIcon {{ background: {TEXT}; color: white; border-radius: 16px; font-size: 16pt;
    font-weight: bold; }}
QLabel[role="label"] {{ font-weight: bold; }}
QLabel[role="quote"] {{ border-width: 0 0 0 8px; border-style: solid; border-color: {BORDER};
    padding: 4px 0 4px 16px; font-size: 13pt; }}
QFrame#banner {{ background: {LINK}; }}
QFrame#banner QLabel {{ color: white; font-weight: bold; }}
QFrame#problemBox {{ border: 4px solid {RED}; padding: 8px; }}
QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox {{ border: 2px solid {TEXT}; padding: 4px;
    background: white; }}
QLineEdit:read-only, QPlainTextEdit[readOnly="true"] {{ background: {LIGHT_GREY}; border-color: {BORDER}; }}
QLineEdit:focus, QPlainTextEdit:focus, QComboBox:focus, QAbstractSpinBox:focus {{
    border: 3px solid {TEXT}; }}
QLineEdit:disabled, QComboBox:disabled, QAbstractSpinBox:disabled {{ background: {LIGHT_GREY};
    border-color: {BORDER}; }}
QComboBox::drop-down, QDateEdit::drop-down {{ border: none; width: 24px; }}
QComboBox::down-arrow, QDateEdit::down-arrow {{ width: 12px; height: 8px; }}
QPushButton {{ background: {LIGHT_GREY}; border: none; border-bottom: 2px solid #929191;
    padding: 8px 16px; }}
QPushButton:hover {{ background: #dbdad9; }}
QPushButton[primary="true"] {{ background: {GREEN}; color: white; border-bottom: 2px solid #002d18;
    font-weight: bold; }}
QPushButton[primary="true"]:hover {{ background: #005a30; }}
QPushButton[primary="true"]:disabled {{ background: {LIGHT_GREY}; color: {DISABLED};
    font-weight: normal; border: 1px dashed {BORDER}; }}
QPushButton[link="true"] {{ background: transparent; border: none; color: {LINK};
    text-decoration: underline; padding: 2px 4px; text-align: left; }}
QPushButton:focus, QPushButton[primary="true"]:focus, QPushButton[link="true"]:focus,
QToolButton:focus {{ background: {FOCUS}; color: {TEXT}; border: none;
    border-bottom: 4px solid {TEXT}; outline: none; }}
QToolButton {{ padding: 6px 12px; border: 2px solid {BORDER}; background: white; }}
QToolButton:checked {{ background: {TEXT}; color: white; }}
QPushButton:disabled {{ color: {DISABLED}; border: 1px dashed {BORDER}; }}
QToolButton:disabled {{ color: {DISABLED}; border: 2px dashed {BORDER}; }}
QMenu {{ background: white; border: 1px solid {BORDER}; padding: 4px 0; }}
QMenu::item {{ padding: 6px 32px 6px 24px; }}
QMenu::item:selected {{ background: {LINK}; color: white; }}
QMenu::item:disabled {{ color: {DISABLED}; font-style: italic; background: transparent; }}
QMenu::separator {{ height: 1px; background: {BORDER}; margin: 4px 8px; }}
QMenuBar::item:disabled {{ color: {DISABLED}; }}
QToolButton::menu-indicator {{ image: none; width: 0; }}
QRadioButton, QCheckBox {{ padding: 4px; spacing: 8px; min-height: {TARGET}px; }}
QRadioButton::indicator, QCheckBox::indicator {{ width: {INDICATOR}px; height: {INDICATOR}px; }}
QRadioButton:focus, QCheckBox:focus {{ background: {FOCUS}; }}
QLabel[radioLabel="true"] {{ padding: 4px 4px 4px 0; min-height: {TARGET}px; }}
QRadioButton[inRow="true"]:focus {{ background: transparent; }}
QWidget[radioRow="true"][radioFocus="true"] {{ background: {FOCUS}; }}
QLabel[radioLabel="true"]:disabled {{ color: {DISABLED}; }}
QTableView, QListWidget {{ border: 1px solid {BORDER}; gridline-color: {BORDER};
    selection-background-color: #c6dbee; selection-color: {TEXT}; alternate-background-color: #f8f8f8; }}
QTableView:focus, QListWidget:focus {{ border: 3px solid {TEXT};
    selection-background-color: {FOCUS}; selection-color: {TEXT}; }}
QTableView::item:focus, QListWidget::item:focus {{ background: {FOCUS}; color: {TEXT}; }}
QHeaderView::section {{ background: white; border: none; border-bottom: 2px solid {TEXT};
    padding: 6px; font-weight: bold; }}
QStatusBar {{ border-top: 1px solid {BORDER}; }}
"""


def apply_theme(app: QApplication, *, set_style: bool = True, oblique: bool = True) -> None:
    """One family at >= 11 pt, GOV.UK colours, yellow focus, on the Fusion style (set_style=False:
    the application was started with `-style Fusion`; oblique=False: the window's start-up
    calls load_oblique_font() after the first paint)."""
    family = load_fonts(oblique=oblique)
    font = QFont(family)
    font.setPointSizeF(max(BODY_PT, app.font().pointSizeF()))
    app.setFont(font)
    if set_style:
        app.setStyle("Fusion")
    app.setStyleSheet(STYLE + arrow_style())


def arrow_style() -> str:
    """Drop-down arrows for combo boxes and date inputs (styling the box hides Fusion's own)."""
    from desktop import paths

    def url(name: str) -> str:
        return paths.resource("icons", name).as_posix()

    return (f"QComboBox::down-arrow, QDateEdit::down-arrow {{ image: url({url('down-arrow.svg')}); }}\n"
            "QComboBox::down-arrow:disabled, QDateEdit::down-arrow:disabled "
            f"{{ image: url({url('down-arrow-disabled.svg')}); }}\n")
