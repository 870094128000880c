# ruff: noqa: E501  (labelled data)
"""Labelled behaviour pairs, training set A, for handbook near-duplicate merging.

Written by hand on 2026-12-06 by a helper session that stayed blind to the handbook code, its tests,
its benchmarks and every other pair file. No program, template or loop produced the pairs.
Topics: arithmetic (order of operations, carrying and borrowing, negative numbers, rounding),
fractions and decimals, percentages, ratios and proportion, unit conversions (length, mass, volume,
time, speed, temperature, currency), and money.
TRAIN_A_SAME holds 100 pairs that state one behaviour twice in other words (names differ);
TRAIN_A_DIFFERENT holds 100 pairs that must stay apart, about two thirds of them on a shared topic
(inverse operations, two directions of a conversion, a step and its check, same words with another
meaning) and about one third across topics.
"""

from __future__ import annotations

Pair = tuple[tuple[str, str], tuple[str, str]]

TRAIN_A_SAME: list[Pair] = [
    # --- arithmetic: order of operations, carrying and borrowing, negative numbers, rounding ---
    (
        (
            "behavior_multiply_before_adding",
            "Evaluate multiplication and division before addition and subtraction unless parentheses say otherwise.",
        ),
        (
            "behavior_products_ahead_of_sums",
            "Do multiplications and divisions before additions and subtractions, except where brackets group terms differently.",
        ),
    ),
    (
        (
            "behavior_left_to_right_same_rank",
            "When an expression mixes only division and multiplication, work strictly from left to right.",
        ),
        (
            "behavior_sequential_mult_div",
            "Process a chain of multiplications and divisions in the order they appear, leftmost first, rather than grouping them.",
        ),
    ),
    (
        (
            "behavior_innermost_brackets_first",
            "Simplify the innermost parentheses first and work outward.",
        ),
        (
            "behavior_nested_grouping_outward",
            "When brackets are nested, always resolve the deepest pair before any enclosing pair, since the outer result depends on the inner value.",
        ),
    ),
    (
        (
            "behavior_powers_before_products",
            "Apply exponents before multiplying, so 3 x 2^2 is 12, not 36.",
        ),
        (
            "behavior_evaluate_exponent_early",
            "Compute any power before the multiplication or division next to it.",
        ),
    ),
    (
        (
            "behavior_carry_tens_column",
            "When a column sum reaches ten or more, write the units digit and carry the tens into the next column to the left.",
        ),
        (
            "behavior_regroup_overflow_digit",
            "If adding a column gives 10 or more, keep its last digit there and add the rest to the next higher place.",
        ),
    ),
    (
        (
            "behavior_borrow_from_next_place",
            "When a top digit is smaller than the digit below it, borrow one from the next place to the left and add ten.",
        ),
        (
            "behavior_regroup_for_subtraction",
            "Before subtracting a column whose upper digit is too small, take one from the neighbouring higher place, making the upper digit ten larger.",
        ),
    ),
    (
        (
            "behavior_borrow_through_zeros",
            "When borrowing meets a zero, keep moving left to the first nonzero digit, then turn each passed zero into nine.",
        ),
        (
            "behavior_chain_borrow_zero_digits",
            "If the place you need to borrow from holds 0, borrow from the next nonzero place further left and leave 9s in the zero places between.",
        ),
    ),
    (
        (
            "behavior_minus_negative_is_plus",
            "Rewrite subtracting a negative number as adding its positive.",
        ),
        (
            "behavior_double_negative_to_add",
            "Always turn a - (-b) into a + b before computing, because removing a debt increases the total.",
        ),
    ),
    (
        (
            "behavior_sign_rule_products",
            "Count the negative factors in a product: an even count gives a positive result, an odd count a negative one.",
        ),
        (
            "behavior_parity_of_minus_signs",
            "When multiplying several signed numbers, decide the sign by whether the number of negatives is odd (negative) or even (positive).",
        ),
    ),
    (
        (
            "behavior_unlike_signs_subtract_sizes",
            "To add a positive and a negative number, subtract the smaller absolute value from the larger and keep the sign of the larger.",
        ),
        (
            "behavior_mixed_sign_sum",
            "When adding numbers of opposite sign, take the difference of their magnitudes and give it the sign of the number with greater magnitude.",
        ),
    ),
    (
        (
            "behavior_negative_base_needs_parentheses",
            "Read -3^2 as -(3^2) = -9; only (-3)^2 equals 9.",
        ),
        (
            "behavior_exponent_binds_before_minus",
            "Apply the exponent before the leading minus sign unless the negative number is inside parentheses.",
        ),
    ),
    (
        (
            "behavior_check_digit_right_of_place",
            "To round, look only at the digit immediately right of the rounding place: 5 or more rounds up, otherwise round down.",
        ),
        (
            "behavior_round_by_following_digit",
            "Decide the rounding direction from the next digit alone; round up when it is at least five.",
        ),
    ),
    (
        (
            "behavior_round_at_final_step",
            "Keep full precision through intermediate steps and round only the final answer.",
        ),
        (
            "behavior_defer_rounding",
            "Do not round partial results; carry all digits until the last calculation, then round once, since early rounding compounds error.",
        ),
    ),
    (
        (
            "behavior_match_requested_precision",
            "Round the final answer to exactly the number of decimal places or significant figures the question asks for.",
        ),
        (
            "behavior_honour_stated_rounding",
            "If the problem specifies a precision, such as nearest tenth, present the result at that precision and no other.",
        ),
    ),
    (
        (
            "behavior_estimate_to_sanity_check",
            "After a long calculation, round the inputs to easy numbers and estimate the result to catch place-value mistakes.",
        ),
        (
            "behavior_ballpark_verification",
            "Check a computed answer against a quick rough estimate from rounded operands; a result an order of magnitude off signals an error.",
        ),
    ),
    (
        (
            "behavior_line_up_place_values",
            "Write numbers in columns with units under units and tens under tens before adding or subtracting.",
        ),
        (
            "behavior_right_align_digits",
            "Right-align whole numbers so matching place values share a column before column addition or subtraction.",
        ),
    ),
    (
        (
            "behavior_distribute_minus_over_brackets",
            "When a minus sign precedes parentheses, change the sign of every term inside when removing them.",
        ),
        (
            "behavior_flip_all_signs_inside",
            "Removing brackets preceded by a subtraction sign, negate each enclosed term, not just the first.",
        ),
    ),
    # --- fractions and decimals ---
    (
        (
            "behavior_common_denominator_first",
            "Before adding or subtracting fractions, rewrite them over a common denominator.",
        ),
        (
            "behavior_equalize_bottoms_to_add",
            "Fractions can only be added or subtracted once their denominators match, so convert them to a shared denominator first.",
        ),
    ),
    (
        (
            "behavior_reduce_to_lowest_terms",
            "Divide numerator and denominator by their greatest common divisor so the answer is in lowest terms.",
        ),
        (
            "behavior_cancel_gcd_in_result",
            "Always simplify the final fraction fully by cancelling the largest common factor of top and bottom.",
        ),
    ),
    (
        ("behavior_invert_and_multiply", "To divide by a fraction, multiply by its reciprocal."),
        (
            "behavior_flip_divisor_fraction",
            "When the divisor is a fraction, swap its numerator and denominator and then multiply instead of dividing, e.g. 3 / (1/4) = 3 x 4 = 12.",
        ),
    ),
    (
        (
            "behavior_mixed_to_improper_before_multiplying",
            "Convert mixed numbers to improper fractions before multiplying or dividing them.",
        ),
        (
            "behavior_rewrite_whole_plus_fraction",
            "Before a product or quotient involving a number like 2 1/3, turn it into a single fraction such as 7/3.",
        ),
    ),
    (
        (
            "behavior_multiply_across",
            "Multiply fractions by multiplying numerators together and denominators together.",
        ),
        (
            "behavior_numerator_times_numerator",
            "For a product of fractions, the new top is the product of the tops and the new bottom is the product of the bottoms; no common denominator is needed.",
        ),
    ),
    (
        (
            "behavior_divide_top_by_bottom",
            "Convert a fraction to a decimal by dividing the numerator by the denominator.",
        ),
        (
            "behavior_fraction_as_quotient",
            "When a decimal form is needed, carry out numerator divided by denominator, for example 3/8 = 3 / 8 = 0.375.",
        ),
    ),
    (
        (
            "behavior_decimal_over_power_of_ten",
            "Write a terminating decimal as its digits over the matching power of ten, then simplify.",
        ),
        (
            "behavior_place_value_denominator",
            "To turn 0.45 into a fraction, put 45 over 100 because the last digit is in the hundredths place, then reduce.",
        ),
    ),
    (
        (
            "behavior_align_decimal_points",
            "Line up the decimal points before adding or subtracting decimals.",
        ),
        (
            "behavior_stack_by_point",
            "When adding decimals in columns, place the decimal points directly under one another, padding with zeros if needed.",
        ),
    ),
    (
        (
            "behavior_count_decimal_places_product",
            "When multiplying decimals, multiply as whole numbers, then give the product as many decimal places as the factors have in total.",
        ),
        (
            "behavior_total_places_for_product",
            "Ignore the points, multiply, then place the point so the result has the combined number of decimal digits of both factors.",
        ),
    ),
    (
        (
            "behavior_make_divisor_whole",
            "Before dividing by a decimal, move the decimal point in both divisor and dividend the same number of places so the divisor is a whole number.",
        ),
        (
            "behavior_scale_both_by_ten",
            "Multiply dividend and divisor by the same power of ten to clear the divisor's decimals, then divide.",
        ),
    ),
    (
        (
            "behavior_cross_multiply_to_compare",
            "To compare two fractions, compare the cross products a x d and b x c.",
        ),
        (
            "behavior_compare_via_cross_products",
            "When deciding which of a/b and c/d is larger, multiply each numerator by the other denominator and compare those products.",
        ),
    ),
    (
        (
            "behavior_spot_repeating_remainder",
            "During long division, stop when a remainder repeats; the digits since its first appearance form the repeating block.",
        ),
        (
            "behavior_recurring_cycle_detection",
            "A repeated remainder in long division means the decimal recurs from that point, so mark that digit group as repeating.",
        ),
    ),
    (
        (
            "behavior_pad_decimals_to_compare",
            "Compare decimals by writing them with the same number of decimal places, so 0.5 and 0.45 become 0.50 and 0.45.",
        ),
        (
            "behavior_equal_length_decimal_compare",
            "Before ordering decimals, append trailing zeros so all have equal digits after the point, then compare digit by digit.",
        ),
    ),
    (
        (
            "behavior_lcm_as_denominator",
            "Use the least common multiple of the denominators as the common denominator to keep numbers small.",
        ),
        (
            "behavior_smallest_shared_denominator",
            "Pick the lowest denominator that every denominator divides into, rather than simply multiplying them together.",
        ),
    ),
    (
        (
            "behavior_fraction_of_amount",
            "To find a fraction of a quantity, divide the quantity by the denominator and multiply by the numerator.",
        ),
        (
            "behavior_take_part_of_whole",
            "For 3/5 of 40, split 40 into 5 equal parts and take 3 of them: 40 / 5 x 3 = 24.",
        ),
    ),
    (
        (
            "behavior_whole_over_one",
            "Write a whole number as a fraction with denominator 1 before multiplying it by a fraction.",
        ),
        (
            "behavior_integer_as_unit_denominator",
            "When a whole number meets a fraction in a product, express the integer as n/1 so numerators and denominators multiply cleanly.",
        ),
    ),
    (
        (
            "behavior_cross_cancel_early",
            "Cancel common factors between any numerator and any denominator before multiplying fractions.",
        ),
        (
            "behavior_simplify_diagonally_first",
            "Before multiplying fractions, divide out factors shared by a top and a bottom, even across different fractions, to keep numbers small.",
        ),
    ),
    # --- percentages ---
    (
        (
            "behavior_percent_to_decimal",
            "Convert a percentage to a decimal by dividing by 100 before using it in a calculation.",
        ),
        (
            "behavior_shift_point_two_left",
            "Always move the decimal point two places left when turning a percent into a multiplier, so 7% becomes 0.07.",
        ),
    ),
    (
        (
            "behavior_change_over_original",
            "Compute percentage change as (new - old) / old x 100, using the original value as the base.",
        ),
        (
            "behavior_base_is_starting_value",
            "When finding percent increase or decrease, divide the difference by the starting amount, not the final one.",
        ),
    ),
    (
        (
            "behavior_growth_multiplier",
            "To increase a value by p percent, multiply it by (1 + p/100).",
        ),
        (
            "behavior_one_plus_rate",
            "Apply a percentage rise in one step: multiply the amount by 1 plus the rate as a decimal, e.g. a 15% rise means x 1.15.",
        ),
    ),
    (
        (
            "behavior_discount_multiplier",
            "To reduce a quantity by p percent, multiply it by 1 - p/100.",
        ),
        (
            "behavior_remaining_share_factor",
            "For a p% decrease, multiply by the share that remains, so a 30% cut means multiplying by 0.70.",
        ),
    ),
    (
        (
            "behavior_chain_percent_factors",
            "For successive percentage changes, multiply the individual factors rather than adding the percentages.",
        ),
        (
            "behavior_compound_sequential_changes",
            "When one percent change follows another, combine them as a product of multipliers; a 10% rise then a 10% fall gives 0.99, not 1.",
        ),
    ),
    (
        (
            "behavior_undo_percent_by_dividing",
            "To recover an original amount after a percentage change, divide the final amount by the change multiplier.",
        ),
        (
            "behavior_original_from_final_value",
            "When given a value after a p% increase, find the pre-increase value as final / (1 + p/100), not by subtracting p% of the final.",
        ),
    ),
    (
        ("behavior_percent_of_means_times", "Treat p percent of x as p/100 times x."),
        (
            "behavior_of_translates_to_multiply",
            "When a question asks for a percentage of a quantity, multiply the quantity by the percentage written as a fraction of 100.",
        ),
    ),
    (
        (
            "behavior_part_over_whole_percent",
            "To find what percent a is of b, divide a by b and multiply by 100.",
        ),
        (
            "behavior_ratio_times_hundred",
            "Express one number as a percentage of another by forming part / whole and scaling by 100.",
        ),
    ),
    (
        (
            "behavior_points_vs_percent_change",
            "Distinguish a change in percentage points (difference of two rates) from a percent change (difference relative to the old rate).",
        ),
        (
            "behavior_separate_pp_from_relative",
            "When a rate moves from 20% to 25%, report 5 percentage points but a 25% relative increase; never conflate the two.",
        ),
    ),
    (
        (
            "behavior_swap_percent_operands",
            "Use the fact that a% of b equals b% of a when one version is easier, e.g. 8% of 50 = 50% of 8 = 4.",
        ),
        (
            "behavior_commute_percent_and_amount",
            "If p% of n is awkward, compute n% of p instead, since both equal p x n / 100.",
        ),
    ),
    (
        (
            "behavior_whole_from_known_part",
            "If a part and its percentage are known, find the whole as part divided by the percentage as a decimal.",
        ),
        (
            "behavior_scale_part_to_hundred",
            "When told that 12 is 30% of some number, get the number by 12 / 0.30 = 40.",
        ),
    ),
    (
        (
            "behavior_shares_sum_to_hundred",
            "Check that percentages of all parts of a whole add up to 100%.",
        ),
        (
            "behavior_verify_full_breakdown",
            "After splitting a total into percentage shares, confirm the shares total 100 percent; a mismatch means a part is missing or double-counted.",
        ),
    ),
    (
        (
            "behavior_accept_over_hundred_percent",
            "Allow percentages above 100 when a value exceeds its reference; 150% of x means 1.5 times x.",
        ),
        (
            "behavior_large_percent_is_multiple",
            "Read a percentage greater than 100 as more than the whole, converting it to a multiplier above 1.",
        ),
    ),
    (
        (
            "behavior_simple_interest_formula",
            "For simple interest use I = P x r x t with r as a decimal yearly rate and t in years.",
        ),
        (
            "behavior_interest_principal_rate_time",
            "Compute simple interest by multiplying principal, annual rate in decimal form, and number of years.",
        ),
    ),
    (
        (
            "behavior_fraction_to_percent",
            "Turn a fraction into a percentage by dividing numerator by denominator and multiplying by 100.",
        ),
        (
            "behavior_express_fraction_per_hundred",
            "To state 3/8 as a percent, compute 3 / 8 = 0.375 and scale it to 37.5%.",
        ),
    ),
    (
        (
            "behavior_ten_percent_building_block",
            "Find 10% by moving the decimal point one place left, then build other percentages from it, such as 15% = 10% + 5%.",
        ),
        (
            "behavior_compose_from_tenth",
            "For mental percentages, start from one tenth of the amount and combine halves and multiples of it to reach the target rate.",
        ),
    ),
    (
        (
            "behavior_compound_growth_power",
            "For growth compounded each period, multiply the principal by (1 + r) raised to the number of periods.",
        ),
        (
            "behavior_repeat_rate_exponent",
            "When interest is added to the balance every period, the final amount is P(1 + r)^n rather than P(1 + nr).",
        ),
    ),
    # --- ratios and proportion ---
    (
        (
            "behavior_sum_ratio_parts",
            "To divide an amount in a given ratio, add the ratio terms, find one part's value, then multiply by each term.",
        ),
        (
            "behavior_value_per_share",
            "Splitting 60 in ratio 2:3 means 5 shares in total, each worth 12, so the portions are 24 and 36.",
        ),
    ),
    (
        (
            "behavior_simplify_ratio_terms",
            "Simplify a ratio by dividing every term by their greatest common factor.",
        ),
        (
            "behavior_reduce_ratio_common_factor",
            "Always reduce ratios like 12:18 to simplest form, 2:3, by cancelling the highest factor the terms share.",
        ),
    ),
    (
        (
            "behavior_same_units_in_ratio",
            "Convert both quantities to the same unit before writing them as a ratio.",
        ),
        (
            "behavior_unify_units_before_comparing",
            "Before forming a ratio of 50 cm to 2 m, express both in centimetres, because a ratio of mixed units is meaningless.",
        ),
    ),
    (
        (
            "behavior_cross_multiply_proportion",
            "Solve a proportion a/b = x/d by cross multiplying: x = a x d / b.",
        ),
        (
            "behavior_product_of_means_extremes",
            "When one term of two equal ratios is unknown, set the cross products equal and divide to isolate it.",
        ),
    ),
    (
        (
            "behavior_find_single_unit_first",
            "Use the unitary method: find the value for one unit, then multiply by the required number of units.",
        ),
        (
            "behavior_scale_via_one_item",
            "If 5 pens cost 4 dollars, first work out the cost of one pen, then scale up to the quantity asked.",
        ),
    ),
    (
        (
            "behavior_inverse_product_constant",
            "For inverse proportion, keep the product of the two quantities constant.",
        ),
        (
            "behavior_workers_times_days_fixed",
            "When more of one quantity means proportionally less of the other, as with workers and days, use x1 y1 = x2 y2 to find the unknown.",
        ),
    ),
    (
        (
            "behavior_decide_direct_or_inverse",
            "Before setting up a proportion, decide whether the quantities vary directly or inversely.",
        ),
        (
            "behavior_identify_variation_type",
            "First ask whether increasing one quantity increases or decreases the other, and choose a direct or inverse relation accordingly.",
        ),
    ),
    (
        (
            "behavior_keep_ratio_order",
            "Write the ratio terms in the same order as the quantities are named in the question.",
        ),
        (
            "behavior_order_follows_wording",
            "A ratio of boys to girls must list boys first; match term order to the phrase so the ratio is not inverted.",
        ),
    ),
    (
        (
            "behavior_ratio_part_as_fraction",
            "Turn a part of a ratio into a fraction of the whole by dividing it by the sum of all terms.",
        ),
        (
            "behavior_share_over_total_parts",
            "In a 3:5 ratio, the first quantity is 3/8 of the total, since the denominator is the sum of the terms.",
        ),
    ),
    (
        (
            "behavior_apply_map_scale",
            "Multiply a map distance by the scale's real-world factor, then convert the result to a sensible unit.",
        ),
        (
            "behavior_map_to_ground_distance",
            "With a 1:50000 map, 3 cm on paper is 3 x 50000 = 150000 cm, which is 1.5 km on the ground.",
        ),
    ),
    (
        (
            "behavior_area_scale_squared",
            "When lengths scale by a factor k, scale areas by k squared.",
        ),
        (
            "behavior_square_linear_factor_for_area",
            "For similar figures, the ratio of areas is the square of the ratio of corresponding sides.",
        ),
    ),
    (
        (
            "behavior_clear_fractions_in_ratio",
            "If a ratio contains fractions, multiply all terms by the common denominator to get whole numbers.",
        ),
        (
            "behavior_whole_number_ratio_terms",
            "Rewrite 1/2 : 1/3 as 3 : 2 by multiplying both terms by 6, so the ratio uses integers.",
        ),
    ),
    (
        (
            "behavior_link_ratios_common_term",
            "To combine a:b and b:c, scale both so the shared b term matches, then read a:b:c.",
        ),
        (
            "behavior_match_shared_quantity",
            "When two ratios share a quantity, multiply each so that quantity has equal value in both before merging them into one three-term ratio.",
        ),
    ),
    (
        (
            "behavior_ratio_difference_per_part",
            "When the difference between two shares is given, divide it by the difference of the ratio terms to get one part.",
        ),
        (
            "behavior_gap_over_term_gap",
            "If A:B is 5:3 and A has 40 more than B, one part is 40 / (5 - 3) = 20.",
        ),
    ),
    (
        (
            "behavior_express_unit_rate",
            "State a rate per single unit of the second quantity, such as kilometres per one hour.",
        ),
        (
            "behavior_normalise_rate_to_one",
            "Always divide through so the rate's denominator is 1, e.g. 150 words in 3 minutes becomes 50 words per minute.",
        ),
    ),
    (
        (
            "behavior_verify_equal_ratios",
            "After solving a proportion, substitute the answer and confirm both ratios are equal.",
        ),
        (
            "behavior_recheck_proportion_answer",
            "Put the value you found back into the proportion and check that the two sides now give the same ratio.",
        ),
    ),
    (
        ("behavior_volume_scale_cubed", "When lengths scale by k, multiply volumes by k cubed."),
        (
            "behavior_cube_length_ratio_for_capacity",
            "For similar solids, the ratio of volumes is the third power of the ratio of matching lengths, so doubling every edge makes the volume eight times larger.",
        ),
    ),
    # --- unit conversions: length, mass, volume, time, speed, temperature, currency ---
    (
        (
            "behavior_larger_to_smaller_multiply",
            "When converting from a larger unit to a smaller one, multiply by the conversion factor.",
        ),
        (
            "behavior_more_small_units",
            "Going from a big unit to a small unit gives a bigger number, so multiply, e.g. 3 m = 300 cm.",
        ),
    ),
    (
        (
            "behavior_dimensional_analysis_chain",
            "Write conversions as fractions equal to one and arrange them so unwanted units cancel.",
        ),
        (
            "behavior_cancel_units_as_factors",
            "Set up each conversion factor so the old unit appears in the denominator and cancels, leaving only the target unit.",
        ),
    ),
    (
        (
            "behavior_square_factor_for_area_units",
            "Convert area units by squaring the length conversion factor: 1 m^2 = 10000 cm^2.",
        ),
        (
            "behavior_area_units_need_factor_squared",
            "When changing square units, apply the linear factor twice, since each dimension converts separately.",
        ),
    ),
    (
        (
            "behavior_cube_factor_for_volume_units",
            "When converting cubic units, cube the length factor, so 1 m^3 = 1,000,000 cm^3.",
        ),
        (
            "behavior_three_dimensions_three_factors",
            "For volume in cubed units, multiply by the length conversion factor once per dimension, three times in all.",
        ),
    ),
    (
        (
            "behavior_litre_is_thousand_cc",
            "Use 1 litre = 1000 cm^3 = 1000 mL when moving between capacity and volume.",
        ),
        (
            "behavior_millilitre_equals_cubic_cm",
            "Treat one millilitre as one cubic centimetre, so a litre is a thousand cubic centimetres.",
        ),
    ),
    (
        (
            "behavior_minutes_to_decimal_hours",
            "Convert minutes to hours by dividing by 60 before using them in a rate formula.",
        ),
        (
            "behavior_no_base_ten_time",
            "Do not write 1 h 30 min as 1.3 h; divide the minutes by sixty, giving 1.5 h.",
        ),
    ),
    (
        (
            "behavior_kmh_to_ms",
            "Convert km/h to m/s by multiplying by 1000/3600, i.e. dividing by 3.6.",
        ),
        (
            "behavior_speed_divide_three_point_six",
            "To express a speed given in kilometres per hour in metres per second, divide it by 3.6.",
        ),
    ),
    (
        ("behavior_celsius_to_fahrenheit", "Convert Celsius to Fahrenheit with F = C x 9/5 + 32."),
        (
            "behavior_scale_then_offset_for_f",
            "For degrees C to degrees F, multiply by 1.8 first and then add 32.",
        ),
    ),
    (
        ("behavior_kelvin_add_offset", "Convert a Celsius temperature to kelvin by adding 273.15."),
        (
            "behavior_absolute_from_celsius",
            "When a kelvin value is needed from a Celsius reading, shift it up by 273.15 without any scaling.",
        ),
    ),
    (
        (
            "behavior_temperature_interval_no_offset",
            "When converting a temperature difference, apply only the scale factor and not the offset.",
        ),
        (
            "behavior_delta_degrees_scale_only",
            "A rise of 10 C is a rise of 18 F: for changes in temperature, multiply by 9/5 but do not add 32.",
        ),
    ),
    (
        (
            "behavior_rate_units_guide_currency",
            "Write the exchange rate with units, such as 1.10 USD per EUR, and multiply or divide so the currency units cancel.",
        ),
        (
            "behavior_currency_unit_cancellation",
            "Treat an exchange rate as a conversion fraction and orient it so the starting currency cancels, leaving the target currency.",
        ),
    ),
    (
        (
            "behavior_sanity_check_converted_size",
            "After a unit conversion, check that a smaller unit gave a larger number and a larger unit a smaller one.",
        ),
        (
            "behavior_direction_check_after_converting",
            "Confirm a converted value moved the right way: metres to millimetres must grow the number, metres to kilometres must shrink it.",
        ),
    ),
    (
        (
            "behavior_inch_is_two_point_five_four_cm",
            "Use exactly 2.54 cm per inch when converting between inches and centimetres.",
        ),
        (
            "behavior_exact_inch_definition",
            "For inch to centimetre conversions, multiply by the defined factor 2.54 rather than a rounded 2.5.",
        ),
    ),
    (
        (
            "behavior_common_unit_before_adding",
            "Convert all measurements to one unit before adding or subtracting them.",
        ),
        (
            "behavior_no_mixed_units_in_sum",
            "Before summing 1.2 kg and 350 g, express both in grams or both in kilograms; adding the raw numbers is wrong.",
        ),
    ),
    (
        (
            "behavior_elapsed_time_count_up",
            "Find elapsed time by counting up to the next full hour, then whole hours, then the remaining minutes.",
        ),
        (
            "behavior_bridge_to_next_hour",
            "For a duration such as 9:45 to 13:20, count 15 minutes to 10:00, then 3 hours, then 20 minutes.",
        ),
    ),
    (
        (
            "behavior_metric_prefix_powers",
            "Use metric prefixes as powers of ten: kilo 1000, centi 1/100, milli 1/1000.",
        ),
        (
            "behavior_prefix_value_lookup",
            "When converting within the metric system, replace each prefix by its factor of ten, such as milli meaning one thousandth.",
        ),
    ),
    # --- money ---
    (
        (
            "behavior_work_in_cents",
            "Convert money amounts to whole cents to avoid decimal errors, then convert back at the end.",
        ),
        (
            "behavior_integer_minor_units",
            "Do money arithmetic in the smallest currency unit as integers, turning dollars into cents first.",
        ),
    ),
    (
        (
            "behavior_money_two_decimals",
            "Present money answers with exactly two decimal places, e.g. $4.50 not $4.5.",
        ),
        (
            "behavior_format_currency_cents",
            "Always write a final amount of money to the cent, padding a trailing zero where needed.",
        ),
    ),
    (
        (
            "behavior_change_is_paid_minus_cost",
            "Compute change as the amount handed over minus the total cost.",
        ),
        (
            "behavior_subtract_bill_from_tendered",
            "When a customer pays with a note larger than the bill, the change due is the note's value less the bill.",
        ),
    ),
    (
        (
            "behavior_tax_on_subtotal",
            "Add up all item prices first, then apply sales tax to the subtotal.",
        ),
        (
            "behavior_sum_then_levy",
            "Find the pre-tax total of the basket, then calculate the tax once on that total.",
        ),
    ),
    (
        (
            "behavior_compare_unit_prices",
            "To find the better buy, divide each price by its quantity and compare the cost per unit.",
        ),
        (
            "behavior_price_per_gram_deal",
            "When deciding between a 500 g pack at $3 and a 750 g pack at $4, compare cost per gram, not sticker price.",
        ),
    ),
    (
        ("behavior_profit_revenue_less_cost", "Compute profit as total revenue minus total cost."),
        (
            "behavior_earnings_minus_expenses",
            "Find the profit by taking everything earned from sales and subtracting everything spent.",
        ),
    ),
    (
        (
            "behavior_profit_percent_on_cost",
            "Express a profit percentage relative to the cost price.",
        ),
        (
            "behavior_markup_base_cost_price",
            "When a problem asks for percentage profit, divide the profit by what the seller paid, not by the selling price.",
        ),
    ),
    (
        (
            "behavior_quantity_times_price",
            "Find the cost of several identical items by multiplying the unit price by the number of items.",
        ),
        (
            "behavior_repeat_price_by_count",
            "For 7 tickets at $12.50 each, multiply 12.50 by 7 rather than adding the price seven times.",
        ),
    ),
    (
        (
            "behavior_overtime_rate_extra_hours",
            "Pay only the hours beyond the threshold at the overtime rate, with the normal hours at the base rate.",
        ),
        (
            "behavior_split_regular_and_overtime",
            "Split worked hours into regular hours up to the limit and overtime above it, paying each group at its own rate.",
        ),
    ),
    (
        (
            "behavior_track_running_balance",
            "Keep a running balance: subtract each expense from the remaining amount in order.",
        ),
        (
            "behavior_update_balance_each_purchase",
            "After every purchase in a spending problem, write the money left so the next step starts from the current balance.",
        ),
    ),
    (
        (
            "behavior_coin_value_times_count",
            "Total a pile of coins by multiplying each coin value by how many there are and adding the results.",
        ),
        (
            "behavior_sum_by_denomination",
            "Group coins by denomination, find each group's value, then add the group values.",
        ),
    ),
    (
        (
            "behavior_split_bill_evenly",
            "To share a bill equally, divide the total including any tip by the number of people.",
        ),
        (
            "behavior_per_head_share",
            "Each person's share of a group bill is the full amount, tip included, divided among all the diners.",
        ),
    ),
    (
        (
            "behavior_tax_after_discount",
            "Apply the discount first, then compute tax on the reduced price.",
        ),
        (
            "behavior_discounted_price_is_tax_base",
            "Sales tax is charged on what the customer actually pays, so take the discount off before adding tax.",
        ),
    ),
    (
        (
            "behavior_consistent_money_units",
            "Keep all amounts in the same currency unit, dollars or cents, throughout a calculation.",
        ),
        (
            "behavior_no_mixing_dollars_cents",
            "Do not combine 75 cents and $2 as 77; express both in dollars or both in cents first.",
        ),
    ),
    (
        ("behavior_round_money_to_cent", "Round a computed money amount to the nearest cent."),
        (
            "behavior_nearest_hundredth_currency",
            "When a price calculation gives more than two decimal places, round it to the nearest hundredth of the currency unit.",
        ),
    ),
    (
        (
            "behavior_verify_change_by_adding",
            "Check the change by adding it to the price; the sum must equal the amount paid.",
        ),
        (
            "behavior_add_back_change_check",
            "Confirm change is right by adding it back onto the cost and seeing that you reach the amount tendered.",
        ),
    ),
]

TRAIN_A_DIFFERENT: list[Pair] = [
    # --- arithmetic: order of operations, carrying and borrowing, negative numbers, rounding ---
    (
        (
            "behavior_carry_when_column_overflows",
            "When a column in addition sums to ten or more, carry one to the next column.",
        ),
        (
            "behavior_borrow_when_column_short",
            "When a column in subtraction has a smaller top digit, borrow one from the next column.",
        ),
    ),
    (
        (
            "behavior_round_up_for_capacity",
            "When the answer counts containers or trips needed, round any fractional result up to the next whole number.",
        ),
        (
            "behavior_round_down_for_complete_sets",
            "When the answer counts how many complete items can be made, drop the fractional part and round down.",
        ),
    ),
    (
        (
            "behavior_left_to_right_add_subtract",
            "Evaluate additions and subtractions at the same level from left to right.",
        ),
        (
            "behavior_parentheses_override_order",
            "Evaluate expressions inside parentheses before any operation outside them.",
        ),
    ),
    (
        (
            "behavior_two_negatives_multiply_positive",
            "The product of two negative numbers is positive, so write the result without a minus sign.",
        ),
        (
            "behavior_two_negatives_add_negative",
            "The sum of two negative numbers is negative, with magnitude the sum of their magnitudes.",
        ),
    ),
    (
        (
            "behavior_round_significant_figures",
            "When asked for significant figures, count from the first nonzero digit, not from the decimal point.",
        ),
        (
            "behavior_round_decimal_places",
            "When asked for decimal places, count digits after the decimal point, regardless of leading zeros.",
        ),
    ),
    (
        (
            "behavior_compute_exact_product",
            "Multiply multi-digit numbers with the column method, writing a partial product for each digit of the multiplier.",
        ),
        (
            "behavior_check_product_by_estimate",
            "After multiplying, round both factors to one significant figure and compare their product with your answer.",
        ),
    ),
    (
        (
            "behavior_round_half_up",
            "When the dropped digit is exactly 5 with nothing after it, round the kept digit up.",
        ),
        (
            "behavior_round_half_to_even",
            "When the dropped digit is exactly 5 with nothing after it, round so the kept digit is even.",
        ),
    ),
    (
        (
            "behavior_subtract_negative_adds",
            "Subtracting a negative number increases the value: replace minus-negative with plus.",
        ),
        (
            "behavior_add_negative_subtracts",
            "Adding a negative number decreases the value: replace plus-negative with minus.",
        ),
    ),
    (
        (
            "behavior_absolute_value_drops_sign",
            "Take the absolute value of a number by removing its sign, so |-7| = 7.",
        ),
        (
            "behavior_opposite_flips_sign",
            "Take the opposite of a number by changing its sign, so the opposite of -7 is 7 and of 7 is -7.",
        ),
    ),
    (
        (
            "behavior_remainder_as_leftover",
            "When dividing whole objects into groups, report the remainder as the count of items left over.",
        ),
        (
            "behavior_remainder_as_fraction",
            "When dividing a quantity that can be split, write the remainder over the divisor as a fraction of a unit.",
        ),
    ),
    (
        (
            "behavior_subtract_column_by_column",
            "Subtract multi-digit numbers column by column from the right, borrowing where needed.",
        ),
        (
            "behavior_verify_difference_by_addition",
            "Check a subtraction by adding the difference to the subtrahend and confirming it gives the minuend.",
        ),
    ),
    (
        (
            "behavior_multiply_before_subtracting",
            "In an expression like 10 - 2 x 3, perform the multiplication before the subtraction.",
        ),
        (
            "behavior_convert_hours_to_minutes",
            "Convert a time in hours to minutes by multiplying by 60.",
        ),
    ),
    (
        (
            "behavior_sign_of_quotient",
            "A quotient of two numbers with different signs is negative.",
        ),
        (
            "behavior_simplify_ratio_gcd",
            "Reduce a ratio by dividing all its terms by their greatest common factor.",
        ),
    ),
    (
        (
            "behavior_round_final_only",
            "Round only the final result, keeping all digits in intermediate steps.",
        ),
        (
            "behavior_percent_increase_multiplier",
            "Increase an amount by a percentage by multiplying by one plus the rate as a decimal.",
        ),
    ),
    (
        (
            "behavior_carry_in_column_addition",
            "Carry the tens digit of a column sum into the next column on the left.",
        ),
        (
            "behavior_common_denominators_to_add",
            "Rewrite fractions over a common denominator before adding them.",
        ),
    ),
    (
        (
            "behavior_exponent_before_multiplication",
            "Evaluate powers before any multiplication and division in an expression.",
        ),
        (
            "behavior_give_change_from_note",
            "Work out the change owed as the amount paid minus the price.",
        ),
    ),
    (
        (
            "behavior_zero_placeholder_in_borrowing",
            "When borrowing across a zero, turn the zero into nine after borrowing from the next digit.",
        ),
        (
            "behavior_kelvin_from_celsius_shift",
            "Get a kelvin temperature by adding 273.15 to the Celsius value.",
        ),
    ),
    # --- fractions and decimals ---
    (
        (
            "behavior_add_fractions_common_denominator",
            "To add fractions, convert them to a common denominator and add the numerators.",
        ),
        (
            "behavior_multiply_fractions_straight_across",
            "To multiply fractions, multiply numerators together and denominators together without a common denominator.",
        ),
    ),
    (
        (
            "behavior_fraction_into_decimal_by_division",
            "Turn a fraction into a decimal by dividing the numerator by the denominator.",
        ),
        (
            "behavior_decimal_into_fraction_place_value",
            "Turn a terminating decimal into a fraction by writing its digits over a power of ten and simplifying.",
        ),
    ),
    (
        (
            "behavior_mixed_number_to_improper",
            "Convert a mixed number to an improper fraction: whole times denominator plus numerator, over the denominator.",
        ),
        (
            "behavior_improper_to_mixed_number",
            "Convert an improper fraction to a mixed number: divide, use the quotient as the whole part and the remainder over the denominator.",
        ),
    ),
    (
        (
            "behavior_simplify_fraction_answer",
            "Reduce the final fraction to lowest terms by dividing by the greatest common divisor.",
        ),
        (
            "behavior_find_equivalent_fraction",
            "To get an equivalent fraction with a given denominator, multiply numerator and denominator by the same factor.",
        ),
    ),
    (
        (
            "behavior_compare_fractions_cross_products",
            "Compare two fractions by comparing the cross products of numerators and denominators.",
        ),
        (
            "behavior_compare_decimals_digitwise",
            "Compare two decimals by padding them to equal length and comparing digits from the left.",
        ),
    ),
    (
        (
            "behavior_decimal_product_place_count",
            "When multiplying decimals, give the product as many decimal places as the factors have together.",
        ),
        (
            "behavior_decimal_divisor_shift_point",
            "When dividing by a decimal, shift both decimal points right until the divisor is a whole number.",
        ),
    ),
    (
        (
            "behavior_times_ten_point_right",
            "Multiplying a decimal by 10, 100 or 1000 moves the decimal point right by one, two or three places.",
        ),
        (
            "behavior_over_ten_point_left",
            "Dividing a decimal by 10, 100 or 1000 moves the decimal point left by one, two or three places.",
        ),
    ),
    (
        (
            "behavior_sum_fractions_exactly",
            "Add fractions exactly by finding the least common denominator and adding numerators.",
        ),
        (
            "behavior_check_fraction_sum_decimal",
            "Check a fraction sum by converting each fraction to a decimal and confirming the decimal totals agree.",
        ),
    ),
    (
        (
            "behavior_reciprocal_swap_terms",
            "The reciprocal of a fraction swaps its numerator and denominator.",
        ),
        (
            "behavior_opposite_fraction_negate",
            "The additive inverse of a fraction keeps numerator and denominator and changes its sign.",
        ),
    ),
    (
        (
            "behavior_fraction_of_known_whole",
            "To find 3/4 of a known total, divide the total by 4 and multiply by 3.",
        ),
        (
            "behavior_whole_from_fractional_part",
            "When 3/4 of an unknown total is known, divide the known part by 3 and multiply by 4 to get the total.",
        ),
    ),
    (
        (
            "behavior_terminating_denominator_test",
            "A simplified fraction has a terminating decimal only if its denominator has no prime factors other than 2 and 5.",
        ),
        (
            "behavior_repeating_decimal_algebra",
            "Convert a repeating decimal to a fraction by multiplying by a power of ten and subtracting to cancel the repeating part.",
        ),
    ),
    (
        (
            "behavior_lowest_common_denominator",
            "Use the least common multiple of the denominators as the common denominator.",
        ),
        (
            "behavior_fahrenheit_to_celsius",
            "Convert Fahrenheit to Celsius by subtracting 32 then multiplying by 5/9.",
        ),
    ),
    (
        (
            "behavior_cancel_before_multiplying_fractions",
            "Cancel common factors across numerators and denominators before multiplying fractions.",
        ),
        ("behavior_profit_over_cost_price", "Express profit as a percentage of the cost price."),
    ),
    (
        (
            "behavior_line_up_decimal_points",
            "Align decimal points vertically when adding or subtracting decimals.",
        ),
        (
            "behavior_inverse_proportion_constant_product",
            "In inverse proportion, keep the product of the two quantities constant.",
        ),
    ),
    (
        (
            "behavior_improper_fraction_for_products",
            "Change mixed numbers to improper fractions before multiplying.",
        ),
        ("behavior_round_at_five", "Round up when the next digit is 5 or more."),
    ),
    (
        (
            "behavior_repeating_block_notation",
            "Mark the repeating digits of a recurring decimal with a bar over the repeating block.",
        ),
        (
            "behavior_exchange_rate_cancel_currency",
            "Orient the exchange rate so the starting currency cancels out.",
        ),
    ),
    (
        (
            "behavior_fraction_to_decimal_long_division",
            "Use long division of numerator by denominator to get a fraction's decimal form.",
        ),
        (
            "behavior_tip_on_pre_tax_amount",
            "Calculate a tip on the bill before tax unless the problem says otherwise.",
        ),
    ),
    # --- percentages ---
    (
        ("behavior_raise_by_percent", "To increase a value by p percent, multiply by 1 + p/100."),
        ("behavior_cut_by_percent", "To decrease a value by p percent, multiply by 1 - p/100."),
    ),
    (
        (
            "behavior_apply_percent_increase",
            "To find the price after a 20% rise, multiply the original price by 1.2.",
        ),
        (
            "behavior_reverse_percent_increase",
            "To find the original price before a 20% rise, divide the new price by 1.2.",
        ),
    ),
    (
        (
            "behavior_relative_percent_change",
            "Report the change in a rate as a relative percent change: the difference divided by the old rate.",
        ),
        (
            "behavior_percentage_point_difference",
            "Report the change in a rate as percentage points: the new rate minus the old rate.",
        ),
    ),
    (
        (
            "behavior_compute_percent_of_number",
            "To find p% of a number, multiply the number by p/100.",
        ),
        (
            "behavior_compute_what_percent",
            "To find what percent one number is of another, divide the part by the whole and multiply by 100.",
        ),
    ),
    (
        (
            "behavior_simple_interest_linear",
            "For simple interest, charge interest on the original principal only each year: P x r x t.",
        ),
        (
            "behavior_compound_interest_on_balance",
            "For compound interest, charge each period's interest on the current balance: P(1 + r)^n.",
        ),
    ),
    (
        (
            "behavior_percent_change_compute",
            "Compute a percentage change as the difference divided by the original value, times 100.",
        ),
        (
            "behavior_percent_change_verify",
            "Check a percentage change by applying it to the original value and confirming you get the new value.",
        ),
    ),
    (
        (
            "behavior_decimal_to_percent",
            "Write a decimal as a percent by multiplying by 100 and adding the percent sign.",
        ),
        (
            "behavior_percent_to_decimal_divide",
            "Write a percent as a decimal by dividing by 100 and dropping the percent sign.",
        ),
    ),
    (
        (
            "behavior_share_of_total_percent",
            "To state a category's share, divide its count by the grand total and multiply by 100.",
        ),
        (
            "behavior_growth_rate_percent",
            "To state growth between two years, divide the change by the earlier year's value and multiply by 100.",
        ),
    ),
    (
        (
            "behavior_markup_on_cost",
            "Compute markup percentage as profit divided by cost price, times 100.",
        ),
        (
            "behavior_margin_on_selling_price",
            "Compute profit margin percentage as profit divided by selling price, times 100.",
        ),
    ),
    (
        (
            "behavior_find_discount_amount",
            "To find how much is saved, multiply the original price by the discount rate.",
        ),
        (
            "behavior_find_sale_price",
            "To find what is paid, multiply the original price by one minus the discount rate.",
        ),
    ),
    (
        (
            "behavior_stack_rates_same_base",
            "When two percentages are both taken of the same original amount, add the rates before applying them.",
        ),
        (
            "behavior_chain_rates_sequential_base",
            "When a second percentage is taken of the result of the first, multiply the two factors instead of adding rates.",
        ),
    ),
    (
        ("behavior_percent_means_per_hundred", "Read a percent as a number of parts per hundred."),
        (
            "behavior_borrow_ten_from_left",
            "When a subtraction column's top digit is too small, borrow ten from the next place.",
        ),
    ),
    (
        (
            "behavior_ten_percent_shift_point",
            "Find 10% of an amount by moving its decimal point one place left.",
        ),
        (
            "behavior_map_scale_multiply",
            "Multiply a map distance by the scale factor to get the real distance.",
        ),
    ),
    (
        (
            "behavior_percentages_total_hundred",
            "Check that the percentages of all categories add to 100.",
        ),
        (
            "behavior_metres_to_centimetres",
            "Multiply a length in metres by 100 to get centimetres.",
        ),
    ),
    (
        (
            "behavior_reverse_percent_divide",
            "Recover an original value by dividing by the percentage multiplier.",
        ),
        (
            "behavior_even_split_per_person",
            "Divide the total bill by the number of people to get each share.",
        ),
    ),
    (
        (
            "behavior_percent_error_formula",
            "Compute percent error as the absolute difference between measured and true values, divided by the true value, times 100.",
        ),
        (
            "behavior_cross_cancel_fractions",
            "Cancel common factors across fractions before multiplying them.",
        ),
    ),
    (
        (
            "behavior_percent_above_hundred",
            "A percentage greater than 100 means more than the whole amount.",
        ),
        (
            "behavior_negative_times_negative",
            "Treat the product of two negative numbers as positive.",
        ),
    ),
    # --- ratios and proportion ---
    (
        (
            "behavior_direct_proportion_scale_same_way",
            "If two quantities are directly proportional, scale the unknown by the same factor as the known quantity changed.",
        ),
        (
            "behavior_inverse_proportion_scale_opposite",
            "If two quantities are inversely proportional, scale the unknown by the reciprocal of the factor the known quantity changed by.",
        ),
    ),
    (
        (
            "behavior_area_ratio_square",
            "For similar shapes, take the area ratio as the square of the length ratio.",
        ),
        (
            "behavior_volume_ratio_cube",
            "For similar solids, take the volume ratio as the cube of the length ratio.",
        ),
    ),
    (
        (
            "behavior_map_distance_to_real",
            "To get a real distance from a map, multiply the map distance by the scale denominator.",
        ),
        (
            "behavior_real_distance_to_map",
            "To draw a real distance on a map, divide the real distance by the scale denominator.",
        ),
    ),
    (
        (
            "behavior_ratio_split_known_total",
            "When the total is known, divide it by the sum of the ratio terms to find one part.",
        ),
        (
            "behavior_ratio_from_known_share",
            "When one person's share is known, divide it by that person's ratio term to find one part.",
        ),
    ),
    (
        (
            "behavior_part_to_part_ratio",
            "For a ratio between two groups, compare one group's count directly with the other group's count.",
        ),
        (
            "behavior_part_to_whole_fraction",
            "For a group's fraction of the whole, divide its count by the total of all groups.",
        ),
    ),
    (
        (
            "behavior_solve_proportion_cross_multiply",
            "Find the missing term of a proportion by cross multiplying and dividing.",
        ),
        (
            "behavior_check_proportion_substitute",
            "Check a proportion's answer by substituting it back and confirming both ratios simplify to the same value.",
        ),
    ),
    (
        (
            "behavior_rate_output_per_time",
            "To get a production rate, divide the number of items made by the time taken.",
        ),
        (
            "behavior_rate_time_per_item",
            "To get the time per item, divide the time taken by the number of items made.",
        ),
    ),
    (
        (
            "behavior_ratio_order_as_asked",
            "Write the ratio terms in the order the question names the quantities.",
        ),
        (
            "behavior_ratio_lowest_terms",
            "Write the ratio terms reduced by their greatest common factor.",
        ),
    ),
    (
        (
            "behavior_merge_ratios_shared_term",
            "To combine a:b and b:c, scale both ratios so the shared term matches.",
        ),
        (
            "behavior_scale_ratio_to_target_term",
            "When one term of a ratio is given as an actual amount, multiply the whole ratio by the factor that produces that amount.",
        ),
    ),
    (
        (
            "behavior_ratio_part_from_difference",
            "When the difference between two shares is given, divide it by the difference of their ratio terms.",
        ),
        (
            "behavior_ratio_part_from_sum",
            "When the sum of two shares is given, divide it by the sum of their ratio terms.",
        ),
    ),
    (
        (
            "behavior_find_constant_k",
            "Find the constant of proportionality by dividing y by x from a known pair.",
        ),
        (
            "behavior_predict_with_constant_k",
            "Predict an unknown y by multiplying the given x by the constant of proportionality.",
        ),
    ),
    (
        (
            "behavior_unitary_method_one_unit",
            "Find the value of one unit first, then multiply to get the required amount.",
        ),
        (
            "behavior_tenths_rounding",
            "Round to one decimal place by looking at the hundredths digit.",
        ),
    ),
    (
        (
            "behavior_same_units_before_ratio",
            "Express both quantities in the same unit before forming a ratio.",
        ),
        (
            "behavior_subtract_negative_means_add",
            "Treat subtracting a negative number as adding a positive one.",
        ),
    ),
    (
        (
            "behavior_ratio_as_fraction_of_total",
            "Express a ratio term as a fraction of the total by dividing by the sum of the terms.",
        ),
        ("behavior_sales_tax_added", "Add sales tax to the pre-tax price to get the amount paid."),
    ),
    (
        (
            "behavior_workers_days_product",
            "For work problems, the number of workers times days stays constant for the same job.",
        ),
        ("behavior_celsius_to_kelvin_add", "Add 273.15 to a Celsius temperature to get kelvin."),
    ),
    (
        (
            "behavior_scale_drawing_multiply",
            "Multiply lengths on a scale drawing by the scale factor to get actual lengths.",
        ),
        (
            "behavior_percent_decrease_factor",
            "Multiply by one minus the rate to decrease an amount by a percentage.",
        ),
    ),
    (
        (
            "behavior_ratio_integers_clear_decimals",
            "Multiply all ratio terms by a power of ten to remove decimals.",
        ),
        (
            "behavior_mixed_number_improper",
            "Convert a mixed number into an improper fraction before dividing.",
        ),
    ),
    # --- unit conversions: length, mass, volume, time, speed, temperature, currency ---
    (
        (
            "behavior_c_to_f_multiply_add",
            "Convert Celsius to Fahrenheit: multiply by 9/5, then add 32.",
        ),
        (
            "behavior_f_to_c_subtract_multiply",
            "Convert Fahrenheit to Celsius: subtract 32, then multiply by 5/9.",
        ),
    ),
    (
        ("behavior_kmh_into_ms_divide", "To change a speed in km/h into m/s, divide by 3.6."),
        ("behavior_ms_into_kmh_multiply", "To change a speed in m/s into km/h, multiply by 3.6."),
    ),
    (
        (
            "behavior_convert_temperature_reading",
            "To convert a temperature reading from Celsius to Fahrenheit, multiply by 9/5 and add 32.",
        ),
        (
            "behavior_convert_temperature_change",
            "To convert a temperature change from Celsius to Fahrenheit, multiply by 9/5 and do not add 32.",
        ),
    ),
    (
        (
            "behavior_linear_units_single_factor",
            "Convert lengths with the conversion factor applied once: 1 m = 100 cm.",
        ),
        (
            "behavior_square_units_factor_squared",
            "Convert areas with the conversion factor squared: 1 m^2 = 10,000 cm^2.",
        ),
    ),
    (
        (
            "behavior_big_to_small_unit_multiply",
            "When converting to a smaller unit, multiply by the conversion factor.",
        ),
        (
            "behavior_small_to_big_unit_divide",
            "When converting to a larger unit, divide by the conversion factor.",
        ),
    ),
    (
        (
            "behavior_speed_is_distance_over_time",
            "Find average speed by dividing the total distance by the total time.",
        ),
        (
            "behavior_time_is_distance_over_speed",
            "Find travel time by dividing the distance by the speed.",
        ),
    ),
    (
        (
            "behavior_average_speed_total_over_total",
            "For a multi-leg trip, compute average speed as total distance over total time, not the mean of the leg speeds.",
        ),
        (
            "behavior_leg_time_from_leg_speed",
            "For each leg of a trip, compute its time as that leg's distance divided by that leg's speed.",
        ),
    ),
    (
        ("behavior_minutes_into_hours", "Convert a number of minutes to hours by dividing by 60."),
        (
            "behavior_hours_into_minutes",
            "Convert a number of hours to minutes by multiplying by 60.",
        ),
    ),
    (
        (
            "behavior_home_to_foreign_multiply_rate",
            "With a rate quoted as foreign units per home unit, convert home currency to foreign by multiplying by the rate.",
        ),
        (
            "behavior_foreign_to_home_divide_rate",
            "With a rate quoted as foreign units per home unit, convert foreign currency to home by dividing by the rate.",
        ),
    ),
    (
        (
            "behavior_apply_conversion_factor",
            "Convert the value by multiplying by the factor that cancels the starting unit.",
        ),
        (
            "behavior_check_conversion_direction",
            "After converting, check that the number grew when moving to a smaller unit and shrank when moving to a larger one.",
        ),
    ),
    (
        (
            "behavior_litre_water_kilogram",
            "For water, take 1 litre as having a mass of 1 kilogram when converting volume to mass.",
        ),
        (
            "behavior_litre_to_cubic_centimetres",
            "Convert litres to cubic centimetres by multiplying by 1000.",
        ),
    ),
    (
        ("behavior_inch_to_cm_factor", "Multiply a length in inches by 2.54 to get centimetres."),
        (
            "behavior_lcd_for_fraction_sums",
            "Use the least common denominator when adding fractions.",
        ),
    ),
    (
        ("behavior_cubic_units_cube_factor", "Cube the length factor when converting cubic units."),
        (
            "behavior_change_due_subtraction",
            "Subtract the cost from the amount paid to find the change.",
        ),
    ),
    (
        (
            "behavior_elapsed_time_over_noon",
            "When a duration crosses noon or midnight, split it at that point and add the parts.",
        ),
        (
            "behavior_ratio_terms_sum_first",
            "Add the ratio terms first to find how many equal parts there are.",
        ),
    ),
    (
        (
            "behavior_metric_prefix_factor",
            "Replace a metric prefix with its power of ten when converting.",
        ),
        (
            "behavior_percentage_of_amount_multiply",
            "Multiply the amount by the rate over 100 to find a percentage of it.",
        ),
    ),
    (
        ("behavior_pounds_to_kilograms", "Convert pounds to kilograms by multiplying by 0.4536."),
        (
            "behavior_order_ops_brackets_first",
            "Work out brackets first when evaluating an expression.",
        ),
    ),
    # --- money ---
    (
        (
            "behavior_selling_price_from_cost",
            "Find the selling price by multiplying the cost price by one plus the profit rate.",
        ),
        (
            "behavior_cost_price_from_selling",
            "Find the cost price by dividing the selling price by one plus the profit rate.",
        ),
    ),
    (
        (
            "behavior_add_tax_to_net",
            "To get a tax-inclusive price from a net price, multiply by one plus the tax rate.",
        ),
        (
            "behavior_extract_tax_from_gross",
            "To get the tax contained in a tax-inclusive price, divide the price by one plus the rate and subtract the result from the price.",
        ),
    ),
    (
        (
            "behavior_compute_change_given",
            "Compute the change by subtracting the total cost from the amount paid.",
        ),
        (
            "behavior_check_change_adds_back",
            "Check the change by adding it to the total cost and confirming the sum equals the amount paid.",
        ),
    ),
    (
        (
            "behavior_unit_price_divide",
            "Find the price of one item by dividing the total cost by the number of items.",
        ),
        (
            "behavior_total_cost_multiply",
            "Find the total cost by multiplying the price of one item by the number of items.",
        ),
    ),
    (
        (
            "behavior_split_equally_among_diners",
            "When diners share a bill equally, divide the total by the number of diners.",
        ),
        (
            "behavior_split_by_what_each_ordered",
            "When diners pay for what they ordered, give each the cost of their own items plus a proportional share of tax and tip.",
        ),
    ),
    (
        ("behavior_round_to_nearest_cent", "Round a money result to the nearest cent."),
        (
            "behavior_round_up_to_whole_dollar",
            "When a payment must be in whole dollars and must cover the cost, round the amount up to the next dollar.",
        ),
    ),
    (
        (
            "behavior_regular_pay_base_rate",
            "Pay hours up to the weekly threshold at the base hourly rate.",
        ),
        (
            "behavior_overtime_pay_premium",
            "Pay hours beyond the weekly threshold at the overtime rate, such as 1.5 times the base rate.",
        ),
    ),
    (
        (
            "behavior_revenue_price_times_units",
            "Compute revenue as the selling price times the number of units sold.",
        ),
        ("behavior_profit_revenue_minus_costs", "Compute profit as revenue minus all costs."),
    ),
    (
        (
            "behavior_money_left_subtract",
            "Find the money left by subtracting total spending from the starting amount.",
        ),
        ("behavior_total_spent_add", "Find the total spent by adding the cost of every purchase."),
    ),
    (
        (
            "behavior_tip_on_pretax_subtotal",
            "Compute the tip as a percentage of the pre-tax subtotal.",
        ),
        (
            "behavior_tip_on_after_tax_total",
            "Compute the tip as a percentage of the after-tax total.",
        ),
    ),
    (
        ("behavior_dollars_to_cents", "Multiply an amount in dollars by 100 to get cents."),
        ("behavior_cents_to_dollars", "Divide an amount in cents by 100 to get dollars."),
    ),
    (
        (
            "behavior_coin_totals_by_type",
            "Multiply each coin value by its count and add the results.",
        ),
        (
            "behavior_decimal_point_shift_divide",
            "Move both decimal points until the divisor is whole before dividing.",
        ),
    ),
    (
        (
            "behavior_better_buy_unit_price",
            "Compare cost per unit to decide which pack is the better buy.",
        ),
        (
            "behavior_kelvin_never_negative",
            "Kelvin temperatures are never negative, so a negative kelvin result signals an error.",
        ),
    ),
    (
        ("behavior_discount_before_tax", "Take the discount off before computing the tax."),
        (
            "behavior_estimate_to_check_magnitude",
            "Round operands and estimate to check that the answer has the right size.",
        ),
    ),
    (
        ("behavior_money_answer_two_places", "Give money answers to two decimal places."),
        (
            "behavior_similar_triangles_side_ratio",
            "Use equal ratios of corresponding sides to find a missing side of similar triangles.",
        ),
    ),
    (
        (
            "behavior_running_balance_each_purchase",
            "Update the remaining balance after each purchase.",
        ),
        ("behavior_fraction_lowest_terms", "Reduce a fraction to lowest terms."),
    ),
]
