"""The QR code's mask is chosen as ReportLab chooses it, so the code drawn is the same."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.graphics.barcode import qrencoder

from desktop.export.pdf import qr_mask

CODE_CHARS = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
codes = st.lists(st.text(CODE_CHARS, min_size=4, max_size=4), min_size=3, max_size=3).map("-".join)
# Longer text of the same characters reaches larger versions (more modules, more patterns).
texts = codes | st.text(CODE_CHARS + "-", min_size=1, max_size=200)


def _qr(text: str):
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    qr.addData(text)
    return qr


@settings(max_examples=60, deadline=None)
@given(texts)
def test_each_mask_scores_as_reportlab_scores_it(text):
    qr = _qr(text)
    qr.version = qr.calculate_version()
    for mask in range(8):
        qr.makeImpl(True, mask)
        assert qr_mask.lost_points(qr.modules) == qrencoder.QRUtil.getLostPoint(qr)


@settings(max_examples=30, deadline=None)
@given(texts)
def test_the_code_laid_out_is_reportlabs(text):
    theirs, ours = _qr(text), _qr(text)
    theirs.make()
    qr_mask.make(ours)
    assert ours.modules == theirs.modules


@settings(max_examples=60, deadline=None)
@given(texts)
def test_the_trials_from_one_layout_are_reportlabs_eight_layouts(text):
    ours, theirs = _qr(text), _qr(text)
    ours.version = theirs.version = ours.calculate_version()
    trials = qr_mask.trial_rows(ours)
    for mask in range(8):
        theirs.makeImpl(True, mask)
        assert trials[mask] == qr_mask.module_rows(theirs.modules), mask
