# ruff: noqa: E501  (labelled data)
"""Labelled behaviour pairs, training set A, for handbook near-duplicate merging.

Written by hand on 2026-12-06 by a helper session that stayed blind to the handbook code, its tests,
its benchmarks and every other pair file. No program, template or loop produced the pairs.
Topics: arithmetic (order of operations, carrying and borrowing, negative numbers, rounding),
fractions and decimals, percentages, ratios and proportion, unit conversions (length, mass, volume,
time, speed, temperature, currency), and money.
TRAIN_A_SAME holds 51 pairs that state one behaviour twice in other words (names differ);
TRAIN_A_DIFFERENT holds 51 pairs that must stay apart, about two thirds of them on a shared topic
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
]
