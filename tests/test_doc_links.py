"""The HTML diagram of every public estimator links to its documentation.

scikit-learn draws a "?" linking to ``_get_doc_link()`` only for estimators
whose root module is ``_doc_link_module``; the link must name the class's own
source file (its docstring is its API page until the docs are hosted).
"""

import inspect
from pathlib import Path

import pytest
from sklearn.base import BaseEstimator
from sklearn.pipeline import make_pipeline
from sklearn.utils import estimator_html_repr

import sklearn_innov
from sklearn_innov import CompositeIndex, StepwiseLogit
from sklearn_innov.utils._sklearn_compat import SOURCE_URL

PUBLIC = sorted(
    {
        obj
        for module in (
            sklearn_innov,
            sklearn_innov.preprocessing,
            sklearn_innov.linear_model,
        )
        for obj in (getattr(module, name) for name in module.__all__)
        if inspect.isclass(obj) and issubclass(obj, BaseEstimator)
    },
    key=lambda cls: cls.__name__,
)
ROOT = Path(sklearn_innov.__file__).parent.parent


def test_every_public_estimator_is_found():
    assert len(PUBLIC) >= 8


@pytest.mark.parametrize("cls", PUBLIC, ids=lambda cls: cls.__name__)
def test_the_link_is_the_classs_source_file(cls):
    link = cls()._get_doc_link()
    assert link.startswith(SOURCE_URL)
    path = link.removeprefix(SOURCE_URL)
    # the file the class is defined in, relative to the repository
    assert Path(inspect.getfile(cls)).resolve() == (ROOT / path).resolve()


def test_the_html_diagram_of_a_pipeline_links_each_step():
    pipe = make_pipeline(CompositeIndex(spec={"A": ["a"]}), StepwiseLogit())
    html = estimator_html_repr(pipe)
    for module in ("preprocessing/_composite.py", "linear_model/_stepwise.py"):
        assert f'href="{SOURCE_URL}sklearn_innov/{module}"' in html
