"""Disposition coding from opinion text: one opinion, a corpus, or a Spark job.

:func:`code_disposition` codes one opinion; :func:`code_dispositions` a folder, a file or a
DataFrame of opinions (in worker processes, streamed); :func:`validate_coding` measures the codes
against hand codes with the toolkit's agreement statistics; :mod:`toolkit.text.spark` runs the
same coding function on Apache Spark. The rules are data, in :mod:`toolkit.text.rules`.
"""

from __future__ import annotations

from toolkit.text.batch import CODED_COLUMNS, code_dispositions
from toolkit.text.coder import Disposition, Evidence, code_disposition, outcome_class
from toolkit.text.validate import NM_LABELS, CodingValidation, validate_coding

__all__ = [
    "CODED_COLUMNS",
    "NM_LABELS",
    "CodingValidation",
    "Disposition",
    "Evidence",
    "code_disposition",
    "code_dispositions",
    "outcome_class",
    "validate_coding",
]
