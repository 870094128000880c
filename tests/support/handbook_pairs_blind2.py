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
