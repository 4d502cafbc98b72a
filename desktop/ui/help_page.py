"""The short 'How to use' page (F1) and the About text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from desktop.ui.widgets import fit_to_screen

HOW_TO_USE = """
<h1>How to use Decision Checklist</h1>
<p>Test a proposed decision against ten leadership principles, then print the assurance record
that the committee signs. Everything you type is saved as you go; there is no Save button.</p>
<h2>1. Start a decision</h2>
<p>Choose <b>New decision</b> (Ctrl+N). Fill in the decision details: what is proposed, why,
and the options considered. &ldquo;Do nothing&rdquo; is already listed as an option.</p>
<h2>2. Work through the ten principles</h2>
<p>The list on the left shows each principle and whether it is <i>Not started</i>,
<i>Incomplete</i> or <i>Completed</i>. Open any of them, in any order. On each page read the
guidance, choose a rating, say how the proposal meets the principle and what evidence backs it.
An Amber or Red rating needs at least one action with an owner and a due date.</p>
<p>Ratings are shown as a word and a shape: &#10003; Green, ! Amber, &#10005; Red,
&ndash; Not applicable.</p>
<h2>3. Check your answers</h2>
<p>The last page lists every principle and anything still missing; each item takes you to the
field to fix. When all ten are complete the decision is ready for sign-off.</p>
<h2>4. Export for committee</h2>
<p><b>File &#9656; Export PDF</b> (Ctrl+Shift+E) saves the assurance record for the committee papers;
<b>Preview PDF</b> (Ctrl+Shift+V) shows it first and <b>Print</b> (Ctrl+P) prints it. Every page
carries a verification code. To put several decisions in one document with a contents page,
select them in the register (Ctrl+click, or Ctrl+A for all) and choose
<b>File &#9656; Export committee pack</b>.</p>
<h2>5. Record the sign-offs</h2>
<p>After the meeting, open the decision and choose <b>Decision &#9656; Record sign-off</b> once for
each person who signed the paper copy: name, role, date and minute reference. From the first
sign-off the record cannot change; when every required role has signed it is locked for good.
A sign-off recorded by mistake can be removed before then
(<b>Decision &#9656; Remove a recorded sign-off</b>).</p>
<h2>6. Change a signed-off decision</h2>
<p><b>Decision &#9656; Amend</b> starts a new version with your reason; the signed version is kept
exactly as it was. <b>Decision &#9656; History</b> shows every change, who made it and when, and
what changed since the previous version.</p>
<h2>Checking a printed copy</h2>
<p>Anyone can check a printed or emailed copy against the register: run
<code>decision-checklist verify CODE</code> with the code from its footer, or
<code>decision-checklist verify FILE.pdf</code>.</p>
<h2>Backups</h2>
<p>A backup is made when you first start the app each day and before every upgrade.
<b>File &#9656; Back up now</b> makes one at any time; <b>File &#9656; Restore from a backup</b>
shows a backup's register before you restore it (the current file is backed up first).</p>
<h2>Dates</h2>
<p>Type dates as you would write them, day first: 31/03/2027, 31 March 2027 or 2027-03-31.</p>
<h2>Keyboard</h2>
<table cellpadding="4">
<tr><td><b>Ctrl+N</b></td><td>New decision</td></tr>
<tr><td><b>Ctrl+F</b></td><td>Search the register</td></tr>
<tr><td><b>Ctrl+Shift+A</b></td><td>Open actions across all decisions, overdue first (Enter opens one)</td></tr>
<tr><td><b>Ctrl+PgDown / Ctrl+PgUp</b></td><td>Next / previous page of a decision</td></tr>
<tr><td><b>Tab / Shift+Tab</b></td><td>Move between fields</td></tr>
<tr><td><b>Arrow keys</b></td><td>Choose a rating (each arrow selects the next one)</td></tr>
<tr><td><b>Ctrl+Z / Ctrl+Shift+Z</b></td><td>Undo / redo typing</td></tr>
<tr><td><b>Enter / Space</b></td><td>Press the button or link that has the yellow focus; in the register, open the selected decision</td></tr>
<tr><td><b>Ctrl+Shift+E</b></td><td>Export the PDF assurance record</td></tr>
<tr><td><b>Ctrl+Shift+V</b></td><td>Preview the PDF</td></tr>
<tr><td><b>Ctrl+P</b></td><td>Print the PDF</td></tr>
<tr><td><b>Ctrl+Shift+L</b></td><td>Checklists: copy one, edit it and save it as a new version; import and export</td></tr>
<tr><td><b>Alt+Up / Alt+Down</b></td><td>In the checklist editor, move the selected section, question or role (F2 edits a question or role)</td></tr>
<tr><td><b>Ctrl+S / Ctrl+Alt+Z</b></td><td>In the checklist editor, save as a new version / undo the last change to a list</td></tr>
<tr><td><b>Alt+Home</b></td><td>Back to all decisions</td></tr>
<tr><td><b>Esc / Alt+Left</b></td><td>Back: the previous page of a decision, then all decisions</td></tr>
<tr><td><b>F1</b></td><td>This page</td></tr>
<tr><td><b>Ctrl+Q</b></td><td>Quit (your work is already saved)</td></tr>
</table>
"""


def about_text(version: str, db_path: str) -> str:
    return (
        f"<h2>Decision Checklist {version}</h2>"
        "<p>Tests public-sector decisions against ten leadership principles drawn from "
        "John Tizard, &ldquo;Challenging the value of traditional outsourcing&rdquo; (2013), "
        "and produces the PDF assurance record that committees sign.</p>"
        f"<p>Database: {_escape(db_path)}</p>"
        "<p>Works offline; your records stay on this computer.</p>"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class HelpDialog(QDialog):
    """A non-modal window with the 'How to use' page."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("How to use Decision Checklist")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(self)
        browser = QTextBrowser()
        browser.setAccessibleName("How to use")
        browser.setHtml(HOW_TO_USE)
        browser.setOpenExternalLinks(False)
        layout.addWidget(browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 640, parent)
