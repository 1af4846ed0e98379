"""The rendering rules of Summary: p-values, wide tables, wrapped prose, labels."""

import numpy as np
import pandas as pd
import pytest

from sklearn_innov import CobbDouglasRegressor
from sklearn_innov.summary import Block, Summary, format_number, format_pvalue
from sklearn_innov.summary._summary import TABLE_WIDTH, text_width


@pytest.mark.parametrize(
    "p, text",
    [
        (0.04321, "0.043"),
        (0.0005, "< 0.001"),
        (2.4e-05, "< 0.001"),
        (0.0, "< 0.001"),
        (0.001, "0.001"),
        (0.9999, "1.000"),
        (float("nan"), ""),
    ],
)
def test_pvalues_have_three_decimals_and_a_floor(p, text):
    assert format_pvalue(p) == text


def test_clipped_pvalues_say_or_beyond():
    limits = (0.001, 0.99)
    # statsmodels returns the limit give or take the last bits
    assert format_pvalue(0.0009999999999998899, limits) == "<= 0.001"
    assert format_pvalue(0.99, limits) == ">= 0.99"
    assert format_pvalue(0.5, limits) == "0.500"


def test_small_coefficients_keep_scientific_notation():
    assert format_number(3e-06) == "3.000e-06"
    assert format_number(12345678.0) == "1.235e+07"
    assert format_number(0.5) == "0.5000"


def _pvalue_summary():
    table = pd.DataFrame(
        {"coef": [1.5, 3e-06], "p_value": [2.4e-05, 0.2], "Sig.": [0.0, 0.04]},
        index=pd.Index(["const", "ln X1"], name="term"),
    )
    fit = pd.DataFrame(
        {"value": [12.5, 1.2e-08, 65]},
        index=pd.Index(["F", "Prob (F)", "Observations"], name="statistic"),
    )
    return Summary("Model", [Block("Coefficients", table), Block("Fit", fit)])


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "latex"])
def test_pvalue_columns_and_rows_never_print_zero_or_exponents(fmt):
    out = _pvalue_summary().render(fmt)
    assert "0.0000" not in out and "e-05" not in out and "e-08" not in out
    less = {"html": "&lt; 0.001", "latex": r"\textless{} 0.001"}.get(fmt, "< 0.001")
    assert out.count(less) == 3  # p_value, Sig. and the Prob (F) row
    assert "3.000e-06" in out  # a tiny coefficient is not a p-value


def test_index_name_sits_in_the_header_row():
    lines = _pvalue_summary().as_text(width=80).splitlines()
    header = lines[lines.index("Coefficients") + 2]
    assert header.split() == ["Term", "Coefficient", "p", "Sig."]
    assert lines[lines.index("Coefficients") + 3].startswith("const")


def test_wide_tables_split_into_column_groups_that_repeat_the_labels():
    rng = np.random.default_rng(0)
    table = pd.DataFrame(
        rng.normal(size=(3, 16)),
        columns=[f"a rather long column {j}" for j in range(16)],
        index=pd.Index(["first model", "second", "third"], name="model"),
    )
    text = Summary("Wide", [Block("Scores", table)]).as_text(width=80)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= TABLE_WIDTH
    headers = [line for line in lines if line.startswith("Model")]
    assert len(headers) >= 2
    for j in range(16):
        assert f"a rather long column {j}" in text
    assert sum(line.startswith("first model") for line in lines) == len(headers)
    # the groups are balanced: no group holds a lone column
    assert all(line.count("a rather long column") >= 2 for line in headers)


def test_prose_wraps_to_the_width_and_defaults_to_80_off_a_terminal(monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    assert text_width() == 80  # pytest captures stdout: not a terminal
    words = " ".join(["elasticity"] * 40)
    summary = Summary("Notes", [Block("Reading", [words])])
    assert max(len(line) for line in summary.as_text().splitlines()) <= 80
    narrow = summary.as_text(width=50).splitlines()
    assert max(len(line) for line in narrow) <= 50
    monkeypatch.setenv("COLUMNS", "60")
    assert max(len(line) for line in summary.as_text().splitlines()) <= 60


@pytest.fixture(scope="module")
def cobb_douglas():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.uniform(1, 5, size=(80, 2)), columns=["X1", "X3"])
    y = np.exp(0.3 + 0.4 * np.log(X["X1"]) + 0.1 * rng.normal(size=80))
    return X, y


def test_cobb_douglas_labels_every_regressor_in_logs(cobb_douglas):
    X, y = cobb_douglas
    summary = CobbDouglasRegressor().fit(X, y).summary()
    for block in summary.blocks:
        if not block.is_table or block.name == "diagnostics":
            continue
        content = block.content
        labels = [*map(str, content.index), *map(str, content.columns)]
        assert "X1" not in labels, block.title
        if block.name in ("equation", "coefficients", "vif", "correlation"):
            assert "ln X1" in labels, block.title


def test_layout_block_is_named_by_the_caller(cobb_douglas):
    X, y = cobb_douglas
    model = CobbDouglasRegressor(fit_intercept=False).fit(X, y)
    default = model.summary()
    assert "Table 9 layout" not in str(default)
    assert default.blocks[1].title == "Coefficient and t by term"
    named = model.summary(layout_title="Table 11 layout")
    assert named.blocks[1].title == "Table 11 layout"
    assert named["equation"].equals(default["equation"])


def test_lilliefors_p_at_the_table_limit_reads_or_beyond(cobb_douglas):
    X, _ = cobb_douglas
    rng = np.random.default_rng(0)
    # cubed exponential errors: far from normal, beyond statsmodels' table
    y = np.exp(0.5 * np.log(X["X1"]) + rng.exponential(size=len(X)) ** 3)
    model = CobbDouglasRegressor().fit(X, y)
    assert model.diagnostics()["normality"]["pvalue"] == pytest.approx(0.001)
    line = next(s for s in str(model.summary()).splitlines() if "Lilliefors" in s)
    assert "<= 0.001" in line and "0.0010" not in line


def test_heteroskedasticity_reading_does_not_recommend_what_is_in_use():
    import numpy as np

    from sklearn_innov import CobbDouglasRegressor

    rng = np.random.default_rng(0)
    X = rng.uniform(1, 5, size=(300, 2))
    # error variance rising with x0: Park and Breusch-Pagan reject
    y = X[:, 0] ** 0.5 * np.exp(rng.normal(0, 0.05 * X[:, 0] ** 2))
    plain = str(CobbDouglasRegressor().fit(X, y).summary())
    robust = str(CobbDouglasRegressor(cov_type="HC3").fit(X, y).summary())
    assert "consider cov_type='HC3'" in plain
    assert "consider cov_type" not in robust
    assert "already HC3" in robust
