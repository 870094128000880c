# ruff: noqa: E501  (labelled data: one sentence a line reads better than a wrapped one)
"""A labelled set for behaviour deduplication, written for this project:
pairs that say one behaviour in other words (``SAME``: they must merge) and
pairs of different behaviours, many from the same topic (``DIFFERENT``:
they must stay apart). Each entry is (name, instruction)."""

from __future__ import annotations

Pair = tuple[tuple[str, str], tuple[str, str]]

SAME: list[Pair] = [
    (
        (
            "behavior_convert_units_first",
            "Convert every quantity to the same unit before adding or comparing them.",
        ),
        (
            "behavior_same_unit_before_combining",
            "Before combining measurements, express all of them in one common unit.",
        ),
    ),
    (
        (
            "behavior_common_denominator",
            "Rewrite fractions over a common denominator before adding or subtracting them.",
        ),
        (
            "behavior_add_fractions_with_lcd",
            "To add or subtract fractions, first put them over their least common denominator.",
        ),
    ),
    (
        (
            "behavior_reduce_fraction",
            "Divide numerator and denominator by their greatest common divisor to reduce the fraction.",
        ),
        (
            "behavior_simplify_by_gcd",
            "Simplify a fraction by dividing its top and bottom by their greatest common divisor.",
        ),
    ),
    (
        (
            "behavior_percent_as_decimal",
            "Turn a percentage into a decimal by dividing it by 100 before multiplying.",
        ),
        (
            "behavior_percentage_to_decimal",
            "Write a percent as a decimal (divide by 100) before using it in a product.",
        ),
    ),
    (
        (
            "behavior_check_answer_by_substitution",
            "Substitute the answer back into the original equation to confirm it holds.",
        ),
        (
            "behavior_verify_by_plugging_in",
            "Plug the solution back into the starting equation and check that both sides agree.",
        ),
    ),
    (
        (
            "behavior_translate_words_to_equation",
            "Turn the word problem into an equation, naming a variable for the unknown quantity.",
        ),
        (
            "behavior_write_equation_from_text",
            "Write the story as an equation with one variable standing for the unknown.",
        ),
    ),
    (
        (
            "behavior_estimate_first",
            "Estimate the size of the answer before computing it, so a wildly wrong result stands out.",
        ),
        (
            "behavior_rough_estimate_check",
            "Make a rough estimate of the result first to catch answers that are far off.",
        ),
    ),
    (
        (
            "behavior_cancel_before_multiplying",
            "Cancel common factors between numerators and denominators before multiplying fractions.",
        ),
        (
            "behavior_cross_cancel_fractions",
            "When multiplying fractions, cross-cancel shared factors first to keep the numbers small.",
        ),
    ),
    (
        (
            "behavior_track_units_through",
            "Carry the units through every step of the calculation so mismatches become visible.",
        ),
        (
            "behavior_keep_units_in_each_step",
            "Write the units next to every number in each step so that unit mismatches show up.",
        ),
    ),
    (
        (
            "behavior_celsius_to_fahrenheit",
            "Multiply the Celsius temperature by 9/5 and then add 32 to get Fahrenheit.",
        ),
        (
            "behavior_c_to_f_formula",
            "To convert Celsius to Fahrenheit, multiply by nine fifths and add thirty-two.",
        ),
    ),
    (
        (
            "behavior_time_to_minutes",
            "Convert hours and minutes to minutes only before adding or subtracting durations.",
        ),
        (
            "behavior_durations_in_minutes",
            "Express every duration in minutes before adding or subtracting times.",
        ),
    ),
    (
        (
            "behavior_rate_times_time",
            "Find distance as speed multiplied by time, with both in matching units.",
        ),
        (
            "behavior_distance_equals_speed_time",
            "Compute the distance by multiplying the speed by the time, using consistent units.",
        ),
    ),
    (
        (
            "behavior_inclusion_exclusion",
            "When counting the union of overlapping sets, add the set sizes and subtract the overlap once.",
        ),
        (
            "behavior_avoid_double_counting",
            "Count items in either group as the two group sizes added together minus the items in both.",
        ),
    ),
    (
        (
            "behavior_order_of_operations",
            "Apply multiplication and division before addition and subtraction, left to right.",
        ),
        (
            "behavior_respect_operator_precedence",
            "Evaluate products and quotients before sums and differences, working from left to right.",
        ),
    ),
    (
        (
            "behavior_read_question_twice",
            "Re-read the question at the end to make sure the answer gives exactly the quantity asked for.",
        ),
        (
            "behavior_answer_what_is_asked",
            "Before finishing, check the question again so the final answer is the quantity it asks for.",
        ),
    ),
    (
        (
            "behavior_percent_change",
            "Compute a percentage change as the difference divided by the original value, times 100.",
        ),
        (
            "behavior_relative_change_formula",
            "For a percent increase or decrease, divide the change by the starting value and multiply by 100.",
        ),
    ),
    (
        (
            "behavior_mixed_to_improper",
            "Turn mixed numbers into improper fractions before multiplying or dividing them.",
        ),
        (
            "behavior_improper_before_operations",
            "Rewrite any mixed number as an improper fraction before you multiply or divide.",
        ),
    ),
    (
        ("behavior_divide_by_fraction", "To divide by a fraction, multiply by its reciprocal."),
        (
            "behavior_multiply_by_reciprocal",
            "Dividing by a fraction is the same as multiplying by the fraction flipped upside down.",
        ),
    ),
    (
        (
            "behavior_area_of_rectangle",
            "Find the area of a rectangle by multiplying its length by its width.",
        ),
        (
            "behavior_rectangle_area_length_width",
            "The area of a rectangle is length times width; multiply the two sides.",
        ),
    ),
    (
        (
            "behavior_average_sum_over_count",
            "Compute the mean by adding all the values and dividing by how many there are.",
        ),
        (
            "behavior_mean_formula",
            "To get the average, sum the numbers and divide the total by the count of numbers.",
        ),
    ),
    (
        (
            "behavior_work_backwards",
            "When the final result is known, undo each step in reverse order to find the starting value.",
        ),
        (
            "behavior_reverse_the_steps",
            "Start from the known end result and reverse each operation to recover the initial number.",
        ),
    ),
    (
        (
            "behavior_list_knowns_and_unknowns",
            "Write down what is given and what is asked before starting any calculation.",
        ),
        (
            "behavior_note_givens_first",
            "Begin by listing the given quantities and the unknown you must find.",
        ),
    ),
    (
        (
            "behavior_cite_sources_for_claims",
            "Back every factual claim in the report with the data set and column it came from.",
        ),
        (
            "behavior_attribute_claims_to_data",
            "Name the data set and the column behind each factual statement in the report.",
        ),
    ),
    (
        (
            "behavior_check_null_values",
            "Look for missing values in the columns a query uses before trusting an average.",
        ),
        (
            "behavior_inspect_missing_data",
            "Before computing a mean, check the queried columns for nulls or missing entries.",
        ),
    ),
    (
        (
            "behavior_small_test_first",
            "Run a command on a small sample of the input before running it on everything.",
        ),
        (
            "behavior_try_on_subset",
            "Try the command on a small subset of the data first, then run it on the full input.",
        ),
    ),
    (
        ("behavior_convert_km_to_m", "Multiply kilometres by 1000 to get metres."),
        (
            "behavior_kilometres_to_metres",
            "To change kilometres into metres, multiply by one thousand.",
        ),
    ),
    (
        (
            "behavior_ratio_as_parts",
            "Split a total in a given ratio by dividing it by the sum of the ratio parts first.",
        ),
        (
            "behavior_share_by_ratio",
            "To share an amount in a ratio, divide by the total number of parts, then multiply by each part.",
        ),
    ),
    (
        (
            "behavior_round_at_the_end",
            "Keep full precision in intermediate steps and round only the final answer.",
        ),
        (
            "behavior_no_early_rounding",
            "Do not round intermediate results; round once, at the final answer.",
        ),
    ),
    (
        (
            "behavior_negative_signs",
            "Track the sign of each term carefully when subtracting a negative number.",
        ),
        (
            "behavior_minus_negative_is_plus",
            "Remember that subtracting a negative number adds its absolute value; watch the signs.",
        ),
    ),
    (
        (
            "behavior_decimal_alignment",
            "Line up the decimal points before adding or subtracting decimals.",
        ),
        (
            "behavior_align_decimal_points",
            "When adding decimals, align them on the decimal point before summing.",
        ),
    ),
]

DIFFERENT: list[Pair] = [
    (
        (
            "behavior_common_denominator",
            "Rewrite fractions over a common denominator before adding or subtracting them.",
        ),
        (
            "behavior_reduce_fraction",
            "Divide numerator and denominator by their greatest common divisor to reduce the fraction.",
        ),
    ),
    (
        (
            "behavior_convert_units_first",
            "Convert every quantity to the same unit before adding or comparing them.",
        ),
        (
            "behavior_celsius_to_fahrenheit",
            "Multiply the Celsius temperature by 9/5 and then add 32 to get Fahrenheit.",
        ),
    ),
    (
        (
            "behavior_percent_as_decimal",
            "Turn a percentage into a decimal by dividing it by 100 before multiplying.",
        ),
        (
            "behavior_percent_change",
            "Compute a percentage change as the difference divided by the original value, times 100.",
        ),
    ),
    (
        ("behavior_divide_by_fraction", "To divide by a fraction, multiply by its reciprocal."),
        (
            "behavior_cancel_before_multiplying",
            "Cancel common factors between numerators and denominators before multiplying fractions.",
        ),
    ),
    (
        (
            "behavior_mixed_to_improper",
            "Turn mixed numbers into improper fractions before multiplying or dividing them.",
        ),
        (
            "behavior_common_denominator",
            "Rewrite fractions over a common denominator before adding or subtracting them.",
        ),
    ),
    (
        (
            "behavior_rate_times_time",
            "Find distance as speed multiplied by time, with both in matching units.",
        ),
        (
            "behavior_time_to_minutes",
            "Convert hours and minutes to minutes only before adding or subtracting durations.",
        ),
    ),
    (
        (
            "behavior_area_of_rectangle",
            "Find the area of a rectangle by multiplying its length by its width.",
        ),
        (
            "behavior_perimeter_of_rectangle",
            "Find the perimeter of a rectangle by adding twice the length and twice the width.",
        ),
    ),
    (
        (
            "behavior_average_sum_over_count",
            "Compute the mean by adding all the values and dividing by how many there are.",
        ),
        (
            "behavior_median_middle_value",
            "Sort the values and take the middle one (the mean of the two middle ones for an even count).",
        ),
    ),
    (
        (
            "behavior_check_answer_by_substitution",
            "Substitute the answer back into the original equation to confirm it holds.",
        ),
        (
            "behavior_estimate_first",
            "Estimate the size of the answer before computing it, so a wildly wrong result stands out.",
        ),
    ),
    (
        (
            "behavior_round_at_the_end",
            "Keep full precision in intermediate steps and round only the final answer.",
        ),
        (
            "behavior_decimal_alignment",
            "Line up the decimal points before adding or subtracting decimals.",
        ),
    ),
    (
        ("behavior_convert_km_to_m", "Multiply kilometres by 1000 to get metres."),
        ("behavior_convert_kg_to_g", "Multiply kilograms by 1000 to get grams."),
    ),
    (
        ("behavior_convert_km_to_m", "Multiply kilometres by 1000 to get metres."),
        ("behavior_convert_m_to_km", "Divide metres by 1000 to get kilometres."),
    ),
    (
        (
            "behavior_celsius_to_fahrenheit",
            "Multiply the Celsius temperature by 9/5 and then add 32 to get Fahrenheit.",
        ),
        (
            "behavior_fahrenheit_to_celsius",
            "Subtract 32 from the Fahrenheit temperature and then multiply by 5/9 to get Celsius.",
        ),
    ),
    (
        (
            "behavior_inclusion_exclusion",
            "When counting the union of overlapping sets, add the set sizes and subtract the overlap once.",
        ),
        (
            "behavior_complement_counting",
            "Count the cases that fail and subtract them from the total instead of counting successes directly.",
        ),
    ),
    (
        (
            "behavior_work_backwards",
            "When the final result is known, undo each step in reverse order to find the starting value.",
        ),
        (
            "behavior_guess_and_check",
            "Try a plausible value, see how far off it is, and adjust the guess in the right direction.",
        ),
    ),
    (
        (
            "behavior_translate_words_to_equation",
            "Turn the word problem into an equation, naming a variable for the unknown quantity.",
        ),
        (
            "behavior_draw_a_diagram",
            "Sketch the situation as a diagram with every given length labelled.",
        ),
    ),
    (
        (
            "behavior_ratio_as_parts",
            "Split a total in a given ratio by dividing it by the sum of the ratio parts first.",
        ),
        (
            "behavior_proportion_cross_multiply",
            "Solve a proportion a/b = c/x by cross-multiplying: x = b*c/a.",
        ),
    ),
    (
        (
            "behavior_negative_signs",
            "Track the sign of each term carefully when subtracting a negative number.",
        ),
        (
            "behavior_order_of_operations",
            "Apply multiplication and division before addition and subtraction, left to right.",
        ),
    ),
    (
        (
            "behavior_read_question_twice",
            "Re-read the question at the end to make sure the answer gives exactly the quantity asked for.",
        ),
        (
            "behavior_list_knowns_and_unknowns",
            "Write down what is given and what is asked before starting any calculation.",
        ),
    ),
    (
        (
            "behavior_cite_sources_for_claims",
            "Back every factual claim in the report with the data set and column it came from.",
        ),
        (
            "behavior_check_null_values",
            "Look for missing values in the columns a query uses before trusting an average.",
        ),
    ),
    (
        (
            "behavior_small_test_first",
            "Run a command on a small sample of the input before running it on everything.",
        ),
        (
            "behavior_backup_before_editing",
            "Copy a file before editing it in place so the original can be restored.",
        ),
    ),
    (
        (
            "behavior_percent_of_amount",
            "Find a percentage of an amount by multiplying the amount by the percent over 100.",
        ),
        (
            "behavior_reverse_percentage",
            "To find the original before a percent increase, divide the new amount by one plus the rate.",
        ),
    ),
    (
        ("behavior_simple_interest", "Compute simple interest as principal times rate times time."),
        (
            "behavior_compound_interest",
            "Compute compound interest by multiplying the principal by one plus the rate, raised to the number of periods.",
        ),
    ),
    (
        (
            "behavior_group_by_before_average",
            "Group rows by the category before averaging when the question compares groups.",
        ),
        (
            "behavior_filter_years_first",
            "Filter the rows to the years the question names before aggregating.",
        ),
    ),
    (
        (
            "behavior_even_odd_parity",
            "Use parity: the sum of two odd numbers is even, which rules out odd totals quickly.",
        ),
        (
            "behavior_divisibility_by_three",
            "A number is divisible by three when the sum of its digits is divisible by three.",
        ),
    ),
    (
        (
            "behavior_speed_from_distance_time",
            "Find the speed by dividing the distance by the time taken.",
        ),
        (
            "behavior_rate_times_time",
            "Find distance as speed multiplied by time, with both in matching units.",
        ),
    ),
    (
        ("behavior_triangle_area", "The area of a triangle is half the base times the height."),
        (
            "behavior_area_of_rectangle",
            "Find the area of a rectangle by multiplying its length by its width.",
        ),
    ),
    (
        ("behavior_hours_to_seconds", "Multiply hours by 3600 to get seconds."),
        (
            "behavior_time_to_minutes",
            "Convert hours and minutes to minutes only before adding or subtracting durations.",
        ),
    ),
    (
        (
            "behavior_decimal_to_fraction",
            "Write a terminating decimal as a fraction over a power of ten, then reduce it.",
        ),
        (
            "behavior_percent_as_decimal",
            "Turn a percentage into a decimal by dividing it by 100 before multiplying.",
        ),
    ),
    (
        (
            "behavior_largest_common_factor",
            "Find the greatest common divisor with Euclid's algorithm of repeated remainders.",
        ),
        (
            "behavior_least_common_multiple",
            "Find the least common multiple as the product of the two numbers divided by their greatest common divisor.",
        ),
    ),
]

# Held-out pairs (HELD_OUT_* and UNSEEN_*), written by the reviewer after the
# thresholds were set on SAME/DIFFERENT and never used to set them. The
# contrast families of ethos.handbook.dedup were written after the HELD_OUT_*
# errors had been seen (two of them are co-hyponym pairs it now keeps apart),
# so UNSEEN_* was written after the rule was final and measured once.
HELD_OUT_SAME: list[Pair] = [
    (
        (
            "behavior_isolate_the_variable",
            "Move every term with the unknown to one side and the constants to the other before dividing.",
        ),
        (
            "behavior_collect_unknowns_one_side",
            "Gather the terms containing the unknown on one side of the equation and the numbers on the other, then divide.",
        ),
    ),
    (
        (
            "behavior_lowest_terms_at_end",
            "Reduce the final fraction to lowest terms before giving it as the answer.",
        ),
        (
            "behavior_simplify_final_fraction",
            "Always write the answer fraction in its simplest form.",
        ),
    ),
    (
        (
            "behavior_unit_rate_first",
            "Find the cost of one item first, then multiply by the number of items wanted.",
        ),
        (
            "behavior_price_per_single_item",
            "Work out the price of a single unit, then scale it up to the quantity asked.",
        ),
    ),
    (
        (
            "behavior_convert_minutes_to_hours",
            "Divide a number of minutes by 60 to express it in hours.",
        ),
        ("behavior_minutes_into_hours", "To turn minutes into hours, divide by sixty."),
    ),
    (
        (
            "behavior_check_magnitude",
            "Compare the result with a rough mental estimate and recompute if they differ by a factor of ten.",
        ),
        (
            "behavior_sanity_check_size",
            "If the answer is ten times bigger or smaller than a quick estimate, redo the calculation.",
        ),
    ),
    (
        (
            "behavior_draw_number_line",
            "Place the numbers on a number line to see which is larger and how far apart they are.",
        ),
        (
            "behavior_visualise_on_line",
            "Mark the values on a number line to compare them and read off their distance.",
        ),
    ),
    (
        (
            "behavior_percent_of_total",
            "To find a percentage of a quantity, multiply the quantity by the percent and divide by 100.",
        ),
        (
            "behavior_take_percent_of_amount",
            "A percent of an amount is the amount times the percentage over one hundred.",
        ),
    ),
    (
        (
            "behavior_break_into_steps",
            "Split a multi-step word problem into small sub-questions and answer them in order.",
        ),
        (
            "behavior_solve_in_stages",
            "Divide a long word problem into a sequence of smaller questions and solve each in turn.",
        ),
    ),
    (
        (
            "behavior_compare_fractions_cross_multiply",
            "Compare two fractions by cross-multiplying and comparing the two products.",
        ),
        (
            "behavior_cross_products_to_compare",
            "To tell which of two fractions is larger, compare the cross products of numerators and denominators.",
        ),
    ),
    (
        (
            "behavior_label_intermediate_results",
            "Give each intermediate result a name so later steps can refer to it unambiguously.",
        ),
        (
            "behavior_name_partial_answers",
            "Name every partial result as you compute it so that later steps point to it clearly.",
        ),
    ),
    (
        ("behavior_kg_to_grams", "Multiply a mass in kilograms by 1000 to get grams."),
        (
            "behavior_kilograms_into_grams",
            "To express kilograms as grams, multiply by one thousand.",
        ),
    ),
    (
        (
            "behavior_fahrenheit_to_celsius_formula",
            "Subtract 32 from a Fahrenheit temperature and multiply by 5/9 to get Celsius.",
        ),
        (
            "behavior_f_to_c_conversion",
            "To convert Fahrenheit to Celsius, take away thirty-two and then multiply by five ninths.",
        ),
    ),
    (
        (
            "behavior_state_the_final_answer",
            "End with one line that states the final answer and its unit.",
        ),
        (
            "behavior_finish_with_answer_line",
            "Close the solution with a single line giving the answer together with its unit.",
        ),
    ),
    (
        (
            "behavior_average_speed_total",
            "Compute average speed as total distance divided by total time, not as the mean of the speeds.",
        ),
        (
            "behavior_average_speed_not_mean",
            "Average speed is the whole distance over the whole time; do not average the individual speeds.",
        ),
    ),
    (
        (
            "behavior_check_denominator_nonzero",
            "Before dividing, make sure the divisor cannot be zero.",
        ),
        (
            "behavior_guard_against_division_by_zero",
            "Confirm that the number you divide by is not zero before performing the division.",
        ),
    ),
    (
        (
            "behavior_reread_units_in_question",
            "Check which unit the question wants the answer in and convert at the end if needed.",
        ),
        (
            "behavior_answer_in_requested_unit",
            "Give the result in the unit the question asks for, converting the final value if necessary.",
        ),
    ),
    (
        (
            "behavior_read_schema_first",
            "Look at the table's columns and types before writing a query against it.",
        ),
        (
            "behavior_inspect_columns_before_query",
            "Inspect the column names and their types first, then write the query.",
        ),
    ),
    (
        (
            "behavior_limit_rows_while_exploring",
            "Add a row limit to exploratory queries so they return quickly.",
        ),
        (
            "behavior_sample_rows_when_exploring",
            "While exploring a table, cap the number of returned rows to keep queries fast.",
        ),
    ),
    (
        (
            "behavior_quote_paths_with_spaces",
            "Put quotes around file paths in shell commands in case they contain spaces.",
        ),
        (
            "behavior_quote_shell_paths",
            "Wrap every path in a shell command in quotes so spaces in names do not split it.",
        ),
    ),
    (
        (
            "behavior_dry_run_destructive_commands",
            "Run a destructive command with its dry-run flag first and read what it would do.",
        ),
        (
            "behavior_preview_before_deleting",
            "Before a command that deletes or overwrites, preview its effect with a dry run.",
        ),
    ),
    (
        (
            "behavior_multiply_then_divide_for_precision",
            "With integers, multiply before dividing so that no precision is lost to truncation.",
        ),
        (
            "behavior_divide_last_in_integer_math",
            "In integer arithmetic do the multiplications first and the division last to avoid losing digits.",
        ),
    ),
    (
        (
            "behavior_count_with_table",
            "List the cases in a small table so none is missed or counted twice.",
        ),
        (
            "behavior_tabulate_cases",
            "Write out every case in a table to count them without omissions or repeats.",
        ),
    ),
    (
        (
            "behavior_factor_out_common_term",
            "Factor a common term out of a sum before computing it to simplify the arithmetic.",
        ),
        (
            "behavior_pull_out_shared_factor",
            "Take a shared factor outside the brackets first so the remaining sum is easier.",
        ),
    ),
    (
        (
            "behavior_exponent_rules_same_base",
            "When multiplying powers of the same base, add the exponents.",
        ),
        (
            "behavior_add_exponents_same_base",
            "Powers with equal bases multiply by keeping the base and summing the exponents.",
        ),
    ),
]

HELD_OUT_DIFFERENT: list[Pair] = [
    (
        (
            "behavior_isolate_the_variable",
            "Move every term with the unknown to one side and the constants to the other before dividing.",
        ),
        (
            "behavior_check_answer_by_substitution",
            "Substitute the answer back into the original equation to confirm it holds.",
        ),
    ),
    (
        (
            "behavior_lowest_terms_at_end",
            "Reduce the final fraction to lowest terms before giving it as the answer.",
        ),
        (
            "behavior_mixed_number_answer",
            "Write an improper fraction answer as a mixed number when the question asks for one.",
        ),
    ),
    (
        (
            "behavior_convert_minutes_to_hours",
            "Divide a number of minutes by 60 to express it in hours.",
        ),
        (
            "behavior_convert_hours_to_minutes",
            "Multiply a number of hours by 60 to express it in minutes.",
        ),
    ),
    (
        ("behavior_kg_to_grams", "Multiply a mass in kilograms by 1000 to get grams."),
        (
            "behavior_litres_to_millilitres",
            "Multiply a volume in litres by 1000 to get millilitres.",
        ),
    ),
    (
        (
            "behavior_percent_of_total",
            "To find a percentage of a quantity, multiply the quantity by the percent and divide by 100.",
        ),
        (
            "behavior_what_percent_is_part",
            "To find what percent a part is of a whole, divide the part by the whole and multiply by 100.",
        ),
    ),
    (
        (
            "behavior_average_speed_total",
            "Compute average speed as total distance divided by total time, not as the mean of the speeds.",
        ),
        (
            "behavior_time_from_distance_speed",
            "Find the travel time by dividing the distance by the speed.",
        ),
    ),
    (
        (
            "behavior_compare_fractions_cross_multiply",
            "Compare two fractions by cross-multiplying and comparing the two products.",
        ),
        (
            "behavior_add_fractions_same_denominator",
            "Fractions with the same denominator add by adding the numerators and keeping the denominator.",
        ),
    ),
    (
        (
            "behavior_exponent_rules_same_base",
            "When multiplying powers of the same base, add the exponents.",
        ),
        (
            "behavior_power_of_a_power",
            "When raising a power to another power, multiply the exponents.",
        ),
    ),
    (
        ("behavior_circle_area", "The area of a circle is pi times the radius squared."),
        (
            "behavior_circle_circumference",
            "The circumference of a circle is two times pi times the radius.",
        ),
    ),
    (
        ("behavior_volume_of_box", "The volume of a box is length times width times height."),
        (
            "behavior_surface_area_of_box",
            "The surface area of a box is twice the sum of the three pairs of face areas.",
        ),
    ),
    (
        (
            "behavior_unit_rate_first",
            "Find the cost of one item first, then multiply by the number of items wanted.",
        ),
        (
            "behavior_best_buy_compare_unit_prices",
            "To decide which pack is the better deal, compare the price per unit of each.",
        ),
    ),
    (
        (
            "behavior_read_schema_first",
            "Look at the table's columns and types before writing a query against it.",
        ),
        (
            "behavior_limit_rows_while_exploring",
            "Add a row limit to exploratory queries so they return quickly.",
        ),
    ),
    (
        (
            "behavior_quote_paths_with_spaces",
            "Put quotes around file paths in shell commands in case they contain spaces.",
        ),
        (
            "behavior_dry_run_destructive_commands",
            "Run a destructive command with its dry-run flag first and read what it would do.",
        ),
    ),
    (
        (
            "behavior_discount_then_tax",
            "Apply the discount to the price first and then add the sales tax to the discounted price.",
        ),
        ("behavior_profit_margin", "Compute the profit margin as profit divided by revenue."),
    ),
    (
        (
            "behavior_mode_most_frequent",
            "The mode is the value that appears most often in the list.",
        ),
        (
            "behavior_range_max_minus_min",
            "The range of a list is its largest value minus its smallest value.",
        ),
    ),
    (
        (
            "behavior_prime_factorisation_tree",
            "Break a number into prime factors by dividing by the smallest prime repeatedly.",
        ),
        (
            "behavior_check_prime_up_to_root",
            "To test whether a number is prime, try divisors only up to its square root.",
        ),
    ),
    (
        (
            "behavior_count_with_table",
            "List the cases in a small table so none is missed or counted twice.",
        ),
        (
            "behavior_multiplication_principle",
            "When choices are made in independent stages, multiply the number of options at each stage.",
        ),
    ),
    (
        (
            "behavior_factor_out_common_term",
            "Factor a common term out of a sum before computing it to simplify the arithmetic.",
        ),
        (
            "behavior_expand_brackets",
            "Multiply out the brackets term by term before collecting like terms.",
        ),
    ),
    (
        (
            "behavior_state_the_final_answer",
            "End with one line that states the final answer and its unit.",
        ),
        (
            "behavior_show_working",
            "Write each step of the working so a reader can follow how the answer was reached.",
        ),
    ),
    (
        (
            "behavior_break_into_steps",
            "Split a multi-step word problem into small sub-questions and answer them in order.",
        ),
        (
            "behavior_work_backwards",
            "When the final result is known, undo each step in reverse order to find the starting value.",
        ),
    ),
    (
        (
            "behavior_square_root_estimate",
            "Estimate a square root by finding the two perfect squares it lies between.",
        ),
        ("behavior_cube_numbers", "Cube a number by multiplying it by itself three times."),
    ),
    (
        (
            "behavior_interest_per_year",
            "Divide an annual interest rate by 12 to get the monthly rate.",
        ),
        (
            "behavior_convert_minutes_to_hours",
            "Divide a number of minutes by 60 to express it in hours.",
        ),
    ),
    (
        (
            "behavior_speed_units_kmh_to_ms",
            "Divide a speed in kilometres per hour by 3.6 to get metres per second.",
        ),
        (
            "behavior_speed_units_ms_to_kmh",
            "Multiply a speed in metres per second by 3.6 to get kilometres per hour.",
        ),
    ),
    (
        ("behavior_perimeter_of_square", "The perimeter of a square is four times its side."),
        ("behavior_area_of_square", "The area of a square is its side multiplied by itself."),
    ),
]

UNSEEN_SAME: list[Pair] = [
    (
        (
            "behavior_estimate_by_rounding",
            "Round each number to one significant figure to estimate the result quickly.",
        ),
        (
            "behavior_round_to_estimate",
            "Get a quick estimate by rounding every number to a single significant digit first.",
        ),
    ),
    (
        (
            "behavior_convert_percent_to_fraction",
            "Write a percentage as a fraction over 100 and simplify it.",
        ),
        (
            "behavior_percent_as_hundredths",
            "Express a percent as that many hundredths, then reduce the fraction.",
        ),
    ),
    (
        (
            "behavior_multiply_decimals_count_places",
            "Multiply decimals as whole numbers, then place the point by counting the decimal places of both factors.",
        ),
        (
            "behavior_decimal_places_in_product",
            "Ignore the decimal points while multiplying, then give the product as many decimal places as the factors have together.",
        ),
    ),
    (
        (
            "behavior_identify_the_unknown",
            "State in one sentence what quantity the problem asks for before doing any arithmetic.",
        ),
        (
            "behavior_say_what_is_asked",
            "Before calculating, write down in a sentence which quantity has to be found.",
        ),
    ),
    (
        (
            "behavior_metres_to_centimetres",
            "Multiply a length in metres by 100 to get centimetres.",
        ),
        ("behavior_m_to_cm", "To express metres in centimetres, multiply by one hundred."),
    ),
    (
        (
            "behavior_simplify_before_substituting",
            "Simplify the algebraic expression fully before substituting numbers into it.",
        ),
        (
            "behavior_reduce_expression_first",
            "Reduce the expression as far as possible and only then plug in the values.",
        ),
    ),
    (
        (
            "behavior_check_units_of_answer",
            "Confirm that the answer's unit matches the kind of quantity asked for, such as metres for a length.",
        ),
        (
            "behavior_unit_matches_quantity",
            "Make sure the final unit fits the quantity requested, for example an area in square units.",
        ),
    ),
    (
        (
            "behavior_time_differences_across_midnight",
            "When a time interval crosses midnight, add 24 hours to the end time before subtracting.",
        ),
        (
            "behavior_interval_past_midnight",
            "For durations that pass midnight, add a day (24 hours) to the later time and then subtract.",
        ),
    ),
    (
        (
            "behavior_join_keys_checked",
            "Check that the join keys have matching types and values before joining two tables.",
        ),
        (
            "behavior_verify_join_columns",
            "Before a join, verify that the key columns of both tables hold compatible types and values.",
        ),
    ),
    (
        (
            "behavior_read_error_message_fully",
            "Read the whole error message, including the last line, before changing the command.",
        ),
        (
            "behavior_inspect_full_traceback",
            "Look at the complete error output, down to its final line, before editing the command.",
        ),
    ),
    (
        (
            "behavior_convert_fraction_to_decimal",
            "Divide the numerator by the denominator to turn a fraction into a decimal.",
        ),
        (
            "behavior_fraction_as_decimal_by_division",
            "A fraction becomes a decimal when its top is divided by its bottom.",
        ),
    ),
    (
        (
            "behavior_double_check_arithmetic",
            "Redo each arithmetic step a second way, for instance adding in a different order, to catch slips.",
        ),
        (
            "behavior_recompute_differently",
            "Check every calculation by recomputing it by another route, such as a different order of addition.",
        ),
    ),
    (
        (
            "behavior_ratio_to_fraction_of_total",
            "Turn a ratio a:b into fractions of the whole, a/(a+b) and b/(a+b).",
        ),
        (
            "behavior_parts_of_whole_from_ratio",
            "From a ratio a to b, each share of the total is its part divided by a plus b.",
        ),
    ),
    (
        ("behavior_negative_times_negative", "A product of two negative numbers is positive."),
        ("behavior_sign_rule_multiplication", "Multiplying two negatives gives a positive result."),
    ),
    (
        ("behavior_group_like_terms", "Collect like terms together before solving an equation."),
        (
            "behavior_combine_similar_terms",
            "Combine the terms with the same variable part before solving.",
        ),
    ),
    (
        (
            "behavior_use_consistent_currency",
            "Convert all prices to the same currency before comparing or adding them.",
        ),
        (
            "behavior_one_currency_first",
            "Express every amount in one currency before you add or compare them.",
        ),
    ),
]
UNSEEN_DIFFERENT: list[Pair] = [
    (
        (
            "behavior_estimate_by_rounding",
            "Round each number to one significant figure to estimate the result quickly.",
        ),
        (
            "behavior_round_at_the_end",
            "Keep full precision in intermediate steps and round only the final answer.",
        ),
    ),
    (
        (
            "behavior_metres_to_centimetres",
            "Multiply a length in metres by 100 to get centimetres.",
        ),
        ("behavior_centimetres_to_metres", "Divide a length in centimetres by 100 to get metres."),
    ),
    (
        (
            "behavior_metres_to_centimetres",
            "Multiply a length in metres by 100 to get centimetres.",
        ),
        ("behavior_euros_to_cents", "Multiply an amount in euros by 100 to get cents."),
    ),
    (
        (
            "behavior_convert_fraction_to_decimal",
            "Divide the numerator by the denominator to turn a fraction into a decimal.",
        ),
        (
            "behavior_convert_decimal_to_percent",
            "Multiply a decimal by 100 to write it as a percentage.",
        ),
    ),
    (
        ("behavior_negative_times_negative", "A product of two negative numbers is positive."),
        ("behavior_negative_plus_negative", "The sum of two negative numbers is negative."),
    ),
    (
        (
            "behavior_mean_of_list",
            "The mean is the sum of the values divided by how many values there are.",
        ),
        ("behavior_median_of_list", "The median is the middle value once the list is sorted."),
    ),
    (
        (
            "behavior_area_of_triangle_half_base",
            "The area of a triangle is half of the base times the height.",
        ),
        (
            "behavior_perimeter_of_triangle",
            "The perimeter of a triangle is the sum of its three sides.",
        ),
    ),
    (
        (
            "behavior_speed_is_distance_over_time",
            "Speed equals the distance travelled divided by the time taken.",
        ),
        (
            "behavior_distance_is_speed_times_time",
            "The distance travelled equals the speed multiplied by the time.",
        ),
    ),
    (
        (
            "behavior_join_keys_checked",
            "Check that the join keys have matching types and values before joining two tables.",
        ),
        (
            "behavior_dedupe_before_counting",
            "Remove duplicate rows before counting distinct entities.",
        ),
    ),
    (
        (
            "behavior_read_error_message_fully",
            "Read the whole error message, including the last line, before changing the command.",
        ),
        ("behavior_check_exit_code", "Check a command's exit status before using its output."),
    ),
    (
        ("behavior_group_like_terms", "Collect like terms together before solving an equation."),
        (
            "behavior_expand_brackets",
            "Multiply out the brackets term by term before collecting like terms.",
        ),
    ),
    (
        (
            "behavior_time_differences_across_midnight",
            "When a time interval crosses midnight, add 24 hours to the end time before subtracting.",
        ),
        (
            "behavior_convert_24h_to_12h",
            "Subtract 12 from hours after noon to write a 24-hour time as a 12-hour time.",
        ),
    ),
    (
        (
            "behavior_percent_increase_multiplier",
            "Increase an amount by p percent by multiplying it by 1 + p/100.",
        ),
        (
            "behavior_percent_decrease_multiplier",
            "Decrease an amount by p percent by multiplying it by 1 - p/100.",
        ),
    ),
    (
        (
            "behavior_lcm_for_common_denominator",
            "Use the least common multiple of the denominators as the common denominator.",
        ),
        (
            "behavior_gcd_to_reduce",
            "Divide top and bottom by their greatest common divisor to reduce a fraction.",
        ),
    ),
    (
        (
            "behavior_ratio_to_fraction_of_total",
            "Turn a ratio a:b into fractions of the whole, a/(a+b) and b/(a+b).",
        ),
        (
            "behavior_scale_recipe",
            "Scale every ingredient by the ratio of the servings wanted to the servings in the recipe.",
        ),
    ),
    (
        (
            "behavior_use_consistent_currency",
            "Convert all prices to the same currency before comparing or adding them.",
        ),
        (
            "behavior_convert_units_first",
            "Convert every quantity to the same unit before adding or comparing them.",
        ),
    ),
]

# FRESH_* were written on 2026-12-05 after the synonym folding of
# ethos.handbook.dedup was final, and measured once; nothing was changed
# after that measurement. Topics are spread over arithmetic, algebra,
# geometry, data, shell and reading, as a handbook's would be.
FRESH_SAME: list[Pair] = [
    (
        (
            "behavior_round_only_at_the_end",
            "Carry every digit through the working and round just the final figure.",
        ),
        (
            "behavior_no_early_rounding",
            "Do not round intermediate values; keep them exact and round the answer last.",
        ),
    ),
    (
        (
            "behavior_draw_the_figure",
            "Sketch the shape and mark the given lengths on it before computing anything.",
        ),
        (
            "behavior_sketch_with_labels",
            "Make a quick drawing of the figure and write the known measurements on it first.",
        ),
    ),
    (
        (
            "behavior_isolate_the_variable",
            "Move every term with the unknown to one side and the constants to the other.",
        ),
        (
            "behavior_collect_unknown_on_one_side",
            "Gather the terms containing x on one side of the equation and the plain numbers on the other.",
        ),
    ),
    (
        (
            "behavior_read_the_last_sentence",
            "Read the final sentence of the problem again to see exactly what is asked.",
        ),
        (
            "behavior_reread_the_question_part",
            "Look once more at the question at the end to know precisely which quantity is wanted.",
        ),
    ),
    (
        (
            "behavior_compare_with_an_estimate",
            "Compare the exact result with a rough estimate to catch an answer off by a factor of ten.",
        ),
        (
            "behavior_sanity_check_magnitude",
            "Check that the answer has the size a quick mental estimate predicts, to spot misplaced decimal points.",
        ),
    ),
    (
        (
            "behavior_hours_to_minutes",
            "Express durations given in hours and minutes entirely in minutes before doing arithmetic on them.",
        ),
        (
            "behavior_time_in_one_unit",
            "Turn mixed hours-and-minutes times into minutes only before adding or subtracting them.",
        ),
    ),
    (
        (
            "behavior_denominators_equal_before_comparing",
            "To compare two fractions, rewrite them with the same denominator and compare numerators.",
        ),
        (
            "behavior_compare_fractions_via_common_base",
            "Put both fractions over one shared denominator, then the larger numerator is the larger fraction.",
        ),
    ),
    (
        (
            "behavior_test_with_small_cases",
            "Try the claim on a few small examples before trusting a general formula.",
        ),
        (
            "behavior_check_pattern_on_tiny_inputs",
            "Verify a guessed rule on the first few small cases before applying it in general.",
        ),
    ),
    (
        (
            "behavior_define_variables",
            "Give a letter to each unknown quantity and say in words what it stands for.",
        ),
        (
            "behavior_name_the_unknowns",
            "Assign a symbol to every unknown and write down its meaning before setting up equations.",
        ),
    ),
    (
        (
            "behavior_keep_track_of_signs",
            "Carry the minus signs carefully through each step, especially when subtracting a negative.",
        ),
        (
            "behavior_watch_negative_signs",
            "Pay attention to negative signs at every step; subtracting a negative number adds it.",
        ),
    ),
    (
        ("behavior_back_up_before_editing", "Copy a file to a backup before changing it in place."),
        (
            "behavior_save_a_copy_first",
            "Keep a spare copy of any file you are about to modify, so the original can be restored.",
        ),
    ),
    (
        (
            "behavior_read_the_error_message",
            "Read the whole error message before changing the command that failed.",
        ),
        (
            "behavior_inspect_failure_output",
            "When a command fails, study its full error output first, then decide what to change.",
        ),
    ),
    (
        (
            "behavior_quote_paths_with_spaces",
            "Put quotes around file paths that may contain spaces in shell commands.",
        ),
        (
            "behavior_wrap_filenames_in_quotes",
            "In the shell, wrap any filename that could hold a space in quotation marks.",
        ),
    ),
    (
        (
            "behavior_look_at_the_data_first",
            "Print the first rows and the column types of a table before analysing it.",
        ),
        (
            "behavior_preview_dataset",
            "Start by showing a few rows of the dataset and the type of each column.",
        ),
    ),
    (
        (
            "behavior_count_missing_values",
            "Count the empty cells in each column before computing statistics on it.",
        ),
        (
            "behavior_check_for_nulls",
            "Find how many values are missing in every column before summarising the data.",
        ),
    ),
    (
        (
            "behavior_plot_before_modelling",
            "Make a scatter plot of the two variables before fitting a line to them.",
        ),
        (
            "behavior_visualise_relationship_first",
            "Draw the points of both variables on a chart before choosing a regression model.",
        ),
    ),
    (
        (
            "behavior_percent_increase_from_old",
            "Divide the change by the old value, not the new one, to get the percent increase.",
        ),
        (
            "behavior_base_is_the_starting_value",
            "For a percentage rise, the change is divided by the starting amount rather than the final amount.",
        ),
    ),
    (
        (
            "behavior_tabulate_cases",
            "List the possible cases in a small table so that none is forgotten.",
        ),
        (
            "behavior_enumerate_all_options",
            "Write out every possible case in an organised list to make sure each is considered.",
        ),
    ),
    (
        (
            "behavior_use_the_distance_formula",
            "Distance equals speed multiplied by time; solve it for whichever quantity is unknown.",
        ),
        (
            "behavior_speed_time_distance",
            "Use distance = speed x time and rearrange it to find the missing one of the three.",
        ),
    ),
    (
        (
            "behavior_work_backwards",
            "Start from the final state the problem gives and undo each step to find the start.",
        ),
        (
            "behavior_reverse_the_steps",
            "Begin at the known end result and reverse the operations one by one to reach the initial value.",
        ),
    ),
    (
        (
            "behavior_check_units_cancel",
            "Write the units alongside the numbers and see that they cancel to the unit asked for.",
        ),
        (
            "behavior_dimensional_analysis",
            "Carry units through the calculation and confirm they reduce to the units the answer needs.",
        ),
    ),
    (
        (
            "behavior_break_into_simpler_shapes",
            "Split a complicated area into rectangles and triangles and add their areas.",
        ),
        (
            "behavior_decompose_composite_figure",
            "Divide an irregular figure into basic shapes, find the area of each, and sum them.",
        ),
    ),
    (
        (
            "behavior_cite_the_passage",
            "Point to the sentence in the text that supports the answer.",
        ),
        (
            "behavior_quote_supporting_line",
            "Back the answer with the exact line of the passage that justifies it.",
        ),
    ),
    (
        (
            "behavior_one_change_at_a_time",
            "When debugging, change one thing at a time and test after each change.",
        ),
        (
            "behavior_isolate_each_fix",
            "Alter only a single thing between test runs so you know which change had the effect.",
        ),
    ),
    (
        (
            "behavior_check_edge_cases",
            "Test the solution on empty input, one element and the largest allowed input.",
        ),
        (
            "behavior_try_boundary_inputs",
            "Run the code on boundary inputs such as an empty list, a single item and the maximum size.",
        ),
    ),
    (
        (
            "behavior_state_assumptions",
            "Write down any assumption you make where the problem is silent.",
        ),
        (
            "behavior_make_assumptions_explicit",
            "Say clearly what you assume whenever the question leaves something unstated.",
        ),
    ),
    (
        (
            "behavior_convert_mixed_numbers",
            "Turn mixed numbers into improper fractions before multiplying or dividing them.",
        ),
        (
            "behavior_improper_before_operating",
            "Rewrite a mixed number like 2 1/3 as an improper fraction before doing multiplication or division with it.",
        ),
    ),
    (
        (
            "behavior_consistent_decimal_places",
            "Line up the decimal points when adding or subtracting decimals by hand.",
        ),
        (
            "behavior_align_decimal_points",
            "When adding decimals on paper, write them so the decimal points sit in one column.",
        ),
    ),
    (
        (
            "behavior_avoid_division_by_small_rounding",
            "Do not divide by a value that was already rounded; use its exact form.",
        ),
        (
            "behavior_exact_divisor",
            "Use the unrounded value of a number you divide by, since a rounded divisor magnifies the error.",
        ),
    ),
    (
        (
            "behavior_remainder_in_context",
            "Decide from the story whether a remainder should round the answer up, down, or be reported.",
        ),
        (
            "behavior_interpret_the_leftover",
            "Interpret a division's remainder in the problem's setting: round up, drop it, or give it as the answer.",
        ),
    ),
    (
        (
            "behavior_restate_the_problem",
            "Restate the problem in your own words before solving it.",
        ),
        (
            "behavior_paraphrase_the_task",
            "Rephrase what is being asked in your own words before starting to work on it.",
        ),
    ),
    (
        (
            "behavior_check_sum_of_parts",
            "Check that the parts found add up to the whole given in the problem.",
        ),
        (
            "behavior_parts_total_the_whole",
            "Make sure the pieces you computed sum to the total the question states.",
        ),
    ),
    (
        (
            "behavior_average_speed_total_over_total",
            "Average speed is total distance divided by total time, not the mean of the speeds.",
        ),
        (
            "behavior_no_mean_of_speeds",
            "For average speed over a journey, divide the whole distance by the whole time instead of averaging the speeds.",
        ),
    ),
    (
        (
            "behavior_use_a_dry_run_for_sync",
            "Run a file synchronisation with its dry-run option first to see what would be copied or deleted.",
        ),
        (
            "behavior_simulate_sync_first",
            "Before syncing folders, simulate the sync with the no-changes flag and read which files it would touch.",
        ),
    ),
    (
        (
            "behavior_limit_query_rows",
            "Add a row limit to an exploratory database query so it returns quickly.",
        ),
        (
            "behavior_cap_exploratory_results",
            "When exploring a table with SQL, cap the number of rows returned with LIMIT.",
        ),
    ),
    (
        (
            "behavior_identify_the_formula",
            "Name the formula that applies before putting any numbers into it.",
        ),
        (
            "behavior_choose_formula_first",
            "Decide which formula fits the situation before substituting values.",
        ),
    ),
    (
        (
            "behavior_check_probability_bounds",
            "A probability must lie between 0 and 1; an answer outside that range is wrong.",
        ),
        (
            "behavior_probability_in_unit_interval",
            "Confirm that any probability you compute is at least zero and at most one.",
        ),
    ),
    (
        (
            "behavior_complement_counting",
            "When 'at least one' is asked, compute one minus the chance of none.",
        ),
        (
            "behavior_use_the_complement",
            "For the probability of at least one success, subtract the probability of zero successes from 1.",
        ),
    ),
    (
        (
            "behavior_fix_the_reference_point",
            "Choose one reference point, such as the start time or origin, and measure everything from it.",
        ),
        (
            "behavior_single_origin",
            "Measure all positions or times from one fixed starting point chosen at the outset.",
        ),
    ),
    (
        ("behavior_write_the_answer_with_units", "Give the final answer together with its unit."),
        (
            "behavior_attach_unit_to_result",
            "State the result with the unit of measurement attached, not as a bare number.",
        ),
    ),
]

FRESH_DIFFERENT: list[Pair] = [
    (
        (
            "behavior_round_only_at_the_end",
            "Carry every digit through the working and round just the final figure.",
        ),
        (
            "behavior_round_to_nearest_ten",
            "Round a whole number to the nearest ten by looking at its units digit.",
        ),
    ),
    (
        ("behavior_area_of_triangle", "The area of a triangle is half the base times the height."),
        (
            "behavior_angles_of_triangle",
            "The three interior angles of a triangle add up to 180 degrees.",
        ),
    ),
    (
        (
            "behavior_isolate_the_variable",
            "Move every term with the unknown to one side and the constants to the other.",
        ),
        (
            "behavior_factor_the_quadratic",
            "Factor a quadratic into two brackets and set each bracket to zero.",
        ),
    ),
    (
        (
            "behavior_hours_to_minutes",
            "Express durations given in hours and minutes entirely in minutes before doing arithmetic on them.",
        ),
        (
            "behavior_time_zone_offset",
            "Add or subtract the time-zone offset to convert a clock time from one city to another.",
        ),
    ),
    (
        (
            "behavior_compare_fractions_cross_multiply",
            "Compare two fractions by cross-multiplying numerators and denominators.",
        ),
        (
            "behavior_fraction_of_a_quantity",
            "To find a fraction of an amount, divide by the denominator and multiply by the numerator.",
        ),
    ),
    (
        (
            "behavior_percent_increase_from_old",
            "Divide the change by the old value, not the new one, to get the percent increase.",
        ),
        (
            "behavior_successive_discounts",
            "Apply two discounts one after the other by multiplying the price by each remaining percentage.",
        ),
    ),
    (
        ("behavior_simple_interest", "Simple interest is principal times rate times time."),
        (
            "behavior_compound_interest",
            "Compound interest multiplies the principal by one plus the rate, raised to the number of periods.",
        ),
    ),
    (
        (
            "behavior_count_missing_values",
            "Count the empty cells in each column before computing statistics on it.",
        ),
        (
            "behavior_remove_duplicate_rows",
            "Drop rows that are exact duplicates before counting records.",
        ),
    ),
    (
        (
            "behavior_plot_before_modelling",
            "Make a scatter plot of the two variables before fitting a line to them.",
        ),
        (
            "behavior_log_scale_for_skew",
            "Use a logarithmic axis when a variable spans several orders of magnitude.",
        ),
    ),
    (
        (
            "behavior_median_for_skewed_data",
            "Report the median rather than the mean when the data are strongly skewed.",
        ),
        (
            "behavior_standard_deviation_spread",
            "Use the standard deviation to describe how spread out the values are around the mean.",
        ),
    ),
    (
        ("behavior_back_up_before_editing", "Copy a file to a backup before changing it in place."),
        (
            "behavior_check_free_disk_space",
            "Check that the disk has enough free space before writing a large file.",
        ),
    ),
    (
        (
            "behavior_quote_paths_with_spaces",
            "Put quotes around file paths that may contain spaces in shell commands.",
        ),
        (
            "behavior_use_absolute_paths",
            "Use absolute paths in scripts so they work from any working directory.",
        ),
    ),
    (
        (
            "behavior_read_the_error_message",
            "Read the whole error message before changing the command that failed.",
        ),
        (
            "behavior_check_exit_status",
            "Check a command's exit status to know whether it succeeded before running the next one.",
        ),
    ),
    (
        (
            "behavior_tabulate_cases",
            "List the possible cases in a small table so that none is forgotten.",
        ),
        (
            "behavior_multiply_independent_choices",
            "When choices are independent, multiply the number of options at each step to count outcomes.",
        ),
    ),
    (
        (
            "behavior_permutations_order_matters",
            "Use permutations when the order of the chosen items matters.",
        ),
        (
            "behavior_combinations_order_ignored",
            "Use combinations when the order of the chosen items does not matter.",
        ),
    ),
    (
        (
            "behavior_use_the_distance_formula",
            "Distance equals speed multiplied by time; solve it for whichever quantity is unknown.",
        ),
        (
            "behavior_relative_speed",
            "For two objects moving toward each other, add their speeds to get the closing speed.",
        ),
    ),
    (
        (
            "behavior_work_backwards",
            "Start from the final state the problem gives and undo each step to find the start.",
        ),
        (
            "behavior_guess_and_check",
            "Guess a value, test it against the conditions, and adjust the guess up or down.",
        ),
    ),
    (
        (
            "behavior_break_into_simpler_shapes",
            "Split a complicated area into rectangles and triangles and add their areas.",
        ),
        (
            "behavior_subtract_the_hole",
            "For a shape with a hole, subtract the area of the hole from the area of the outer shape.",
        ),
    ),
    (
        (
            "behavior_cite_the_passage",
            "Point to the sentence in the text that supports the answer.",
        ),
        (
            "behavior_infer_the_authors_tone",
            "Judge the author's tone from the adjectives and verbs they choose.",
        ),
    ),
    (
        (
            "behavior_one_change_at_a_time",
            "When debugging, change one thing at a time and test after each change.",
        ),
        ("behavior_add_logging", "Add log lines around the suspect code to see which branch runs."),
    ),
    (
        (
            "behavior_check_edge_cases",
            "Test the solution on empty input, one element and the largest allowed input.",
        ),
        (
            "behavior_measure_runtime",
            "Time the program on a large input to check it runs within the limit.",
        ),
    ),
    (
        (
            "behavior_convert_mixed_numbers",
            "Turn mixed numbers into improper fractions before multiplying or dividing them.",
        ),
        ("behavior_invert_and_multiply", "To divide by a fraction, multiply by its reciprocal."),
    ),
    (
        (
            "behavior_align_decimal_points",
            "When adding decimals on paper, write them so the decimal points sit in one column.",
        ),
        (
            "behavior_count_decimal_places_in_product",
            "When multiplying decimals, the product has as many decimal places as the factors together.",
        ),
    ),
    (
        (
            "behavior_remainder_in_context",
            "Decide from the story whether a remainder should round the answer up, down, or be reported.",
        ),
        (
            "behavior_divisibility_by_three",
            "A number is divisible by 3 when the sum of its digits is divisible by 3.",
        ),
    ),
    (
        (
            "behavior_check_sum_of_parts",
            "Check that the parts found add up to the whole given in the problem.",
        ),
        (
            "behavior_share_in_ratio",
            "To share an amount in a ratio, divide it by the total number of parts and multiply by each part.",
        ),
    ),
    (
        (
            "behavior_average_speed_total_over_total",
            "Average speed is total distance divided by total time, not the mean of the speeds.",
        ),
        (
            "behavior_weighted_average",
            "Weight each value by its count when averaging groups of different sizes.",
        ),
    ),
    (
        (
            "behavior_use_a_dry_run_for_sync",
            "Run a file synchronisation with its dry-run option first to see what would be copied or deleted.",
        ),
        (
            "behavior_exclude_cache_folders",
            "Exclude cache and build folders when copying a project to save time and space.",
        ),
    ),
    (
        (
            "behavior_limit_query_rows",
            "Add a row limit to an exploratory database query so it returns quickly.",
        ),
        (
            "behavior_index_join_columns",
            "Create an index on the columns used to join two large tables.",
        ),
    ),
    (
        (
            "behavior_check_probability_bounds",
            "A probability must lie between 0 and 1; an answer outside that range is wrong.",
        ),
        (
            "behavior_independent_events_multiply",
            "Multiply the probabilities of independent events to get the chance that all occur.",
        ),
    ),
    (
        (
            "behavior_complement_counting",
            "When 'at least one' is asked, compute one minus the chance of none.",
        ),
        (
            "behavior_mutually_exclusive_add",
            "Add the probabilities of mutually exclusive events to get the chance that one of them occurs.",
        ),
    ),
    (
        ("behavior_write_the_answer_with_units", "Give the final answer together with its unit."),
        (
            "behavior_significant_figures",
            "Give the answer to the same number of significant figures as the least precise measurement.",
        ),
    ),
    (
        (
            "behavior_pythagoras_for_hypotenuse",
            "Find the hypotenuse as the square root of the sum of the squares of the two legs.",
        ),
        (
            "behavior_pythagoras_for_a_leg",
            "Find a missing leg as the square root of the hypotenuse squared minus the other leg squared.",
        ),
    ),
    (
        (
            "behavior_slope_from_two_points",
            "The slope of a line is the change in y divided by the change in x between two points.",
        ),
        (
            "behavior_intercept_from_slope",
            "Find the y-intercept by substituting one point and the slope into y = mx + b.",
        ),
    ),
    (
        ("behavior_circle_area", "The area of a circle is pi times the radius squared."),
        (
            "behavior_circle_circumference",
            "The circumference of a circle is two times pi times the radius.",
        ),
    ),
    (
        (
            "behavior_speed_from_distance_and_time",
            "Find speed by dividing the distance travelled by the time taken.",
        ),
        (
            "behavior_time_from_distance_and_speed",
            "Find the time taken by dividing the distance by the speed.",
        ),
    ),
    (
        (
            "behavior_percent_decrease",
            "A percentage decrease is the drop divided by the original value, times 100.",
        ),
        (
            "behavior_percent_increase",
            "A percentage increase is the rise divided by the original value, times 100.",
        ),
    ),
    (
        (
            "behavior_prime_factorisation",
            "Break a number into prime factors by dividing repeatedly by the smallest prime.",
        ),
        (
            "behavior_lcm_from_prime_factors",
            "Take the highest power of each prime that appears to build the least common multiple.",
        ),
    ),
    (
        (
            "behavior_mean_of_a_list",
            "Add the values and divide by how many there are to get the mean.",
        ),
        ("behavior_mode_of_a_list", "The mode is the value that appears most often in the list."),
    ),
    (
        (
            "behavior_restate_the_problem",
            "Restate the problem in your own words before solving it.",
        ),
        (
            "behavior_underline_key_numbers",
            "Underline the numbers in the problem that the calculation will actually use.",
        ),
    ),
    (
        (
            "behavior_state_assumptions",
            "Write down any assumption you make where the problem is silent.",
        ),
        (
            "behavior_ask_for_missing_data",
            "Ask for the missing information instead of guessing when the problem cannot be solved without it.",
        ),
    ),
]
