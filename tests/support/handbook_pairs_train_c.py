# ruff: noqa: E501  (labelled data)
"""Labelled behaviour pairs TRAIN_C for handbook deduplication (SAME vs DIFFERENT).

Written by hand by a helper session on 2026-12-06, blind: without reading the handbook code, its
tests, its benchmarks or any other pair set. Topics, spread evenly: the general process of solving a
problem (reading the question, planning, intermediate work, checking, estimating, common slips), data
analysis over tables (columns and units, missing values, grouping, SQL, joins, dates), and writing
code for a task (tests, edge cases, reading errors). 100 SAME pairs and 100 DIFFERENT pairs.
"""

from __future__ import annotations

Pair = tuple[tuple[str, str], tuple[str, str]]

TRAIN_C_SAME: list[Pair] = [
    # --- general problem solving ---
    (
        (
            "behavior_reread_question_before_answering",
            "Reread the question once more before giving the final answer to confirm you answer exactly what was asked.",
        ),
        (
            "behavior_confirm_asked_quantity_at_end",
            "Before you state the final answer, go back to the question and make sure the answer is the quantity it asks for.",
        ),
    ),
    (
        (
            "behavior_list_givens_first",
            "Start by listing every given quantity with its value and unit.",
        ),
        (
            "behavior_write_down_known_values",
            "Begin each problem by writing out all known values from the statement, each with its unit.",
        ),
    ),
    (
        (
            "behavior_estimate_before_computing",
            "Make a rough estimate of the answer before doing the exact calculation, then compare the two.",
        ),
        (
            "behavior_ballpark_then_compare",
            "When starting a numeric problem, first guess the order of magnitude; after the exact computation, check the result lies near that guess.",
        ),
    ),
    (
        (
            "behavior_check_units_of_answer",
            "Check that the final answer carries the unit the question asks for.",
        ),
        (
            "behavior_answer_unit_matches_request",
            "Always verify the unit of your result matches the unit requested in the problem, converting if it does not.",
        ),
    ),
    (
        (
            "behavior_substitute_solution_back",
            "After solving an equation, substitute the solution back into the original equation to confirm it holds.",
        ),
        (
            "behavior_plug_root_into_original",
            "When you find a value for the unknown, plug it into the starting equation and check both sides are equal.",
        ),
    ),
    (
        (
            "behavior_identify_unknown_explicitly",
            "Name the unknown the question asks for and give it a symbol before starting any calculation.",
        ),
        (
            "behavior_define_target_variable",
            "Before computing, state in words what the target quantity is and assign it a variable.",
        ),
    ),
    (
        (
            "behavior_break_into_subproblems",
            "Split a multi-step problem into smaller subproblems and solve them one at a time.",
        ),
        (
            "behavior_decompose_task_stepwise",
            "When a problem needs several steps, divide it into separate parts and finish each part before moving to the next.",
        ),
    ),
    (
        (
            "behavior_label_intermediate_results",
            "Give each intermediate result a clear label so later steps can refer to it.",
        ),
        (
            "behavior_name_partial_values",
            "Name every partial value you compute, for example 'total_cost = 42', so you can reuse it without confusion later.",
        ),
    ),
    (
        (
            "behavior_keep_full_precision_until_end",
            "Keep full precision in intermediate steps and round only the final answer.",
        ),
        (
            "behavior_round_only_at_final_step",
            "Do not round numbers midway through a calculation; rounding early compounds error, so round once at the end.",
        ),
    ),
    (
        (
            "behavior_watch_for_sign_errors",
            "When moving terms across an equals sign, flip their sign and double-check each one.",
        ),
        (
            "behavior_flip_sign_on_transposing",
            "Every time a term is transposed to the other side of an equation, change its sign and recheck it.",
        ),
    ),
    (
        (
            "behavior_draw_diagram_for_geometry",
            "For geometry problems, sketch a diagram and mark all given lengths and angles on it.",
        ),
        (
            "behavior_sketch_figure_with_labels",
            "When a problem describes a shape, draw the figure and label it with every measurement from the text.",
        ),
    ),
    (
        (
            "behavior_check_edge_answer_reasonable",
            "Ask whether the final answer is plausible in context, such as a non-negative count or a probability between 0 and 1.",
        ),
        (
            "behavior_sanity_check_answer_range",
            "Sanity-check the result against its natural range: counts cannot be negative and probabilities must lie in [0, 1].",
        ),
    ),
    (
        (
            "behavior_underline_key_constraints",
            "Mark the constraints in the question, like 'at least', 'distinct' or 'integer', before planning.",
        ),
        (
            "behavior_note_limiting_conditions",
            "While reading, pick out every limiting condition such as integer-only, distinct values or minimum amounts, and note them before you make a plan.",
        ),
    ),
    (
        (
            "behavior_plan_before_calculating",
            "Write a short plan of the steps before doing any arithmetic.",
        ),
        (
            "behavior_outline_solution_path",
            "Before calculating anything, outline in a few lines the sequence of steps that leads to the answer.",
        ),
    ),
    (
        (
            "behavior_verify_with_second_method",
            "Check the answer by solving the problem a second, different way.",
        ),
        (
            "behavior_cross_check_alternate_route",
            "Confirm a result through an independent approach, for example counting directly instead of using a formula, and compare.",
        ),
    ),
    (
        (
            "behavior_convert_units_first",
            "Convert all quantities to one consistent unit system before combining them.",
        ),
        (
            "behavior_unify_units_before_math",
            "Before adding or multiplying quantities, express them all in the same units, such as metres and seconds.",
        ),
    ),
    (
        (
            "behavior_test_small_cases_for_pattern",
            "Work out a few small cases by hand to find the pattern before generalising.",
        ),
        (
            "behavior_try_n_equals_one_two_three",
            "When a problem involves a general n, compute the answer for n = 1, 2 and 3 first and look for a pattern.",
        ),
    ),
    (
        (
            "behavior_read_question_twice",
            "Read the whole problem twice before starting to solve it.",
        ),
        (
            "behavior_second_full_read",
            "Always go through the problem statement a second time from start to finish before beginning work on it.",
        ),
    ),
    (
        (
            "behavior_track_percent_base",
            "When a percentage appears, identify which quantity it is a percentage of.",
        ),
        (
            "behavior_find_reference_for_percent",
            "Before using a percent, determine the base it refers to, since 20% of the original differs from 20% of the new value.",
        ),
    ),
    (
        (
            "behavior_avoid_off_by_one_in_counting",
            "When counting items in a range, check whether both endpoints are included to avoid an off-by-one error.",
        ),
        (
            "behavior_inclusive_range_count",
            "To count integers from a to b, remember the count is b - a + 1 when both ends are included; confirm which ends count.",
        ),
    ),
    (
        (
            "behavior_restate_problem_own_words",
            "Restate the problem in your own words before solving it.",
        ),
        (
            "behavior_paraphrase_task",
            "Paraphrase what the question asks in a sentence of your own to make sure you understood it before you start.",
        ),
    ),
    (
        (
            "behavior_check_dimensional_consistency",
            "Check that both sides of every equation you write have the same dimensions.",
        ),
        (
            "behavior_dimension_analysis_each_equation",
            "Do a quick dimensional analysis on each formula: if the left is a speed, the right must also come out in length per time.",
        ),
    ),
    (
        (
            "behavior_show_each_arithmetic_step",
            "Write each arithmetic step on its own line rather than combining several operations at once.",
        ),
        (
            "behavior_one_operation_per_line",
            "Perform one operation per line in long calculations so a slip is easy to spot.",
        ),
    ),
    (
        (
            "behavior_recheck_copied_numbers",
            "Compare numbers you copied from the question against the original to catch transcription slips.",
        ),
        (
            "behavior_verify_transcribed_values",
            "After writing values from the statement into your work, check each one against the statement for copying mistakes.",
        ),
    ),
    (
        (
            "behavior_work_backwards_from_goal",
            "When the path is unclear, start from what the goal needs and work backwards to the givens.",
        ),
        (
            "behavior_reverse_reasoning_from_target",
            "If no forward route is obvious, reason backward: ask what you would need to know to get the answer, then what gives you that.",
        ),
    ),
    (
        (
            "behavior_check_all_cases_covered",
            "When splitting a problem into cases, confirm the cases together cover every possibility.",
        ),
        (
            "behavior_exhaustive_case_split",
            "Make sure a case analysis is exhaustive: the cases you consider must jointly include every possible situation.",
        ),
    ),
    (
        (
            "behavior_respect_order_of_operations",
            "Apply the order of operations, doing multiplication and division before addition and subtraction.",
        ),
        (
            "behavior_precedence_mult_before_add",
            "Evaluate products and quotients before sums and differences unless parentheses say otherwise.",
        ),
    ),
    (
        (
            "behavior_answer_in_requested_format",
            "Give the final answer in the form the question requests, such as a fraction, a decimal or a percentage.",
        ),
        (
            "behavior_match_answer_form",
            "If the problem says to express the answer as a fraction or to two decimal places, present the final result exactly that way.",
        ),
    ),
    (
        (
            "behavior_look_for_hidden_information",
            "Look for information implied but not stated, like a week having 7 days or a dozen meaning 12.",
        ),
        (
            "behavior_use_implicit_facts",
            "Fill in implicit facts the problem expects you to know, for example 60 minutes in an hour, before computing.",
        ),
    ),
    (
        (
            "behavior_recall_similar_solved_problem",
            "Ask whether you have solved a similar problem before and reuse its method.",
        ),
        (
            "behavior_reuse_known_method",
            "When a problem looks familiar, recall the approach that worked for the related problem and try applying it here.",
        ),
    ),
    (
        (
            "behavior_stop_and_recheck_when_stuck",
            "If a result looks wrong, stop and recheck the earlier steps before continuing.",
        ),
        (
            "behavior_backtrack_on_suspicious_result",
            "When an intermediate value seems implausible, go back through the preceding steps to find the error instead of pushing on.",
        ),
    ),
    (
        (
            "behavior_check_answer_against_each_condition",
            "Verify the final answer satisfies every condition stated in the problem, not only the main equation.",
        ),
        (
            "behavior_test_solution_on_all_constraints",
            "Once you have a candidate answer, run it through each constraint from the statement in turn and confirm none is violated.",
        ),
    ),
    (
        (
            "behavior_simplify_before_substituting",
            "Simplify the algebraic expression fully before substituting numbers.",
        ),
        (
            "behavior_algebra_first_numbers_last",
            "Do the algebra symbolically and plug in numerical values only at the end; it keeps the work shorter and avoids rounding.",
        ),
    ),
    (
        (
            "behavior_distinguish_rate_from_amount",
            "Keep rates, like km per hour, separate from amounts, like km, and never add one to the other.",
        ),
        (
            "behavior_do_not_mix_rates_and_totals",
            "Never combine a per-unit rate with a total quantity directly; multiply the rate by time or count first to get an amount.",
        ),
    ),
    # --- data analysis over tables ---
    (
        (
            "behavior_inspect_columns_first",
            "Before analysing a table, list its columns with their types and a few example rows.",
        ),
        (
            "behavior_preview_table_schema",
            "Start any table task by looking at the schema and sample rows so you know each column's type and contents.",
        ),
    ),
    (
        (
            "behavior_check_column_units",
            "Check the unit of each numeric column before using it in a calculation.",
        ),
        (
            "behavior_confirm_measurement_units",
            "Find out what unit every numeric field is recorded in, for example cents versus dollars, before computing with it.",
        ),
    ),
    (
        (
            "behavior_count_missing_values",
            "Count the missing values in each column before analysis.",
        ),
        (
            "behavior_tally_nulls_per_column",
            "Always begin by measuring how many nulls or blanks each column holds, so gaps do not silently skew results.",
        ),
    ),
    (
        (
            "behavior_state_missing_value_treatment",
            "Say explicitly how missing values were handled, whether dropped, filled or kept.",
        ),
        (
            "behavior_report_null_handling",
            "In the answer, report what you did with empty cells: removed the rows, imputed a value, or left them in.",
        ),
    ),
    (
        (
            "behavior_check_row_count_after_join",
            "After a join, compare the row count with the input tables to detect unexpected duplication or loss.",
        ),
        (
            "behavior_verify_join_cardinality",
            "When two tables are joined, check how many rows come out against how many went in; a jump means duplicated keys, a drop means unmatched rows.",
        ),
    ),
    (
        (
            "behavior_check_key_uniqueness_before_join",
            "Before joining, verify the join key is unique in the table that should have one row per key.",
        ),
        (
            "behavior_ensure_lookup_key_distinct",
            "Make sure the key column of a lookup table has no repeated values before you join on it.",
        ),
    ),
    (
        (
            "behavior_parse_dates_explicitly",
            "Parse date columns with an explicit format string rather than letting the tool guess.",
        ),
        (
            "behavior_specify_date_format",
            "When converting text to dates, give the exact format, such as %Y-%m-%d, so 03/04 is not misread as the wrong month.",
        ),
    ),
    (
        (
            "behavior_normalise_timezones",
            "Convert all timestamps to one time zone before comparing or grouping them.",
        ),
        (
            "behavior_single_timezone_for_times",
            "Before any comparison of times from different sources, express every timestamp in the same zone, for example UTC.",
        ),
    ),
    (
        (
            "behavior_use_group_by_for_per_category",
            "To compute a statistic per category, group by the category column and aggregate within each group.",
        ),
        (
            "behavior_aggregate_within_groups",
            "When the question asks for a value for each category, use a group-by on that column followed by the aggregate.",
        ),
    ),
    (
        (
            "behavior_check_for_duplicate_rows",
            "Look for exact duplicate rows and decide whether to remove them before aggregating.",
        ),
        (
            "behavior_detect_repeated_records",
            "Before summing or counting, check the table for repeated identical records and deal with them deliberately.",
        ),
    ),
    (
        (
            "behavior_sql_where_before_group",
            "Filter rows with WHERE before grouping, and filter groups with HAVING after aggregating.",
        ),
        (
            "behavior_having_for_aggregate_filters",
            "In SQL, put conditions on raw rows in WHERE and conditions on aggregate values like COUNT(*) in HAVING.",
        ),
    ),
    (
        (
            "behavior_select_only_needed_columns",
            "In a SQL query, select only the columns the answer needs instead of SELECT *.",
        ),
        (
            "behavior_avoid_select_star",
            "Name the specific columns you need in the SELECT list; avoid SELECT * because it pulls unneeded data and hides what the query returns.",
        ),
    ),
    (
        (
            "behavior_count_distinct_for_unique_entities",
            "Use COUNT(DISTINCT id) when the question asks how many different entities there are.",
        ),
        (
            "behavior_distinct_count_of_ids",
            "To count unique customers or products, count distinct identifiers rather than rows, since one entity may appear in many rows.",
        ),
    ),
    (
        (
            "behavior_strip_whitespace_in_text_keys",
            "Trim leading and trailing spaces from text key columns before matching or grouping on them.",
        ),
        (
            "behavior_clean_padding_from_strings",
            "Remove surrounding whitespace from string fields used as keys, so 'Paris ' and 'Paris' fall into the same group.",
        ),
    ),
    (
        (
            "behavior_normalise_case_of_categories",
            "Lower-case category labels before grouping so 'NY' and 'ny' are counted together.",
        ),
        (
            "behavior_case_fold_labels",
            "When categories are text, convert them to one letter case before aggregating to merge variants that differ only in case.",
        ),
    ),
    (
        (
            "behavior_check_numeric_column_type",
            "Confirm numeric columns are stored as numbers, not text, before summing them.",
        ),
        (
            "behavior_cast_text_numbers",
            "If a column of amounts was read as strings, convert it to a numeric type before doing arithmetic on it.",
        ),
    ),
    (
        (
            "behavior_left_join_to_keep_all",
            "Use a left join when every row of the main table must appear in the result, even without a match.",
        ),
        (
            "behavior_preserve_unmatched_main_rows",
            "When no row of the primary table may be lost, join with LEFT JOIN so unmatched rows stay with nulls in the other columns.",
        ),
    ),
    (
        (
            "behavior_handle_null_in_sql_comparison",
            "Use IS NULL rather than = NULL when testing for missing values in SQL.",
        ),
        (
            "behavior_is_null_not_equals",
            "In SQL, a comparison with NULL using = is never true; write IS NULL or IS NOT NULL instead.",
        ),
    ),
    (
        (
            "behavior_check_totals_against_source",
            "After aggregating, check that the group totals add up to the overall total of the source column.",
        ),
        (
            "behavior_reconcile_group_sums",
            "Reconcile the result: the sum over all groups should equal the sum of the ungrouped column.",
        ),
    ),
    (
        (
            "behavior_weighted_mean_for_rates",
            "When averaging rates from groups of different sizes, weight each rate by its group size.",
        ),
        (
            "behavior_size_weighted_average",
            "Do not take a plain mean of per-group percentages; weight each group's percentage by its count of rows.",
        ),
    ),
    (
        (
            "behavior_inspect_outliers_before_summary",
            "Look at the minimum and maximum of numeric columns to spot impossible values before summarising.",
        ),
        (
            "behavior_scan_extremes_for_errors",
            "Before computing statistics, check each numeric column's extremes for entries that cannot be real, like negative ages.",
        ),
    ),
    (
        (
            "behavior_date_range_inclusive_end",
            "When filtering by a date range, check whether the end date is inclusive and whether timestamps include a time of day.",
        ),
        (
            "behavior_end_of_day_in_date_filters",
            "When filtering up to an end date, confirm whether that date itself counts and whether rows carry a time of day, so late entries on the last day are not lost.",
        ),
    ),
    (
        (
            "behavior_order_before_limit",
            "Add ORDER BY before LIMIT when asking for the top rows, since without ordering the rows returned are arbitrary.",
        ),
        (
            "behavior_sort_then_take_top_n",
            "To get the top N rows in SQL, sort with ORDER BY on the ranking column and then apply LIMIT N.",
        ),
    ),
    (
        (
            "behavior_document_filters_applied",
            "Record every filter applied to the data so the result can be reproduced.",
        ),
        (
            "behavior_log_row_selection_criteria",
            "Write down each condition used to select rows, so another analyst can reproduce exactly the same subset.",
        ),
    ),
    (
        (
            "behavior_check_granularity_of_table",
            "Determine what one row of the table represents before aggregating it.",
        ),
        (
            "behavior_identify_row_grain",
            "Work out the grain of the data, for example one row per order or one row per order line, before counting or summing.",
        ),
    ),
    (
        (
            "behavior_coalesce_nulls_in_sums",
            "Replace nulls with zero only when missing truly means none, and say so.",
        ),
        (
            "behavior_zero_fill_only_when_meaningful",
            "Fill empty numeric cells with 0 only if a blank really means a zero amount, and state that assumption in the answer.",
        ),
    ),
    (
        (
            "behavior_qualify_columns_in_joins",
            "Prefix column names with table aliases in queries that join several tables.",
        ),
        (
            "behavior_alias_columns_in_multi_table_sql",
            "When a SQL query touches more than one table, write every column as alias.column so it is unambiguous which table it comes from.",
        ),
    ),
    (
        (
            "behavior_check_integer_division_in_sql",
            "Cast to a decimal type before dividing integers in SQL to avoid truncated ratios.",
        ),
        (
            "behavior_float_cast_for_ratios",
            "In SQL, integer divided by integer truncates, so convert one operand to a float or decimal before computing a ratio.",
        ),
    ),
    (
        (
            "behavior_verify_date_parsing_sample",
            "After parsing dates, check a few parsed values against the raw strings.",
        ),
        (
            "behavior_spot_check_converted_dates",
            "Compare several converted dates with their original text to confirm day and month were not swapped during parsing.",
        ),
    ),
    (
        (
            "behavior_use_median_for_skewed_data",
            "Report the median instead of the mean when a numeric column is heavily skewed.",
        ),
        (
            "behavior_prefer_median_on_skew",
            "When a few very large values dominate a distribution, like incomes, summarise its centre with the median rather than the average.",
        ),
    ),
    (
        (
            "behavior_percent_of_total_denominator",
            "When computing a share of a total, make sure the denominator is the total over the same filtered rows.",
        ),
        (
            "behavior_consistent_share_base",
            "Compute percentages of total using a denominator taken from the same subset of rows as the numerator.",
        ),
    ),
    (
        (
            "behavior_handle_empty_groups",
            "Check whether categories with no rows should appear in the output with a zero count.",
        ),
        (
            "behavior_include_zero_count_categories",
            "Decide whether groups that have no matching rows must still be listed with count 0, and if so build them from a full list of categories.",
        ),
    ),
    (
        (
            "behavior_window_function_for_running_total",
            "Use a window function with SUM over an ordered partition to compute running totals in SQL.",
        ),
        (
            "behavior_cumulative_sum_via_over_clause",
            "For a cumulative total, write SUM(x) OVER (PARTITION BY group ORDER BY date) rather than a self-join.",
        ),
    ),
    # --- writing code for a task ---
    (
        (
            "behavior_read_full_traceback",
            "Read the whole traceback, starting from the last line, before changing any code.",
        ),
        (
            "behavior_start_from_final_error_line",
            "When a program crashes, look first at the final line of the stack trace for the exception type and message, then trace upward before editing.",
        ),
    ),
    (
        (
            "behavior_write_failing_test_first",
            "Write a test that reproduces the bug and see it fail before fixing the code.",
        ),
        (
            "behavior_reproduce_bug_in_test",
            "Before fixing a defect, capture it in a test and confirm the test fails, so you know the fix is what makes it pass.",
        ),
    ),
    (
        (
            "behavior_test_empty_input",
            "Test the function with an empty input, such as an empty list or string.",
        ),
        (
            "behavior_cover_zero_length_case",
            "Always include a case where the input has no elements, like [] or '', among your tests.",
        ),
    ),
    (
        ("behavior_run_tests_after_change", "Run the tests again after every code change."),
        (
            "behavior_rerun_suite_on_edit",
            "Each time you modify the code, execute the relevant tests once more to catch regressions straight away.",
        ),
    ),
    (
        (
            "behavior_print_intermediate_values",
            "Print intermediate values at key points to locate where the computation goes wrong.",
        ),
        (
            "behavior_add_debug_output",
            "When output is wrong and the cause is unclear, insert temporary prints of variables along the path to see where values first diverge from expectation.",
        ),
    ),
    (
        (
            "behavior_check_boundary_indices",
            "Test loops at their boundaries: the first index, the last index and one past the end.",
        ),
        (
            "behavior_verify_loop_endpoints",
            "Check that a loop handles its first and last iterations correctly and never reads beyond the final element.",
        ),
    ),
    (
        (
            "behavior_read_spec_before_coding",
            "Read the task specification fully, including input and output formats, before writing code.",
        ),
        (
            "behavior_understand_io_format_first",
            "Before you type any code, go through the whole task statement and pin down the exact input format and expected output format.",
        ),
    ),
    (
        (
            "behavior_test_with_given_examples",
            "Run the code on the examples from the task statement and compare with the expected outputs.",
        ),
        (
            "behavior_check_sample_io",
            "Make the sample inputs from the problem description your first tests and confirm the program prints exactly the sample outputs.",
        ),
    ),
    (
        (
            "behavior_handle_none_input",
            "Decide what the function should do when it receives None and test that case.",
        ),
        (
            "behavior_define_null_argument_behavior",
            "Specify and test how the code responds to a missing value passed as an argument, such as None.",
        ),
    ),
    (
        (
            "behavior_search_error_message_in_code",
            "Search the codebase for the exact error message text to find where it is raised.",
        ),
        (
            "behavior_grep_for_raised_message",
            "To find the source of an error, grep the project for the literal message string and open the line that raises it.",
        ),
    ),
    (
        (
            "behavior_small_steps_with_checks",
            "Write code in small increments and run it after each increment.",
        ),
        (
            "behavior_incremental_development",
            "Build the solution a little at a time, running the program after each small addition rather than writing everything and running once.",
        ),
    ),
    (
        (
            "behavior_check_types_on_type_error",
            "When a TypeError appears, print the types of the values involved in the failing line.",
        ),
        (
            "behavior_inspect_operand_types",
            "On a type error, inspect what types the operands on the offending line actually have, e.g. with type(x), before changing code.",
        ),
    ),
    (
        (
            "behavior_test_negative_numbers",
            "Include negative numbers among the test inputs for numeric functions.",
        ),
        (
            "behavior_cover_below_zero_inputs",
            "When a function takes numbers, test it with values less than zero as well as positive ones.",
        ),
    ),
    (
        (
            "behavior_assert_exact_expected_output",
            "Make tests assert the exact expected value, not just that some result was returned.",
        ),
        (
            "behavior_check_specific_result_in_tests",
            "Tests should compare the output to the precise expected value; a check that only confirms something came back catches almost nothing.",
        ),
    ),
    (
        (
            "behavior_isolate_minimal_repro",
            "Reduce a failing case to the smallest input that still triggers the error.",
        ),
        (
            "behavior_shrink_failing_input",
            "When a bug appears on a large input, cut the input down step by step until you have the minimal example that still fails.",
        ),
    ),
    (
        (
            "behavior_check_off_by_one_in_slices",
            "Remember that Python slices exclude the stop index, and check slice bounds for off-by-one errors.",
        ),
        (
            "behavior_slice_end_exclusive",
            "When slicing a list as a[i:j], the element at j is not included; verify every slice bound with this in mind.",
        ),
    ),
    (
        (
            "behavior_test_duplicate_elements",
            "Test functions on inputs that contain repeated elements.",
        ),
        (
            "behavior_include_repeats_in_test_data",
            "Add test cases where some values occur more than once, since code that assumes distinct items often breaks on duplicates.",
        ),
    ),
    (
        (
            "behavior_read_error_line_number",
            "Go to the file and line number given in the error message and read the code there.",
        ),
        (
            "behavior_open_reported_location",
            "Use the line number the interpreter reports to open the exact spot where the error occurred and inspect it.",
        ),
    ),
    (
        (
            "behavior_test_single_element_input",
            "Test the code with an input that has exactly one element.",
        ),
        (
            "behavior_cover_length_one_case",
            "Include a test where the list or string has a single item, a case where loops over pairs often fail.",
        ),
    ),
    (
        (
            "behavior_check_float_comparison_tolerance",
            "Compare floating-point results with a tolerance rather than exact equality.",
        ),
        (
            "behavior_use_isclose_for_floats",
            "In tests of float outputs, use math.isclose or pytest.approx instead of ==, since rounding makes exact matches unreliable.",
        ),
    ),
    (
        (
            "behavior_validate_inputs_early",
            "Validate function arguments at the start and raise a clear error for invalid values.",
        ),
        (
            "behavior_fail_fast_on_bad_arguments",
            "At the top of a function, check its inputs and raise an informative exception right away if they are invalid.",
        ),
    ),
    (
        (
            "behavior_one_bug_fix_at_a_time",
            "Change one thing at a time when debugging, and test after each change.",
        ),
        (
            "behavior_single_change_per_attempt",
            "While hunting a bug, make only a single modification per attempt and rerun, so you know which change had which effect.",
        ),
    ),
    (
        (
            "behavior_check_index_error_bounds",
            "On an IndexError, print the length of the sequence and the index being accessed.",
        ),
        (
            "behavior_log_len_and_index",
            "When you get 'index out of range', output both the container's size and the offending index to see how far off it is.",
        ),
    ),
    (
        (
            "behavior_test_large_inputs_for_speed",
            "Test the solution on an input of the maximum allowed size to check it runs in time.",
        ),
        (
            "behavior_time_worst_case_input",
            "Time the program on the largest input the task allows to make sure it meets the time limit.",
        ),
    ),
    (
        ("behavior_name_tests_by_behavior", "Name each test after the behaviour it checks."),
        (
            "behavior_descriptive_test_names",
            "Give tests names that say what they verify, such as test_empty_list_returns_zero, rather than test1 or test_func.",
        ),
    ),
    (
        (
            "behavior_check_mutable_default_args",
            "Avoid mutable default arguments like [] in function definitions; use None and create the list inside.",
        ),
        (
            "behavior_none_default_for_lists",
            "Do not write def f(x=[]); the list is shared between calls, so default to None and make a fresh list in the body.",
        ),
    ),
    (
        (
            "behavior_read_key_error_key",
            "On a KeyError, look at the missing key in the message and print the keys the dict actually has.",
        ),
        (
            "behavior_compare_missing_key_to_available",
            "When a dictionary lookup fails, compare the key named in the error with the dictionary's existing keys to spot typos or type mismatches.",
        ),
    ),
    (
        ("behavior_test_unicode_strings", "Test string-handling code with non-ASCII characters."),
        (
            "behavior_include_non_ascii_text_cases",
            "Add inputs with accented letters or other non-ASCII characters to the tests of any function that processes text.",
        ),
    ),
    (
        (
            "behavior_handle_file_not_found",
            "Check that a file exists and give a clear message when it does not, instead of crashing.",
        ),
        (
            "behavior_clear_error_for_missing_file",
            "When the code opens a path supplied by the user, report a readable error if the file is absent rather than letting a raw traceback surface.",
        ),
    ),
    (
        (
            "behavior_check_return_value_used",
            "Check that functions return their result rather than only printing it.",
        ),
        (
            "behavior_return_not_print",
            "Make sure a function gives back its answer with return; printing it leaves the caller with None.",
        ),
    ),
    (
        (
            "behavior_test_zero_as_input",
            "Test numeric code with zero as an input, watching for division by zero.",
        ),
        (
            "behavior_zero_value_test_case",
            "Include a test where a numeric argument is 0, a common trigger for division-by-zero and sign bugs.",
        ),
    ),
    (
        (
            "behavior_read_warning_messages",
            "Read warnings printed while running the code; they often point to the real bug.",
        ),
        (
            "behavior_do_not_ignore_warnings",
            "Pay attention to warnings in the output instead of skipping them, since they frequently reveal the cause of wrong results.",
        ),
    ),
    (
        (
            "behavior_check_variable_scope_on_name_error",
            "On a NameError, check the variable is defined in the scope where it is used and the name is spelled the same.",
        ),
        (
            "behavior_trace_undefined_name",
            "When Python says a name is not defined, look for a misspelling or a variable assigned only inside another function or block.",
        ),
    ),
]

TRAIN_C_DIFFERENT: list[Pair] = [
    # --- general problem solving ---
    (
        (
            "behavior_unify_units_up_front",
            "Before combining quantities, convert them all into one consistent set of units.",
        ),
        (
            "behavior_final_unit_as_requested",
            "At the end, express the answer in the unit the question names, even if you worked in another unit.",
        ),
    ),
    (
        (
            "behavior_carry_unrounded_values",
            "Carry unrounded values through every intermediate step of a calculation.",
        ),
        (
            "behavior_round_to_requested_places",
            "Round the final answer to the number of decimal places or significant figures the question specifies.",
        ),
    ),
    (
        (
            "behavior_rectangle_area_product",
            "For the area of a rectangle, multiply its length by its width and give the result in square units.",
        ),
        (
            "behavior_rectangle_perimeter_sum",
            "For the perimeter of a rectangle, add twice the length to twice the width and give the result in linear units.",
        ),
    ),
    (
        (
            "behavior_mean_sum_over_count",
            "To find the mean of a list, add all the values and divide by how many values there are.",
        ),
        (
            "behavior_median_middle_after_sort",
            "To find the median of a list, sort the values and take the middle one, or average the two middle ones.",
        ),
    ),
    (
        (
            "behavior_undo_percent_increase_by_division",
            "To recover the original price after a p percent increase, divide the new price by 1 + p/100.",
        ),
        (
            "behavior_apply_percent_decrease_by_multiplying",
            "To apply a p percent discount to a price, multiply the price by 1 - p/100.",
        ),
    ),
    (
        (
            "behavior_hours_to_minutes_multiply",
            "To convert a duration from hours to minutes, multiply by 60.",
        ),
        (
            "behavior_minutes_to_hours_divide",
            "To convert a duration from minutes to hours, divide by 60.",
        ),
    ),
    (
        (
            "behavior_isolate_unknown_by_inverse_ops",
            "Solve a linear equation by applying inverse operations to both sides until the unknown stands alone.",
        ),
        (
            "behavior_confirm_root_by_substitution",
            "Once an equation is solved, put the value back into the original equation and check that both sides agree.",
        ),
    ),
    (
        (
            "behavior_double_read_before_starting",
            "Read the full problem statement twice before you begin working on it.",
        ),
        (
            "behavior_match_final_answer_to_question",
            "Just before answering, reread the final question sentence and check your answer is the quantity it asks for, not an intermediate one.",
        ),
    ),
    (
        (
            "behavior_inventory_given_data",
            "Begin by writing down every given value from the statement together with its unit.",
        ),
        (
            "behavior_pin_down_what_is_sought",
            "Begin by stating exactly which quantity the problem asks you to find, and give it a symbol.",
        ),
    ),
    (
        (
            "behavior_reason_backward_from_goal",
            "When stuck, start from the quantity you need and ask what would let you compute it, working back toward the givens.",
        ),
        (
            "behavior_derive_forward_from_givens",
            "Start from the given facts and derive every quantity they directly allow, moving forward until the target appears.",
        ),
    ),
    (
        (
            "behavior_guess_pattern_from_small_n",
            "Compute the first few small cases by hand to spot a pattern.",
        ),
        (
            "behavior_prove_conjectured_pattern",
            "After guessing a pattern from small cases, prove it holds for all n, for example by induction, before relying on it.",
        ),
    ),
    (
        (
            "behavior_cases_cover_everything",
            "When splitting into cases, check that together the cases include every possibility, so none is missed.",
        ),
        (
            "behavior_cases_do_not_overlap",
            "When splitting into cases for counting, check that no outcome falls into two cases, so nothing is counted twice.",
        ),
    ),
    (
        (
            "behavior_count_integers_inclusive",
            "To count the integers from a to b with both ends included, use b - a + 1.",
        ),
        (
            "behavior_count_gaps_between_posts",
            "For n posts in a row, there are n - 1 gaps between them; use gaps, not posts, when computing total spacing.",
        ),
    ),
    (
        (
            "behavior_permutations_when_order_matters",
            "When the order of chosen items matters, count arrangements with permutations, n!/(n-k)!.",
        ),
        (
            "behavior_combinations_when_order_irrelevant",
            "When the order of chosen items does not matter, count selections with combinations, n!/(k!(n-k)!).",
        ),
    ),
    (
        (
            "behavior_sketch_shape_with_measurements",
            "For a geometry problem, draw the shape and mark every given length and angle on it.",
        ),
        (
            "behavior_draw_timeline_of_events",
            "For a problem with events happening in sequence, draw a timeline and mark when each event occurs.",
        ),
    ),
    (
        (
            "behavior_simple_interest_linear",
            "For simple interest, compute interest as principal times rate times years, added once to the principal.",
        ),
        (
            "behavior_compound_interest_power",
            "For compound interest, multiply the principal by (1 + rate) raised to the number of periods.",
        ),
    ),
    (
        (
            "behavior_average_speed_total_over_total",
            "Compute average speed for a trip as total distance divided by total time, never as the mean of the leg speeds.",
        ),
        (
            "behavior_closing_speed_add",
            "When two objects move toward each other, add their speeds to get the rate at which the gap between them closes.",
        ),
    ),
    (
        (
            "behavior_multiply_probs_for_independent_and",
            "For the probability that two independent events both happen, multiply their probabilities.",
        ),
        (
            "behavior_add_probs_for_exclusive_or",
            "For the probability that one of two mutually exclusive events happens, add their probabilities.",
        ),
    ),
    (
        (
            "behavior_round_up_for_capacity",
            "When asked how many containers or trips are needed to hold everything, round a fractional result up to the next whole number.",
        ),
        (
            "behavior_round_down_for_complete_items",
            "When asked how many complete items can be made from limited material, round a fractional result down.",
        ),
    ),
    (
        (
            "behavior_rough_estimate_with_one_sig_fig",
            "Before an exact calculation, round each number to one significant figure and compute a rough estimate.",
        ),
        (
            "behavior_last_digit_check_on_products",
            "After multiplying whole numbers by hand, check the last digit of the product against the product of the last digits.",
        ),
    ),
    (
        (
            "behavior_distribute_minus_over_brackets",
            "When a minus sign stands before brackets, change the sign of every term inside when removing them.",
        ),
        (
            "behavior_reverse_inequality_on_negative",
            "When multiplying or dividing both sides of an inequality by a negative number, reverse the direction of the inequality.",
        ),
    ),
    (
        (
            "behavior_write_out_each_step",
            "Write each step of the working on its own line so every operation can be followed.",
        ),
        (
            "behavior_state_final_answer_separately",
            "End with the final answer on its own clearly marked line, separate from the working.",
        ),
    ),
    (
        (
            "behavior_exclude_zero_denominator_roots",
            "For equations with variables in a denominator, discard any solution that makes a denominator zero.",
        ),
        (
            "behavior_check_extraneous_after_squaring",
            "After squaring both sides to remove a square root, test each solution in the original equation to discard extraneous ones.",
        ),
    ),
    (
        (
            "behavior_stepwise_subgoals",
            "Split a long problem into subgoals and solve them in order.",
        ),
        (
            "behavior_left_join_keeps_base_rows",
            "Use a LEFT JOIN when all rows of the base table must stay in the result.",
        ),
    ),
    (
        (
            "behavior_name_target_quantity",
            "Write down the quantity the problem asks for before solving.",
        ),
        ("behavior_empty_list_test_case", "Add a test that calls the function with an empty list."),
    ),
    (
        (
            "behavior_magnitude_guess_first",
            "Guess the order of magnitude of the answer before computing it exactly.",
        ),
        (
            "behavior_explicit_date_format_on_parse",
            "Give an explicit format string when parsing date text in a table.",
        ),
    ),
    (
        (
            "behavior_picture_the_situation",
            "Draw a quick picture of the situation described before setting up equations.",
        ),
        (
            "behavior_traceback_bottom_up",
            "Read a Python traceback from the bottom line upward to find the failing call.",
        ),
    ),
    (
        (
            "behavior_brief_plan_first",
            "Write a brief plan of steps before starting any arithmetic.",
        ),
        (
            "behavior_null_test_with_is_null",
            "Test for missing values in SQL with IS NULL, never with = NULL.",
        ),
    ),
    (
        (
            "behavior_identify_percent_base",
            "Work out which quantity a percentage is taken of before applying it.",
        ),
        (
            "behavior_no_mutable_defaults",
            "Never use a mutable object such as a list as a default argument value in Python.",
        ),
    ),
    (
        (
            "behavior_probability_in_unit_interval",
            "Check that any probability you compute lies between 0 and 1.",
        ),
        (
            "behavior_trim_text_keys",
            "Strip leading and trailing whitespace from text columns before grouping on them.",
        ),
    ),
    (
        (
            "behavior_own_words_restatement",
            "Restate the problem in your own words to check you understood it.",
        ),
        (
            "behavior_benchmark_max_size_input",
            "Run the program on the largest allowed input to check it finishes within the time limit.",
        ),
    ),
    (
        (
            "behavior_multiply_before_adding",
            "Evaluate multiplication and division before addition and subtraction unless brackets say otherwise.",
        ),
        (
            "behavior_rows_in_vs_rows_out_join",
            "Compare row counts before and after a join to catch duplicated or dropped rows.",
        ),
    ),
    (
        (
            "behavior_analogous_problem_method",
            "Look for a problem you have already solved that resembles this one, and adapt its method.",
        ),
        ("behavior_test_names_describe_checks", "Name each test after the behaviour it verifies."),
    ),
    (
        (
            "behavior_supply_unstated_facts",
            "Supply common facts the problem leaves unstated, like seven days in a week.",
        ),
        (
            "behavior_timestamps_to_utc",
            "Convert all timestamps to UTC before comparing times from different sources.",
        ),
    ),
]
