"""Every model's Design table names its variance estimator and where its df
come from: Taylor linearisation (df = PSUs - strata) or the replicate
jackknife (JKn, its replicates counted, df = the rank of the replicate
weights - 1, R's degf). The counts and ranks are computed here from the
data, R's jknweights written out by hand."""

import warnings

import numpy as np
import pandas as pd
import pytest

from sklearn_innov import CobbDouglasRegressor, StepwiseLogit


def _sample(n_per_psu=4, seed=0):
    """Three strata of 3, 4 and 5 PSUs; positive X and y, a 0/1 target."""
    rng = np.random.default_rng(seed)
    strata = np.repeat([1, 2, 3], [3 * n_per_psu, 4 * n_per_psu, 5 * n_per_psu])
    psu = np.repeat(np.arange(12), n_per_psu)
    n = psu.size
    X = pd.DataFrame(
        {"a": rng.uniform(1, 3, n), "b": rng.uniform(1, 3, n)},
    )
    y = np.exp(0.4 * np.log(X["a"]) + 0.3 * np.log(X["b"]) + rng.normal(0, 0.3, n))
    event = (rng.uniform(size=n) < 0.5).astype(int)
    weights = rng.uniform(1, 4, n)
    return X, y, event, weights, strata, psu


def _jkn_weights(weights, strata, psu):
    """R's jknweights: one column per PSU, it at 0, its stratum's other PSUs
    times n_h / (n_h - 1), the other strata unchanged."""
    columns = []
    for h in np.unique(strata):
        labels = np.unique(psu[strata == h])
        for label in labels:
            factor = np.ones(weights.size)
            factor[strata == h] = labels.size / (labels.size - 1)
            factor[psu == label] = 0.0
            columns.append(weights * factor)
    return np.column_stack(columns)


def _design(model):
    summary = model.summary()
    block = next(b for b in summary.blocks if b.name == "design")
    return block.content["value"]


@pytest.mark.parametrize("variance", ["linearization", "jackknife"])
def test_each_models_design_table_names_its_variance_and_df(variance):
    X, y, event, weights, strata, psu = _sample()
    fit = {"sample_weight": weights, "strata": strata, "cluster": psu}
    cd = CobbDouglasRegressor(cov_type="survey", survey_variance=variance)
    cd.fit(X, y, **fit)
    logit = StepwiseLogit(cov_type="survey", survey_variance=variance, p_remove=1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logit.fit(X, event, **fit)
    n_psus, n_strata = np.unique(psu).size, np.unique(strata).size
    replicate_weights = _jkn_weights(weights, strata, psu)
    rank_df = np.linalg.matrix_rank(replicate_weights) - 1
    # every PSU present: R's degf is PSUs - strata for both estimators
    assert rank_df == n_psus - n_strata
    for model, tests, n_params in (
        (cd, "t and F", 3),
        (logit, "the Wald F tests", 3),
    ):
        table = _design(model)
        if variance == "jackknife":
            assert table["Variance"] == (
                f"jackknife (JKn), {replicate_weights.shape[1]} replicates"
            )
            assert table["Design df (rank of the replicate weights - 1)"] == rank_df
            assert "Design df (PSUs - strata)" not in table.index
        else:
            assert table["Variance"] == "Taylor linearisation"
            assert table["Design df (PSUs - strata)"] == n_psus - n_strata
            assert "Design df (rank of the replicate weights - 1)" not in table.index
        assert table[f"df of {tests} (design df + 1 - parameters)"] == (
            n_psus - n_strata + 1 - n_params
        )
        assert table["PSUs"] == n_psus and table["Strata"] == n_strata


def test_the_jackknife_df_is_the_rank_when_a_psu_has_no_row():
    """A domain that leaves a PSU of each stratum without a positive weight:
    R's degf is the rank of the replicate weights - 1, no longer PSUs -
    strata."""
    X, y, _, weights, strata, psu = _sample()
    weights = np.where(np.isin(psu, [0, 3, 7]), 0.0, weights)  # outside
    cd = CobbDouglasRegressor(cov_type="survey", survey_variance="jackknife")
    cd.fit(X, y, sample_weight=weights, strata=strata, cluster=psu)
    replicate_weights = _jkn_weights(weights, strata, psu)
    rank_df = np.linalg.matrix_rank(replicate_weights) - 1
    assert rank_df == 8 != 12 - 3
    table = _design(cd)
    assert table["Design df (rank of the replicate weights - 1)"] == rank_df
    assert table["df of t and F (design df + 1 - parameters)"] == rank_df + 1 - 3
