"""The one table of column headers in words, and of what their numbers are.

The results objects name their columns with identifiers (``std_err``,
``corrected_item_total_correlation``) that tests and users index by; the
report and every printed summary show them in words. This table maps each
identifier to its header and says what its numbers are (a percentage, a
share, a count), so that ``45.5`` prints ``45.5%`` and ``127.0`` prints
``127``. It is applied whenever a :class:`~sklearn_innov.summary.Summary`
renders (a model's own ``summary()`` and the report alike); the DataFrames
and the CSV files keep the identifiers, and ``columns={}`` prints them as
headers (a known column's numbers still by their kind). A header
made of words then an identifier (``"total std_err"``) gets the identifier's
label after the words. Every interval the report prints is a 95% one.
"""

from typing import NamedTuple

__all__ = ["COLUMNS", "COLUMN_KINDS", "COLUMN_PREFIXES", "Column", "column_label"]

#: Kinds of column a :class:`Column` can declare.
COLUMN_KINDS = ("number", "percent", "share", "count", "average", "expected")


class Column(NamedTuple):
    """How a rendering shows one column: its header in words, what its numbers are.

    Parameters
    ----------
    label : str
        The header printed in place of the column's identifier.
    kind : {"number", "percent", "share", "count", "average", "expected"}, \
default="number"
        ``"percent"``: values already in percent (``45.5`` prints
        ``45.5%``); ``"share"``: values in [0, 1] (``0.455`` prints
        ``45.5%``); ``"count"``: whole numbers print without decimals
        (``127``, not ``127.0000``); a column of weighted counts that are
        not all whole prints every cell with one decimal (``1818.3`` beside
        ``0.0``, not ``0``); ``"average"``: an average (or median, or
        interpolated quantile) of counts or rank places, with one decimal
        (``8.9808`` prints ``9.0``); ``"expected"``: expected counts
        (Hosmer-Lemeshow's), printed as numbers, but with one decimal, as
        the observed counts beside them, in a weighted table;
        ``"number"``: the usual :func:`format_number`, with every number of
        a column in one notation (fixed decimals unless every one needs
        scientific notation).
    """

    label: str
    kind: str = "number"


_COUNT, _PERCENT, _SHARE, _AVERAGE = "count", "percent", "share", "average"
_EXPECTED = "expected"

COLUMNS = {
    # counts: whole numbers print without decimals
    "n": Column("n", _COUNT),
    "n_items": Column("Items", _COUNT),
    "n_complete": Column("Complete rows", _COUNT),
    "n_rows": Column("Rows", _COUNT),
    "n_constructions": Column("Constructions", _COUNT),
    "n_features": Column("Variables", _COUNT),
    "rows": Column("Rows", _COUNT),
    "zeros": Column("Rows at 0", _COUNT),
    "count": Column("Count", _COUNT),
    "groups": Column("Groups", _COUNT),
    "observed_events": Column("Observed events", _COUNT),
    "observed_nonevents": Column("Observed non-events", _COUNT),
    # weighted totals (a weighted fit's counts, SPSS's WEIGHT BY)
    "weighted_n": Column("Weighted n", _COUNT),
    "weighted_observed_events": Column("Weighted observed events", _COUNT),
    "weighted_observed_nonevents": Column("Weighted observed non-events", _COUNT),
    "df": Column("df", _COUNT),
    "df_num": Column("df numerator", _COUNT),
    "df_denom": Column("df denominator", _COUNT),
    "items": Column("Items", _COUNT),
    "rows_missing": Column("Rows with a missing answer", _COUNT),
    "rows_unanswered": Column("Rows with no answered item", _COUNT),
    "out_of_range": Column("Answers out of range", _COUNT),
    # percentages (already x 100) and shares (in [0, 1])
    "percent": Column("Percent", _PERCENT),
    "cumulative_percent": Column("Cumulative percent", _PERCENT),
    "inclusion_pct": Column("Inclusion frequency", _PERCENT),
    "relative_bias_pct": Column("Relative bias", _PERCENT),
    "percentage_correct": Column("Percentage correct", _PERCENT),
    "share_moved": Column("Share moved", _SHARE),
    # a design's weighted shares (report "Survey weights and design")
    "share": Column("Share", _SHARE),
    "share_std_err": Column("Std. error", _SHARE),
    "share_ci_lower": Column("95% CI lower", _SHARE),
    "share_ci_upper": Column("95% CI upper", _SHARE),
    "percentile": Column("Percentile", _SHARE),
    # descriptive statistics
    "mean": Column("Mean"),
    "std": Column("Std. deviation"),
    "min": Column("Min"),
    "max": Column("Max"),
    # reliability (SPSS's RELIABILITY wording)
    "cronbach_alpha": Column("Cronbach's alpha"),
    "standardized_alpha": Column("Standardised alpha"),
    "omega_total": Column("McDonald's omega"),
    "scale_mean_if_deleted": Column("Scale mean if item deleted"),
    "scale_variance_if_deleted": Column("Scale variance if item deleted"),
    "corrected_item_total_correlation": Column("Corrected item-total correlation"),
    "squared_multiple_correlation": Column("Squared multiple correlation"),
    "alpha_if_deleted": Column("Cronbach's alpha if item deleted"),
    # rank robustness: averages and medians of rank places
    "mean_abs_shift": Column("Mean rank shift (places)", _AVERAGE),
    "median_interval_width": Column("Median rank interval (places)", _AVERAGE),
    "normalize": Column("Normalisation"),
    "aggregate": Column("Aggregation"),
    "weights": Column("Weights"),
    # coefficients and tests
    "coef": Column("Coefficient"),
    "std_err": Column("Std. error"),
    "p_value": Column("p"),
    "ci_lower": Column("95% CI lower"),
    "ci_upper": Column("95% CI upper"),
    "statistic": Column("Statistic"),
    "reading": Column("Reading"),
    "vif": Column("VIF"),
    "rsquared": Column("R²"),
    "rsquared_uncentred": Column("R² (uncentred, no intercept)"),
    "fvalue": Column("F"),
    "fvalue_uncentred": Column("F (uncentred, no intercept)"),
    "durbin_watson": Column("Durbin-Watson"),
    "partial_rsquared": Column("Partial R²"),
    "shea_partial_rsquared": Column("Shea's partial R²"),
    "partial_f": Column("Partial F"),
    "policy": Column("Policy"),
    "dy_dx": Column("Marginal effect"),
    "effect": Column("Effect"),
    "elasticity": Column("Elasticity"),
    "elasticity_se": Column("Elasticity std. error"),
    "expected_events": Column("Expected events", _EXPECTED),
    "expected_nonevents": Column("Expected non-events", _EXPECTED),
    "grouping": Column("Grouping"),
    "action": Column("Action"),
    # bootstrap selection stability
    "global_coef": Column("Coefficient without selection"),
    "global_std_err": Column("Std. error without selection"),
    "selected_coef": Column("Coefficient as selected"),
    "rmsd_ratio": Column("RMSD ratio"),
    "selected_on_all_rows": Column("Selected on all rows"),
    "inside": Column("Inside the range"),
    # the names of row labels (a table's corner)
    "index": Column("Index"),
    "item": Column("Item"),
    "term": Column("Term"),
    "test": Column("Test"),
    "feature": Column("Variable"),
    "variable": Column("Variable"),
    "choice": Column("ln 0 choice"),
    "construction": Column("Construction"),
    "part": Column("Part"),
    "model": Column("Model"),
    "group": Column("Group"),
    "observed": Column("Observed"),
    "estimate": Column("Estimate"),
    "endogenous": Column("Endogenous"),
    "kind": Column("Kind"),
}


#: Headers made of one of these words, then a value: the classification
#: table's ``predicted 1`` (or ``predicted yes``: the class as the fit saw
#: it) is a count of the rows predicted in that class, weighted under
#: weights. The word prints as its label, the value as it is.
COLUMN_PREFIXES = {
    "predicted": Column("Predicted", _COUNT),
}


def column_label(identifier):
    """The header the report prints for a column identifier (itself if unknown).

    Parameters
    ----------
    identifier : str

    Returns
    -------
    label : str

    Examples
    --------
    >>> from sklearn_innov.summary._labels import column_label
    >>> column_label("corrected_item_total_correlation"), column_label("Wald")
    ('Corrected item-total correlation', 'Wald')
    """
    column = COLUMNS.get(identifier)
    return identifier if column is None else column.label
