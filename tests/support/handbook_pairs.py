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
