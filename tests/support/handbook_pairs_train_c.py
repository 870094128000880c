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
    # --- data analysis over tables ---
    (
        (
            "behavior_inner_join_for_matches_only",
            "Use an INNER JOIN when the result should contain only rows that have a match in both tables.",
        ),
        (
            "behavior_outer_left_join_keep_all_base",
            "Use a LEFT JOIN when every row of the first table must stay in the result, matched or not.",
        ),
    ),
    (
        (
            "behavior_count_star_for_rows",
            "To count how many records, such as orders placed, use COUNT(*) over the rows.",
        ),
        (
            "behavior_count_distinct_for_entities",
            "To count how many different customers placed orders, use COUNT(DISTINCT customer_id) rather than counting rows.",
        ),
    ),
    (
        (
            "behavior_where_filters_raw_rows",
            "Put conditions on individual row values, such as status = 'paid', in the WHERE clause so they apply before aggregation.",
        ),
        (
            "behavior_having_filters_groups",
            "Put conditions on aggregate results, such as SUM(amount) > 1000, in the HAVING clause so they apply after grouping.",
        ),
    ),
    (
        (
            "behavior_sum_for_group_totals",
            "When the question asks for total sales per region, aggregate the amount column with SUM within each region.",
        ),
        (
            "behavior_avg_for_typical_group_value",
            "When the question asks for the typical order value per region, aggregate the amount column with AVG within each region.",
        ),
    ),
    (
        (
            "behavior_drop_incomplete_rows",
            "Drop rows with missing values in the columns needed for the analysis, and report how many were dropped.",
        ),
        (
            "behavior_impute_missing_with_median",
            "Fill missing numeric values with the column median so rows are kept, and report how many were filled.",
        ),
    ),
    (
        (
            "behavior_measure_missingness_first",
            "Count how many values are missing in each column before choosing how to treat them.",
        ),
        (
            "behavior_fill_blanks_with_zero",
            "Replace missing quantities with zero when a blank means nothing was sold.",
        ),
    ),
    (
        (
            "behavior_cents_to_dollars_divide",
            "To turn an amount stored in cents into dollars, divide it by 100.",
        ),
        (
            "behavior_dollars_to_cents_multiply",
            "To turn an amount in dollars into cents for an integer column, multiply it by 100 and round.",
        ),
    ),
    (
        (
            "behavior_parse_date_strings",
            "Convert date strings in the input table into real date values before filtering or sorting by date.",
        ),
        (
            "behavior_format_dates_for_output",
            "When writing results, format date values as ISO text, YYYY-MM-DD, so readers and other tools interpret them the same way.",
        ),
    ),
    (
        (
            "behavior_group_by_calendar_month",
            "To analyse monthly trends, truncate each date to its month and group by that month.",
        ),
        (
            "behavior_group_by_day_of_week",
            "To compare weekdays, extract the day of the week from each date and group by it, pooling all weeks.",
        ),
    ),
    (
        (
            "behavior_unique_lookup_key_check",
            "Before a join, confirm the key is unique in the lookup table so rows are not multiplied.",
        ),
        (
            "behavior_null_join_keys_check",
            "Before a join, count rows whose join key is null, since those rows can never match and will be dropped or left unmatched.",
        ),
    ),
    (
        (
            "behavior_remove_exact_duplicate_rows",
            "Remove rows that are identical in every column before aggregating.",
        ),
        (
            "behavior_latest_record_per_id",
            "When an entity has several versions of its record, keep only the most recent one per id, for example with ROW_NUMBER ordered by update time.",
        ),
    ),
    (
        (
            "behavior_running_total_window",
            "For a running total over time, use SUM(amount) OVER (ORDER BY date) so each row shows the total so far.",
        ),
        (
            "behavior_group_total_group_by",
            "For one total per group, use SUM(amount) with GROUP BY so each group collapses to a single row.",
        ),
    ),
    (
        (
            "behavior_top_n_overall_order_limit",
            "For the top N rows of the whole table, sort by the ranking column descending and apply LIMIT N.",
        ),
        (
            "behavior_top_n_within_each_group",
            "For the top N rows within each group, number rows with ROW_NUMBER() OVER (PARTITION BY group ORDER BY value DESC) and keep numbers up to N.",
        ),
    ),
    (
        (
            "behavior_share_of_total_ratio",
            "To express a category as a share of the total, divide its value by the sum over all categories.",
        ),
        (
            "behavior_period_over_period_change",
            "To express growth, divide the difference between this period and the previous one by the previous period's value.",
        ),
    ),
    (
        (
            "behavior_days_between_dates_subtract",
            "To find how many days passed between two dates, subtract the earlier date from the later one.",
        ),
        (
            "behavior_due_date_add_interval",
            "To find a deadline a fixed number of days after a start date, add that interval to the start date.",
        ),
    ),
    (
        (
            "behavior_utc_for_cross_source_compare",
            "Convert timestamps to UTC before comparing event times that came from systems in different zones.",
        ),
        (
            "behavior_local_time_for_daily_buckets",
            "Convert timestamps to the business's local time zone before grouping by calendar day, so days match the local reporting day.",
        ),
    ),
    (
        (
            "behavior_decimal_cast_before_divide",
            "Cast integer columns to decimal before dividing them in SQL so the ratio is not truncated.",
        ),
        (
            "behavior_round_ratio_in_output",
            "Round computed ratios to two decimal places only in the final output column.",
        ),
    ),
    (
        (
            "behavior_look_at_min_and_max",
            "Look at the minimum and maximum of each numeric column to spot suspicious values.",
        ),
        (
            "behavior_exclude_impossible_values",
            "Exclude rows with impossible values, such as negative ages, from the analysis and report how many were excluded.",
        ),
    ),
    (
        (
            "behavior_establish_column_unit",
            "Find out which unit a numeric column uses, from its documentation or values, before computing with it.",
        ),
        (
            "behavior_unit_suffix_in_column_names",
            "When creating derived columns, put the unit in the column name, like weight_kg or duration_s.",
        ),
    ),
    (
        (
            "behavior_pivot_long_to_wide",
            "Pivot a long table to wide when each category should become its own column, one row per entity.",
        ),
        (
            "behavior_melt_wide_to_long",
            "Unpivot a wide table to long when separate columns for each category should become rows of a single value column.",
        ),
    ),
    (
        (
            "behavior_union_to_stack_rows",
            "Use UNION ALL to stack rows from tables with the same columns, such as monthly extracts.",
        ),
        (
            "behavior_join_to_add_columns",
            "Use a JOIN on a shared key to add columns from another table to each row.",
        ),
    ),
    (
        (
            "behavior_lowercase_category_text",
            "Convert category labels to lower case before grouping.",
        ),
        (
            "behavior_map_label_synonyms",
            "Map different names for the same category, like 'USA' and 'United States', to one canonical label with an explicit mapping table.",
        ),
    ),
    (
        (
            "behavior_groupby_category_aggregate",
            "To get a figure per category, group by the category column and aggregate.",
        ),
        (
            "behavior_test_reproduces_bug_first",
            "Write a test that fails on the bug before changing the code.",
        ),
    ),
    (
        (
            "behavior_date_format_string_given",
            "Pass an explicit format string when parsing dates from a CSV file.",
        ),
        (
            "behavior_sign_change_when_moving_terms",
            "Change the sign of a term when you move it to the other side of an equation.",
        ),
    ),
    (
        (
            "behavior_distinct_customer_count",
            "Count distinct customer ids to report how many customers there are.",
        ),
        (
            "behavior_label_geometry_sketch",
            "Draw and label a sketch when a problem describes a geometric figure.",
        ),
    ),
    (
        (
            "behavior_one_row_means_what",
            "Establish what a single row represents, such as one order or one order line, before aggregating.",
        ),
        (
            "behavior_approx_equality_for_floats",
            "Compare floating-point outputs in tests with a tolerance such as pytest.approx.",
        ),
    ),
    (
        (
            "behavior_weight_group_rates_by_size",
            "Weight each group's rate by the group's size when combining rates across groups.",
        ),
        (
            "behavior_guard_clauses_for_arguments",
            "Check function arguments at the start and raise a clear error for invalid ones.",
        ),
    ),
    (
        (
            "behavior_record_each_filter",
            "Keep a record of every filter applied to the dataset so the result is reproducible.",
        ),
        (
            "behavior_slice_stop_excluded",
            "Check Python slice bounds, remembering that the stop index is excluded.",
        ),
    ),
    (
        (
            "behavior_table_alias_prefixes",
            "Prefix every column with its table alias in queries that join several tables.",
        ),
        (
            "behavior_reread_before_final_answer",
            "Reread the question before writing the final answer.",
        ),
    ),
    (
        (
            "behavior_numeric_dtype_check",
            "Make sure amount columns are numeric rather than text before summing them.",
        ),
        (
            "behavior_rough_answer_estimate",
            "Estimate the answer roughly before calculating it exactly.",
        ),
    ),
    (
        (
            "behavior_median_for_skewed_column",
            "Summarise a heavily skewed column with its median rather than its mean.",
        ),
        (
            "behavior_non_ascii_string_tests",
            "Include non-ASCII text among the test inputs of string functions.",
        ),
    ),
    (
        (
            "behavior_zero_rows_for_absent_categories",
            "List categories with no matching rows with a count of zero when the report must show every category.",
        ),
        (
            "behavior_backward_from_required_result",
            "When no forward route is visible, work backward from what the answer requires.",
        ),
    ),
    (
        ("behavior_join_row_count_audit", "Compare the number of rows before and after each join."),
        (
            "behavior_minimal_failing_example",
            "Shrink a failing input to the smallest case that still shows the bug.",
        ),
    ),
    # --- writing code for a task ---
    (
        (
            "behavior_failing_test_before_fix",
            "Before fixing a bug, write a test that reproduces it and watch the test fail.",
        ),
        (
            "behavior_full_suite_after_fix",
            "After a fix makes its own test pass, run the whole test suite to check nothing else broke.",
        ),
    ),
    (
        (
            "behavior_edge_case_no_elements",
            "Test the function on an input with no elements, such as an empty list.",
        ),
        (
            "behavior_edge_case_exactly_one_element",
            "Test the function on an input with exactly one element, such as a one-item list.",
        ),
    ),
    (
        (
            "behavior_try_negative_arguments",
            "Include negative values among the inputs when testing a numeric function.",
        ),
        (
            "behavior_try_zero_argument",
            "Include zero among the inputs when testing a numeric function, watching for division by zero.",
        ),
    ),
    (
        (
            "behavior_index_error_print_length",
            "On an IndexError, print the sequence length and the index used to see how far out of range it is.",
        ),
        (
            "behavior_key_error_print_keys",
            "On a KeyError, print the missing key and the dictionary's actual keys to spot a typo or type mismatch.",
        ),
    ),
    (
        (
            "behavior_raise_on_invalid_required_arg",
            "When a required argument has an invalid value, raise a ValueError whose message names the argument and the bad value.",
        ),
        (
            "behavior_default_for_omitted_optional_arg",
            "When an optional argument is omitted, fall back to a documented default value instead of failing.",
        ),
    ),
    (
        (
            "behavior_unit_test_function_in_isolation",
            "Test each function on its own with small direct inputs, replacing its collaborators where needed.",
        ),
        (
            "behavior_end_to_end_pipeline_test",
            "Add at least one test that runs the whole program from real input to final output.",
        ),
    ),
    (
        (
            "behavior_insert_temporary_prints",
            "Insert temporary print statements to see variable values along the failing path.",
        ),
        (
            "behavior_remove_debug_prints_before_done",
            "Before submitting, delete the temporary debug prints you added while investigating.",
        ),
    ),
    (
        (
            "behavior_tolerance_for_float_results",
            "Compare floating-point results in tests using a tolerance.",
        ),
        (
            "behavior_exact_match_for_integer_results",
            "Compare integer and string results in tests with exact equality, no tolerance.",
        ),
    ),
    (
        (
            "behavior_stub_external_services_in_tests",
            "In tests, replace calls to network services with a stub that returns fixed data.",
        ),
        (
            "behavior_seed_randomness_in_tests",
            "In tests of code that uses random numbers, set a fixed seed so the results repeat.",
        ),
    ),
    (
        (
            "behavior_open_files_with_context_manager",
            "Open files with a with statement so they are closed even if an error occurs.",
        ),
        (
            "behavior_check_path_exists_first",
            "Check that an input path exists before opening it and print a clear message if it does not.",
        ),
    ),
    (
        (
            "behavior_measure_runtime_on_max_input",
            "Measure the running time of the finished program on the largest allowed input.",
        ),
        (
            "behavior_estimate_complexity_before_coding",
            "Before writing code, estimate the time complexity of the planned algorithm against the input limits to decide whether it can work.",
        ),
    ),
    (
        (
            "behavior_range_excludes_upper_bound",
            "Remember that Python range(a, b) stops before b, so b itself is never produced.",
        ),
        (
            "behavior_randint_includes_upper_bound",
            "Remember that Python random.randint(a, b) can return b itself, unlike range.",
        ),
    ),
    (
        (
            "behavior_floor_division_rounds_down",
            "Remember that Python's // rounds toward negative infinity, so -7 // 2 is -4.",
        ),
        (
            "behavior_int_cast_truncates_toward_zero",
            "Remember that int() on a float truncates toward zero, so int(-3.5) is -3.",
        ),
    ),
    (
        (
            "behavior_sorted_copy_keeps_original",
            "Use sorted() to get a sorted copy when the original order is still needed later.",
        ),
        (
            "behavior_sort_in_place_when_order_unneeded",
            "Use list.sort() to sort in place when the original order is no longer needed, saving memory.",
        ),
    ),
    (
        (
            "behavior_deepcopy_nested_structures",
            "Use copy.deepcopy when copying nested lists or dicts whose inner objects will be modified.",
        ),
        (
            "behavior_shallow_copy_flat_lists",
            "Use a shallow copy such as list(x) when the list holds only immutable items like numbers.",
        ),
    ),
    (
        (
            "behavior_read_exception_message_text",
            "Read the exception type and message carefully before deciding what to change.",
        ),
        (
            "behavior_locate_raise_site_by_search",
            "Search the code for the text of an error message to find the line that raises it.",
        ),
    ),
    (
        (
            "behavior_catch_specific_exceptions_only",
            "Catch only the exception types you expect and can handle, never a bare except.",
        ),
        (
            "behavior_chain_exception_on_reraise",
            "When converting one exception into another, use raise NewError(...) from err so the original cause stays visible.",
        ),
    ),
    (
        (
            "behavior_test_error_path_raises",
            "Write a test that passes invalid input and asserts the specific exception type and message.",
        ),
        (
            "behavior_test_happy_path_value",
            "Write a test that passes typical valid input and asserts the exact expected return value.",
        ),
    ),
    (
        (
            "behavior_test_name_states_expectation",
            "Name each test after the behaviour it checks, like test_empty_input_returns_zero.",
        ),
        (
            "behavior_one_behavior_per_test",
            "Keep each test focused on one behaviour, so a failure points to a single cause.",
        ),
    ),
    (
        (
            "behavior_function_returns_result",
            "Make the function return its result instead of printing it.",
        ),
        (
            "behavior_do_not_mutate_arguments",
            "Make sure the function does not modify the lists or dicts passed in, unless that is its documented purpose.",
        ),
    ),
    (
        (
            "behavior_reject_invalid_input_early",
            "Reject invalid input at the top of the function with a clear error.",
        ),
        (
            "behavior_normalise_input_before_processing",
            "Normalise valid input before processing it, for example stripping whitespace and lower-casing text.",
        ),
    ),
    (
        (
            "behavior_utf8_encoding_when_reading",
            "Pass encoding='utf-8' explicitly when opening text files for reading.",
        ),
        (
            "behavior_newline_empty_for_csv_writer",
            "Pass newline='' when opening a file for the csv module's writer, to avoid blank lines between rows.",
        ),
    ),
    (
        ("behavior_repeated_values_in_tests", "Add test inputs that contain repeated values."),
        (
            "behavior_share_denominator_same_subset",
            "Take a percentage's denominator from the same filtered rows as its numerator.",
        ),
    ),
    (
        (
            "behavior_go_to_reported_line",
            "Open the file and line number named in the error message and read the code there.",
        ),
        (
            "behavior_no_midway_rounding",
            "Avoid rounding intermediate results; round only the final answer.",
        ),
    ),
    (
        (
            "behavior_change_one_thing_per_run",
            "When debugging, change one thing at a time and rerun after each change.",
        ),
        (
            "behavior_lookup_table_key_unique",
            "Check that the key of a lookup table is unique before joining on it.",
        ),
    ),
    (
        (
            "behavior_none_instead_of_list_default",
            "Default list parameters to None and create the list inside the function.",
        ),
        (
            "behavior_count_both_endpoints",
            "When counting integers in a closed range, include both endpoints.",
        ),
    ),
    (
        (
            "behavior_run_statement_examples",
            "Run the code on the examples given in the task statement and compare with the expected outputs.",
        ),
        (
            "behavior_order_by_then_limit",
            "Use ORDER BY before LIMIT when a query asks for the top rows.",
        ),
    ),
    (
        (
            "behavior_build_in_small_increments",
            "Write the program in small pieces and run it after each piece.",
        ),
        (
            "behavior_group_dates_by_month",
            "Truncate dates to the month when summarising a table month by month.",
        ),
    ),
    (
        (
            "behavior_name_error_check_spelling_scope",
            "On a NameError, check the spelling of the name and where it is defined.",
        ),
        (
            "behavior_order_of_magnitude_first",
            "Work out the order of magnitude of the answer before doing the exact arithmetic.",
        ),
    ),
    (
        (
            "behavior_heed_runtime_warnings",
            "Read warnings printed during a run instead of ignoring them.",
        ),
        (
            "behavior_verify_solution_in_equation",
            "Substitute the solution back into the original equation to verify it.",
        ),
    ),
    (
        (
            "behavior_decide_none_argument_handling",
            "Decide and test what the function does when passed None.",
        ),
        (
            "behavior_consistent_units_before_arithmetic",
            "Convert all given quantities to the same units before doing arithmetic with them.",
        ),
    ),
    (
        (
            "behavior_cut_down_failing_input",
            "Reduce a failing input step by step until you have the smallest one that still fails.",
        ),
        (
            "behavior_write_down_all_givens",
            "Start a problem by writing down every given value with its unit.",
        ),
    ),
    (
        (
            "behavior_parametrize_edge_inputs",
            "Use pytest.mark.parametrize to run one test body over a list of edge-case inputs and their expected outputs.",
        ),
        (
            "behavior_exclude_null_rows_before_count_star",
            "Add WHERE col IS NOT NULL before COUNT(*) when rows missing that column must not be counted.",
        ),
    ),
]
