"""In-app PDF preview (QtPdf, from the PySide6-Pdf wheel) and printing through the system dialog."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop.ui.widgets import fit_to_screen


def load_document(pdf: bytes, parent=None):
    """A QPdfDocument over the bytes (the buffer is parented to the document to keep it alive)."""
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument(parent)
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return document


def print_document(document, printer) -> int:
    """Draw every page of the document onto the printer; returns the number of pages printed."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        count = document.pageCount()
        for page in range(count):
            if page:
                printer.newPage()
            target = printer.pageLayout().paintRectPixels(printer.resolution())
            points = document.pagePointSize(page)
            scale = min(target.width() / points.width(), target.height() / points.height())
            # Rasterise at no more than 300 dpi (plenty for text on paper), then scale to fit.
            dpi_scale = min(scale, 300 / 72)
            image = document.render(page, QSize(int(points.width() * dpi_scale),
                                                int(points.height() * dpi_scale)))
            painter.drawImage(QRectF(0, 0, points.width() * scale, points.height() * scale),
                              image)
        return count
    finally:
        painter.end()


class PdfPreviewDialog(QDialog):
    """Shows a rendered PDF, page after page, with Print and Save buttons."""

    print_requested = Signal()
    save_requested = Signal()

    def __init__(self, pdf: bytes, title: str, warnings: tuple[str, ...] = (),
                 parent: QWidget | None = None) -> None:
        from PySide6.QtPdfWidgets import QPdfView

        super().__init__(parent)
        self.setWindowTitle(f"Preview — {title}")
        fit_to_screen(self, 900, 1000, parent)
        self.pdf = pdf
        self.document = load_document(pdf, self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setAccessibleName("PDF preview")
        layout = QVBoxLayout(self)
        if warnings:
            note = QLabel("Some characters cannot be printed with the shipped font and appear "
                          "as [U+XXXX] placeholders:\n" + "\n".join(warnings))
            note.setWordWrap(True)
            note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(note)
        layout.addWidget(self.view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.print_button = buttons.addButton("Print…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button = buttons.addButton("Save PDF…", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(self.print_requested)
        self.save_button.clicked.connect(self.save_requested)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def page_count(self) -> int:
        return self.document.pageCount()
