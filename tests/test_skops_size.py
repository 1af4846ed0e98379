"""A skops file of a fitted pipeline is of the order of joblib's.

skops writes a JSON schema with one indented node per Python object (every
string, every dict key), so an uncompressed file is 10 to 25 times the
pickle of the same model; none of it is a large fitted attribute. ZIP
compression, which ``skops.io.dump(..., compression=zipfile.ZIP_DEFLATED)``
takes and the persistence page shows, brings it under twice joblib's file.
The round trip must predict exactly as the model saved.
"""

import io
import zipfile

import joblib
import numpy as np
import pytest
from sklearn.pipeline import make_pipeline

from sklearn_innov import CompositeIndex, StepwiseLogit
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.model_selection import benchmark_models

sio = pytest.importorskip("skops.io")

MECHANISMS = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
ITEMS = [item for items in MECHANISMS.values() for item in items]
# skops' deflated file against joblib's (uncompressed, its default)
BOUND = 2.0


def pipelines():
    return {
        "paper": make_pipeline(CompositeIndex(spec=MECHANISMS), StepwiseLogit()),
        "grid search": benchmark_models(MECHANISMS, ITEMS)[
            "GridSearchCV(StepwiseLogit)"
        ],
    }


@pytest.mark.filterwarnings("ignore::sklearn_innov.exceptions.SklearnInnovWarning")
@pytest.mark.parametrize("name", ["paper", "grid search"])
def test_a_deflated_skops_file_is_under_twice_joblibs(name, tmp_path):
    survey = make_sme_survey(random_state=0)
    X, y = survey.frame[ITEMS], survey.target
    model = pipelines()[name].fit(X, y)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    path = tmp_path / "model.skops"
    sio.dump(model, path, compression=zipfile.ZIP_DEFLATED)
    ratio = path.stat().st_size / len(buffer.getvalue())
    assert ratio < BOUND, f"skops {path.stat().st_size} B, {ratio:.1f} x joblib's"
    loaded = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
