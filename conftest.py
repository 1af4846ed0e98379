"""Every Python code block of README.md and docs/ runs as a test (Sybil).

The slow tests are marked here too (see ``SLOW_TESTS``). Each document runs
in a fresh temporary directory holding ``survey.csv`` (the
embedded synthetic survey, exported as a user would have it) and
``spec.toml`` (the spec file shown in README.md), and the public data sets
the user guide reads as a user would have saved them (``produc.csv``,
``contraception.csv``, from tests/data), so the examples that read "your"
files run as written.

The end-to-end blocks share one analysis of the embedded survey (see
``shared_default_analysis``): a document or docstring still shows, and runs,
the call a user would type (``replicate(random_state=0, figures=False)``),
but the analysis behind it is computed once per test session.
"""

import inspect
import os
import re
import shutil
import sys
import tempfile
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser as MarkdownCodeBlocks
from sybil.parsers.rest import DocTestParser, PythonCodeBlockParser

ROOT = Path(__file__).resolve().parent
# modules of the documentation build, not of the library
collect_ignore = ["docs/conf.py", "docs/_ext", "docs/_intersphinx", "benchmarks"]


def _readme_spec():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"```toml\n(.*?)```", text, re.DOTALL).group(1)


def _setup(namespace):
    from sklearn_innov.datasets import make_sme_survey

    namespace["__cwd__"] = os.getcwd()
    namespace["__tmp__"] = tempfile.mkdtemp(prefix="sklearn-innov-docs-")
    os.chdir(namespace["__tmp__"])
    make_sme_survey(random_state=0).frame.to_csv("survey.csv", index=False)
    Path("spec.toml").write_text(_readme_spec(), encoding="utf-8")
    for name in ("produc.csv", "contraception.csv"):
        shutil.copy(ROOT / "tests" / "data" / name, name)


def _teardown(namespace):
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
    os.chdir(namespace["__cwd__"])
    shutil.rmtree(namespace["__tmp__"], ignore_errors=True)


class SharedAnalysis:
    """``analyze`` that runs the embedded survey's default analysis once.

    Called with the default survey's arguments (no frame, no document,
    ``random_state=0``), it returns one :class:`~sklearn_innov.report.Analysis`,
    computed by the real ``analyze`` on its first such call, and replays to an
    ``on_stage`` callback the stages that run reported, in order. Any other
    call goes to the real ``analyze``. ``replicate`` calls ``analyze`` first,
    so a visible ``replicate(random_state=0, figures=False)`` still compares,
    stamps the provenance, renders (and draws, with ``figures=True``) for
    itself: only the fitting is shared. A block must not change the shared
    models (refit a ``sklearn.base.clone`` instead).
    """

    def __init__(self, analyze):
        self.analyze = analyze
        self.signature = inspect.signature(analyze)
        self.run = None  # (analysis, stages) once computed
        self.calls = 0  # calls served from the shared run

    def is_default(self, *args, **kwargs):
        """Whether a call asks for the default survey's analysis."""
        bound = self.signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = bound.arguments
        return (
            arguments["frame"] is None
            and arguments["document"] is None
            and arguments["random_state"] == 0
        )

    def __call__(self, *args, **kwargs):
        if not self.is_default(*args, **kwargs):
            return self.analyze(*args, **kwargs)
        if self.run is None:
            stages = []
            analysis = self.analyze(random_state=0, on_stage=stages.append)
            self.run = (analysis, tuple(stages))
        analysis, stages = self.run
        on_stage = self.signature.bind(*args, **kwargs).arguments.get("on_stage")
        for stage in stages if on_stage is not None else ():
            on_stage(stage)
        self.calls += 1
        return analysis


@pytest.fixture(scope="session")
def shared_analysis():
    """The session's one :class:`SharedAnalysis` (computed on first use)."""
    from sklearn_innov.report import _analysis

    return SharedAnalysis(_analysis.analyze)


@pytest.fixture
def shared_default_analysis(shared_analysis, monkeypatch):
    """Make ``sklearn_innov.report.analyze`` and ``replicate`` (which calls it)
    share the session's default analysis, for one document block or doctest."""
    import sklearn_innov.report
    from sklearn_innov.report import _replicate

    monkeypatch.setattr(sklearn_innov.report, "analyze", shared_analysis)
    monkeypatch.setattr(_replicate, "analyze", shared_analysis)
    return shared_analysis


@pytest.fixture(autouse=True)
def _doctests_share_the_default_analysis(request):
    # docstring Examples (doctest items, not test functions) import
    # analyze/replicate themselves, so the shared run is patched in where they
    # import it from; test functions keep the real one
    if not isinstance(request.node, pytest.Function):
        request.getfixturevalue("shared_default_analysis")


_common = {
    "setup": _setup,
    "teardown": _teardown,
    "fixtures": ["shared_default_analysis"],
}
pytest_collect_file = (
    Sybil(parsers=[MarkdownCodeBlocks()], patterns=["README.md"], **_common)
    + Sybil(
        parsers=[
            PythonCodeBlockParser(),
            DocTestParser(optionflags=ELLIPSIS | NORMALIZE_WHITESPACE),
        ],
        patterns=["*.rst"],
        **_common,
    )
).pytest()


# Tests and documents that take about half a second of CPU or more each (end-to-end
# runs of the command or of replicate, cross-validation, simulations over
# seeds), measured with os.times() around each test, subprocesses included,
# on the project's 2-core machine. They are marked slow: the default run
# (pyproject's addopts, -m "not slow") leaves them out and stays under two
# minutes of CPU; CI runs them with `pytest -m slow`. A document is marked
# whole, since its blocks share one namespace. tests/test_docs.py checks that
# every entry still names a test. A test marked @pytest.mark.slow in its own
# module needs no entry.
SLOW_TESTS = {
    "tests/test_stability.py": (
        "test_same_results_for_any_n_jobs",  # 2.4 s
    ),
    "tests/test_benchmark_named_specs.py": (
        "test_cv_results_show_the_names_and_the_scores_of_plain_dicts",  # 0.9 s
    ),
    "tests/test_benchmark.py": (
        "test_holm_adjusted_equals_statsmodels_multipletests",  # 1.1 s
        "test_scores_do_not_depend_on_what_else_the_frame_holds",  # 0.7 s
        "test_the_papers_pipeline_is_fitted_weighted",  # 3.0 s
        "test_weighted_scores_are_the_weighted_metrics_on_the_same_folds",  # 3.0 s
    ),
    "tests/test_benchmark_groups.py": (
        "test_default_cv_with_groups_is_repeated_stratified_group_folds",  # 1.6 s
    ),
    "tests/test_benchmark_missing_index.py": (
        "test_replicate_leaves_out_the_same_rows",  # 1.0 s
    ),
    "tests/test_cli.py": (
        "test_a_european_csv_is_sniffed_and_read_like_the_plain_one",  # 1.2 s
        "test_a_reader_that_leaves_early_gets_no_broken_pipe_message",  # 3.6 s
        "test_a_write_that_fails_midway_leaves_no_files",  # 1.0 s
        "test_benchmark_n_jobs_gives_the_same_fold_scores",  # 0.7 s
        "test_missing_targets_are_left_out_by_both_commands[replicate]",  # 1.3 s
        "test_python_dash_m_entry_point",  # 1.5 s
        "test_replicate_default_writes_report_tables_and_figures",  # 1.4 s
        "test_replicate_on_a_foreign_csv_with_its_own_spec",  # 1.4 s
        "test_replicate_without_matplotlib_skips_figures_and_says_so",  # 0.9 s
        "test_report_numbers_are_the_estimators_attributes",  # 0.9 s
    ),
    "tests/test_composite.py": (
        "test_grid_search_over_normalize_with_bounds_fails_no_fit",  # 3.0 s
        "test_grid_search_over_specs_and_aggregations",  # 0.8 s
        "test_grid_search_over_weights_and_reverse",  # 2.5 s
    ),
    "tests/test_control_function.py": (
        "test_murphy_topel_within_20_percent_of_a_bootstrap",  # 1.2 s
    ),
    "tests/test_benchmark_api.py": (
        "test_default_scores_equal_cross_validate_on_the_same_folds",  # 13 s
        "test_scores_do_not_depend_on_n_jobs",  # 2.6 s
        # a process pool: 3 s
        "test_warnings_of_every_fit_come_once_in_one_line_from_the_caller[2]",
    ),
    "tests/test_cli_progress.py": (
        "test_the_run_leaves_logging_as_it_found_it",  # 2.3 s
        "test_quiet_on_a_terminal_draws_no_bar",  # 1.6 s
        "test_replicate_reports_each_stage_once_whatever_the_spec_turns_on",  # 1.2 s
        "test_quiet_prints_nothing_to_stderr_on_a_clean_run",  # 1.5 s
        "test_verbose_times_every_counted_stage_once",  # 1.4 s
    ),
    "tests/test_controls.py": (
        "test_two_part_and_figures_with_controls",  # 0.6 s
    ),
    "tests/test_datasets.py": (
        "test_items_of_a_mechanism_are_positively_correlated",  # 2.3 s
        "test_likert_marginals_match_tables_3_and_6[table3]",  # 0.8 s
        "test_the_calibration_tool_finds_the_packaged_constants",  # 0.6 s
    ),
    "tests/test_distributed.py": (
        "test_benchmark_command_names_a_scheduler_that_does_not_answer",  # 10 s
        "test_benchmark_command_on_a_scheduler_gives_the_same_fold_scores",  # 0.9 s
        "test_dask_backend_gives_the_same_cv_results",  # 1.4 s
    ),
    "tests/test_endogenous_survey.py": (
        "test_no_confounding_leaves_ols_unbiased",  # 2.8 s
        "test_ols_is_biased_and_iv_covers_the_truth_over_seeds",  # 7.9 s
        "test_the_share_of_truncated_errors_is_what_the_docs_say[None-17]",  # 1 s
        "test_the_share_of_truncated_errors_is_what_the_docs_say[endogeneity1-0.4]",
        "test_learning_items_keep_table_6_marginals",  # 1.6 s
    ),
    "tests/test_input_output.py": (
        "test_a_european_export_is_read_as_the_published_numbers",  # 0.8 s
        "test_html_and_latex_escape_user_text",  # 2.0 s
        "test_the_thousands_option_overrides_the_sniffer",  # 1.1 s
        "test_user_names_never_leave_the_output_folder",  # 1.3 s
    ),
    "tests/test_properties.py": (
        "test_composite_index_invariant_to_item_and_row_order",  # 0.5 s
    ),
    "tests/test_replicate.py": (
        "test_returns_to_scale_only_for_a_declared_production_function",  # 1.0 s
    ),
    "tests/test_jackknife.py": (
        "test_the_report_says_which_variance_and_its_replicates",  # 1.0 s
    ),
    "tests/test_report.py": (
        "test_html_report_is_one_self_contained_styled_page",  # 1.8 s
        "test_html_tables_have_one_header_row_and_classed_cells",  # 1.3 s
    ),
    "tests/test_report_design.py": (
        "test_an_equal_probability_design_does_not_claim_weighted_indices",  # 0.8 s
        "test_frequency_weights_equal_replicated_rows",  # 1.3 s
        "test_no_fit_under_a_probability_design_reads_its_weights_as_frequencies",
        "test_the_report_keeps_all_else_when_the_two_parts_jackknife_fails",
        "test_the_jackknife_of_a_subset_deletes_every_psu_of_the_design",  # 0.8 s
        "test_weighted_means_and_shares_equal_svymean_by_loops",  # 0.8 s
    ),
    "tests/test_survey_design_lonely.py": (
        # the report's analysis under lonely_psu: about 0.7 s each
        "test_the_reports_models_equal_the_estimators_with_lonely_psu[adjust]",
        "test_the_reports_models_equal_the_estimators_with_lonely_psu[remove]",
        "test_the_weighted_means_follow_svyrecvar_with_a_lonely_psu[adjust]",
        "test_the_weighted_means_follow_svyrecvar_with_a_lonely_psu[remove]",
        "test_the_report_says_how_the_lonely_stratum_counts[adjust]",
        "test_the_report_says_how_the_lonely_stratum_counts[remove]",
        "test_the_jackknife_of_the_report_uses_lonely_psu",
    ),
    "tests/test_report_endogeneity.py": (
        "test_limitations_name_the_table_when_absent_and_the_instruments_when_present",
    ),
    "tests/test_report_layout.py": (
        "test_html_report_fits_a_390_px_phone[default]",  # 0.5 s
        "test_html_report_fits_a_390_px_phone[user]",  # 0.5 s
        "test_html_report_figures_at_1280_px_are_shown_full_size",  # 0.5 s
        "test_the_item_total_table_fits_a_1280_px_screen",  # 0.5 s
        "test_latex_report_compiles_without_running_into_the_margin[default]",  # 3.0 s
        "test_latex_report_compiles_without_running_into_the_margin[user]",  # 2.5 s
        "test_the_phone_check_sees_a_page_that_is_too_wide",  # 0.5 s
    ),
    "tests/test_report_rendering.py": (
        "test_the_residual_plots_are_legible_at_phone_width",  # 0.75 s
    ),
    "tests/test_report_provenance.py": (
        "test_a_frame_from_python_is_described_and_digested_by_its_content",  # 0.7 s
        "test_provenance_names_versions_time_data_spec_and_seed",  # 0.7 s
        "test_the_command_line_records_the_command_and_both_files",  # 1.2 s
    ),
    "tests/test_stepwise.py": (
        "test_firth_final_model_as_logistf_reports_it",  # 0.6 s
        "test_threads_are_counted_from_the_cpus_the_process_may_use",  # 1.5 s
    ),
    "tests/test_stratified_survey.py": (
        "test_horvitz_thompson_totals_are_unbiased",  # 2.0 s
        "test_inclusion_probabilities_match_the_design",  # 1.9 s
        "test_two_stage_horvitz_thompson_totals_are_unbiased",  # 1.8 s
        "test_two_stage_municipalities_are_drawn_with_probability_3_in_m",  # 2.5 s
    ),
    "tests/test_typing.py": (
        "test_mypy_reads_the_package_from_a_users_script",  # 2.5 s
    ),
    "tests/test_two_stage_design.py": (
        "test_replicate_reads_both_stages_and_says_so",  # 0.9 s
        "test_a_design_with_fpc_and_no_weight_says_it_is_unweighted",  # 0.8 s
        "test_hosmer_lemeshow_by_rule_uses_the_fits_weights",  # 0.9 s
        "test_the_two_stage_design_costs_the_precision_the_docs_say",  # 4 s
    ),
    "tests/test_two_part.py": (
        "test_delta_method_agrees_with_a_bootstrap",  # 1.1 s
        "test_smearing_variance_brings_the_delta_method_to_the_bootstrap",  # 1.1 s
    ),
    "tests/test_cli_benchmark_provenance.py": (
        "test_the_default_benchmark_draws_the_survey_once_and_records_it",  # 1.1 s
        "test_provenance_json_is_named_as_written_only_when_it_is",  # 1.5 s
        "test_benchmark_latex_is_a_complete_document",  # pdflatex: 1 s
    ),
    "tests/test_cli_interrupt.py": (
        # three interrupted runs of the parallel benchmark: 12 s of wall time
        "test_ctrl_c_to_the_process_group_prints_one_line_and_leaves_no_worker",
        "test_only_the_command_s_workers_ignore_ctrl_c",  # a process pool: 2 s
    ),
}
SLOW_DOCUMENTS = {
    # replicate and a ten-model benchmark on ANES 1996 (944 rows): 12.8 s
    "docs/user_guide/your_own_survey.rst",
    # weighted and dask-distributed benchmarks: 5.5 s
    "docs/user_guide/benchmarking.rst",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path, _, name = item.nodeid.partition("::")
        if name in SLOW_TESTS.get(path, ()) or path in SLOW_DOCUMENTS:
            item.add_marker(pytest.mark.slow)
