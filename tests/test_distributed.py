"""Grid search over index specs scales out unchanged under joblib's dask backend."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline

from sklearn_innov import CompositeIndex, StepwiseLogit
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey

distributed = pytest.importorskip("dask.distributed")


@pytest.mark.filterwarnings("ignore::sklearn_innov.exceptions.SeparationWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_dask_backend_gives_the_same_cv_results():
    import joblib

    survey = make_sme_survey(random_state=4)
    mechanisms = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
    without_x4 = {k: v for k, v in mechanisms.items() if k != "X4"}
    search = GridSearchCV(
        make_pipeline(CompositeIndex(), StepwiseLogit()),
        {
            "compositeindex__spec": [mechanisms, without_x4],
            "compositeindex__normalize": ["minmax", "zscore"],
        },
        cv=StratifiedKFold(5, shuffle=True, random_state=0),
        scoring="roc_auc",
    )
    serial = search.fit(survey.frame, survey.target).cv_results_
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
        joblib.parallel_backend("dask"),
    ):
        parallel = (
            search.set_params(n_jobs=-1).fit(survey.frame, survey.target).cv_results_
        )
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_allclose(parallel[key], serial[key])
    for key in range(5):
        np.testing.assert_allclose(
            parallel[f"split{key}_test_score"], serial[f"split{key}_test_score"]
        )
