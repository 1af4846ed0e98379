"""The two-part model of an outcome that is zero for many units.

The paper fits its innovation index only where it is positive, because ln 0
is undefined for the firms that did not innovate. The two-part model (Cragg
1971; Duan, Manning, Morris & Newhouse 1983; Stata's ``twopm``, Belotti, Deb,
Manning & Norton 2015) keeps every firm: a binary model of whether the
outcome is positive, and a model of its level where it is,
``E[y | x] = P(y > 0 | x) E[y | y > 0, x]``.
"""

import warnings

import numpy as np
from scipy import special
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.utils.validation import check_is_fitted

from .._core import delta_method, effects_table
from ..exceptions import SklearnInnovWarning
from ..summary import Block, Summary
from ..utils._lazy import pd
from ..utils._sklearn_compat import HasMethods, StrOptions, _fit_context
from ..utils._validation import check_outcome, format_labels, validate_columns
from ._cobb_douglas import CobbDouglasRegressor
from ._stepwise import StepwiseLogit

__all__ = ["TwoPartRegressor"]

MARGINS = ("total", "extensive", "intensive")


class TwoPartRegressor(RegressorMixin, BaseEstimator):
    """Two-part model: P(y > 0 | X) times E[y | y > 0, X].

    The first part (by default :class:`StepwiseLogit`) is fitted on every
    row with the target ``y > 0``; the second (by default
    :class:`CobbDouglasRegressor`, with its smearing) on the rows with
    ``y > 0``. ``predict`` returns their product, the unconditional mean.

    Parameters
    ----------
    classifier : classifier or None, default=None
        The first part, cloned at ``fit``; None means ``StepwiseLogit()``.
        Must have ``predict_proba``. To tune a part's parameters in
        ``GridSearchCV`` (``classifier__p_remove``, ``regressor__cov_type``),
        pass the parts explicitly, e.g.
        ``TwoPartRegressor(classifier=StepwiseLogit(),
        regressor=CobbDouglasRegressor())``.
    regressor : regressor or None, default=None
        The second part, cloned at ``fit``; None means
        ``CobbDouglasRegressor()``.
    zeros : {"floor", "offset", "drop"}, default="floor"
        What the second part does with a regressor equal to 0 among the rows
        with ``y > 0`` (the paper's X4 is 0 for many innovators), with the
        names of ``replicate``'s ``[model] zeros``: "floor" replaces it by
        half the column's smallest positive value there (``floors_``, also
        applied to zeros at ``predict``); "offset" gives the second part
        ``X + 1`` (``ln(1 + X)``) at ``fit`` and ``predict``; "drop" fits the
        second part without those rows and refuses to predict rows with a
        zero regressor. Negative regressors are refused under every policy.

    Attributes
    ----------
    classifier_ : classifier or None
        The fitted first part; None when no outcome is 0 (then
        ``P(y > 0 | x) = 1``, with a warning).
    regressor_ : regressor
        The fitted second part.
    floors_ : ndarray of shape (n_features,)
        The floors of ``zeros="floor"`` (NaN for other policies).
    coef_table_ : DataFrame
        Both parts' coefficients, indexed by ("part", "term") with part
        "participation" (the logit, on levels) and "positive" (the
        Cobb-Douglas, on logs); columns coef, std_err, statistic (z or t),
        p_value, ci_lower, ci_upper (95%).
    n_features_in_ : int
    feature_names_in_ : ndarray

    See Also
    --------
    StepwiseLogit : The default first part.
    CobbDouglasRegressor : The default second part.

    Notes
    -----
    *Marginal effects.* With a logit first part ``P = expit(c + x'g)`` and a
    log-log second part ``mu = s exp(b0 + sum_k b_k ln x_k)``,
    ``E[y | x] = P mu`` and

    - ``dE/dx_k = P (1 - P) g_k mu + P mu b_k / x_k``: the extensive margin
      (through P) plus the intensive margin (through mu);
    - the elasticity ``(dE/dx_k) (x_k / E) = (1 - P) g_k x_k + b_k`` (with
      ``zeros="offset"`` the second part's term is ``b_k x_k / (x_k + 1)``).

    :meth:`marginal_effects` averages each over the rows of X (average
    marginal effects; average elasticities, as Stata's ``margins, eyex()``).

    References
    ----------
    .. [1] Belotti, F., Deb, P., Manning, W. G. and Norton, E. C. (2015).
       "twopm: Two-part models". The Stata Journal, 15(1), 3-20.
    .. [2] Duan, N., Manning, W. G., Morris, C. N. and Newhouse, J. P.
       (1983). "A comparison of alternative models for the demand for medical
       care". Journal of Business & Economic Statistics, 1(2), 115-126.
    .. [3] Cragg, J. G. (1971). "Some statistical models for limited
       dependent variables". Econometrica, 39(5), 829-844.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_innov.linear_model import TwoPartRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(1, 5, size=(400, 2))
    >>> positive = rng.random(400) < 1 / (1 + np.exp(-(X[:, 0] - 3)))
    >>> y = np.where(positive, X[:, 0] ** 0.5 * np.exp(rng.normal(0, 0.1, 400)), 0)
    >>> model = TwoPartRegressor().fit(X, y)
    >>> model.classifier_.selected_features_  # who participates: x0 only
    ['x0']
    >>> model.regressor_.coef_.round(1)  # how much, given y > 0: x0^0.5
    array([ 0.5, -0. ])
    >>> model.predict(X[:2]).round(2)  # P(y > 0) E[y | y > 0]
    array([1.27, 0.16])
    """

    _parameter_constraints: dict = {
        "classifier": [None, HasMethods(["fit", "predict_proba"])],
        "regressor": [None, HasMethods(["fit", "predict"])],
        "zeros": [StrOptions({"floor", "offset", "drop"})],
    }

    def __init__(self, *, classifier=None, regressor=None, zeros="floor"):
        self.classifier = classifier
        self.regressor = regressor
        self.zeros = zeros

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit the participation part on every row, the level part where y > 0.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            Non-negative regressors.
        y : array-like of shape (n_samples,)
            Non-negative outcome; 0 marks no participation.

        Returns
        -------
        self : TwoPartRegressor
            The fitted model.
        """
        values = validate_columns(self, X, reset=True, allow_nan=False)
        y = _check_outcome(y, values.shape[0])
        if values.shape[0] < 3:
            raise ValueError(
                f"TwoPartRegressor needs at least 3 rows; got n_samples = "
                f"{values.shape[0]}."
            )
        frame = self._frame(values)
        _check_nonnegative(values, self._labels())
        positive = y > 0
        if positive.all():
            warnings.warn(
                "No outcome is 0: the participation part is P(y > 0) = 1, and the "
                "two-part model is its second part alone.",
                SklearnInnovWarning,
                stacklevel=3,
            )
            self.classifier_ = None
        else:
            classifier = StepwiseLogit() if self.classifier is None else self.classifier
            self.classifier_ = clone(classifier).fit(frame, positive.astype(int))
        levels = values[positive]
        self.floors_ = np.full(values.shape[1], np.nan)
        if self.zeros == "floor":
            self.floors_ = _floors(levels, self._labels())
            levels = np.where(levels == 0, self.floors_, levels)
        elif self.zeros == "drop":
            keep = (levels > 0).all(axis=1)
            levels, positive = levels[keep], np.flatnonzero(positive)[keep]
        regressor = CobbDouglasRegressor() if self.regressor is None else self.regressor
        self.regressor_ = clone(regressor).fit(
            self._frame(self._second_part(levels)), y[positive]
        )
        return self

    def predict_participation(self, X):
        """``P(y > 0 | X)`` from the first part.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        values = validate_columns(self, X, reset=False, allow_nan=False)
        return self._participation(values)

    def predict_positive(self, X):
        """``E[y | y > 0, X]`` from the second part (smeared, in levels).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        y_positive : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        values = validate_columns(self, X, reset=False, allow_nan=False)
        return self._positive(values)

    def predict(self, X):
        """``E[y | X] = P(y > 0 | X) E[y | y > 0, X]``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        values = validate_columns(self, X, reset=False, allow_nan=False)
        return self._participation(values) * self._positive(values)

    @property
    def coef_table_(self):
        parts = {"positive": self._table(self.regressor_, "t")}
        if self.classifier_ is not None:
            parts = {"participation": self._table(self.classifier_, "z"), **parts}
        return pd.concat(parts, names=["part", "term"])

    def marginal_effects(self, X):
        """Average effects of each regressor on ``E[y]``, split by margin.

        Needs a logit first part (:class:`StepwiseLogit`) and a
        :class:`CobbDouglasRegressor` second part. For each feature, the
        average over the rows of X of the derivative ``dE[y]/dx_k`` and of the
        elasticity, in total and split into the extensive margin (through
        ``P(y > 0)``) and the intensive margin (through ``E[y | y > 0]``);
        formulas in the class Notes.

        Standard errors are by the delta method: the two parts are estimated
        from separate likelihoods, so their estimates are uncorrelated and
        their covariances are stacked block-diagonally (as ``twopm`` does);
        features the stepwise logit left out have a fixed coefficient of 0
        there (selection is ignored, as everywhere after stepwise selection);
        the smearing factor is treated as fixed. Under ``zeros="floor"`` a
        regressor equal to 0 enters the second part at its floor.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The rows to average over, e.g. the training data.

        Returns
        -------
        effects : DataFrame
            Indexed by (feature, margin) with margin "total", "extensive" and
            "intensive"; columns ``dy_dx``, ``std_err``, ``z``, ``p_value``,
            ``ci_lower``, ``ci_upper``, ``elasticity``, ``elasticity_se``.
        """
        check_is_fitted(self)
        if not isinstance(self.regressor_, CobbDouglasRegressor) or not (
            self.classifier_ is None or isinstance(self.classifier_, StepwiseLogit)
        ):
            raise ValueError(
                "marginal_effects needs the default parts: a StepwiseLogit first "
                "part and a CobbDouglasRegressor second part; got "
                f"{type(self.classifier_).__name__} and "
                f"{type(self.regressor_).__name__}."
            )
        values = validate_columns(self, X, reset=False, allow_nan=False)
        levels = self._second_part(self._floored(values))
        theta, cov, unpack = self._parameters()
        factor = self.regressor_.smearing_factor_ if self.regressor_.smearing else 1
        k = values.shape[1]
        # the second part's elasticity in x is b x / (x + 1) under "offset"
        shifted = levels - 1.0 if self.zeros == "offset" else levels

        def margins(theta, elasticity):
            gamma, g0, beta, b0 = unpack(theta)
            p = special.expit(g0 + values @ gamma)
            mu = factor * np.exp(b0 + np.log(levels) @ beta)
            if elasticity:
                extensive = np.mean((1.0 - p)[:, None] * values, axis=0) * gamma
                intensive = beta * np.mean(shifted / levels, axis=0)
            else:
                extensive = np.mean((p * (1.0 - p) * mu)[:, None], axis=0) * gamma
                intensive = beta * np.mean((p * mu)[:, None] / levels, axis=0)
            return np.concatenate([extensive + intensive, extensive, intensive])

        dydx, se, _ = delta_method(lambda t: margins(t, False), theta, cov)
        eyex, eyex_se, _ = delta_method(lambda t: margins(t, True), theta, cov)
        table = effects_table(range(3 * k), dydx, se)
        table["elasticity"] = eyex
        table["elasticity_se"] = eyex_se
        # computed margin by margin; shown feature by feature
        table = table.iloc[[m * k + j for j in range(k) for m in range(3)]]
        table.index = pd.MultiIndex.from_product(
            [self._labels(), MARGINS], names=["feature", "margin"]
        )
        return table

    def summary(self, title=None):
        """Both parts in their layouts: SPSS's logit blocks, then Table 9's.

        Parameters
        ----------
        title : str, optional
            Heading; default "Two-part model".

        Returns
        -------
        summary : Summary
        """
        check_is_fitted(self)
        blocks = []
        parts = [("Part 2, E[y | y > 0]", self.regressor_)]
        if self.classifier_ is not None:
            parts.insert(0, ("Part 1, P(y > 0)", self.classifier_))
        for label, part in parts:
            if hasattr(part, "summary"):
                for block in part.summary().blocks:
                    blocks.append(
                        Block(
                            f"{label}: {block.title}",
                            block.content,
                            name=f"{label.split(',')[0].lower().replace(' ', '')}_"
                            f"{block.name}",
                            clipped=block.clipped,
                        )
                    )
        notes = [
            "E[y | x] = P(y > 0 | x) E[y | y > 0, x]: the first part is fitted on "
            "every row, the second on the rows with y > 0.",
            f"Regressors equal to 0 in the second part: zeros={self.zeros!r}.",
        ]
        if self.classifier_ is None:
            notes.append("No outcome was 0: P(y > 0) = 1.")
        blocks.append(Block("Notes", notes))
        return Summary(title or "Two-part model", blocks)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.target_tags.positive_only = True
        return tags

    # -- implementation -------------------------------------------------------

    def _labels(self):
        if hasattr(self, "feature_names_in_"):
            return [str(name) for name in self.feature_names_in_]
        return [f"x{j}" for j in range(self.n_features_in_)]

    def _frame(self, values):
        """The parts see a DataFrame with this model's feature names."""
        return pd.DataFrame(values, columns=self._labels())

    def _participation(self, values):
        if self.classifier_ is None:
            return np.ones(values.shape[0])
        proba = self.classifier_.predict_proba(self._frame(values))
        return proba[:, list(self.classifier_.classes_).index(1)]

    def _positive(self, values):
        levels = self._second_part(self._floored(values))
        return self.regressor_.predict(self._frame(levels))

    def _floored(self, values):
        _check_nonnegative(values, self._labels())
        if self.zeros == "floor":
            return np.where(values == 0, self.floors_, values)
        if self.zeros == "drop" and (values == 0).any():
            cols = [self._labels()[j] for j in np.flatnonzero((values == 0).any(0))]
            raise ValueError(
                f"Column(s) {format_labels(cols)} are 0 in "
                f"{int((values == 0).any(axis=1).sum())} row(s): zeros='drop' fitted "
                "the second part without such rows and cannot predict them. Use "
                "zeros='floor' or 'offset'."
            )
        return values

    def _second_part(self, levels):
        return levels + 1.0 if self.zeros == "offset" else levels

    def _parameters(self):
        """Stacked estimates of both parts, their block covariance, an unpacker."""
        k = self.n_features_in_
        regressor = self.regressor_
        beta_cov = regressor.results_.cov_params
        beta = regressor.results_.params
        b_off = int(regressor.fit_intercept)
        if self.classifier_ is None:
            gamma, gamma_cov, support = np.zeros(1), np.zeros((1, 1)), []
            big = 50.0  # expit(50) = 1 to double precision: P = 1
            gamma[0] = big
        else:
            logit = self.classifier_.results_
            gamma, gamma_cov = logit.params, logit.cov_params
            support = list(np.flatnonzero(self.classifier_.support_))
        g_off = int(self.classifier_ is None or self.classifier_.fit_intercept)
        n_g = gamma.size
        theta = np.concatenate([gamma, beta])
        cov = np.zeros((theta.size, theta.size))
        cov[:n_g, :n_g] = gamma_cov
        cov[n_g:, n_g:] = beta_cov

        def unpack(theta):
            full_gamma = np.zeros(k)
            full_gamma[support] = theta[g_off:n_g]
            g0 = theta[0] if g_off else 0.0
            b = theta[n_g:]
            return full_gamma, g0, b[b_off:], b[0] if b_off else 0.0

        return theta, cov, unpack

    @staticmethod
    def _table(part, statistic):
        table = part.coef_table_
        if statistic == "z":
            z = np.sign(table["coef"]) * np.sqrt(table["wald"])
            half = 1.959963984540054 * table["std_err"]
            return pd.DataFrame(
                {
                    "coef": table["coef"],
                    "std_err": table["std_err"],
                    "statistic": z,
                    "p_value": table["p_value"],
                    "ci_lower": table["coef"] - half,
                    "ci_upper": table["coef"] + half,
                }
            )
        return table.rename(columns={"t": "statistic"})


def _check_outcome(y, n_samples):
    y = check_outcome(y, n_samples, owner="TwoPartRegressor")
    if (y < 0).any():
        raise ValueError(
            f"TwoPartRegressor needs y >= 0 (0 = no participation); "
            f"{int((y < 0).sum())} row(s) are negative. Shift or recode the outcome."
        )
    if not (y > 0).any():
        raise ValueError(
            "Every outcome is 0: there is no positive part to model. Check y."
        )
    return y


def _check_nonnegative(values, labels):
    if values.min(initial=0.0) < 0:
        cols = [labels[j] for j in np.flatnonzero((values < 0).any(axis=0))]
        raise ValueError(
            "Negative values in data passed to TwoPartRegressor: column(s) "
            f"{format_labels(cols)}; its second part takes logs. Use non-negative "
            "indices (e.g. min-max normalised)."
        )


def _floors(levels, labels):
    """Half the smallest positive value of each column among the positive rows."""
    positive = np.where(levels > 0, levels, np.inf)
    smallest = positive.min(axis=0)
    empty = ~np.isfinite(smallest)
    if empty.any():
        cols = [labels[j] for j in np.flatnonzero(empty)]
        raise ValueError(
            f"Column(s) {format_labels(cols)} are 0 in every row with y > 0, so "
            "their elasticity cannot be estimated; drop them."
        )
    return smallest / 2.0
