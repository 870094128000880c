# ruff: noqa: E501  (labelled data)
"""Held-out TEST set of labelled behaviour pairs for handbook deduplication (BLIND2).

Written 2026-12-06 by a helper blind to the merge rule, to its tests and to every
other labelled pair set, by hand (no program, templates or loops), as a held-out
test set, evaluated once after the rule was frozen.

Each pair holds two behaviours (name, instruction). SAME pairs say one behaviour
twice in other words, as two curators might; DIFFERENT pairs must stay apart.

Topics (8 SAME and 8 DIFFERENT pairs each; of the DIFFERENT ones about 5 are
same-topic hard pairs and 3 cross to another topic): arithmetic, fractions,
percentages, word problems, unit conversions, algebra, geometry, checking
answers, reading the question, estimation.

Counts: 80 SAME pairs, 80 DIFFERENT pairs.
"""

from __future__ import annotations

Pair = tuple[tuple[str, str], tuple[str, str]]

BLIND2_SAME: list[Pair] = [
    # --- arithmetic ---
    (
        (
            "behavior_order_of_operations",
            "Evaluate expressions using the order of operations: brackets first, then exponents, then multiplication and division left to right, then addition and subtraction.",
        ),
        (
            "behavior_respect_operator_precedence",
            "Work out parentheses, then powers, then products and quotients from the left, and only then sums and differences, when simplifying a numeric expression.",
        ),
    ),
    (
        (
            "behavior_align_place_values",
            "Line up digits by place value before adding or subtracting multi-digit numbers in columns.",
        ),
        (
            "behavior_column_digits_by_place",
            "When doing column addition or subtraction, write the numbers so that ones sit under ones, tens under tens, and so on.",
        ),
    ),
    (
        (
            "behavior_carry_overflow_digit",
            "When a column sum exceeds nine, carry the tens digit to the next column on the left.",
        ),
        (
            "behavior_regroup_tens_when_adding",
            "If adding a column gives ten or more, write down the units digit and add the extra ten to the next place.",
        ),
    ),
    (
        (
            "behavior_borrow_from_next_place",
            "In subtraction, if the top digit is smaller than the bottom one, borrow one from the next higher place.",
        ),
        (
            "behavior_regroup_for_small_minuend_digit",
            "Before subtracting a column whose upper digit is less than the lower digit, take ten from the column to its left and add it here.",
        ),
    ),
    (
        (
            "behavior_split_multiplication_distributively",
            "Break a hard product into easier parts, e.g. 17 x 6 = 10 x 6 + 7 x 6, then add the partial products.",
        ),
        (
            "behavior_decompose_factor_into_tens_and_ones",
            "Multiply mentally by splitting one factor into tens and ones, multiplying each part, and summing the results.",
        ),
    ),
    (
        (
            "behavior_negative_times_negative",
            "Remember that multiplying two negative numbers gives a positive result.",
        ),
        (
            "behavior_sign_rule_for_products",
            "When both factors are negative, the product is positive; make sure the sign is set accordingly.",
        ),
    ),
    (
        (
            "behavior_subtract_negative_as_add",
            "Rewrite subtracting a negative number as adding its absolute value.",
        ),
        (
            "behavior_minus_minus_becomes_plus",
            "Turn a - (-b) into a + b before computing, since taking away a negative is the same as adding.",
        ),
    ),
    (
        (
            "behavior_check_remainder_smaller_than_divisor",
            "After long division, confirm the remainder is less than the divisor; if not, the quotient digit was too small.",
        ),
        (
            "behavior_remainder_must_be_below_divisor",
            "Always verify that a division remainder is strictly smaller than the divisor, and increase the quotient if it is not.",
        ),
    ),
    # --- fractions ---
    (
        (
            "behavior_common_denominator_before_adding",
            "Rewrite fractions over a common denominator before adding or subtracting them.",
        ),
        (
            "behavior_match_denominators_first",
            "When summing or taking the difference of fractions with unlike denominators, convert them to equivalent fractions with the same denominator first.",
        ),
    ),
    (
        (
            "behavior_simplify_final_fraction",
            "Reduce the final fraction to lowest terms by dividing numerator and denominator by their greatest common divisor.",
        ),
        (
            "behavior_lowest_terms_answer",
            "Before giving a fractional answer, cancel every common factor of the top and bottom so it is fully simplified.",
        ),
    ),
    (
        (
            "behavior_divide_by_multiplying_reciprocal",
            "To divide by a fraction, multiply by its reciprocal.",
        ),
        (
            "behavior_flip_divisor_and_multiply",
            "When dividing fractions, invert the second fraction (the divisor) and then multiply; for example 2/3 divided by 4/5 becomes 2/3 times 5/4.",
        ),
    ),
    (
        (
            "behavior_multiply_fractions_straight_across",
            "Multiply fractions by multiplying the numerators together and the denominators together.",
        ),
        (
            "behavior_product_of_tops_over_product_of_bottoms",
            "For a product of fractions, the result is the product of the numerators over the product of the denominators.",
        ),
    ),
    (
        (
            "behavior_mixed_to_improper",
            "Convert mixed numbers to improper fractions before multiplying or dividing them.",
        ),
        (
            "behavior_improper_form_for_products",
            "Before multiplying or dividing with mixed numbers such as 2 1/3, rewrite each as a single improper fraction like 7/3.",
        ),
    ),
    (
        (
            "behavior_cross_cancel_before_multiplying",
            "Cancel common factors between any numerator and any denominator before multiplying fractions to keep the numbers small.",
        ),
        (
            "behavior_reduce_diagonally_first",
            "When multiplying fractions, first divide out factors shared across a numerator and a denominator, which avoids large products.",
        ),
    ),
    (
        (
            "behavior_compare_fractions_by_cross_multiplying",
            "Compare two fractions a/b and c/d by comparing the cross products a*d and b*c.",
        ),
        (
            "behavior_cross_products_decide_larger_fraction",
            "To tell which of two fractions is bigger, multiply each numerator by the other denominator and compare those products.",
        ),
    ),
    (
        (
            "behavior_fraction_of_quantity",
            "To find a fraction of an amount, divide the amount by the denominator and multiply by the numerator.",
        ),
        (
            "behavior_take_part_of_whole",
            "When asked for, say, 3/4 of 60, split 60 into 4 equal parts and take 3 of them.",
        ),
    ),
    # --- percentages ---
    (
        (
            "behavior_percent_to_decimal",
            "Convert a percentage to a decimal by dividing by 100 before using it in a calculation.",
        ),
        (
            "behavior_move_decimal_two_places_left",
            "Before multiplying with a percent, write it as a decimal, e.g. 35% as 0.35.",
        ),
    ),
    (
        (
            "behavior_percent_change_over_original",
            "Compute percentage change as the difference divided by the original value, times 100.",
        ),
        (
            "behavior_relative_change_uses_starting_value",
            "When finding a percent increase or decrease, divide the change by the starting amount, not the final one, and express it as a percent.",
        ),
    ),
    (
        (
            "behavior_multiplier_for_increase",
            "Apply a percentage increase by multiplying the amount by one plus the rate, e.g. times 1.15 for 15%.",
        ),
        (
            "behavior_scale_up_by_growth_factor",
            "To raise a value by p percent, multiply it by (1 + p/100) in a single step rather than computing and adding the increase.",
        ),
    ),
    (
        (
            "behavior_successive_percent_multiply",
            "For successive percentage changes, multiply the individual factors; do not add the percentages.",
        ),
        (
            "behavior_chain_percent_factors",
            "When one percent change follows another, combine them by multiplying their growth factors instead of summing the rates.",
        ),
    ),
    (
        (
            "behavior_reverse_percent_divide",
            "To find the original price before a percent change, divide the new price by the multiplier.",
        ),
        (
            "behavior_undo_markup_by_division",
            "When given the amount after an increase or discount and asked for the original, divide by the factor such as 1.2 or 0.8, never subtract the percent of the new amount.",
        ),
    ),
    (
        (
            "behavior_part_over_whole_times_hundred",
            "Find what percent one number is of another by dividing the part by the whole and multiplying by 100.",
        ),
        (
            "behavior_express_ratio_as_percent",
            "When asked what percentage A is of B, compute A / B and convert to a percent.",
        ),
    ),
    (
        (
            "behavior_discount_then_tax_order",
            "Apply a discount to the list price first, then apply sales tax to the discounted price.",
        ),
        (
            "behavior_tax_on_reduced_price",
            "Compute sales tax on the price after the discount has been taken off, not on the original price.",
        ),
    ),
    (
        (
            "behavior_percentage_points_vs_percent",
            "Distinguish a change in percentage points from a percent change of a rate.",
        ),
        (
            "behavior_points_not_relative_percent",
            "When a rate moves from 10% to 12%, note that it rose by 2 percentage points, which is a 20 percent relative increase; keep the two separate.",
        ),
    ),
    # --- word problems ---
    (
        (
            "behavior_list_knowns_and_unknown",
            "Start a word problem by listing the given quantities and the quantity you must find.",
        ),
        (
            "behavior_extract_givens_and_target",
            "Before calculating, write down every number stated in the problem with its meaning, and state clearly what is being asked for.",
        ),
    ),
    (
        (
            "behavior_define_variable_for_unknown",
            "Assign a letter to the unknown quantity and write what it stands for.",
        ),
        (
            "behavior_name_the_unknown",
            "Let a variable such as x represent the quantity asked for, stating its meaning and units.",
        ),
    ),
    (
        (
            "behavior_translate_words_to_equation",
            "Translate each sentence of the word problem into an equation relating the quantities.",
        ),
        (
            "behavior_turn_statements_into_math",
            "Convert the problem's verbal relationships, like 'twice as many as', into algebraic equations, one per stated relationship.",
        ),
    ),
    (
        (
            "behavior_draw_diagram_for_word_problem",
            "Sketch a diagram of the situation before setting up equations.",
        ),
        (
            "behavior_picture_the_scenario",
            "When a word problem describes positions, shapes or movement, draw a quick picture of it first to see the relationships.",
        ),
    ),
    (
        (
            "behavior_distance_rate_time",
            "Use distance = speed x time for motion problems, solving for the missing quantity.",
        ),
        (
            "behavior_motion_formula_d_equals_rt",
            "In travel problems, relate how far, how fast, and how long with d = r t, and rearrange for whichever is unknown.",
        ),
    ),
    (
        (
            "behavior_work_rates_add",
            "For people working together, add their rates (jobs per hour) to get the combined rate.",
        ),
        (
            "behavior_combined_work_sum_of_rates",
            "When two workers or pipes act at once, convert each to a per-unit-time rate and sum the rates, then take the reciprocal for the time.",
        ),
    ),
    (
        (
            "behavior_track_units_through_problem",
            "Carry units along with every number in a word problem.",
        ),
        (
            "behavior_keep_units_attached",
            "Write the unit next to each quantity at every step of a word problem's calculation so mismatched units show up.",
        ),
    ),
    (
        (
            "behavior_break_multistep_problem",
            "Split a multi-step word problem into smaller sub-questions and solve them in order.",
        ),
        (
            "behavior_solve_intermediate_quantities_first",
            "When a word problem needs several steps, identify the intermediate values needed and compute each one before the final answer.",
        ),
    ),
    # --- unit conversions ---
    (
        (
            "behavior_conversion_factor_as_one",
            "Multiply by a conversion factor written as a fraction equal to one, with the unit to cancel in the denominator.",
        ),
        (
            "behavior_dimensional_analysis_cancel_units",
            "Convert units by multiplying by ratios like (100 cm / 1 m) arranged so the unwanted unit cancels.",
        ),
    ),
    (
        (
            "behavior_square_the_linear_factor_for_area",
            "When converting area units, square the linear conversion factor, e.g. 1 m^2 = 10,000 cm^2.",
        ),
        (
            "behavior_area_conversion_uses_factor_squared",
            "For square units, apply the length conversion twice: square meters to square centimeters multiplies by 100 times 100.",
        ),
    ),
    (
        (
            "behavior_cube_the_factor_for_volume",
            "When converting volume units, cube the linear conversion factor.",
        ),
        (
            "behavior_volume_units_factor_cubed",
            "Converting cubic units means raising the length factor to the third power, so 1 cubic foot is 12^3 = 1728 cubic inches.",
        ),
    ),
    (
        (
            "behavior_convert_to_common_unit_first",
            "Convert all quantities to the same unit before adding, subtracting or comparing them.",
        ),
        (
            "behavior_same_units_before_combining",
            "Before combining measurements such as 2 m and 35 cm, express them in a single unit.",
        ),
    ),
    (
        (
            "behavior_time_base_sixty",
            "Remember that time uses base 60: 1 hour is 60 minutes, not 100.",
        ),
        (
            "behavior_hours_minutes_not_decimal",
            "When converting hours and minutes, use 60 minutes per hour; for example 1.5 hours is 1 hour 30 minutes, not 1 hour 50 minutes.",
        ),
    ),
    (
        (
            "behavior_metric_prefix_powers_of_ten",
            "Convert between metric units by shifting by the power of ten of the prefixes, e.g. kilo is 1000.",
        ),
        (
            "behavior_use_si_prefix_scale",
            "For metric conversions, use the prefix values (milli = 0.001, centi = 0.01, kilo = 1000) to move the decimal point.",
        ),
    ),
    (
        (
            "behavior_rate_unit_conversion_both_parts",
            "When converting a rate such as km/h to m/s, convert both the numerator unit and the denominator unit.",
        ),
        (
            "behavior_convert_top_and_bottom_of_rate",
            "For compound units like miles per hour, change the distance unit and the time unit separately, e.g. km/h to m/s divides by 3.6.",
        ),
    ),
    (
        (
            "behavior_bigger_unit_smaller_number",
            "Sanity-check a conversion: going to a larger unit should give a smaller number, and to a smaller unit a larger number.",
        ),
        (
            "behavior_conversion_direction_check",
            "After converting, confirm the number moved the right way: fewer of a big unit, more of a small unit.",
        ),
    ),
    # --- algebra ---
    (
        (
            "behavior_same_operation_both_sides",
            "Whatever operation you apply to one side of an equation, apply it to the other side too.",
        ),
        (
            "behavior_keep_equation_balanced",
            "To keep an equation true while solving, perform each step, such as adding 3 or dividing by 2, on both sides equally.",
        ),
    ),
    (
        (
            "behavior_isolate_the_variable",
            "Solve a linear equation by moving all variable terms to one side and constants to the other, then divide by the coefficient.",
        ),
        (
            "behavior_collect_x_terms_then_divide",
            "Gather the x terms on one side and the numbers on the other, then divide by the number in front of x.",
        ),
    ),
    (
        (
            "behavior_distribute_negative_sign",
            "When removing brackets preceded by a minus sign, change the sign of every term inside.",
        ),
        (
            "behavior_minus_before_parentheses_flips_all",
            "Expanding -(a - b + c) gives -a + b - c: a negative in front of parentheses reverses each term's sign.",
        ),
    ),
    (
        (
            "behavior_combine_like_terms",
            "Combine like terms, those with the same variable and power, before solving.",
        ),
        (
            "behavior_merge_matching_terms",
            "Simplify each side by adding together terms that have identical variable parts, like 3x and 5x, before going further.",
        ),
    ),
    (
        (
            "behavior_flip_inequality_on_negative",
            "Reverse the inequality sign when multiplying or dividing both sides by a negative number.",
        ),
        (
            "behavior_negative_divisor_switches_direction",
            "If you divide an inequality by a negative value, turn < into > and vice versa.",
        ),
    ),
    (
        (
            "behavior_quadratic_set_to_zero",
            "Rearrange a quadratic equation so one side is zero before factoring or applying the formula.",
        ),
        (
            "behavior_zero_on_one_side_for_quadratics",
            "Before solving ax^2 + bx + c = d, move every term to one side so the equation equals 0.",
        ),
    ),
    (
        (
            "behavior_do_not_divide_by_variable",
            "Do not divide both sides by an expression containing the variable, since it may be zero and you would lose a solution; factor it out instead.",
        ),
        (
            "behavior_factor_instead_of_cancelling_x",
            "Avoid cancelling x from both sides of an equation like x^2 = 3x; move terms over and factor so the root x = 0 is kept.",
        ),
    ),
    (
        (
            "behavior_substitute_solution_into_other_equation",
            "In a system of equations, solve one equation for a variable and substitute that expression into the other equation.",
        ),
        (
            "behavior_substitution_method_for_systems",
            "For two simultaneous equations, express one unknown in terms of the other from one equation and plug it into the second.",
        ),
    ),
    # --- geometry ---
    (
        (
            "behavior_triangle_angles_sum_180",
            "Use the fact that the interior angles of a triangle add up to 180 degrees to find a missing angle.",
        ),
        (
            "behavior_missing_triangle_angle",
            "When two angles of a triangle are known, find the third by subtracting their sum from 180 degrees.",
        ),
    ),
    (
        (
            "behavior_pythagoras_for_right_triangles",
            "In a right triangle, use a^2 + b^2 = c^2 with c the hypotenuse to find a missing side.",
        ),
        (
            "behavior_right_angle_side_relation",
            "When a triangle has a right angle, the square of the longest side equals the sum of the squares of the other two; use this to get an unknown side.",
        ),
    ),
    (
        (
            "behavior_circle_area_pi_r_squared",
            "Compute a circle's area as pi times the radius squared.",
        ),
        (
            "behavior_disc_area_formula",
            "For the area enclosed by a circle, square the radius and multiply by pi.",
        ),
    ),
    (
        (
            "behavior_radius_from_diameter",
            "If a diameter is given, halve it to get the radius before using a radius formula.",
        ),
        (
            "behavior_halve_diameter_first",
            "Check whether the problem gives the diameter; if so, divide by two to obtain r before plugging into formulas.",
        ),
    ),
    (
        (
            "behavior_label_diagram_with_givens",
            "Mark all given lengths and angles on a sketch of the figure.",
        ),
        (
            "behavior_annotate_figure",
            "Draw the geometric figure and write each known measurement on it before working out unknowns.",
        ),
    ),
    (
        (
            "behavior_split_composite_shape",
            "Find the area of an irregular shape by dividing it into rectangles and triangles and summing their areas.",
        ),
        (
            "behavior_decompose_into_simple_regions",
            "For an L-shaped or compound figure, cut it into basic shapes, compute each area, and add them.",
        ),
    ),
    (
        (
            "behavior_similar_triangles_ratio",
            "For similar triangles, set up a proportion between corresponding sides to find unknown lengths.",
        ),
        (
            "behavior_proportional_corresponding_sides",
            "When two triangles are similar, matching sides share one scale factor; write a ratio equation to solve for the missing side.",
        ),
    ),
    (
        (
            "behavior_area_scales_with_square",
            "When a figure is scaled by factor k, multiply its area by k squared.",
        ),
        (
            "behavior_scale_factor_squared_for_area",
            "Enlarging a shape's lengths by a factor k makes its area k^2 times larger, not k times.",
        ),
    ),
    # --- checking answers ---
    (
        (
            "behavior_substitute_answer_back",
            "Check a solved equation by substituting the answer back into the original equation.",
        ),
        (
            "behavior_plug_root_into_original",
            "After finding x, put it into the equation as first given and confirm both sides come out equal.",
        ),
    ),
    (
        (
            "behavior_inverse_operation_check",
            "Verify an arithmetic result by performing the inverse operation, such as multiplying the quotient by the divisor.",
        ),
        (
            "behavior_undo_to_verify",
            "Confirm a computed result by reversing it: add back what was subtracted, or multiply back what was divided, and see if you return to the start.",
        ),
    ),
    (
        (
            "behavior_check_units_of_answer",
            "Confirm the final answer is stated in the units the question asks for.",
        ),
        (
            "behavior_answer_unit_matches_request",
            "Before finishing, make sure the answer's unit is the one requested, e.g. minutes if the question asks for minutes.",
        ),
    ),
    (
        (
            "behavior_reasonableness_check",
            "Ask whether the answer is reasonable in the context of the problem.",
        ),
        (
            "behavior_does_answer_make_sense",
            "Look at the final value against the real situation, e.g. a person's age cannot be negative or 400, and recheck if it is implausible.",
        ),
    ),
    (
        (
            "behavior_recheck_extraneous_roots",
            "After solving equations with square roots or denominators, test each candidate in the original equation and discard extraneous solutions.",
        ),
        (
            "behavior_reject_spurious_solutions",
            "When squaring both sides or clearing fractions, some candidates may not work; substitute each into the starting equation and drop those that fail.",
        ),
    ),
    (
        (
            "behavior_recompute_by_another_method",
            "Verify a result by solving the problem a second way and comparing.",
        ),
        (
            "behavior_independent_second_route",
            "Cross-check the answer by reaching it through a different approach; if the two results disagree, look for the error.",
        ),
    ),
    (
        (
            "behavior_check_all_conditions_met",
            "Confirm the answer satisfies every condition stated in the problem, not just the equation you solved.",
        ),
        (
            "behavior_verify_against_each_constraint",
            "Go through each requirement in the question, such as integer, positive, or under a limit, and make sure the final answer meets all of them.",
        ),
    ),
    (
        (
            "behavior_recheck_arithmetic_steps",
            "Re-do each arithmetic step of the solution to catch calculation slips before answering.",
        ),
        (
            "behavior_audit_each_calculation",
            "Before giving the final answer, go back over every computation line by line and recompute it to find careless mistakes.",
        ),
    ),
    # --- reading the question ---
    (
        (
            "behavior_identify_what_is_asked",
            "Before solving, state exactly what quantity the question asks for.",
        ),
        (
            "behavior_pin_down_the_target_quantity",
            "Read the final sentence of the problem carefully and write down precisely which value must be reported.",
        ),
    ),
    (
        (
            "behavior_reread_question_before_answering",
            "Re-read the question after solving to make sure the answer addresses what was asked.",
        ),
        (
            "behavior_final_look_at_prompt",
            "Once you have a result, go back to the original question and confirm your answer responds to it, not to a related quantity.",
        ),
    ),
    (
        (
            "behavior_note_negation_words",
            "Watch for words like 'not', 'except' and 'least' that reverse what the question asks.",
        ),
        (
            "behavior_spot_reversing_keywords",
            "Highlight terms such as NOT, EXCEPT or fewest in the question, since they flip the choice you must make.",
        ),
    ),
    (
        (
            "behavior_watch_for_rounding_instructions",
            "Note any instruction on rounding or precision, such as nearest tenth, and round the final answer accordingly.",
        ),
        (
            "behavior_obey_requested_precision",
            "If the question says to give the answer to two decimal places or to the nearest whole number, round the final result that way.",
        ),
    ),
    (
        (
            "behavior_ignore_irrelevant_information",
            "Identify and disregard numbers in the problem that are not needed to answer the question.",
        ),
        (
            "behavior_filter_distractor_data",
            "Word problems may include extra facts; decide which given values actually matter and leave the rest out of the calculation.",
        ),
    ),
    (
        (
            "behavior_notice_answer_format",
            "Check the required answer form, such as a fraction, a decimal, or simplest radical form, and present it that way.",
        ),
        (
            "behavior_match_requested_form",
            "When the problem specifies how the answer must look, for example as a mixed number or in terms of pi, write it in that form.",
        ),
    ),
    (
        (
            "behavior_read_every_word_of_question",
            "Read the whole problem slowly, word by word, before starting any calculation.",
        ),
        (
            "behavior_full_read_before_working",
            "Do not begin computing after the first sentence; read the complete question carefully first.",
        ),
    ),
    (
        (
            "behavior_catch_hidden_conditions",
            "Look for implicit conditions in the wording, such as whole numbers of people or nonnegative lengths.",
        ),
        (
            "behavior_infer_unstated_constraints",
            "Notice constraints implied by context, like items that cannot be split or quantities that cannot be negative, even when not stated outright.",
        ),
    ),
    # --- estimation ---
    (
        (
            "behavior_estimate_before_computing",
            "Make a rough estimate of the answer before doing the exact calculation.",
        ),
        (
            "behavior_ballpark_first",
            "Before working precisely, get an approximate value so you know roughly what size the answer should be.",
        ),
    ),
    (
        (
            "behavior_compare_with_estimate",
            "Compare the exact result with your estimate; if they differ greatly, look for an error.",
        ),
        (
            "behavior_estimate_as_error_detector",
            "If the calculated answer is far from the rough estimate made earlier, suspect a mistake and recheck the work.",
        ),
    ),
    (
        (
            "behavior_round_to_leading_digit",
            "Estimate by rounding each number to its first significant digit and computing with those.",
        ),
        (
            "behavior_front_end_rounding",
            "For a quick approximation, round every number to one nonzero digit, like 387 to 400 and 52 to 50, then calculate.",
        ),
    ),
    (
        (
            "behavior_compatible_numbers",
            "Estimate a division by replacing numbers with nearby ones that divide easily, like 4,200 / 7 instead of 4,183 / 6.8.",
        ),
        (
            "behavior_friendly_numbers_for_division",
            "To approximate a quotient, adjust the dividend and divisor to close values that divide cleanly, then divide.",
        ),
    ),
    (
        (
            "behavior_order_of_magnitude_check",
            "Check that the answer has the right order of magnitude by counting powers of ten.",
        ),
        (
            "behavior_powers_of_ten_sanity",
            "Confirm the size of a result is right to within a factor of ten, e.g. by writing the numbers in scientific notation and adding exponents.",
        ),
    ),
    (
        (
            "behavior_estimate_to_eliminate_choices",
            "In multiple choice, use a quick estimate to rule out options that are clearly too large or too small.",
        ),
        (
            "behavior_approximate_to_narrow_options",
            "When answer choices are given, approximate the result and cross out choices far from it.",
        ),
    ),
    (
        (
            "behavior_bound_answer_between_values",
            "Find a lower and upper bound for the answer by rounding all inputs down and then all up.",
        ),
        (
            "behavior_bracket_result_with_round_down_and_up",
            "Get a range for the true value: compute once with every number rounded down and once with every number rounded up.",
        ),
    ),
    (
        (
            "behavior_rounding_direction_in_estimate",
            "When estimating a product, round one factor up and the other down to keep the estimate close.",
        ),
        (
            "behavior_offset_rounding_errors",
            "For a closer estimate of a product, round one number upward and the other downward so the rounding errors partly cancel.",
        ),
    ),
]

BLIND2_DIFFERENT: list[Pair] = [
    # --- arithmetic ---
    (
        (
            "behavior_carry_into_next_column",
            "When a column of digits adds to ten or more, carry the tens digit into the next column to the left.",
        ),
        (
            "behavior_borrow_ten_from_left_column",
            "When subtracting and a top digit is smaller than the digit below it, borrow ten from the column to the left.",
        ),
    ),
    (
        (
            "behavior_times_power_of_ten_point_right",
            "To multiply a decimal by 10, 100 or 1000, move the decimal point that many places to the right.",
        ),
        (
            "behavior_divide_by_power_of_ten_shift",
            "To divide a number by 10, 100 or 1000, move the decimal point that many places to the left.",
        ),
    ),
    (
        (
            "behavior_long_multiply_partial_products",
            "Multiply multi-digit numbers by writing one partial product per digit of the second factor, shifted by place, and adding them.",
        ),
        (
            "behavior_last_digit_check_of_product",
            "Check a product by multiplying only the last digits of the factors; the result's last digit must match the product's last digit.",
        ),
    ),
    (
        (
            "behavior_round_quotient_up_for_containers",
            "When dividing to find how many buses, boxes or trips are needed, round a fractional quotient up to the next whole number.",
        ),
        (
            "behavior_round_quotient_down_for_complete_groups",
            "When dividing to count how many complete groups or full items can be made, drop the fractional part of the quotient.",
        ),
    ),
    (
        (
            "behavior_digit_sum_divisible_by_three",
            "Test divisibility by 3 by adding the digits and checking whether that sum is a multiple of 3.",
        ),
        (
            "behavior_alternating_digit_sum_for_eleven",
            "Test divisibility by 11 by alternately adding and subtracting the digits and checking whether the result is a multiple of 11.",
        ),
    ),
    (
        (
            "behavior_left_to_right_for_same_precedence",
            "When an expression has only multiplications and divisions, or only additions and subtractions, work strictly from left to right.",
        ),
        (
            "behavior_perimeter_sum_all_sides",
            "Find a polygon's perimeter by adding the lengths of all its sides.",
        ),
    ),
    (
        (
            "behavior_odd_count_of_negatives",
            "A product with an odd number of negative factors is negative; count the negative signs before multiplying.",
        ),
        (
            "behavior_underline_requested_unit",
            "Underline the unit the question asks the answer in, such as hours or cents, while reading it.",
        ),
    ),
    (
        (
            "behavior_multiply_decimals_count_places",
            "When multiplying decimals, multiply as whole numbers, then place the decimal point so the product has as many decimal places as both factors combined.",
        ),
        (
            "behavior_percent_of_number_multiply",
            "To find p percent of a number, multiply the number by p and divide by 100.",
        ),
    ),
    # --- fractions ---
    (
        (
            "behavior_improper_to_mixed_number",
            "Convert an improper fraction to a mixed number by dividing the numerator by the denominator; the remainder becomes the new numerator.",
        ),
        (
            "behavior_mixed_number_to_improper_fraction",
            "Convert a mixed number to an improper fraction by multiplying the whole part by the denominator and adding the numerator.",
        ),
    ),
    (
        (
            "behavior_add_fractions_need_common_denominator",
            "Add fractions only after rewriting them over a common denominator, then add the numerators and keep the denominator.",
        ),
        (
            "behavior_multiply_fractions_no_common_denominator",
            "Multiply fractions directly, numerator times numerator and denominator times denominator, without finding a common denominator.",
        ),
    ),
    (
        (
            "behavior_least_common_denominator",
            "Use the least common multiple of the denominators as the common denominator to keep numbers small.",
        ),
        (
            "behavior_check_fraction_fully_reduced",
            "Check the final fraction is in lowest terms by confirming the numerator and denominator share no factor other than 1.",
        ),
    ),
    (
        (
            "behavior_fraction_to_decimal_divide",
            "Convert a fraction to a decimal by dividing the numerator by the denominator.",
        ),
        (
            "behavior_decimal_to_fraction_place_value",
            "Convert a terminating decimal to a fraction by writing its digits over the matching power of ten, such as 0.35 as 35/100, then simplifying.",
        ),
    ),
    (
        (
            "behavior_find_whole_from_fraction_of_it",
            "When told that a fraction of an amount equals a value, find the whole by dividing the value by the fraction.",
        ),
        (
            "behavior_find_fraction_of_given_whole",
            "When asked for a fraction of a known amount, multiply the amount by the fraction.",
        ),
    ),
    (
        (
            "behavior_reciprocal_for_fraction_division",
            "Divide by a fraction by multiplying by its reciprocal.",
        ),
        (
            "behavior_check_units_in_final_line",
            "Before answering, confirm the final value carries the unit the question asked for.",
        ),
    ),
    (
        (
            "behavior_equivalent_fraction_scale_both",
            "Make an equivalent fraction by multiplying numerator and denominator by the same nonzero number.",
        ),
        (
            "behavior_angle_sum_quadrilateral",
            "Use 360 degrees as the sum of interior angles of any quadrilateral to find a missing angle.",
        ),
    ),
    (
        (
            "behavior_compare_fractions_same_numerator",
            "When two fractions have the same numerator, the one with the smaller denominator is larger.",
        ),
        (
            "behavior_estimate_with_benchmark_numbers",
            "Estimate sums by rounding each addend to a nearby round number such as a multiple of 10 or 100 before adding.",
        ),
    ),
    # --- percentages ---
    (
        (
            "behavior_apply_percent_increase_factor",
            "Increase an amount by r percent by multiplying it by 1 + r/100.",
        ),
        (
            "behavior_apply_percent_decrease_factor",
            "Decrease an amount by r percent by multiplying it by 1 - r/100.",
        ),
    ),
    (
        (
            "behavior_new_value_from_original_and_percent",
            "Given the original value and the percent change, multiply the original by the change factor to get the new value.",
        ),
        (
            "behavior_original_value_from_new_and_percent",
            "Given the value after a percent change, find the original by dividing the new value by the change factor.",
        ),
    ),
    (
        (
            "behavior_percent_change_divide_by_old",
            "Compute percent change as (new - old) / old times 100.",
        ),
        (
            "behavior_percent_difference_divide_by_average",
            "When comparing two values with no before and after, compute percent difference as their difference divided by their average, times 100.",
        ),
    ),
    (
        (
            "behavior_simple_interest_linear",
            "For simple interest, compute interest as principal times rate times time, with no interest earned on interest.",
        ),
        (
            "behavior_compound_interest_power",
            "For compound interest, multiply the principal by (1 + rate per period) raised to the number of periods.",
        ),
    ),
    (
        (
            "behavior_percent_of_amount",
            "To find what p percent of an amount is, multiply the amount by p/100.",
        ),
        (
            "behavior_what_percent_is_part",
            "To find what percent one amount is of another, divide the part by the whole and multiply by 100.",
        ),
    ),
    (
        (
            "behavior_percent_as_fraction_over_hundred",
            "Rewrite a percent as a fraction over 100 and simplify it, e.g. 25% as 1/4, to compute mentally.",
        ),
        (
            "behavior_solve_two_step_equation_order",
            "Solve a two-step linear equation by undoing addition or subtraction first, then undoing multiplication or division.",
        ),
    ),
    (
        (
            "behavior_tip_computed_on_pretax_bill",
            "Compute a restaurant tip as a percentage of the bill before tax unless told otherwise.",
        ),
        (
            "behavior_draw_timeline_for_events",
            "For word problems with events at different times, draw a timeline and mark each event and its time.",
        ),
    ),
    (
        (
            "behavior_check_percentages_sum_to_hundred",
            "When a whole is split into percentage parts, check that all the parts add up to 100 percent.",
        ),
        (
            "behavior_circle_circumference_two_pi_r",
            "Find the circumference of a circle as 2 times pi times the radius.",
        ),
    ),
    # --- word problems ---
    (
        (
            "behavior_more_than_means_add",
            "When a problem says one quantity is 5 more than another, write it as the other plus 5.",
        ),
        (
            "behavior_times_as_many_means_multiply",
            "When a problem says one quantity is 3 times as many as another, write it as 3 times the other.",
        ),
    ),
    (
        (
            "behavior_relative_speed_opposite_directions",
            "For two objects moving toward each other, add their speeds to get the rate at which the gap closes.",
        ),
        (
            "behavior_relative_speed_same_direction",
            "For one object chasing another in the same direction, subtract the slower speed from the faster to get the closing rate.",
        ),
    ),
    (
        (
            "behavior_average_speed_total_over_total",
            "Find average speed for a whole trip by dividing total distance by total time, not by averaging the speeds.",
        ),
        (
            "behavior_time_from_distance_and_speed",
            "Find the time for a leg of a journey by dividing its distance by its speed.",
        ),
    ),
    (
        (
            "behavior_sum_of_ages_grows_per_person",
            "When a problem gives the total of several people's ages at two times, use that the total grows each year by the number of people.",
        ),
        (
            "behavior_age_difference_stays_constant",
            "Use the fact that the difference between two people's ages never changes over time to relate their ages.",
        ),
    ),
    (
        (
            "behavior_set_up_mixture_equation",
            "For mixture problems, write an equation that the amount of pure substance in the parts equals the amount in the mixture.",
        ),
        (
            "behavior_check_mixture_concentration_between",
            "Check a mixture answer: the final concentration must lie between the concentrations of the ingredients.",
        ),
    ),
    (
        (
            "behavior_write_equation_from_sentence",
            "Turn each stated relationship in the word problem into an equation between the named quantities.",
        ),
        (
            "behavior_volume_of_cuboid",
            "Find the volume of a rectangular box by multiplying its length, width and height.",
        ),
    ),
    (
        (
            "behavior_answer_in_sentence_with_units",
            "End a word problem by stating the answer in a full sentence that includes units.",
        ),
        (
            "behavior_common_factor_before_expanding",
            "Take out a common factor from all terms of an expression before expanding or solving.",
        ),
    ),
    (
        (
            "behavior_guess_and_check_table",
            "For a word problem that resists an equation, make a table of guesses, test each against the conditions, and refine.",
        ),
        (
            "behavior_convert_mixed_units_to_single",
            "Convert a measurement like 3 ft 4 in entirely into one unit, such as 40 in, before calculating.",
        ),
    ),
    # --- unit conversions ---
    (
        (
            "behavior_larger_to_smaller_unit_multiply",
            "When converting from a larger unit to a smaller one, such as meters to centimeters, multiply by the conversion factor.",
        ),
        (
            "behavior_smaller_to_larger_unit_divide",
            "When converting from a smaller unit to a larger one, such as grams to kilograms, divide by the conversion factor.",
        ),
    ),
    (
        (
            "behavior_length_factor_squared_for_area_units",
            "When converting an area, square the length conversion factor.",
        ),
        (
            "behavior_length_factor_cubed_for_volume_units",
            "When converting a volume, cube the length conversion factor.",
        ),
    ),
    (
        (
            "behavior_kmh_to_ms_divide_by_3_6",
            "Convert a speed from kilometers per hour to meters per second by dividing by 3.6.",
        ),
        (
            "behavior_ms_to_kmh_multiply_by_3_6",
            "Convert a speed from meters per second to kilometers per hour by multiplying by 3.6.",
        ),
    ),
    (
        (
            "behavior_celsius_to_fahrenheit_formula",
            "Convert Celsius to Fahrenheit by multiplying by 9/5 and then adding 32.",
        ),
        (
            "behavior_temperature_difference_no_offset",
            "When converting a temperature change rather than a temperature reading, scale by 9/5 or 5/9 only and do not add or subtract 32.",
        ),
    ),
    (
        (
            "behavior_write_conversion_chain",
            "For conversions through several units, write a chain of conversion factors so intermediate units cancel in one line.",
        ),
        (
            "behavior_check_converted_magnitude",
            "After a conversion, check that the number grew when moving to a smaller unit and shrank when moving to a larger one.",
        ),
    ),
    (
        (
            "behavior_liters_to_cubic_centimeters",
            "Use 1 liter = 1000 cubic centimeters to move between capacity and volume units.",
        ),
        (
            "behavior_eliminate_by_adding_equations",
            "In a system of two linear equations, add or subtract the equations so that one variable cancels.",
        ),
    ),
    (
        (
            "behavior_minutes_to_hours_fraction",
            "Convert minutes to hours by dividing by 60 before using time in a rate formula.",
        ),
        (
            "behavior_highlight_each_number_in_question",
            "While reading a problem, mark each number it gives along with what the number describes.",
        ),
    ),
    (
        (
            "behavior_currency_exchange_rate_direction",
            "When converting money with an exchange rate, write the rate as a fraction so the starting currency cancels.",
        ),
        (
            "behavior_polygon_interior_angle_sum",
            "Find the sum of the interior angles of an n-sided polygon as (n - 2) times 180 degrees.",
        ),
    ),
    # --- algebra ---
    (
        (
            "behavior_expand_brackets_distribute",
            "Expand a product like 3(x + 4) by multiplying the outside factor by every term inside the brackets.",
        ),
        (
            "behavior_factor_out_common_term",
            "Factor an expression like 3x + 12 by pulling the greatest common factor of all terms outside brackets.",
        ),
    ),
    (
        (
            "behavior_quadratic_formula_when_not_factorable",
            "If a quadratic does not factor easily over the integers, use the quadratic formula to find its roots.",
        ),
        (
            "behavior_discriminant_count_real_roots",
            "Compute b^2 - 4ac to decide how many real roots a quadratic has before solving it.",
        ),
    ),
    (
        (
            "behavior_flip_inequality_when_dividing_negative",
            "Reverse the direction of an inequality whenever you multiply or divide both sides by a negative number.",
        ),
        (
            "behavior_keep_inequality_direction_when_adding",
            "Keep the direction of an inequality unchanged when adding or subtracting the same number on both sides.",
        ),
    ),
    (
        (
            "behavior_slope_from_two_points",
            "Find the slope of a line through two points as the change in y divided by the change in x.",
        ),
        (
            "behavior_intercept_from_slope_and_point",
            "Find the y-intercept of a line by substituting a known point and the slope into y = mx + b and solving for b.",
        ),
    ),
    (
        (
            "behavior_square_root_gives_plus_minus",
            "When taking the square root of both sides of x^2 = k, include both the positive and the negative root.",
        ),
        (
            "behavior_square_both_sides_to_remove_root",
            "To solve an equation with a square root, isolate the root and then square both sides.",
        ),
    ),
    (
        (
            "behavior_clear_denominators_by_lcm",
            "Multiply every term of an equation by the least common multiple of the denominators to remove fractions.",
        ),
        (
            "behavior_round_money_to_cents",
            "Round a money answer to two decimal places, the nearest cent.",
        ),
    ),
    (
        (
            "behavior_exponent_product_rule",
            "When multiplying powers of the same base, add the exponents.",
        ),
        (
            "behavior_convert_before_comparing_lengths",
            "Express both lengths in the same unit before deciding which one is longer.",
        ),
    ),
    (
        (
            "behavior_define_variables_in_system",
            "Before writing a system of equations, define one variable for each unknown quantity.",
        ),
        (
            "behavior_estimate_square_root_between_squares",
            "Estimate a square root by finding the two perfect squares it lies between.",
        ),
    ),
    # --- geometry ---
    (
        (
            "behavior_rectangle_area_length_times_width",
            "Find a rectangle's area by multiplying its length by its width.",
        ),
        (
            "behavior_rectangle_perimeter_twice_sum",
            "Find a rectangle's perimeter as two times the sum of its length and width.",
        ),
    ),
    (
        (
            "behavior_triangle_area_half_base_height",
            "Compute a triangle's area as one half times base times the perpendicular height.",
        ),
        (
            "behavior_parallelogram_area_base_height",
            "Compute a parallelogram's area as base times perpendicular height, without halving.",
        ),
    ),
    (
        (
            "behavior_find_hypotenuse_add_squares",
            "To find the hypotenuse of a right triangle, add the squares of the two legs and take the square root.",
        ),
        (
            "behavior_find_leg_subtract_squares",
            "To find a leg of a right triangle, subtract the square of the other leg from the square of the hypotenuse and take the square root.",
        ),
    ),
    (
        (
            "behavior_circumference_for_distance_around",
            "Use the circumference, 2 pi r, when a problem asks for the distance around a circle or a wheel's travel per turn.",
        ),
        (
            "behavior_area_for_region_inside_circle",
            "Use the area, pi r^2, when a problem asks how much surface a circle covers, such as paint or grass.",
        ),
    ),
    (
        (
            "behavior_check_triangle_inequality",
            "Check that proposed triangle side lengths are possible: each side must be shorter than the sum of the other two.",
        ),
        (
            "behavior_cylinder_volume_base_times_height",
            "Find the volume of a cylinder as the area of its circular base times its height.",
        ),
    ),
    (
        (
            "behavior_exterior_angle_equals_remote_interiors",
            "Use that an exterior angle of a triangle equals the sum of the two interior angles not adjacent to it.",
        ),
        (
            "behavior_convert_percent_to_fraction_first",
            "Rewrite percentages as fractions before multiplying when the fraction is simple, like 50% as 1/2.",
        ),
    ),
    (
        (
            "behavior_surface_area_sum_of_faces",
            "Find the surface area of a prism by computing the area of each face and adding them.",
        ),
        (
            "behavior_reread_last_sentence",
            "Reread the last sentence of a problem, since it usually states exactly what must be found.",
        ),
    ),
    (
        (
            "behavior_vertical_angles_equal",
            "Use that vertically opposite angles formed by two intersecting lines are equal.",
        ),
        (
            "behavior_divide_then_multiply_for_unit_rate",
            "Find a unit rate by dividing the total by the number of units, then multiply by the new number of units.",
        ),
    ),
    # --- checking answers ---
    (
        (
            "behavior_verify_by_substitution",
            "Check a solution by substituting it into the original equation and confirming both sides are equal.",
        ),
        (
            "behavior_verify_by_graphing_intersection",
            "Check a solution of a system by sketching both graphs and confirming they cross at the found point.",
        ),
    ),
    (
        (
            "behavior_check_sign_of_answer",
            "Check whether the answer should be positive or negative from the context, and recheck the work if the sign is wrong.",
        ),
        (
            "behavior_check_size_of_answer",
            "Check whether the answer is about the right size by comparing it with a rough estimate, and recheck if it is far off.",
        ),
    ),
    (
        (
            "behavior_check_subtraction_by_adding",
            "Check a subtraction by adding the difference to the number subtracted; the sum should equal the starting number.",
        ),
        (
            "behavior_check_division_by_multiplying",
            "Check a division by multiplying the quotient by the divisor and adding the remainder; the result should equal the dividend.",
        ),
    ),
    (
        (
            "behavior_recheck_copying_of_numbers",
            "Compare the numbers used in your working against the problem statement to catch values copied wrongly.",
        ),
        (
            "behavior_recheck_final_rounding",
            "Check that the final answer was rounded only at the end and to the requested precision, not in intermediate steps.",
        ),
    ),
    (
        (
            "behavior_test_special_case",
            "Check a general formula you derived by plugging in a simple special case, such as n = 1, whose answer you know.",
        ),
        (
            "behavior_check_count_is_whole_number",
            "When the answer counts objects such as people or cars, check that it is a whole number; a fractional count signals an error.",
        ),
    ),
    (
        (
            "behavior_check_answer_against_choices",
            "Confirm that the computed answer appears among the answer choices; if it does not, recheck the work.",
        ),
        (
            "behavior_perimeter_of_semicircle_includes_diameter",
            "The perimeter of a semicircle is half the circumference plus the diameter; do not forget the straight edge.",
        ),
    ),
    (
        (
            "behavior_check_dimensions_consistent",
            "Check that every term added in a formula has the same units, such as all in meters.",
        ),
        (
            "behavior_simplify_complex_fraction",
            "Simplify a fraction whose numerator or denominator holds fractions by multiplying top and bottom by the common denominator of the inner fractions.",
        ),
    ),
    (
        (
            "behavior_check_probability_in_range",
            "Check that a computed probability lies between 0 and 1.",
        ),
        ("behavior_convert_feet_to_inches", "Convert feet to inches by multiplying by 12."),
    ),
    # --- reading the question ---
    (
        (
            "behavior_note_at_least_means_inclusive",
            "Read 'at least' as greater than or equal to, and 'at most' as less than or equal to.",
        ),
        (
            "behavior_note_more_than_means_strict",
            "Read 'more than' and 'fewer than' as strict inequalities that exclude the boundary value.",
        ),
    ),
    (
        (
            "behavior_note_each_vs_total",
            "Notice whether a given amount is per item or for the whole group before using it.",
        ),
        (
            "behavior_note_remaining_vs_used",
            "Notice whether the question asks for the amount used or the amount left over.",
        ),
    ),
    (
        (
            "behavior_read_which_quantity_units",
            "Read which unit the answer must be given in and convert at the end if needed.",
        ),
        (
            "behavior_read_which_person_or_item",
            "Read which person or item the question asks about, since problems often ask about a different one from the one solved for first.",
        ),
    ),
    (
        (
            "behavior_restate_problem_in_own_words",
            "Before solving, restate the problem briefly in your own words to confirm you understand it.",
        ),
        (
            "behavior_reread_after_answer_for_fit",
            "After solving, reread the question to confirm the answer responds to what was asked.",
        ),
    ),
    (
        (
            "behavior_notice_consecutive_integer_type",
            "Notice whether a problem asks for consecutive integers, consecutive even integers or consecutive odd integers, and set the step to 1 or 2.",
        ),
        (
            "behavior_notice_inclusive_counting",
            "When counting whole numbers from a to b inclusive, notice that the count is b - a + 1, not b - a.",
        ),
    ),
    (
        (
            "behavior_note_exact_or_approximate",
            "Note whether the question wants an exact answer, like in terms of pi, or a decimal approximation.",
        ),
        (
            "behavior_solve_proportion_cross_multiply",
            "Solve a proportion a/b = c/x by cross-multiplying and dividing.",
        ),
    ),
    (
        (
            "behavior_identify_given_diagram_not_to_scale",
            "Notice when a figure is marked 'not drawn to scale' and rely only on stated measures.",
        ),
        (
            "behavior_subtract_percent_discount_amount",
            "To find a sale price, compute the discount as a percent of the price and subtract it from the price.",
        ),
    ),
    (
        (
            "behavior_read_all_answer_choices",
            "Read all the answer choices before choosing, since a close but wrong option may come first.",
        ),
        (
            "behavior_multiply_both_equations_to_match_coefficients",
            "Scale one or both equations of a system so a variable has matching coefficients before eliminating it.",
        ),
    ),
    # --- estimation ---
    (
        (
            "behavior_round_up_for_safe_overestimate",
            "When an estimate must not fall short, such as money to bring or material to buy, round every quantity up.",
        ),
        (
            "behavior_round_down_for_safe_underestimate",
            "When an estimate must not exceed a limit, such as a weight allowance, round every quantity down.",
        ),
    ),
    (
        (
            "behavior_estimate_total_cost_by_rounding_prices",
            "Estimate a shopping total by rounding each price to the nearest dollar and adding the rounded prices.",
        ),
        (
            "behavior_estimate_count_by_sampling",
            "Estimate a large count, like dots in a picture, by counting one small region and multiplying by the number of such regions.",
        ),
    ),
    (
        (
            "behavior_estimate_before_computing_exactly",
            "Make a quick estimate of the answer before doing the exact calculation.",
        ),
        (
            "behavior_use_estimate_when_exact_not_needed",
            "When the question asks about how many or roughly how much, give a rounded estimate instead of an exact computation.",
        ),
    ),
    (
        (
            "behavior_estimate_by_clustering_values",
            "When several numbers are close to one value, estimate their sum as that value times the count.",
        ),
        (
            "behavior_estimate_mean_by_balancing",
            "Estimate an average by picking a central guess and adjusting it by how much the values lie above and below it.",
        ),
    ),
    (
        (
            "behavior_estimate_percent_with_ten_percent",
            "Estimate a percentage of a number by first finding 10 percent and scaling from it.",
        ),
        (
            "behavior_estimate_fraction_by_nearest_half",
            "Estimate sums of fractions by rounding each fraction to 0, 1/2 or 1.",
        ),
    ),
    (
        (
            "behavior_scientific_notation_for_magnitude",
            "Write very large or small numbers in scientific notation to estimate the size of a product or quotient.",
        ),
        (
            "behavior_check_right_triangle_longest_side",
            "Check that the hypotenuse of a right triangle is the longest side.",
        ),
    ),
    (
        (
            "behavior_estimate_area_with_grid_squares",
            "Estimate the area of an irregular shape by counting the grid squares it covers, counting partly covered squares as halves.",
        ),
        (
            "behavior_isolate_variable_term_first",
            "Move the constant terms away from the variable term before dividing by the coefficient.",
        ),
    ),
    (
        (
            "behavior_round_to_nearest_ten_for_mental_math",
            "Round numbers to the nearest ten to make mental estimates easier.",
        ),
        (
            "behavior_underline_key_question_words",
            "Underline the key words in the question that state what is to be found.",
        ),
    ),
]
