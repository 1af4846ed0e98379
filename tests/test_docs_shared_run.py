"""The documents' end-to-end blocks share one analysis of the embedded survey.

The root conftest.py serves ``analyze(random_state=0)`` (and so
``replicate(random_state=0, ...)``, which calls it) from one run per test
session in document blocks and doctests. These tests check that the shared
run is the call it stands for: only the default survey's arguments are
served from it, its ``on_stage`` callback hears what the real run said, and
every other call runs for itself.
"""

import pytest

from sklearn_innov.report._analysis import ANALYSIS_STAGES


class _Stub:
    """A stand-in for ``analyze`` that counts its runs."""

    def __init__(self):
        self.runs = []

    def __call__(self, frame=None, document=None, *, random_state=0, on_stage=None):
        self.runs.append((frame, document, random_state))
        for stage in ("survey", "indices"):
            if on_stage is not None:
                on_stage(stage)
        return object()


@pytest.fixture
def stub_shared(shared_analysis):
    stub = _Stub()
    return stub, type(shared_analysis)(stub)


def test_the_default_call_runs_once_and_returns_the_same_analysis(stub_shared):
    stub, shared = stub_shared
    first = shared(random_state=0)
    assert shared() is first and shared(None, None, random_state=0) is first
    assert stub.runs == [(None, None, 0)] and shared.calls == 3


def test_other_arguments_run_for_themselves(stub_shared):
    stub, shared = stub_shared
    frame = object()  # a stand-in for a user's DataFrame
    shared(random_state=1)
    shared(frame, {"indices": {}})
    shared(random_state=1)
    assert stub.runs == [(None, None, 1), (frame, {"indices": {}}, 0), (None, None, 1)]
    assert shared.calls == 0 and shared.run is None


def test_on_stage_hears_the_stages_of_the_run_each_time(stub_shared):
    _, shared = stub_shared
    heard, again = [], []
    shared(on_stage=heard.append)
    shared(random_state=0, on_stage=again.append)
    assert heard == again == ["survey", "indices"]


def test_the_sessions_run_reported_every_stage_of_analyze(shared_analysis):
    heard = []
    analysis = shared_analysis(on_stage=heard.append)
    assert heard == list(ANALYSIS_STAGES)
    assert analysis.default and analysis.random_state == 0


def test_documents_and_doctests_see_the_shared_run(shared_default_analysis):
    import sklearn_innov.report
    from sklearn_innov.report import _replicate

    assert sklearn_innov.report.analyze is shared_default_analysis
    assert _replicate.analyze is shared_default_analysis


def test_test_functions_keep_the_real_analyze():
    import sklearn_innov.report
    from sklearn_innov.report import _analysis, _replicate

    assert sklearn_innov.report.analyze is _analysis.analyze
    assert _replicate.analyze is _analysis.analyze
