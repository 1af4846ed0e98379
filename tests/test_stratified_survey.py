"""make_sme_survey(design=...): a stratified sample from a synthetic population."""

import pickle

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import special

from sklearn_innov import CompositeIndex
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.datasets._paper import METROS, SIZE_SHARES, TABLE2

DESIGN_COLUMNS = ["weight", "stratum", "psu", "fpc"]


@pytest.fixture(scope="module")
def survey():
    return make_sme_survey(random_state=0, design="stratified")


@pytest.fixture(scope="module")
def population(survey):
    return survey.population


def _strata(frame):
    """Each firm's metro area x size class stratum, labelled as the design does."""
    return frame["metro_area"].astype(str) + "/" + frame["size"]


def _stratum_counts(frame):
    strata = frame["stratum"] if "stratum" in frame else _strata(frame)
    return strata.value_counts()


def test_weights_sum_to_each_strata_population_size(survey, population):
    frame = survey.frame
    # N_h counted here from the population's firms, not read from the Bunch
    big_n = _stratum_counts(population.frame)
    assert len(big_n) == 12 and big_n.sum() == population.size == 10_000
    sums = frame.groupby("stratum")["weight"].sum()
    assert_allclose(sums.to_numpy(), big_n[sums.index].to_numpy(), rtol=1e-12)
    assert_allclose(frame["weight"].sum(), 10_000, rtol=1e-12)
    assert_array_equal(population.stratum_sizes[big_n.index], big_n)


def test_fpc_is_the_strata_population_size(survey, population):
    frame = survey.frame
    big_n = _stratum_counts(population.frame)
    assert_array_equal(frame["fpc"], big_n[frame["stratum"]].to_numpy())
    n_h = _stratum_counts(frame)[frame["stratum"]].to_numpy()
    # the sampling fraction n_h / N_h is the inclusion probability, 1 / weight
    assert_allclose(n_h / frame["fpc"], 1.0 / frame["weight"], rtol=1e-12)
    assert (frame["fpc"] >= n_h).all()


def test_allocation_is_the_papers(survey):
    # Table 2's metro counts exactly; the paper's size shares within each
    # metro area, to the nearest firm
    frame = survey.frame
    counts = pd.crosstab(frame["metro_area"], frame["size"])
    for metro, cells in TABLE2.items():
        assert counts.loc[metro].sum() == sum(cells)
        for size, share in SIZE_SHARES.items():
            assert abs(counts.loc[metro, size] - sum(cells) * share) < 1, (metro, size)
    assert len(frame) == 127


def test_population_shares_are_the_assumed_ones(population):
    frame = population.frame
    metro = frame["metro_area"].value_counts(normalize=True)
    for name, share in zip(METROS, (0.22, 0.15, 0.10, 0.53), strict=True):
        assert abs(metro[name] - share) <= 1 / population.size
    for name in METROS:
        in_metro = frame[frame["metro_area"] == name]
        size = in_metro["size"].value_counts(normalize=True)
        for level, share in {"micro": 0.75, "small": 0.20, "medium": 0.05}.items():
            assert abs(size[level] - share) <= 1 / len(in_metro)


def test_inclusion_probabilities_match_the_design(repeated, survey, population):
    # each firm of a stratum is drawn with probability n_h / N_h: frequencies
    # over 300 samples, within 5 binomial standard errors for every firm
    *_, hits = repeated
    stratum = _strata(population.frame).to_numpy()
    n_h = survey.frame["stratum"].value_counts()
    pi = (n_h / _stratum_counts(population.frame))[stratum].to_numpy()
    frequency = hits / 300
    # every stratum's expected count is met exactly, every firm within 5 SE
    assert_allclose(
        pd.Series(frequency).groupby(stratum).sum(),
        pd.Series(pi).groupby(stratum).sum(),
        rtol=1e-12,
    )
    se = np.sqrt(pi * (1 - pi) / 300)
    assert (np.abs(frequency - pi) < 5 * se + 1e-12).all()
    # and the weights are their inverses
    weight = survey.frame.groupby("stratum")["weight"].first()
    assert_allclose(weight, (_stratum_counts(population.frame) / n_h)[weight.index])


@pytest.fixture(scope="module")
def repeated():
    """300 samples of the default population: HT and unweighted totals, and
    how often each population firm was drawn."""
    columns = ["innovated", "learn_training", "ris_cluster"]
    rows, hits = [], np.zeros(10_000, dtype=int)
    for seed in range(300):
        frame = make_sme_survey(random_state=1_000 + seed, design="stratified").frame
        assert frame["psu"].is_unique
        hits[frame["psu"].to_numpy()] += 1
        values = frame[columns].to_numpy(dtype=float)
        rows.append(
            np.r_[
                frame["weight"].to_numpy() @ values,  # Horvitz-Thompson
                values.mean(axis=0) * 10_000,  # unweighted, blown up
            ]
        )
    out = np.array(rows)
    k = len(columns)
    return (
        pd.DataFrame(out[:, :k], columns=columns),
        pd.DataFrame(out[:, k:], columns=columns),
        hits,
    )


def test_horvitz_thompson_totals_are_unbiased(repeated, population):
    ht, unweighted, _ = repeated
    for column in ht.columns:
        # the population total, summed here from the firms
        total = population.frame[column].sum()
        assert_allclose(population.totals[column], total, rtol=1e-12)
        mc_se = ht[column].std(ddof=1) / np.sqrt(len(ht))
        assert abs(ht[column].mean() - total) < 4 * mc_se, column
    # the unweighted estimate of the innovators is visibly biased (Monterrey
    # and micro firms are under-sampled): by many Monte Carlo SEs
    total = population.frame["innovated"].sum()
    mc_se = unweighted["innovated"].std(ddof=1) / np.sqrt(len(unweighted))
    assert unweighted["innovated"].mean() - total > 10 * mc_se


def test_ht_variance_is_the_stratified_formula_with_fpc(repeated, population):
    # Var(HT) = sum_h N_h^2 (1 - n_h / N_h) S_h^2 / n_h (Cochran 1977, 5.6),
    # S_h^2 the population variance of stratum h (divisor N_h - 1); the Monte
    # Carlo variance of 300 draws is within 4 of its standard errors
    ht, *_ = repeated
    sample = make_sme_survey(random_state=0, design="stratified").frame
    n_h = sample["stratum"].value_counts()
    frame = population.frame
    for column in ht.columns:
        by = frame.groupby(_strata(frame))[column]
        big_n, s2 = by.size(), by.var(ddof=1)
        formula = (big_n**2 * (1 - n_h / big_n) * s2 / n_h).sum()
        observed = ht[column].var(ddof=1)
        se = formula * np.sqrt(2 / (len(ht) - 1))
        assert abs(observed - formula) < 4 * se, (column, observed, formula)


def test_a_stratum_taken_whole_has_weight_one_and_an_exact_total():
    # at 1,000 firms Hermosillo has 5 medium firms and the paper's allocation
    # takes 5: a census of the stratum, weight 1, fpc = n_h, no variance
    totals = set()
    for seed in range(5):
        survey = make_sme_survey(random_state=seed, design={"population_size": 1_000})
        stratum = survey.frame[survey.frame["stratum"] == "Hermosillo/medium"]
        assert len(stratum) == 5
        assert (stratum["weight"] == 1.0).all() and (stratum["fpc"] == 5).all()
        totals.add(float(stratum["weight"] @ stratum["learn_training"]))
    population = survey.population.frame
    whole = population.loc[_strata(population) == "Hermosillo/medium"]
    assert totals == {float(whole["learn_training"].sum())}


def test_reproducible_with_random_state_and_one_population():
    a = make_sme_survey(random_state=5, design="stratified")
    b = make_sme_survey(random_state=5, design="stratified")
    c = make_sme_survey(random_state=6, design="stratified")
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert not np.array_equal(a.frame["psu"], c.frame["psu"])
    # the same population whatever random_state: one set of census values
    pd.testing.assert_frame_equal(a.population.frame, c.population.frame)
    assert a.population.logit == c.population.logit
    other = make_sme_survey(
        random_state=5, design={"population_seed": 1, "population_size": 5_000}
    )
    assert other.population.size == 5_000
    assert other.population.logit != a.population.logit


def test_sample_rows_are_population_rows(survey, population):
    frame = survey.frame
    columns = [c for c in frame.columns if c not in DESIGN_COLUMNS]
    expected = population.frame.loc[frame["psu"], columns].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame[columns], expected)


def test_the_returned_population_is_a_copy():
    first = make_sme_survey(random_state=0, design="stratified")
    first.population.frame["innovated"] = 0
    first.population.logit["X1"] = 99.0
    second = make_sme_survey(random_state=0, design="stratified")
    assert second.population.frame["innovated"].sum() > 0
    assert second.population.logit["X1"] != 99.0


def test_bunch_layout(survey):
    assert survey.design == {
        "weight": "weight",
        "strata": "stratum",
        "cluster": "psu",
        "fpc": "fpc",
        "weights": "probability",
    }
    leaking = {"innovated", *PAPER_SPEC["Y"], *DESIGN_COLUMNS}
    assert leaking.isdisjoint(survey.feature_names)
    assert set(DESIGN_COLUMNS) <= set(survey.frame.columns)
    assert survey.feature_names == list(survey.data.columns)
    assert "Sample designs" in survey.DESCR
    assert set(survey.truth["cobb_douglas"]) == {"const", "X1", "X2", "X3", "X4"}
    restored = pickle.loads(pickle.dumps(survey))
    pd.testing.assert_frame_equal(restored.frame, survey.frame)
    assert restored.population.logit == survey.population.logit


def _minmax_indices(frame, bounds):
    """Sums of items normalised with the given (low, high), written from the paper."""
    out = {}
    for name, items in PAPER_SPEC.items():
        low = np.array([bounds[i][0] for i in items], dtype=float)
        high = np.array([bounds[i][1] for i in items], dtype=float)
        out[name] = ((frame[items].to_numpy(dtype=float) - low) / (high - low)).sum(1)
    return pd.DataFrame(out)


def test_item_bounds_put_a_sample_on_the_populations_scale(survey, population):
    frame = population.frame
    items = [i for group in PAPER_SPEC.values() for i in group]
    for item in items:
        assert population.item_bounds[item] == (frame[item].min(), frame[item].max())
    expected = _minmax_indices(frame, population.item_bounds)
    assert_allclose(
        population.means[list(PAPER_SPEC)], expected.mean().to_numpy(), rtol=1e-12
    )
    sample = CompositeIndex(spec=PAPER_SPEC, bounds=population.item_bounds)
    out = np.asarray(sample.fit_transform(survey.frame))
    assert_allclose(out, expected.loc[survey.frame["psu"]].to_numpy(), rtol=1e-12)


def test_census_cobb_douglas_is_ols_on_every_firm_with_positive_y(population):
    indices = _minmax_indices(population.frame, population.item_bounds)
    keep = (indices["Y"] > 0).to_numpy()
    X = indices.loc[keep, ["X1", "X2", "X3", "X4"]].to_numpy().copy()
    for j in range(X.shape[1]):  # zeros at half the smallest positive value
        X[X[:, j] == 0, j] = X[X[:, j] > 0, j].min() / 2
    design = np.column_stack([np.ones(keep.sum()), np.log(X)])
    beta, *_ = np.linalg.lstsq(design, np.log(indices.loc[keep, "Y"]), rcond=None)
    census = population.cobb_douglas
    assert population.cobb_douglas_n == keep.sum()
    assert_allclose([census[k] for k in ("const", "X1", "X2", "X3", "X4")], beta)
    # the census OLS is the truncation-attenuated one, not the generating truth
    assert census["X3"] < 0.45


def test_census_logit_solves_the_likelihood_equations(population):
    # the MLE of innovated on X1 and X3 over every firm: the score X'(y - p)
    # is zero (the log-likelihood is concave, so this is the maximum)
    indices = _minmax_indices(population.frame, population.item_bounds)
    X = np.column_stack([np.ones(len(indices)), indices[["X1", "X3"]]])
    y = population.frame["innovated"].to_numpy()
    beta = np.array([population.logit[k] for k in ("const", "X1", "X3")])
    score = X.T @ (y - special.expit(X @ beta))
    assert_allclose(score / len(y), 0.0, atol=1e-10)
    # and it is near the generating model's slopes (10,000 firms)
    assert abs(beta[1] - 0.54) < 0.15 and abs(beta[2] - 0.42) < 0.15


def test_the_population_innovates_less_than_the_papers_sample(survey, population):
    # 54 % against Table 8's 58.3 %: the population has Monterrey far more often
    frame = survey.frame
    weighted = np.average(frame["innovated"], weights=frame["weight"])
    assert abs(population.means["innovated"] - 0.54) < 0.01
    assert abs(weighted - population.means["innovated"]) < 0.1


@pytest.mark.parametrize(
    "design, error, match",
    [
        ("clustered", ValueError, "design must be None, 'stratified' or 'two-"),
        (3, TypeError, "design must be None, 'stratified' or 'two-stage' or a"),
        ({"stages": 3}, ValueError, r"design\['stages'\] must be 1 .* or 2"),
        ({"stages": True}, ValueError, r"design\['stages'\] must be 1"),
        ({"size": 10}, ValueError, r"unknown key\(s\) \['size'\]"),
        ({"population_size": 500}, ValueError, "must be 1,000 or more"),
        ({"population_size": 2.5e4}, TypeError, "must be an integer"),
        ({"population_seed": True}, TypeError, "must be an integer"),
        ({"population_seed": -1}, ValueError, "must be 0 or more"),
    ],
)
def test_bad_design_options_are_refused(design, error, match):
    with pytest.raises(error, match=match):
        make_sme_survey(random_state=0, design=design)


def test_sample_sizes_the_strata_cannot_take_are_refused():
    with pytest.raises(ValueError, match="'Tijuana/medium'.*raise n_samples"):
        make_sme_survey(20, random_state=0, design="stratified")
    with pytest.raises(ValueError, match=r"population_size'\]"):
        make_sme_survey(2_000, random_state=0, design="stratified")
    with pytest.raises(ValueError, match="cannot be combined"):
        make_sme_survey(random_state=0, design="stratified", endogeneity={})


# -- the two-stage design -------------------------------------------------------


@pytest.fixture(scope="module")
def two_stage():
    return make_sme_survey(random_state=0, design="two-stage")


def test_two_stage_weights_are_the_product_of_the_stages(two_stage):
    frame, population = two_stage.frame, two_stage.population.frame
    assert two_stage.design["cluster"] == "psu" and len(frame) == 127
    # counted here from the population: municipalities per metro area, firms
    # per municipality
    big_m = population.groupby("metro_area", observed=True)["municipality"].nunique()
    big_n = population["municipality"].value_counts()
    assert dict(big_m) == {"Tijuana": 8, "Juárez": 6, "Hermosillo": 5, "Monterrey": 12}
    assert_array_equal(frame["fpc"], big_m[frame["stratum"]].to_numpy())
    assert_array_equal(frame["fpc2"], big_n[frame["psu"]].to_numpy())
    assert_array_equal(frame["stratum"], frame["metro_area"].astype(str))
    n_c = frame["psu"].value_counts()[frame["psu"]].to_numpy()
    expected = big_m[frame["stratum"]].to_numpy() / 3 * frame["fpc2"] / n_c
    assert_allclose(frame["weight"], expected, rtol=1e-12)
    # 3 municipalities per metro area, Table 2's metro counts, and every firm
    # from its municipality
    assert (frame.groupby("stratum")["psu"].nunique() == 3).all()
    counts = frame["stratum"].value_counts()
    assert {m: counts[m] for m in TABLE2} == {m: sum(c) for m, c in TABLE2.items()}
    assert_array_equal(frame["municipality"], frame["psu"])
    assert "fpc2" not in two_stage.feature_names


@pytest.fixture(scope="module")
def two_stage_draws():
    """300 two-stage samples: HT totals and which municipalities were drawn."""
    totals, drawn = [], pd.Series(0, dtype=int)
    for seed in range(300):
        frame = make_sme_survey(random_state=2_000 + seed, design="two-stage").frame
        totals.append(
            frame["weight"].to_numpy()
            @ frame[["innovated", "learn_training"]].to_numpy(dtype=float)
        )
        drawn = drawn.add(pd.Series(1, index=frame["psu"].unique()), fill_value=0)
    return pd.DataFrame(totals, columns=["innovated", "learn_training"]), drawn


def test_two_stage_municipalities_are_drawn_with_probability_3_in_m(
    two_stage_draws, two_stage
):
    _, drawn = two_stage_draws
    population = two_stage.population.frame
    metro = population.groupby("municipality")["metro_area"].first().astype(str)
    big_m = metro.value_counts()[metro].to_numpy()
    pi = pd.Series(3 / big_m, index=metro.index)
    frequency = drawn.reindex(pi.index, fill_value=0) / 300
    se = np.sqrt(pi * (1 - pi) / 300)
    assert (np.abs(frequency - pi) < 5 * se).all()


def test_two_stage_horvitz_thompson_totals_are_unbiased(two_stage_draws, two_stage):
    totals, _ = two_stage_draws
    population = two_stage.population.frame
    for column in totals.columns:
        truth = population[column].sum()
        mc_se = totals[column].std(ddof=1) / np.sqrt(len(totals))
        assert abs(totals[column].mean() - truth) < 4 * mc_se, column


def test_two_stage_clusters_cost_precision(two_stage_draws, repeated):
    # municipalities share an effect, so 12 clusters of about 10 firms give
    # a larger variance of the HT total than 127 firms sampled by stratum
    totals, _ = two_stage_draws
    ht, *_ = repeated
    assert totals["learn_training"].var() > 2 * ht["learn_training"].var()


def test_two_stage_sizes_a_municipality_cannot_take_are_refused():
    with pytest.raises(
        ValueError, match=r"to municipality 'Tijuana-1', .*raise n_samples"
    ):
        make_sme_survey(12, random_state=0, design="two-stage")
    with pytest.raises(ValueError, match=r"municipality .*population_size'\]"):
        # every municipality of 1,000 firms has fewer than the ~80 firms asked
        make_sme_survey(
            1_000, random_state=0, design={"stages": 2, "population_size": 1_000}
        )
