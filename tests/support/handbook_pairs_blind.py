# ruff: noqa: E501  (labelled data)
"""A blind labelled set of behaviour pairs for testing handbook deduplication.

Why it exists: the merge rule is tuned on its own labelled pairs, so it needs a set it has
never seen to show whether it generalises rather than fits its training pairs.

Written 2026-12-05 by helper H4b, which was blind to the merge rule: it did not open the
dedup module, its tests, its labelled pairs or its benchmarks, and ran nothing from them.
Every pair was written by hand from the helper's own head in one sitting, before the rule
changed, and nothing was evaluated against it.

How it was written: ten topics (arithmetic, fractions, percentages, word problems, unit
conversions, algebra, geometry, checking answers, reading the question, estimation).

- BLIND_SAME: one behaviour said twice, as two different curators (two different models)
  reflecting on a solved maths trace might write it. Per topic, six pairs: two close
  rewordings, two that change most of the words, two that change the sentence structure
  (imperative vs "When ..., ..." vs "Always ...").
- BLIND_DIFFERENT: two behaviours that must stay apart. Forty pairs share a topic (four per
  topic: inverse operations, different quantities of one kind, a step and its check, two
  different steps on the same object), twenty pairs cross topics.

Every name is unique across the file, so no pair can merge on an equal name; instructions
are 6 to 30 words.
"""

from __future__ import annotations

Pair = tuple[tuple[str, str], tuple[str, str]]

BLIND_SAME: list[Pair] = [
    # --- arithmetic ---
    (
        (
            "behavior_carry_column_addition",
            "When adding multi-digit numbers, line up the place values and carry any column total above nine to the next column.",
        ),
        (
            "behavior_align_digits_and_carry",
            "Line up digits by place value when adding multi-digit numbers, and carry to the next column whenever a column sum exceeds nine.",
        ),
    ),
    (
        (
            "behavior_order_of_operations",
            "Evaluate expressions in the standard order: parentheses, exponents, multiplication and division left to right, then addition and subtraction left to right.",
        ),
        (
            "behavior_apply_pemdas",
            "Follow the order of operations: brackets first, then powers, then multiplication and division from left to right, then addition and subtraction from left to right.",
        ),
    ),
    (
        (
            "behavior_split_multiplication_by_place_value",
            "To multiply by a two-digit number, break it into tens and ones, multiply each part separately, and add the partial products.",
        ),
        (
            "behavior_distribute_multiplier_over_tens_and_units",
            "Decompose the larger factor into its tens and units, compute each smaller product, then sum those results for the total.",
        ),
    ),
    (
        (
            "behavior_borrow_in_subtraction",
            "When a top digit is smaller than the digit below it in column subtraction, borrow one from the next higher place.",
        ),
        (
            "behavior_regroup_before_subtracting_column",
            "If a column's upper digit cannot cover the lower one, take ten from the neighbouring left column before subtracting.",
        ),
    ),
    (
        (
            "behavior_negative_times_negative",
            "Always remember that multiplying two negative numbers gives a positive result.",
        ),
        (
            "behavior_sign_rule_for_products",
            "When both factors are negative, make the product positive.",
        ),
    ),
    (
        (
            "behavior_keep_running_total",
            "Keep a running total when adding a long list of numbers, writing the subtotal after each addition.",
        ),
        (
            "behavior_write_subtotals_when_summing_lists",
            "When summing many values, record the cumulative sum after every step instead of adding everything in one go.",
        ),
    ),
    # --- fractions ---
    (
        (
            "behavior_common_denominator_before_adding",
            "Before adding or subtracting fractions, rewrite them over a common denominator, then combine the numerators.",
        ),
        (
            "behavior_lcd_for_fraction_addition",
            "To add or subtract fractions, first convert them to a common denominator and then add or subtract the numerators.",
        ),
    ),
    (
        ("behavior_invert_and_multiply", "To divide by a fraction, multiply by its reciprocal."),
        (
            "behavior_divide_fractions_via_reciprocal",
            "Divide by a fraction by multiplying by the reciprocal of that fraction.",
        ),
    ),
    (
        (
            "behavior_simplify_final_fraction",
            "Reduce the final fraction to lowest terms by dividing numerator and denominator by their greatest common divisor.",
        ),
        (
            "behavior_cancel_gcd_in_answer",
            "Before reporting a fractional answer, cancel the largest shared factor from top and bottom so it cannot be reduced further.",
        ),
    ),
    (
        (
            "behavior_mixed_to_improper_first",
            "Convert mixed numbers to improper fractions before multiplying or dividing them.",
        ),
        (
            "behavior_rewrite_whole_and_part_as_single_fraction",
            "Turn any whole-number-plus-fraction quantity into one top-heavy fraction prior to multiplication or division.",
        ),
    ),
    (
        (
            "behavior_cross_multiply_to_compare",
            "Compare two fractions by cross-multiplying: the side with the larger product holds the larger fraction.",
        ),
        (
            "behavior_compare_fractions_by_cross_products",
            "When deciding which of two fractions is larger, compute both cross products and pick the fraction whose numerator gave the bigger one.",
        ),
    ),
    (
        (
            "behavior_fraction_of_quantity",
            "To find a fraction of an amount, divide the amount by the denominator and multiply by the numerator.",
        ),
        (
            "behavior_take_fraction_of_amount",
            "Always compute a fraction of a number as the number times the numerator, divided by the denominator.",
        ),
    ),
    # --- percentages ---
    (
        (
            "behavior_percent_to_decimal",
            "Convert a percentage to a decimal by dividing by 100 before multiplying it with a quantity.",
        ),
        (
            "behavior_divide_percent_by_hundred",
            "Turn a percentage into a decimal by dividing it by 100 before using it to multiply a quantity.",
        ),
    ),
    (
        (
            "behavior_percent_change_over_original",
            "Compute percentage change as the difference between new and original values divided by the original value, times 100.",
        ),
        (
            "behavior_percentage_change_formula",
            "Find percent change by dividing the change between the new and original values by the original value and multiplying by 100.",
        ),
    ),
    (
        (
            "behavior_successive_discounts_multiply",
            "Apply successive percentage discounts one after another to the reduced price, rather than adding the percentages together.",
        ),
        (
            "behavior_chain_markdowns_sequentially",
            "For stacked price cuts, take each cut off the already-lowered amount instead of summing the rates into one reduction.",
        ),
    ),
    (
        (
            "behavior_reverse_percentage_divide",
            "To find the original value before a percentage increase, divide the final value by one plus the rate.",
        ),
        (
            "behavior_undo_markup_by_division",
            "Recover a pre-increase amount by dividing the increased figure by the growth multiplier, not by subtracting the percentage of it.",
        ),
    ),
    (
        (
            "behavior_percent_of_whole_as_part_over_whole",
            "To express one quantity as a percentage of another, divide the part by the whole and multiply by 100.",
        ),
        (
            "behavior_what_percent_is_part",
            "When asked what percent one number is of another, calculate part divided by whole, then times 100.",
        ),
    ),
    (
        (
            "behavior_identify_percent_base",
            "Always check which quantity the percentage is taken of before calculating.",
        ),
        (
            "behavior_find_reference_value_for_percent",
            "Before computing with a percentage, determine the base amount it refers to.",
        ),
    ),
    # --- word problems ---
    (
        (
            "behavior_define_variables_from_text",
            "Assign a variable to each unknown quantity mentioned in the word problem before writing equations.",
        ),
        (
            "behavior_name_unknowns_first",
            "Before writing any equations for a word problem, give each unknown quantity its own variable.",
        ),
    ),
    (
        (
            "behavior_translate_sentences_to_equations",
            "Translate each sentence of the word problem into an equation relating the quantities it mentions.",
        ),
        (
            "behavior_sentence_by_sentence_equations",
            "Turn every sentence in the word problem into an equation linking the quantities it describes.",
        ),
    ),
    (
        (
            "behavior_track_quantities_in_table",
            "Organise the given quantities in a small table with one row per item so that relationships are easy to see.",
        ),
        (
            "behavior_tabulate_given_data",
            "Lay out the facts from the story in a grid, each entity on its own line, to make the connections visible.",
        ),
    ),
    (
        (
            "behavior_rate_times_time_distance",
            "For travel problems, use distance equals speed multiplied by time, keeping units consistent.",
        ),
        (
            "behavior_motion_formula_d_equals_rt",
            "In journey questions, relate how far was gone to how fast and for how long via d = r t, with matching units.",
        ),
    ),
    (
        (
            "behavior_work_backwards_from_end_state",
            "When the problem gives the final amount after a series of changes, undo each change in reverse order to find the starting amount.",
        ),
        (
            "behavior_reverse_the_steps",
            "Start from the final value and reverse each operation, last to first, to recover the initial quantity.",
        ),
    ),
    (
        (
            "behavior_combined_work_rates_add",
            "Always add the individual rates, not the times, when several workers do a job together.",
        ),
        (
            "behavior_sum_rates_for_joint_work",
            "When people work together on one task, add their per-hour rates and take the reciprocal for the total time.",
        ),
    ),
    # --- unit conversions ---
    (
        (
            "behavior_convert_units_before_computing",
            "Convert all quantities to the same units before doing any arithmetic with them.",
        ),
        (
            "behavior_unify_units_first",
            "Before computing, convert every quantity into the same unit.",
        ),
    ),
    (
        (
            "behavior_multiply_by_conversion_factor_fraction",
            "Convert units by multiplying by a conversion factor written as a fraction so the unwanted unit cancels.",
        ),
        (
            "behavior_unit_cancelling_factor",
            "Multiply by a conversion factor expressed as a fraction arranged so the old unit cancels out.",
        ),
    ),
    (
        (
            "behavior_square_the_factor_for_area_units",
            "When converting area units, square the linear conversion factor, for example 1 square metre is 10,000 square centimetres.",
        ),
        (
            "behavior_area_conversion_uses_squared_ratio",
            "For surface measures, the length ratio must be raised to the second power: a square foot holds 144 square inches.",
        ),
    ),
    (
        (
            "behavior_minutes_to_hours_divide_by_sixty",
            "To change minutes into hours, divide by 60; do not treat minutes as decimal parts of an hour.",
        ),
        (
            "behavior_time_is_base_sixty",
            "Express a minute count in hours by dividing by sixty, since 1 h 30 min is 1.5 h, not 1.3 h.",
        ),
    ),
    (
        (
            "behavior_check_units_in_final_answer",
            "Always state the answer in the units the question asks for, converting at the end if needed.",
        ),
        (
            "behavior_answer_in_requested_unit",
            "When the question names a unit for the answer, convert the result into that unit before reporting it.",
        ),
    ),
    (
        (
            "behavior_larger_to_smaller_multiply",
            "When converting from a larger unit to a smaller one, multiply; from smaller to larger, divide.",
        ),
        (
            "behavior_direction_of_unit_conversion",
            "Going to a smaller unit means the number gets bigger, so multiply by the factor; going to a bigger unit, divide.",
        ),
    ),
    # --- algebra ---
    (
        (
            "behavior_isolate_variable_inverse_ops",
            "Isolate the variable by applying inverse operations to both sides of the equation.",
        ),
        (
            "behavior_solve_by_undoing_operations",
            "Solve for the variable by applying the inverse operation to both sides until the variable is alone.",
        ),
    ),
    (
        (
            "behavior_combine_like_terms",
            "Combine like terms on each side of the equation before isolating the variable.",
        ),
        (
            "behavior_collect_like_terms_first",
            "Collect like terms on each side of an equation first, then isolate the variable.",
        ),
    ),
    (
        (
            "behavior_elimination_for_linear_systems",
            "For two linear equations, scale one so a variable's coefficients match, then subtract the equations to eliminate that variable.",
        ),
        (
            "behavior_cancel_variable_by_adding_scaled_equations",
            "Multiply an equation of the pair so one unknown has opposite coefficients, then add them so that unknown drops out.",
        ),
    ),
    (
        (
            "behavior_flip_inequality_on_negative",
            "When multiplying or dividing both sides of an inequality by a negative number, reverse the inequality sign.",
        ),
        (
            "behavior_reverse_comparison_for_negative_scaling",
            "Scaling an inequality by a value below zero swaps the direction of the comparison symbol.",
        ),
    ),
    (
        (
            "behavior_factor_quadratic_zero_product",
            "Solve a factorable quadratic by setting it equal to zero, factoring, and setting each factor to zero.",
        ),
        (
            "behavior_zero_product_for_quadratics",
            "When a quadratic equals zero and factors nicely, use the zero product property: each factor equal to zero gives a root.",
        ),
    ),
    (
        (
            "behavior_distribute_before_solving",
            "Expand brackets by distributing the multiplier to every term inside before solving.",
        ),
        (
            "behavior_expand_parentheses_fully",
            "Always multiply every term inside the parentheses by the factor outside, including the last one, before simplifying.",
        ),
    ),
    # --- geometry ---
    (
        (
            "behavior_triangle_angles_sum_180",
            "Use the fact that the interior angles of a triangle sum to 180 degrees to find a missing angle.",
        ),
        (
            "behavior_missing_angle_from_180",
            "Find a missing triangle angle using that the three interior angles add to 180 degrees.",
        ),
    ),
    (
        (
            "behavior_pythagoras_right_triangle",
            "In a right triangle, use a squared plus b squared equals c squared, with c the hypotenuse.",
        ),
        (
            "behavior_apply_pythagorean_theorem",
            "For right triangles, apply the Pythagorean theorem: the square of the hypotenuse equals the sum of the squares of the legs.",
        ),
    ),
    (
        (
            "behavior_draw_a_diagram",
            "Sketch a labelled diagram of the figure and mark every given length and angle on it.",
        ),
        (
            "behavior_picture_the_shape_with_labels",
            "Make a quick drawing of the shape and write the known measurements onto it.",
        ),
    ),
    (
        (
            "behavior_area_of_composite_shape",
            "Split a composite shape into rectangles and triangles, find each area, and add them.",
        ),
        (
            "behavior_decompose_irregular_figure",
            "Break an irregular figure into simple pieces whose areas are known, then total those areas.",
        ),
    ),
    (
        (
            "behavior_circle_area_uses_radius",
            "Always use the radius, not the diameter, in the circle area formula pi r squared; halve a given diameter first.",
        ),
        (
            "behavior_halve_diameter_for_area",
            "When a circle's diameter is given, divide it by two before applying A = pi r^2.",
        ),
    ),
    (
        (
            "behavior_perimeter_sum_all_sides",
            "Find perimeter by adding the lengths of all sides, including ones not labelled that must be deduced.",
        ),
        (
            "behavior_include_unlabelled_sides_in_perimeter",
            "When computing the distance around a shape, deduce any unmarked side lengths and add every side.",
        ),
    ),
    # --- checking answers ---
    (
        (
            "behavior_substitute_solution_back",
            "Substitute the solution back into the original equation to verify both sides are equal.",
        ),
        (
            "behavior_plug_answer_into_equation",
            "Plug the found value back into the original equation and confirm both sides match.",
        ),
    ),
    (
        (
            "behavior_sanity_check_magnitude",
            "Check whether the answer's size is reasonable given the quantities in the problem.",
        ),
        (
            "behavior_reasonableness_check",
            "Check that the size of the answer is reasonable for the quantities given in the problem.",
        ),
    ),
    (
        (
            "behavior_verify_with_inverse_operation",
            "Check a division result by multiplying the quotient by the divisor and confirming it gives the dividend.",
        ),
        (
            "behavior_multiply_back_to_confirm_quotient",
            "Confirm a quotient is right by taking it times the number you divided by and seeing the original number reappear.",
        ),
    ),
    (
        (
            "behavior_recheck_constraints",
            "After solving, confirm the answer satisfies every condition stated in the problem, not just the equation you used.",
        ),
        (
            "behavior_test_result_against_all_conditions",
            "Once a value is found, go through each requirement in the question and make sure the value meets all of them.",
        ),
    ),
    (
        (
            "behavior_recompute_by_another_method",
            "Verify the answer by solving the problem a second way and comparing the results.",
        ),
        (
            "behavior_cross_check_with_alternate_approach",
            "When possible, confirm the result with an independent method; if the two answers disagree, look for the error.",
        ),
    ),
    (
        (
            "behavior_check_sign_of_answer",
            "Always check that the answer's sign makes sense, for example lengths, counts and prices cannot be negative.",
        ),
        (
            "behavior_reject_negative_physical_quantities",
            "If a solution gives a negative length, count or price, treat it as an error or an extraneous root.",
        ),
    ),
    # --- reading the question ---
    (
        (
            "behavior_identify_what_is_asked",
            "Before solving, identify exactly what quantity the question asks for.",
        ),
        (
            "behavior_pin_down_the_target_quantity",
            "Before starting, determine exactly which quantity the question is asking for.",
        ),
    ),
    (
        (
            "behavior_underline_key_numbers",
            "Read the problem carefully and note every number along with what it refers to.",
        ),
        (
            "behavior_list_given_values",
            "Read the problem carefully and list every given number together with what it describes.",
        ),
    ),
    (
        (
            "behavior_ignore_irrelevant_information",
            "Discard details in the problem that do not affect the quantity being asked for.",
        ),
        (
            "behavior_filter_distractor_facts",
            "Set aside facts included in the story that play no part in computing the requested value.",
        ),
    ),
    (
        (
            "behavior_reread_before_answering",
            "Reread the question after solving to make sure the answer addresses what was actually asked.",
        ),
        (
            "behavior_return_to_prompt_at_end",
            "Once you have a result, look at the original wording again to confirm you answered the right question.",
        ),
    ),
    (
        (
            "behavior_watch_for_each_vs_total",
            "Note whether the question asks for a per-item amount or a total, and answer accordingly.",
        ),
        (
            "behavior_distinguish_per_unit_from_total",
            "When a problem involves several items, check if it wants the amount for each one or for all of them combined.",
        ),
    ),
    (
        (
            "behavior_read_at_least_at_most",
            "Always read phrases like at least and at most carefully, since they decide whether the boundary value is included.",
        ),
        (
            "behavior_boundary_inclusion_from_wording",
            "When a problem says at least or at most, treat the boundary value itself as allowed.",
        ),
    ),
    # --- estimation ---
    (
        (
            "behavior_round_to_estimate_first",
            "Round the numbers to convenient values to estimate the answer before calculating exactly.",
        ),
        (
            "behavior_rough_estimate_before_exact",
            "Estimate the answer by rounding the numbers to convenient values before doing the exact calculation.",
        ),
    ),
    (
        (
            "behavior_compare_exact_to_estimate",
            "Compare the exact result with the estimate, and recheck the work if they differ greatly.",
        ),
        (
            "behavior_estimate_as_error_detector",
            "Compare your exact answer with your estimate; if they are far apart, recheck the calculation.",
        ),
    ),
    (
        (
            "behavior_front_end_estimation",
            "Estimate a sum by adding only the leading digits of each number, then adjust with the remaining parts.",
        ),
        (
            "behavior_add_leading_places_then_adjust",
            "For a quick total, sum the highest place values first and correct afterwards using what was left off.",
        ),
    ),
    (
        (
            "behavior_powers_of_ten_for_magnitude",
            "Write large numbers as powers of ten to estimate the order of magnitude of a product or quotient.",
        ),
        (
            "behavior_scientific_notation_rough_size",
            "Express big values in scientific notation so the exponent reveals roughly how large a product or ratio will be.",
        ),
    ),
    (
        (
            "behavior_compatible_numbers_for_division",
            "Estimate a quotient by replacing the numbers with nearby compatible numbers that divide evenly.",
        ),
        (
            "behavior_pick_easy_divisible_neighbors",
            "When estimating a division, swap the dividend and divisor for close numbers that go into each other exactly.",
        ),
    ),
    (
        (
            "behavior_bound_answer_between_estimates",
            "Bracket the answer between a low and a high estimate by rounding down and up.",
        ),
        (
            "behavior_under_and_over_estimate",
            "Always round once down and once up to get a range the exact answer must fall within.",
        ),
    ),
]

BLIND_DIFFERENT: list[Pair] = [
    # ===== same topic (four per topic) =====
    # --- arithmetic ---
    (
        (
            "behavior_carry_when_adding",
            "Carry a one to the next column when a column's digits sum to ten or more.",
        ),
        (
            "behavior_borrow_when_subtracting",
            "Borrow ten from the next column when the top digit is smaller than the bottom digit in subtraction.",
        ),
    ),
    (
        (
            "behavior_multiply_by_ten_shift_digits",
            "To multiply a whole number by ten, append a zero, shifting each digit one place left.",
        ),
        (
            "behavior_divide_by_ten_shift_right",
            "To divide by ten, move the decimal point one place to the left.",
        ),
    ),
    (
        (
            "behavior_division_remainder_round_up",
            "When a division leaves a remainder and every item needs a container, round the quotient up.",
        ),
        (
            "behavior_division_remainder_discard",
            "When a division leaves a remainder and only complete groups count, drop the remainder and keep the whole quotient.",
        ),
    ),
    (
        (
            "behavior_subtract_negative_means_add",
            "Subtracting a negative number is the same as adding its absolute value.",
        ),
        (
            "behavior_adding_negative_means_subtract",
            "Adding a negative number is the same as subtracting its absolute value.",
        ),
    ),
    # --- fractions ---
    (
        (
            "behavior_multiply_fractions_straight_across",
            "Multiply fractions by multiplying the numerators together and the denominators together.",
        ),
        (
            "behavior_add_fractions_common_denominator_only",
            "Add fractions only after giving them a common denominator; never add the denominators together.",
        ),
    ),
    (
        (
            "behavior_fraction_to_decimal_divide",
            "Convert a fraction to a decimal by dividing the numerator by the denominator.",
        ),
        (
            "behavior_decimal_to_fraction_place_value",
            "Convert a terminating decimal to a fraction by writing its digits over the matching power of ten and simplifying.",
        ),
    ),
    (
        (
            "behavior_equivalent_fraction_scale_both",
            "To make an equivalent fraction with a larger denominator, multiply numerator and denominator by the same nonzero number.",
        ),
        (
            "behavior_reduce_fraction_divide_both",
            "Reduce a fraction by dividing numerator and denominator by a common factor.",
        ),
    ),
    (
        (
            "behavior_fraction_of_remainder_not_whole",
            "When a second fraction is taken of what is left, apply it to the remainder, not the original total.",
        ),
        (
            "behavior_fraction_parts_sum_to_one",
            "If the fractions of a whole are given for all but one part, subtract their sum from one to get the last part.",
        ),
    ),
    # --- percentages ---
    (
        (
            "behavior_percent_increase_multiply_one_plus_rate",
            "Increase a value by a percentage by multiplying it by one plus the rate as a decimal.",
        ),
        (
            "behavior_percent_decrease_multiply_one_minus_rate",
            "Decrease a value by a percentage by multiplying it by one minus the rate as a decimal.",
        ),
    ),
    (
        (
            "behavior_percentage_points_vs_percent",
            "Distinguish a change in percentage points from a percent change; a rise from 10% to 12% is 2 points but 20 percent.",
        ),
        (
            "behavior_percent_of_percent_multiply",
            "To take a percentage of a percentage, multiply the two rates as decimals.",
        ),
    ),
    (
        (
            "behavior_simple_interest_formula",
            "Compute simple interest as principal times rate times time, with the rate per period as a decimal.",
        ),
        (
            "behavior_compound_interest_formula",
            "Compute compound interest by multiplying the principal by one plus the periodic rate raised to the number of periods.",
        ),
    ),
    (
        (
            "behavior_markup_percent_over_cost",
            "Express markup as a percentage of the cost price: profit divided by cost, times 100.",
        ),
        (
            "behavior_margin_percent_over_selling_price",
            "Express profit margin as a percentage of the selling price: profit divided by selling price, times 100.",
        ),
    ),
    # --- word problems ---
    (
        (
            "behavior_relative_speed_opposite_directions",
            "When two objects move toward each other, add their speeds to get the rate at which the gap closes.",
        ),
        (
            "behavior_relative_speed_same_direction",
            "When one object chases another in the same direction, subtract their speeds to get the closing rate.",
        ),
    ),
    (
        (
            "behavior_age_problems_same_difference",
            "In age problems, remember the difference between two people's ages stays constant over time.",
        ),
        (
            "behavior_age_problems_both_age_equally",
            "In age problems, add the same number of years to every person's age when moving forward in time.",
        ),
    ),
    (
        (
            "behavior_mixture_track_pure_amount",
            "In mixture problems, track the amount of pure substance in each component and add those amounts.",
        ),
        (
            "behavior_mixture_total_volume_adds",
            "In mixture problems, find the total volume by adding the volumes of the solutions combined.",
        ),
    ),
    (
        (
            "behavior_consecutive_integers_as_n_plus_k",
            "Represent consecutive integers as n, n plus 1, n plus 2.",
        ),
        (
            "behavior_consecutive_even_integers_step_two",
            "Represent consecutive even or odd integers as n, n plus 2, n plus 4.",
        ),
    ),
    # --- unit conversions ---
    (
        (
            "behavior_cubic_units_cube_factor",
            "When converting volume units, cube the linear conversion factor.",
        ),
        (
            "behavior_liters_to_cubic_centimeters",
            "Use that one litre equals 1000 cubic centimetres when switching between capacity and volume units.",
        ),
    ),
    (
        (
            "behavior_convert_speed_kmh_to_ms",
            "Convert km/h to m/s by multiplying by 1000 and dividing by 3600, that is dividing by 3.6.",
        ),
        ("behavior_convert_speed_ms_to_kmh", "Convert m/s to km/h by multiplying by 3.6."),
    ),
    (
        (
            "behavior_celsius_to_fahrenheit_offset",
            "Convert Celsius to Fahrenheit by multiplying by 9/5 and then adding 32, not just scaling.",
        ),
        (
            "behavior_fahrenheit_to_celsius_subtract_first",
            "Convert Fahrenheit to Celsius by subtracting 32 first, then multiplying by 5/9.",
        ),
    ),
    (
        (
            "behavior_mixed_units_to_single_unit",
            "Convert a mixed measurement such as 3 ft 4 in entirely into the smaller unit before calculating.",
        ),
        (
            "behavior_express_result_in_mixed_units",
            "Express a result in the smaller unit as a mixed measurement by dividing and keeping the remainder, like 40 in as 3 ft 4 in.",
        ),
    ),
    # --- algebra ---
    (
        (
            "behavior_isolate_by_subtracting_constant",
            "Move a constant term to the other side of the equation by subtracting it from both sides.",
        ),
        (
            "behavior_isolate_by_dividing_coefficient",
            "Remove a variable's coefficient by dividing both sides by that coefficient.",
        ),
    ),
    (
        (
            "behavior_substitution_for_systems",
            "Solve a system by solving one equation for a variable and substituting that expression into the other.",
        ),
        (
            "behavior_graph_intersection_for_systems",
            "Solve a two-equation system by graphing both lines and reading off their intersection point.",
        ),
    ),
    (
        (
            "behavior_quadratic_formula_when_not_factorable",
            "If a quadratic does not factor easily, use the quadratic formula with a, b and c read from standard form.",
        ),
        (
            "behavior_discriminant_counts_roots",
            "Use the discriminant b squared minus 4ac to tell how many real roots a quadratic has before solving.",
        ),
    ),
    (
        (
            "behavior_factor_out_gcf",
            "Factor out the greatest common factor from all terms before further factoring.",
        ),
        (
            "behavior_expand_product_foil",
            "Expand a product of two binomials by multiplying each term of the first by each term of the second.",
        ),
    ),
    # --- geometry ---
    (
        (
            "behavior_circle_area_pi_r_squared",
            "Find a circle's area with pi times the radius squared.",
        ),
        (
            "behavior_circle_circumference_two_pi_r",
            "Find a circle's circumference with two times pi times the radius.",
        ),
    ),
    (
        (
            "behavior_rectangle_area_length_width",
            "Find a rectangle's area by multiplying its length by its width.",
        ),
        (
            "behavior_rectangle_perimeter_double_sum",
            "Find a rectangle's perimeter by doubling the sum of its length and width.",
        ),
    ),
    (
        (
            "behavior_similar_triangles_proportional_sides",
            "In similar triangles, set up proportions between corresponding sides to find an unknown length.",
        ),
        (
            "behavior_similar_figures_area_scale_squared",
            "When figures are similar, their areas scale by the square of the side length ratio.",
        ),
    ),
    (
        (
            "behavior_triangle_area_half_base_height",
            "Compute a triangle's area as one half of base times perpendicular height.",
        ),
        (
            "behavior_triangle_inequality_check",
            "Check that each side of a triangle is shorter than the sum of the other two before accepting the lengths.",
        ),
    ),
    # --- checking answers ---
    (
        (
            "behavior_check_units_consistency",
            "Check that the units on both sides of every equation in the working match.",
        ),
        (
            "behavior_check_arithmetic_by_recomputing",
            "Redo each arithmetic step once to catch slips in addition or multiplication.",
        ),
    ),
    (
        (
            "behavior_check_extraneous_roots",
            "After squaring both sides or clearing denominators, test each root in the original equation and discard extraneous ones.",
        ),
        (
            "behavior_check_answer_is_integer_when_counting",
            "When the answer counts people or objects, check that it is a whole number; a fraction signals an error.",
        ),
    ),
    (
        (
            "behavior_compute_mean_sum_over_count",
            "Compute the mean by adding all values and dividing by how many there are.",
        ),
        (
            "behavior_check_mean_lies_within_range",
            "Check that a computed mean lies between the smallest and largest values.",
        ),
    ),
    (
        (
            "behavior_check_by_special_case",
            "Test a derived general formula on a simple special case whose answer is known.",
        ),
        (
            "behavior_check_percent_parts_total_100",
            "Check that percentages describing parts of one whole add up to 100 percent.",
        ),
    ),
    # --- reading the question ---
    (
        (
            "behavior_note_required_rounding",
            "Note how the question asks the answer to be rounded, such as to the nearest whole number or tenth.",
        ),
        (
            "behavior_note_required_answer_unit",
            "Note which unit the question wants the answer in, such as minutes rather than hours.",
        ),
    ),
    (
        (
            "behavior_spot_hidden_given_values",
            "Look for quantities implied by words, such as a dozen meaning 12 or a week meaning 7 days.",
        ),
        (
            "behavior_distinguish_more_than_from_times_as_many",
            "Distinguish 'more than', which means add, from 'times as many', which means multiply.",
        ),
    ),
    (
        (
            "behavior_read_not_in_question",
            "Watch for the word not in the question, which asks for the complement of the usual answer.",
        ),
        (
            "behavior_check_who_the_question_is_about",
            "Determine which person or object the question asks about when the story mentions several.",
        ),
    ),
    (
        (
            "behavior_read_units_of_given_rates",
            "Read the units attached to each given rate, such as per hour or per minute, before using them.",
        ),
        (
            "behavior_read_time_span_inclusive",
            "Decide whether a date or number range in the question includes both endpoints before counting.",
        ),
    ),
    # --- estimation ---
    (
        (
            "behavior_round_up_for_safe_overestimate",
            "Round quantities up when estimating how much to buy, so the estimate is never too small.",
        ),
        (
            "behavior_round_to_nearest_for_balanced_estimate",
            "Round each number to the nearest ten or hundred so rounding errors tend to cancel.",
        ),
    ),
    (
        (
            "behavior_estimate_product_by_rounding_factors",
            "Estimate a product by rounding each factor to one significant figure and multiplying.",
        ),
        (
            "behavior_estimate_sum_by_clustering",
            "Estimate a sum of values that are all near one number by multiplying that number by the count.",
        ),
    ),
    (
        (
            "behavior_estimate_square_root_between_squares",
            "Estimate a square root by finding the two perfect squares the number lies between.",
        ),
        (
            "behavior_estimate_percent_with_ten_percent",
            "Estimate a percentage of a number by first finding ten percent and scaling from there.",
        ),
    ),
    (
        (
            "behavior_benchmark_fractions_half",
            "Estimate fraction sums by comparing each fraction with the benchmarks 0, one half, and 1.",
        ),
        (
            "behavior_estimate_decimal_products_ignore_decimals",
            "Estimate a decimal product by multiplying the whole-number parts and then placing the decimal point by size.",
        ),
    ),
    # ===== different topics =====
    (
        (
            "behavior_long_division_bring_down",
            "In long division, after each subtraction bring down the next digit and divide again.",
        ),
        (
            "behavior_add_fraction_to_whole_number",
            "Add a whole number to a fraction by writing the whole number over the fraction's denominator first.",
        ),
    ),
    (
        (
            "behavior_percent_means_per_hundred",
            "Read a percentage as a number of parts per hundred to build the ratio.",
        ),
        (
            "behavior_centimeters_per_meter",
            "Use 100 centimetres per metre when converting between metres and centimetres.",
        ),
    ),
    (
        (
            "behavior_unit_rate_then_scale",
            "Find the cost of one item first, then multiply by the number of items wanted.",
        ),
        (
            "behavior_scale_drawing_ratio",
            "Convert map or drawing lengths to real lengths using the scale ratio.",
        ),
    ),
    (
        (
            "behavior_solve_proportion_cross_multiply",
            "Solve a proportion by cross-multiplying and dividing by the remaining coefficient.",
        ),
        (
            "behavior_check_final_answer_format",
            "Check the final answer is written in the format the task requires before submitting it.",
        ),
    ),
    (
        (
            "behavior_pi_approx_three_for_estimate",
            "Use 3 as a rough value of pi when estimating circle measurements quickly.",
        ),
        (
            "behavior_angles_on_straight_line_180",
            "Angles on a straight line add to 180 degrees, so a missing one is 180 minus the others.",
        ),
    ),
    (
        (
            "behavior_highlight_question_sentence",
            "Locate the final sentence with the question mark and restate it in your own words.",
        ),
        (
            "behavior_multiply_by_five_as_half_of_ten",
            "Multiply by 5 mentally by multiplying by 10 and halving.",
        ),
    ),
    (
        (
            "behavior_round_money_to_dollars",
            "Round money amounts to the nearest dollar for a quick total.",
        ),
        (
            "behavior_tip_as_percent_of_bill",
            "Compute a tip by multiplying the pre-tax bill by the tip rate as a decimal.",
        ),
    ),
    (
        (
            "behavior_dimensional_analysis_chain",
            "Chain several conversion factors in one line so intermediate units cancel step by step.",
        ),
        (
            "behavior_clear_fractions_multiply_lcd",
            "Clear fractions from an equation by multiplying every term on both sides by the least common denominator.",
        ),
    ),
    (
        (
            "behavior_ratio_to_fraction_of_total",
            "Turn a ratio a to b into fractions of the total by dividing each part by a plus b.",
        ),
        (
            "behavior_polygon_interior_angle_sum",
            "The interior angles of an n-sided polygon add up to (n minus 2) times 180 degrees.",
        ),
    ),
    (
        (
            "behavior_check_both_parts_answered",
            "Check that every part of a multi-part question has an answer before finishing.",
        ),
        (
            "behavior_draw_timeline_for_events",
            "Draw a timeline for problems with events at different times to see the order and gaps.",
        ),
    ),
    (
        (
            "behavior_divisibility_by_three_digit_sum",
            "A number is divisible by 3 exactly when the sum of its digits is divisible by 3.",
        ),
        (
            "behavior_estimate_time_by_rounding_rate",
            "Estimate travel time by rounding the speed and distance to easy numbers before dividing.",
        ),
    ),
    (
        (
            "behavior_percent_off_vs_percent_of",
            "Read whether the question says percent off or percent of, since percent off is subtracted from the price.",
        ),
        (
            "behavior_break_even_revenue_equals_cost",
            "Find the break-even point by setting total revenue equal to total cost and solving.",
        ),
    ),
    (
        (
            "behavior_volume_of_box",
            "Find the volume of a rectangular box by multiplying length, width and height.",
        ),
        ("behavior_grams_to_kilograms", "Divide grams by 1000 to get kilograms."),
    ),
    (
        (
            "behavior_slope_rise_over_run",
            "Find the slope of a line from two points as change in y divided by change in x.",
        ),
        (
            "behavior_compare_fractions_common_numerator",
            "Compare fractions with the same numerator: the one with the smaller denominator is larger.",
        ),
    ),
    (
        (
            "behavior_average_speed_total_over_total",
            "Compute average speed as total distance divided by total time, not the mean of the speeds.",
        ),
        (
            "behavior_percent_error_over_true_value",
            "Compute percent error as the absolute difference from the true value divided by the true value, times 100.",
        ),
    ),
    (
        (
            "behavior_figure_not_to_scale",
            "Do not measure or assume lengths from a figure marked not to scale; use only stated values.",
        ),
        (
            "behavior_isosceles_base_angles_equal",
            "In an isosceles triangle, the two angles opposite the equal sides are equal.",
        ),
    ),
    (
        (
            "behavior_check_total_equals_parts",
            "Check that the computed parts add back to the given total.",
        ),
        ("behavior_miles_to_kilometres_factor", "Multiply miles by about 1.609 to get kilometres."),
    ),
    (
        (
            "behavior_guess_and_check_refine",
            "Guess a value, test it in the conditions, and adjust the guess up or down based on the result.",
        ),
        (
            "behavior_write_equation_in_slope_intercept",
            "Rewrite a linear equation as y = mx + b to read off the slope and intercept.",
        ),
    ),
    (
        (
            "behavior_fraction_as_division",
            "Interpret a fraction a over b as a divided by b, such as sharing a pizzas among b people.",
        ),
        (
            "behavior_profit_equals_revenue_minus_cost",
            "Find profit by subtracting total cost from total revenue.",
        ),
    ),
    (
        (
            "behavior_multiply_decimals_count_places",
            "When multiplying decimals, multiply as whole numbers, then place the decimal point using the total count of decimal places.",
        ),
        (
            "behavior_check_last_digit",
            "Check a product's last digit against the product of the factors' last digits.",
        ),
    ),
]
