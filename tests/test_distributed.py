"""Grid search over index specs scales out unchanged under joblib's dask backend."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from test_cli import few_models  # noqa: F401  (a fixture)

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


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.usefixtures("few_models")
def test_benchmark_command_on_a_scheduler_gives_the_same_fold_scores(tmp_path):
    # `sklearn-innov benchmark --scheduler ADDRESS` runs the cross-validation
    # on the cluster; every fold's scores equal the serial run's.
    import pandas as pd

    from sklearn_innov.cli import main

    args = ["benchmark", "--repeats", "1", "--folds", "3", "--quiet", "--out"]
    assert main([*args, str(tmp_path / "serial"), "--n-jobs", "1"]) == 0
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        assert main([*args, str(tmp_path / "dask"), "--scheduler", address]) == 0
    serial = pd.read_csv(tmp_path / "serial" / "benchmark_folds.csv")
    parallel = pd.read_csv(tmp_path / "dask" / "benchmark_folds.csv")
    pd.testing.assert_frame_equal(parallel, serial)


def test_benchmark_command_names_a_scheduler_that_does_not_answer(capsys):
    from sklearn_innov.cli import main

    code = main(["benchmark", "--quiet", "--scheduler", "tcp://127.0.0.1:9"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--scheduler 'tcp://127.0.0.1:9'" in err and "dask scheduler" in err
