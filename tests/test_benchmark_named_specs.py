"""NamedSpec: a grid search over index specs whose cv_results_ read.

The oracle is the same grid over plain dicts: a NamedSpec must change what
is shown and nothing that is computed.
"""

import copy
import pickle
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline

from sklearn_innov import CompositeIndex
from sklearn_innov.datasets import PAPER_SPEC, make_sme_survey
from sklearn_innov.model_selection import NamedSpec, benchmark_models, named_specs
from sklearn_innov.preprocessing import check_spec
from sklearn_innov.preprocessing._spec import validate_document

# pandas 3 prints an object by its str unless it is a registered Mapping or a
# builtin container; pandas 2 prints anything with a length by its items
PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3

MECHANISMS = {k: v for k, v in PAPER_SPEC.items() if k != "Y"}
WITHOUT_X4 = {k: v for k, v in MECHANISMS.items() if k != "X4"}


def search(specs):
    return GridSearchCV(
        make_pipeline(CompositeIndex(), LogisticRegression()),
        {"compositeindex__spec": specs},
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        scoring="roc_auc",
    )


@pytest.mark.filterwarnings("ignore::sklearn_innov.exceptions.ConstantItemWarning")
def test_cv_results_show_the_names_and_the_scores_of_plain_dicts():
    survey = make_sme_survey(random_state=3)
    named = search(named_specs([("paper", MECHANISMS), ("no X4", WITHOUT_X4)]))
    plain = search([MECHANISMS, WITHOUT_X4])
    named.fit(survey.frame, survey.target)
    plain.fit(survey.frame, survey.target)
    np.testing.assert_array_equal(
        named.cv_results_["mean_test_score"], plain.cv_results_["mean_test_score"]
    )
    table = pd.DataFrame(named.cv_results_)
    # printed as is on pandas 3 (pandas 2 prints any sized iterable by its
    # items, so there .map(str) does, as the docs say)
    column = table[["param_compositeindex__spec"]]
    printed = (column if PANDAS_3 else column.map(str)).to_string().splitlines()
    assert [line.split(maxsplit=1)[1] for line in printed[1:]] == ["paper", "no X4"]
    assert "X1" not in (table if PANDAS_3 else table.map(str)).to_string()
    assert [repr(p) for p in named.cv_results_["params"]] == [
        "{'compositeindex__spec': paper}",
        "{'compositeindex__spec': no X4}",
    ]
    best = named.best_estimator_[0].spec
    assert isinstance(best, NamedSpec) and repr(best) in ("paper", "no X4")


def test_the_name_survives_clone_get_params_deepcopy_and_pickle():
    spec = NamedSpec("paper", MECHANISMS)
    index = CompositeIndex(spec=spec)
    assert repr(index) == "CompositeIndex(spec=paper)"
    assert repr(index.get_params()["spec"]) == "paper"
    fitted = index.fit(make_sme_survey(random_state=0).frame)
    for copied in (
        clone(index).spec,
        copy.deepcopy(spec),
        spec.copy(),
        pickle.loads(pickle.dumps(spec)),
        pickle.loads(pickle.dumps(fitted)).spec,
    ):
        assert type(copied) is NamedSpec
        assert copied.name == "paper"
        assert copied == MECHANISMS  # the items, unchanged
    # a spec's items: equal to the plain dict, and read as one
    assert str(spec) == "paper"
    assert dict(spec) == MECHANISMS


def test_named_specs_from_pairs_or_a_dict_and_a_bad_name():
    from_dict = named_specs({"a": {"A": ["q1"]}, "b": {"A": ["q2"]}})
    from_pairs = named_specs([("a", {"A": ["q1"]}), ("b", {"A": ["q2"]})])
    assert [s.name for s in from_dict] == [s.name for s in from_pairs] == ["a", "b"]
    assert from_dict == from_pairs == [{"A": ["q1"]}, {"A": ["q2"]}]
    with pytest.raises(TypeError, match=r"name must be a non-empty string"):
        NamedSpec("", {"A": ["q1"]})
    with pytest.raises(TypeError, match=r"name must be a non-empty string"):
        NamedSpec(3, {"A": ["q1"]})


def test_the_benchmarks_grid_search_names_its_candidates():
    models = benchmark_models(MECHANISMS, [i for v in MECHANISMS.values() for i in v])
    grid = models["GridSearchCV(StepwiseLogit)"].param_grid["compositeindex__spec"]
    assert [repr(s) for s in grid] == [
        "as specified",
        "digital_links, willingness_innovate in X3",
    ]
    assert grid[0] == MECHANISMS
    assert grid[1]["X3"][-2:] == ["digital_links", "willingness_innovate"]


def test_skops_keeps_the_spec_and_its_name(tmp_path):
    sio = pytest.importorskip("skops.io")
    path = tmp_path / "index.skops"
    index = CompositeIndex(spec=NamedSpec("paper", MECHANISMS))
    sio.dump(index.fit(make_sme_survey(random_state=0).frame), path)
    loaded = sio.load(path, trusted=sio.get_untrusted_types(file=path))
    assert type(loaded.spec) is NamedSpec and repr(loaded.spec) == "paper"
    assert loaded.spec == MECHANISMS


def test_a_printed_frame_reads_the_name_and_a_plain_dict_its_items():
    # pandas prints a Mapping (a dict too) by its items: the named spec is
    # not one, and prints by its str
    frame = pd.DataFrame(
        {"spec": pd.Series([NamedSpec("paper", MECHANISMS), WITHOUT_X4], dtype=object)}
    )
    lines = (frame if PANDAS_3 else frame.map(str)).to_string().splitlines()
    assert lines[1].split() == ["0", "paper"]
    assert lines[2].split(maxsplit=1)[1].startswith("{'X1': ['")
    assert not isinstance(NamedSpec("paper", MECHANISMS), Mapping)


def test_a_named_spec_is_read_as_a_spec_everywhere_one_is_taken():
    spec = NamedSpec("paper", MECHANISMS)
    # the Mapping interface, and equality with the plain dict both ways
    assert len(spec) == 4 and list(spec) == list(MECHANISMS) and "X1" in spec
    assert dict(spec) == {**spec} == MECHANISMS and MECHANISMS == spec
    assert list(spec.items()) == list(MECHANISMS.items())
    assert spec.get("Y") is None and spec != WITHOUT_X4 and spec != ["X1"]
    with pytest.raises(TypeError, match="unhashable"):
        hash(spec)
    # check_spec, a spec document's [indices], CompositeIndex and the benchmark
    assert check_spec(spec) == MECHANISMS
    survey = make_sme_survey(random_state=0)
    document = {"indices": NamedSpec("four", {**PAPER_SPEC})}
    assert validate_document(document, survey.frame).spec == PAPER_SPEC
    named = CompositeIndex(spec=spec).fit_transform(survey.frame)
    plain = CompositeIndex(spec=MECHANISMS).fit_transform(survey.frame)
    pd.testing.assert_frame_equal(named, plain)
    items = [i for v in MECHANISMS.values() for i in v]
    grid = benchmark_models(spec, items)["GridSearchCV(StepwiseLogit)"].param_grid
    assert [repr(s) for s in grid["compositeindex__spec"]][0] == "as specified"
    with pytest.raises(ValueError, match="must be a mapping of index name"):
        check_spec(["X1"])
