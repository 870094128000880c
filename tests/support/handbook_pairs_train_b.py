# ruff: noqa: E501  (labelled data)
"""Labelled behaviour pairs, set TRAIN_B, for handbook near-duplicate decisions.

Written by hand by one helper session on 2026-12-06, blind: without reading the handbook code,
its tests, its benchmarks or any other pair file. Each pair was composed individually (no program,
template or loop). Topics, spread evenly: word problems (rates, work, ages, mixtures, distance and
time), algebra and equations, geometry and measurement, number theory (primes, divisibility, gcd
and lcm), statistics (mean, median, mode, range), probability and counting.

Counts: 100 SAME pairs (17/17/17/17/16/16 over the six topics in that order) and 100 DIFFERENT
pairs (same split; in each topic the last five or six pairs cross topics, 34 in all).
"""

from __future__ import annotations

Pair = tuple[tuple[str, str], tuple[str, str]]

TRAIN_B_SAME: list[Pair] = [
    # --- word problems ---
    (
        (
            "behavior_write_rate_units",
            "Write the units next to every rate, such as km per hour, so mismatched units show up before you combine the rates.",
        ),
        (
            "behavior_label_rate_units",
            "Attach units to each rate, for example km per hour, so that any unit mismatch becomes visible before the rates are combined.",
        ),
    ),
    (
        (
            "behavior_add_work_rates",
            "When several workers do a job together, add their individual rates in jobs per hour, then divide one job by the combined rate.",
        ),
        (
            "behavior_combine_joint_work",
            "For a joint task, convert each person's time into a per-hour fraction of the job, sum those fractions, and take the reciprocal to get the shared time.",
        ),
    ),
    (
        (
            "behavior_ages_define_present_age",
            "In age problems, let a variable stand for a person's present age and express past or future ages as that variable minus or plus the years.",
        ),
        (
            "behavior_age_offsets_from_now",
            "Set x as someone's age today; write the age n years ago as x - n and the age n years ahead as x + n.",
        ),
    ),
    (
        (
            "behavior_track_solute_amount",
            "In mixture problems, track the amount of pure substance, concentration times volume, because that amount is conserved when solutions are combined.",
        ),
        (
            "behavior_conserve_pure_component",
            "Always compute the quantity of the pure ingredient in each solution (percent times volume) and set the totals equal before and after mixing.",
        ),
    ),
    (
        (
            "behavior_distance_rate_time_table",
            "Build a table with rate, time and distance for each moving object and fill each row using distance equals rate times time.",
        ),
        (
            "behavior_tabulate_d_equals_rt",
            "Before writing equations for a motion problem, make one row per traveller listing speed, time and distance, related by d = r t.",
        ),
    ),
    (
        (
            "behavior_average_speed_total_ratio",
            "Average speed is total distance divided by total time.",
        ),
        (
            "behavior_avoid_averaging_speeds",
            "When a trip has legs at different speeds, compute the average speed as the whole distance over the whole time rather than averaging the leg speeds, since legs take unequal times.",
        ),
    ),
    (
        (
            "behavior_closing_speed_add",
            "When two objects move toward each other, use the sum of their speeds as the closing speed to find when they meet.",
        ),
        (
            "behavior_meeting_time_sum_speeds",
            "For objects approaching each other from opposite ends, divide the gap by their combined speed to get the time until they meet.",
        ),
    ),
    (
        (
            "behavior_convert_minutes_to_hours",
            "Convert all times to the same unit as the rates, for example minutes to hours when speeds are per hour, before calculating.",
        ),
        (
            "behavior_match_time_units",
            "Before plugging numbers in, express every time in the unit the speed uses; 45 minutes becomes 0.75 hours for a speed in km/h.",
        ),
    ),
    (
        (
            "behavior_reread_question_asked",
            "After solving, reread the question to confirm you are reporting the quantity it asks for, not an intermediate value.",
        ),
        (
            "behavior_answer_what_was_asked",
            "Check at the end that the number you give is the requested quantity rather than a helper value computed along the way.",
        ),
    ),
    (
        (
            "behavior_chain_percent_multipliers",
            "For successive percent changes, multiply by each factor in turn, such as 1.2 then 0.8, instead of adding the percentages.",
        ),
        (
            "behavior_compound_percent_changes",
            "Apply consecutive percentage changes as a product of multipliers; a 20 percent rise followed by a 20 percent fall gives 0.96 of the start, not the original.",
        ),
    ),
    (
        (
            "behavior_find_unit_rate_first",
            "For proportional quantities, first find the value for one unit, then multiply by the number of units needed.",
        ),
        (
            "behavior_scale_via_single_unit",
            "Solve scaling problems by reducing to a single unit: if 5 pens cost 15 dollars, one pen costs 3, so 8 pens cost 24.",
        ),
    ),
    (
        (
            "behavior_subtract_drain_rate",
            "When a tank is filled by one pipe while another drains it, take the fill rate minus the drain rate as the net rate.",
        ),
        (
            "behavior_net_fill_rate",
            "If inflow and outflow happen at the same time, the tank's net rate is the inflow rate less the outflow rate; use it to find the fill time.",
        ),
    ),
    (
        (
            "behavior_state_variable_meaning",
            "Write down what each variable represents, including its unit, before forming any equation from the word problem.",
        ),
        (
            "behavior_declare_unknowns",
            "Start by declaring each unknown in words, for example let t be the time in hours, and only then translate sentences into equations.",
        ),
    ),
    (
        (
            "behavior_simple_interest_formula",
            "For simple interest, compute the interest as principal times the annual rate as a decimal times the time in years.",
        ),
        (
            "behavior_prt_interest",
            "Use I = P r t for simple interest, converting the percent rate to a decimal and the time to years first.",
        ),
    ),
    (
        (
            "behavior_age_sum_growth",
            "When the ages of a group are summed, remember the total grows by the number of people times the years elapsed.",
        ),
        (
            "behavior_group_age_total_shift",
            "After n years, a group of k people has a combined age k times n larger; update total ages that way.",
        ),
    ),
    (
        (
            "behavior_mixture_total_value",
            "In price-mixture problems, set the value of the blend equal to the sum of each ingredient's price times its quantity.",
        ),
        (
            "behavior_blend_cost_balance",
            "For blending goods of different prices, write quantity times unit price for every component and equate their sum to total quantity times blend price.",
        ),
    ),
    (
        (
            "behavior_split_trip_into_legs",
            "Break a journey with changes of speed into separate legs and compute the time for each leg on its own.",
        ),
        (
            "behavior_per_segment_timing",
            "If the speed changes partway, treat every segment separately, finding each segment's duration as its distance over its speed, then combine.",
        ),
    ),
    # --- algebra and equations ---
    (
        (
            "behavior_isolate_variable_inverse_ops",
            "To solve a linear equation, undo operations in reverse order, applying the same inverse operation to both sides until the variable stands alone.",
        ),
        (
            "behavior_undo_operations_both_sides",
            "Isolate the unknown by reversing each operation applied to it, last one first, doing the identical step on each side of the equation.",
        ),
    ),
    (
        (
            "behavior_substitute_back_check",
            "After solving an equation, substitute the solution into the original equation to confirm both sides are equal.",
        ),
        (
            "behavior_verify_root_in_original",
            "Always plug each root you found back into the starting equation and check that it holds.",
        ),
    ),
    (
        (
            "behavior_check_discriminant",
            "Before applying the quadratic formula, compute b squared minus 4ac to learn whether there are two, one or no real roots.",
        ),
        (
            "behavior_discriminant_root_count",
            "Evaluate the discriminant b^2 - 4ac first; its sign tells how many real solutions the quadratic has.",
        ),
    ),
    (
        (
            "behavior_reject_extraneous_radical_roots",
            "When you square both sides to remove a square root, test every candidate in the original equation and discard those that fail.",
        ),
        (
            "behavior_squaring_creates_false_roots",
            "Squaring an equation can introduce spurious solutions, so after solving a radical equation check each candidate and drop the ones that do not satisfy it.",
        ),
    ),
    (
        (
            "behavior_distribute_negative_sign",
            "When a minus sign precedes parentheses, change the sign of every term inside as you remove the parentheses.",
        ),
        (
            "behavior_negate_each_term_in_brackets",
            "Removing brackets preceded by a subtraction flips the sign of each enclosed term, for example -(x - 3) becomes -x + 3.",
        ),
    ),
    (
        (
            "behavior_flip_inequality_negative",
            "Reverse the inequality sign whenever you multiply or divide both sides by a negative number.",
        ),
        (
            "behavior_negative_divisor_reverses_order",
            "If solving an inequality requires multiplying or dividing by a negative quantity, switch less-than to greater-than and vice versa.",
        ),
    ),
    (
        (
            "behavior_factor_common_factor_first",
            "Before factoring a polynomial further, pull out the greatest common factor of all its terms.",
        ),
        (
            "behavior_extract_gcf_before_factoring",
            "Start any factorisation by taking out whatever factor every term shares, then factor the remaining expression.",
        ),
    ),
    (
        (
            "behavior_eliminate_by_scaling_equations",
            "To solve a pair of linear equations, multiply one or both so a variable has opposite coefficients, then add them to eliminate it.",
        ),
        (
            "behavior_add_equations_cancel_variable",
            "Scale the equations of a system so that one unknown's coefficients are negatives of each other, and sum the equations to remove that unknown.",
        ),
    ),
    (
        (
            "behavior_exclude_zero_denominators",
            "When solving an equation with variable denominators, note the values that make a denominator zero and exclude them from the solution set.",
        ),
        (
            "behavior_domain_restrictions_rational",
            "Record the restrictions of a rational equation, values where any denominator vanishes, before clearing fractions, and reject solutions that hit them.",
        ),
    ),
    (
        (
            "behavior_multiply_by_lcd",
            "Clear fractions in an equation by multiplying every term on both sides by the least common denominator.",
        ),
        (
            "behavior_remove_fractions_common_denominator",
            "If an equation has several fractions, multiply through by the lowest common denominator so all terms lose their denominators.",
        ),
    ),
    (
        (
            "behavior_slope_rise_over_run",
            "Find the slope between two points as the change in y divided by the change in x, subtracting coordinates in the same order.",
        ),
        (
            "behavior_compute_gradient_two_points",
            "Compute m = (y2 - y1) / (x2 - x1), keeping the point order consistent in numerator and denominator.",
        ),
    ),
    (
        (
            "behavior_zero_product_rule",
            "Once a quadratic is factored and set equal to zero, set each factor to zero and solve each resulting equation.",
        ),
        (
            "behavior_factor_equals_zero_split",
            "When a product of factors equals zero, conclude that at least one factor is zero and solve for each factor separately.",
        ),
    ),
    (
        (
            "behavior_no_dividing_by_variable",
            "Do not divide both sides by an expression containing the variable; move everything to one side and factor, so no solution is lost.",
        ),
        (
            "behavior_factor_instead_of_cancel",
            "Instead of cancelling a variable factor from both sides, which can drop the root where it is zero, bring all terms together and factor.",
        ),
    ),
    (
        (
            "behavior_add_exponents_same_base",
            "When multiplying powers with the same base, keep the base and add the exponents.",
        ),
        (
            "behavior_product_of_powers_rule",
            "Simplify a^m times a^n to a^(m+n); exponents of a shared base sum under multiplication.",
        ),
    ),
    (
        (
            "behavior_complete_square_half_b",
            "To complete the square for x^2 + bx, add and subtract (b/2)^2 so the expression becomes (x + b/2)^2 minus that square.",
        ),
        (
            "behavior_halve_linear_coefficient_square",
            "Take half of the x coefficient, square it, and add and subtract it to rewrite the quadratic as a perfect square plus a constant.",
        ),
    ),
    (
        (
            "behavior_translate_phrases_to_symbols",
            "Convert each phrase of a verbal statement into symbols, reading 'is' as equals and 'of' as multiplication, before solving.",
        ),
        (
            "behavior_words_to_equation_mapping",
            "Map words onto operations when setting up an equation: 'of' becomes times, 'is' becomes an equals sign, 'more than' becomes addition.",
        ),
    ),
    (
        (
            "behavior_combine_like_terms",
            "Simplify each side by combining like terms before moving terms across the equals sign.",
        ),
        (
            "behavior_gather_similar_terms_first",
            "Merge terms with the same variable and power on each side first, so the equation is as short as possible before isolating the unknown.",
        ),
    ),
    # --- geometry and measurement ---
    (
        (
            "behavior_sketch_labeled_diagram",
            "Draw a diagram and label every given length and angle before starting a geometry calculation.",
        ),
        (
            "behavior_draw_figure_with_givens",
            "Begin geometry problems by sketching the figure and marking all known measurements on it.",
        ),
    ),
    (
        (
            "behavior_pythagoras_right_triangle",
            "In a right triangle, find a missing side with a^2 + b^2 = c^2, where c is the side opposite the right angle.",
        ),
        (
            "behavior_hypotenuse_squares_sum",
            "When a triangle has a right angle, the square of the longest side equals the sum of the squares of the two legs; use this to get the unknown side.",
        ),
    ),
    (
        (
            "behavior_same_units_before_area",
            "Convert all lengths to one unit before computing an area or volume.",
        ),
        (
            "behavior_unify_length_units",
            "If dimensions are given in mixed units, such as metres and centimetres, express them in a single unit first, because an area computed from mixed units is meaningless.",
        ),
    ),
    (
        (
            "behavior_square_units_for_area",
            "Report areas in square units and volumes in cubic units.",
        ),
        (
            "behavior_dimension_of_answer_units",
            "Give the answer's unit its right power: lengths in cm, areas in cm^2, volumes in cm^3.",
        ),
    ),
    (
        (
            "behavior_triangle_angles_180",
            "Use the fact that a triangle's interior angles total 180 degrees to find a missing angle.",
        ),
        (
            "behavior_missing_angle_from_sum",
            "Subtract the two known angles of a triangle from 180 degrees to get the third.",
        ),
    ),
    (
        (
            "behavior_radius_from_diameter",
            "When a circle's diameter is given, halve it to get the radius before using formulas written in terms of r.",
        ),
        (
            "behavior_halve_diameter_first",
            "Check whether the problem gives a diameter; if so, divide by two to obtain r before substituting into pi r^2 or 2 pi r.",
        ),
    ),
    (
        (
            "behavior_decompose_composite_shape",
            "Split a composite figure into rectangles, triangles and circles, find each area, and add them.",
        ),
        (
            "behavior_sum_of_simple_areas",
            "Find the area of an irregular shape by cutting it into familiar pieces whose areas you can compute and summing those areas.",
        ),
    ),
    (
        (
            "behavior_similar_triangles_ratio",
            "For similar triangles, set up ratios of corresponding sides and solve the proportion for the unknown length.",
        ),
        (
            "behavior_corresponding_sides_proportional",
            "When two triangles are similar, match corresponding sides and equate their ratios to find a missing side.",
        ),
    ),
    (
        (
            "behavior_area_scales_by_square",
            "When lengths are scaled by a factor k, multiply the area by k squared, not by k.",
        ),
        (
            "behavior_squared_factor_for_area",
            "Scaling a figure by k changes its area by a factor of k^2; doubling every side makes the area four times larger.",
        ),
    ),
    (
        (
            "behavior_prism_volume_base_height",
            "Compute the volume of a prism or cylinder as the area of its base times its height.",
        ),
        (
            "behavior_cross_section_times_length",
            "For any solid with a constant cross-section, multiply the cross-sectional area by the length to obtain the volume.",
        ),
    ),
    (
        (
            "behavior_perimeter_all_sides",
            "For a perimeter, add the lengths of every outer side, inferring any unlabelled sides from the given ones.",
        ),
        (
            "behavior_fill_missing_sides_perimeter",
            "Before summing a perimeter, work out the lengths of sides that are not labelled, then add up all boundary edges.",
        ),
    ),
    (
        (
            "behavior_keep_pi_exact",
            "Keep pi as a symbol until the final step and round only at the end, unless the problem says to use 3.14.",
        ),
        (
            "behavior_defer_pi_approximation",
            "Leave answers in terms of pi through intermediate work and substitute a decimal for pi only when giving the final value.",
        ),
    ),
    (
        (
            "behavior_straight_line_angles_180",
            "Angles on a straight line add to 180 degrees; use this to find an adjacent unknown angle.",
        ),
        (
            "behavior_supplementary_adjacent_angles",
            "When two angles sit side by side on a line, treat them as supplementary and subtract the known one from 180.",
        ),
    ),
    (
        (
            "behavior_alternate_angles_parallel",
            "When a line crosses two parallel lines, use that alternate interior angles are equal to transfer known angles.",
        ),
        (
            "behavior_transversal_equal_z_angles",
            "With parallel lines cut by a transversal, the Z-shaped pairs of angles are equal; copy a known angle across to the other line.",
        ),
    ),
    (
        (
            "behavior_distance_formula_points",
            "Find the distance between two points as the square root of the sum of squared differences in x and y.",
        ),
        (
            "behavior_pythagoras_on_coordinates",
            "To get the length of a segment on a grid, treat the x and y differences as legs of a right triangle and take the hypotenuse.",
        ),
    ),
    (
        (
            "behavior_triangle_half_base_height",
            "Compute a triangle's area as one half times base times the perpendicular height to that base.",
        ),
        (
            "behavior_perpendicular_height_triangle_area",
            "For triangle area use 0.5 * b * h, making sure h is measured at right angles to the chosen base, not along a slanted side.",
        ),
    ),
    (
        (
            "behavior_convert_square_units",
            "When converting an area between units, square the length conversion factor; 1 square metre is 10000 square centimetres.",
        ),
        (
            "behavior_area_conversion_factor_squared",
            "Convert areas using the length factor raised to the second power, since each of the two dimensions is converted.",
        ),
    ),
    # --- number theory ---
    (
        (
            "behavior_trial_divide_to_sqrt",
            "To test whether n is prime, try dividing by primes up to the square root of n only.",
        ),
        (
            "behavior_primality_sqrt_bound",
            "When checking primality, stop testing divisors once they exceed sqrt(n), since any larger factor pairs with a smaller one already tested.",
        ),
    ),
    (
        (
            "behavior_prime_factorize_first",
            "For gcd, lcm or divisor questions, start by writing each number as a product of prime powers.",
        ),
        (
            "behavior_write_prime_power_form",
            "Express the numbers involved in their prime factorisation before answering questions about their common factors or multiples.",
        ),
    ),
    (
        (
            "behavior_gcd_min_exponents",
            "Get the gcd by taking each shared prime to the smaller of its exponents in the two factorisations.",
        ),
        (
            "behavior_hcf_lowest_powers",
            "The highest common factor is the product of the common primes raised to their lowest powers.",
        ),
    ),
    (
        (
            "behavior_lcm_max_exponents",
            "Get the lcm by taking every prime that appears in either number to the larger of its two exponents.",
        ),
        (
            "behavior_lcm_highest_powers",
            "Form the least common multiple from all primes present, each raised to the highest power it has in any of the numbers.",
        ),
    ),
    (
        (
            "behavior_gcd_lcm_product_identity",
            "For two positive integers, use gcd times lcm equals the product of the numbers to find one from the other.",
        ),
        (
            "behavior_lcm_from_gcd",
            "Use the relation a*b = gcd(a,b)*lcm(a,b): knowing either the gcd or the lcm of two numbers gives the other.",
        ),
    ),
    (
        (
            "behavior_euclidean_algorithm",
            "Find the gcd of large numbers with the Euclidean algorithm: replace the pair by the smaller number and the remainder until the remainder is zero.",
        ),
        (
            "behavior_repeated_remainder_gcd",
            "For the greatest common divisor of big numbers, divide repeatedly and keep the last nonzero remainder rather than factoring.",
        ),
    ),
    (
        (
            "behavior_digit_sum_divisible_3",
            "Check divisibility by 3 by adding the digits and testing whether that sum is a multiple of 3.",
        ),
        (
            "behavior_three_test_digit_total",
            "A number is a multiple of 3 exactly when its digit total is; sum the digits to decide.",
        ),
    ),
    (
        (
            "behavior_last_two_digits_for_4",
            "To test divisibility by 4, check only whether the number formed by the last two digits is divisible by 4.",
        ),
        (
            "behavior_four_rule_final_pair",
            "Decide whether a number is divisible by four from its final two digits alone, since 100 is a multiple of 4.",
        ),
    ),
    (
        (
            "behavior_divisor_count_formula",
            "Count the divisors of n by adding one to each exponent in its prime factorisation and multiplying the results.",
        ),
        (
            "behavior_tau_from_exponents",
            "For the number of factors of p^a q^b, compute (a+1)(b+1); each exponent can be chosen from 0 up to its maximum.",
        ),
    ),
    (
        (
            "behavior_one_not_prime",
            "Remember that 1 is not a prime number when listing or counting primes.",
        ),
        (
            "behavior_exclude_one_from_primes",
            "Do not count 1 among the primes; the smallest prime is 2.",
        ),
    ),
    (
        (
            "behavior_reduce_mod_early",
            "When finding the remainder of a large product or power, reduce each factor modulo n at every step to keep numbers small.",
        ),
        (
            "behavior_work_with_residues",
            "Replace numbers by their remainders mod n as you multiply, since the final remainder is unchanged and the arithmetic stays small.",
        ),
    ),
    (
        (
            "behavior_units_digit_cycle",
            "Find the last digit of a large power by listing the units digits of successive powers until they repeat, then use the exponent mod the cycle length.",
        ),
        (
            "behavior_last_digit_periodicity",
            "Units digits of powers repeat in short cycles; find the period and reduce the exponent by it to get the final digit.",
        ),
    ),
    (
        (
            "behavior_lcm_for_coinciding_events",
            "When repeating events with different periods must happen together again, the waiting time is the lcm of the periods.",
        ),
        (
            "behavior_next_simultaneous_occurrence",
            "Find the next time cycles of different lengths align, such as buses every 12 and 18 minutes, by taking the least common multiple of the lengths (36).",
        ),
    ),
    (
        (
            "behavior_gcd_for_equal_groups",
            "When items of several kinds must be shared into as many identical bundles as possible with none left over, the number of bundles is the gcd of the counts.",
        ),
        (
            "behavior_largest_common_share",
            "The greatest number of equal packs you can make from several stocks without leftovers is their greatest common divisor.",
        ),
    ),
    (
        (
            "behavior_parity_argument",
            "Check the parity of both sides of an equation in integers; if one side is always odd and the other always even, there is no solution.",
        ),
        (
            "behavior_odd_even_contradiction",
            "For integer equations, compare whether each side is even or odd; a mismatch proves no integer solution exists.",
        ),
    ),
    (
        (
            "behavior_consecutive_product_divisible",
            "Use that a product of k consecutive integers is divisible by k factorial, for example n(n+1) is always even.",
        ),
        (
            "behavior_consecutive_factors_factorial",
            "Any run of k consecutive integers multiplies to a multiple of k!, so three consecutive integers always give a multiple of 6.",
        ),
    ),
    (
        (
            "behavior_write_division_form",
            "Express a number with a known remainder as n = q d + r with 0 <= r < d, then substitute that form.",
        ),
        (
            "behavior_quotient_remainder_expression",
            "When told n leaves remainder r on division by d, write n as d times some integer plus r and work with that expression.",
        ),
    ),
    # --- statistics ---
    (
        (
            "behavior_sort_before_median",
            "Sort the data in increasing order before picking the median.",
        ),
        (
            "behavior_order_values_for_middle",
            "Arrange all values from smallest to largest first, since the median is the middle of the ordered list, not of the list as given.",
        ),
    ),
    (
        (
            "behavior_median_even_count",
            "When the data set has an even number of values, take the median as the mean of the two middle values.",
        ),
        (
            "behavior_average_two_central_values",
            "For an even-sized list, the median is halfway between the two central entries once sorted.",
        ),
    ),
    (
        (
            "behavior_mean_sum_over_count",
            "Compute the mean by adding all values and dividing by how many values there are.",
        ),
        (
            "behavior_arithmetic_average",
            "The average equals the total of the observations divided by the number of observations.",
        ),
    ),
    (
        (
            "behavior_total_from_mean",
            "When a mean and count are given, multiply them to get the total, then subtract known values to find a missing one.",
        ),
        (
            "behavior_recover_missing_by_sum",
            "To find an unknown data value from a stated average, compute the required sum as average times count and take away the values you know.",
        ),
    ),
    (
        (
            "behavior_range_max_minus_min",
            "Find the range as the largest value minus the smallest value.",
        ),
        (
            "behavior_spread_highest_lowest",
            "Compute the range by subtracting the minimum observation from the maximum.",
        ),
    ),
    (
        (
            "behavior_mode_all_ties",
            "Report every value tied for the highest frequency as a mode, not just the first one found.",
        ),
        (
            "behavior_list_multiple_modes",
            "If several values occur equally often and most often, the data set has several modes; give all of them.",
        ),
    ),
    (
        (
            "behavior_frequency_weighted_mean",
            "For a frequency table, multiply each value by its frequency, sum the products, and divide by the total frequency.",
        ),
        (
            "behavior_mean_from_tally",
            "When data come as value-count pairs, the mean is the sum of value times count over the sum of counts, not the average of the distinct values.",
        ),
    ),
    (
        (
            "behavior_combined_group_mean",
            "To combine the means of two groups, weight each mean by its group size rather than averaging the means directly.",
        ),
        (
            "behavior_pooled_average_by_sizes",
            "The overall average of merged groups is (n1 m1 + n2 m2) / (n1 + n2); a plain average of the group means is wrong unless the groups are equal in size.",
        ),
    ),
    (
        (
            "behavior_shift_adds_to_mean",
            "If the same constant is added to every value, add it to the mean and median and leave the range unchanged.",
        ),
        (
            "behavior_translation_effect_stats",
            "Shifting all data by c shifts the mean and median by c while the range stays the same.",
        ),
    ),
    (
        (
            "behavior_median_position_formula",
            "For an odd number n of sorted values, take the median as the value in position (n + 1) / 2.",
        ),
        (
            "behavior_middle_index_rule",
            "In a sorted list with an odd count n, the median is the entry at index (n+1)/2, counting from one.",
        ),
    ),
    (
        (
            "behavior_median_for_outliers",
            "When the data contain an extreme outlier, describe the centre with the median, which the outlier barely moves.",
        ),
        (
            "behavior_robust_centre_choice",
            "Prefer the median over the mean as the typical value if one observation is far from the rest, because the mean is dragged toward it.",
        ),
    ),
    (
        (
            "behavior_count_data_points",
            "Count the number of data values carefully before computing a mean or median, including repeated values.",
        ),
        (
            "behavior_include_repeats_in_n",
            "Make sure n counts every observation, duplicates included, when dividing for the mean or locating the median.",
        ),
    ),
    (
        (
            "behavior_update_mean_new_value",
            "When a value is added to a set, recompute the mean as the new total divided by the new count.",
        ),
        (
            "behavior_mean_after_insertion",
            "After another score joins the list, add it to the old sum (old mean times old count) and divide by the old count plus one.",
        ),
    ),
    (
        (
            "behavior_relative_frequency",
            "Convert counts to relative frequencies by dividing each count by the total number of observations.",
        ),
        (
            "behavior_proportion_of_total",
            "Express each category's frequency as a share of all observations, count over total, to compare categories.",
        ),
    ),
    (
        (
            "behavior_mean_within_bounds_check",
            "Check that a computed mean lies between the smallest and largest values; if not, there is an arithmetic error.",
        ),
        (
            "behavior_sanity_average_in_range",
            "An average can never be below the minimum or above the maximum of the data, so verify your result falls in that interval.",
        ),
    ),
    (
        (
            "behavior_class_midpoints_grouped",
            "For grouped data, use the midpoint of each class interval as its representative value when estimating the mean.",
        ),
        (
            "behavior_interval_centre_estimate",
            "Estimate the mean of binned data by treating every value in a bin as the bin's centre and weighting by frequency.",
        ),
    ),
    # --- probability and counting ---
    (
        (
            "behavior_complement_at_least_one",
            "For the probability of at least one success, compute one minus the probability of no successes.",
        ),
        (
            "behavior_use_none_complement",
            "When a question asks for 'at least one', find the chance of none and subtract it from 1.",
        ),
    ),
    (
        (
            "behavior_multiply_independent_probs",
            "For independent events all occurring, multiply their individual probabilities.",
        ),
        (
            "behavior_and_rule_independence",
            "The chance that several independent events all happen is the product of their separate chances.",
        ),
    ),
    (
        (
            "behavior_update_after_draw",
            "When drawing without replacement, reduce the totals after each draw before computing the next probability.",
        ),
        (
            "behavior_shrinking_pool_draws",
            "Without replacement, the second draw's probability uses one fewer item in total and one fewer of the kind already drawn.",
        ),
    ),
    (
        (
            "behavior_decide_order_matters",
            "Before counting, decide whether order matters; use permutations if it does and combinations if it does not.",
        ),
        (
            "behavior_arrangement_or_selection",
            "Ask whether the outcome is an arrangement or a selection: arrangements count with nPr, selections with nCr.",
        ),
    ),
    (
        (
            "behavior_multiplication_principle",
            "When a choice is made in stages, multiply the number of options at each stage to count the outcomes.",
        ),
        (
            "behavior_product_of_stage_options",
            "Count sequences of independent choices, like 3 shirts and 4 trousers, by multiplying the options per choice, giving 12 outfits.",
        ),
    ),
    (
        (
            "behavior_enumerate_sample_space",
            "For small experiments, list the full sample space, like all 36 outcomes of two dice, and count the favourable outcomes.",
        ),
        (
            "behavior_write_all_outcomes",
            "When the experiment is small, write out every equally likely outcome in a grid or list and count those that satisfy the event.",
        ),
    ),
    (
        (
            "behavior_inclusion_exclusion_two_sets",
            "For the size of A or B, add the sizes of A and B and subtract the size of their overlap.",
        ),
        (
            "behavior_subtract_double_count",
            "When counting items in either of two groups, the overlap is counted twice by simple addition, so remove it once.",
        ),
    ),
    (
        (
            "behavior_probability_bounds_check",
            "Check that every probability you compute is between 0 and 1; a value outside means a mistake.",
        ),
        (
            "behavior_validate_probability_value",
            "Reject any answer for a probability that is negative or greater than one and recheck the work.",
        ),
    ),
    (
        (
            "behavior_divide_repeated_letters",
            "To count arrangements of a word with repeated letters, divide n! by the factorial of each letter's multiplicity.",
        ),
        (
            "behavior_multiset_permutations",
            "Arrangements of items where some are identical number n! over the product of the factorials of the repeat counts, e.g. 5!/(2!2!) = 30 for LEVEL.",
        ),
    ),
    (
        (
            "behavior_expected_value_weighted_sum",
            "Compute expected value as the sum of each outcome times its probability.",
        ),
        (
            "behavior_probability_weighted_average",
            "The expectation of a game is the probability-weighted average of its payoffs: multiply each payoff by its chance and add.",
        ),
    ),
    (
        (
            "behavior_restrict_to_condition",
            "For a conditional probability, restrict the sample space to outcomes where the condition holds and count within it.",
        ),
        (
            "behavior_given_shrinks_space",
            "When told an event has happened, count only the outcomes consistent with it, using them as the new total.",
        ),
    ),
    (
        (
            "behavior_equally_likely_check",
            "Before using favourable over total, make sure the outcomes you count are equally likely; sums of two dice are not.",
        ),
        (
            "behavior_confirm_uniform_outcomes",
            "Only divide favourable by possible outcomes if every outcome has the same chance; otherwise count at a finer level, such as ordered dice pairs.",
        ),
    ),
    (
        (
            "behavior_circular_arrangements",
            "Count seatings around a round table as (n - 1)!, since rotations of a seating are the same.",
        ),
        (
            "behavior_fix_one_seat_circle",
            "For circular arrangements, fix one person's position to remove rotational copies, then arrange the rest in (n-1)! ways.",
        ),
    ),
    (
        (
            "behavior_add_exclusive_probabilities",
            "For events that cannot happen together, find the probability of one or the other by adding their probabilities.",
        ),
        (
            "behavior_or_rule_disjoint",
            "If two outcomes are mutually exclusive, P(A or B) = P(A) + P(B).",
        ),
    ),
    (
        (
            "behavior_count_complement",
            "When direct counting has many cases, count the arrangements that violate the condition and subtract from the total.",
        ),
        (
            "behavior_total_minus_bad_cases",
            "If the allowed cases are hard to list, count all cases and take away the forbidden ones.",
        ),
    ),
    (
        (
            "behavior_binomial_probability",
            "For exactly k successes in n independent trials, use C(n,k) p^k (1-p)^(n-k).",
        ),
        (
            "behavior_choose_positions_then_multiply",
            "Count exactly k successes in n repeated trials by choosing which k trials succeed, C(n,k), and multiplying by p^k times (1-p)^(n-k).",
        ),
    ),
]

TRAIN_B_DIFFERENT: list[Pair] = [
    # --- word problems ---
    (
        (
            "behavior_sum_rates_working_together",
            "When two machines work on the same job at once, add their rates to get the combined rate.",
        ),
        (
            "behavior_difference_rates_opposing",
            "When one pipe fills a tank while another empties it, subtract the emptying rate from the filling rate.",
        ),
    ),
    (
        (
            "behavior_same_direction_relative_speed",
            "When one vehicle chases another in the same direction, use the difference of their speeds as the rate at which the gap closes.",
        ),
        (
            "behavior_opposite_direction_relative_speed",
            "When two vehicles move apart in opposite directions, use the sum of their speeds as the rate at which the gap grows.",
        ),
    ),
    (
        (
            "behavior_kmh_to_ms",
            "Convert a speed from km per hour to metres per second by multiplying by 5/18.",
        ),
        (
            "behavior_ms_to_kmh",
            "Convert a speed from metres per second to km per hour by multiplying by 18/5.",
        ),
    ),
    (
        (
            "behavior_percent_change_over_original",
            "Compute a percent change as the difference divided by the original value, times 100.",
        ),
        (
            "behavior_find_original_before_increase",
            "To recover a price before a p percent increase, divide the new price by (1 + p/100) rather than subtracting p percent.",
        ),
    ),
    (
        (
            "behavior_age_difference_constant",
            "Use the fact that the difference between two people's ages stays the same over time.",
        ),
        (
            "behavior_age_ratio_changes",
            "Do not assume the ratio of two people's ages stays fixed; recompute the ratio at each time point from the actual ages.",
        ),
    ),
    (
        (
            "behavior_final_concentration_of_blend",
            "To find the concentration after mixing two solutions, divide the total pure substance by the total volume.",
        ),
        (
            "behavior_water_to_dilute",
            "To find how much water to add to reach a lower concentration, keep the solute fixed, solve for the new total volume, then subtract the old volume.",
        ),
    ),
    (
        (
            "behavior_solve_meeting_time",
            "Set the sum of the distances covered by two approaching travellers equal to their initial separation and solve for the time.",
        ),
        (
            "behavior_check_meeting_positions",
            "After finding a meeting time, compute where each traveller is at that time and confirm they are at the same point.",
        ),
    ),
    (
        (
            "behavior_time_from_distance_speed",
            "Find the travel time by dividing the distance by the speed.",
        ),
        (
            "behavior_distance_from_speed_time",
            "Find the distance travelled by multiplying the speed by the time spent moving.",
        ),
    ),
    (
        (
            "behavior_inverse_proportion_workers",
            "When more workers share a fixed job, the days needed fall in inverse proportion: workers times days stays constant.",
        ),
        (
            "behavior_direct_proportion_cost",
            "When buying more units at a fixed price, the cost rises in direct proportion: cost divided by units stays constant.",
        ),
    ),
    (
        (
            "behavior_simple_interest_linear",
            "For simple interest, add the same interest amount each year, computed on the original principal only.",
        ),
        (
            "behavior_compound_interest_growth",
            "For compound interest, multiply the balance by (1 + r) each period, so interest is earned on earlier interest.",
        ),
    ),
    (
        (
            "behavior_downstream_speed_sum",
            "For a boat moving with the current, add the current's speed to the boat's still-water speed.",
        ),
        (
            "behavior_upstream_speed_difference",
            "For a boat moving against the current, subtract the current's speed from the boat's still-water speed.",
        ),
    ),
    (
        (
            "behavior_units_consistent_rates",
            "Convert all rates to the same time unit before adding or comparing them.",
        ),
        (
            "behavior_triangle_inequality_check",
            "Check that any two sides of a proposed triangle sum to more than the third before accepting the triangle.",
        ),
    ),
    (
        (
            "behavior_work_backwards_from_end",
            "When a story gives the final amount after a sequence of steps, undo the steps in reverse order to find the starting amount.",
        ),
        (
            "behavior_range_after_sorting",
            "Sort the data first so the minimum and maximum can be read off when computing the range.",
        ),
    ),
    (
        (
            "behavior_profit_on_cost_price",
            "Compute percentage profit relative to the cost price, not the selling price.",
        ),
        (
            "behavior_probability_tree_branches",
            "Draw a tree diagram for multi-stage experiments and multiply along the branches to get each path's probability.",
        ),
    ),
    (
        (
            "behavior_ages_system_two_statements",
            "Turn each age statement into its own equation and solve the two equations together.",
        ),
        (
            "behavior_even_odd_sum_rule",
            "Use that the sum of two odd numbers is even when reasoning about parity.",
        ),
    ),
    (
        (
            "behavior_estimate_answer_magnitude",
            "Estimate a rough answer before computing so you can spot results that are off by a factor of ten.",
        ),
        (
            "behavior_arrange_books_shelf",
            "Count the orderings of n distinct objects in a row as n factorial.",
        ),
    ),
    (
        (
            "behavior_check_mixture_between_parts",
            "Check that a mixture's computed concentration lies between the concentrations of the solutions mixed; otherwise redo the setup.",
        ),
        (
            "behavior_solve_quadratic_by_formula",
            "When a quadratic does not factor easily, use x = (-b plus or minus sqrt(b^2 - 4ac)) / (2a).",
        ),
    ),
    # --- algebra and equations ---
    (
        (
            "behavior_expand_brackets",
            "Multiply out brackets, distributing each term, to write a product as a sum of terms.",
        ),
        (
            "behavior_factor_into_brackets",
            "Rewrite a sum of terms as a product by finding common factors or a factorisation pattern.",
        ),
    ),
    (
        (
            "behavior_read_slope_from_form",
            "In y = mx + b, read the slope as the coefficient m of x.",
        ),
        (
            "behavior_read_intercept_from_form",
            "In y = mx + b, read the y-intercept as the constant b, the value of y when x is 0.",
        ),
    ),
    (
        (
            "behavior_parallel_equal_slopes",
            "Give a line parallel to a given line the same slope as that line.",
        ),
        (
            "behavior_perpendicular_negative_reciprocal",
            "Give a line perpendicular to a given line the negative reciprocal of that line's slope.",
        ),
    ),
    (
        (
            "behavior_substitution_method_system",
            "Solve one equation of a system for one variable and substitute that expression into the other equation.",
        ),
        (
            "behavior_check_solution_both_equations",
            "After solving a system, substitute the pair of values into both original equations to confirm each holds.",
        ),
    ),
    (
        (
            "behavior_power_of_power_multiply",
            "When raising a power to another power, keep the base and multiply the exponents.",
        ),
        (
            "behavior_divide_powers_subtract",
            "When dividing powers with the same base, keep the base and subtract the exponents.",
        ),
    ),
    (
        (
            "behavior_abs_equation_two_cases",
            "Solve |x - a| = k by solving x - a = k and x - a = -k separately.",
        ),
        (
            "behavior_abs_less_than_between",
            "Solve |x - a| < k by writing the double inequality -k < x - a < k.",
        ),
    ),
    (
        (
            "behavior_difference_of_squares",
            "Factor an expression of the form a^2 - b^2 as (a - b)(a + b).",
        ),
        (
            "behavior_perfect_square_trinomial",
            "Factor an expression of the form a^2 + 2ab + b^2 as (a + b)^2.",
        ),
    ),
    (
        (
            "behavior_compose_inner_first",
            "To evaluate f(g(x)), compute g(x) first and then apply f to the result.",
        ),
        (
            "behavior_find_inverse_swap",
            "To find an inverse function, swap x and y in y = f(x) and solve for y.",
        ),
    ),
    (
        (
            "behavior_vertex_x_formula",
            "Find the x-coordinate of a parabola's vertex with x = -b / (2a).",
        ),
        (
            "behavior_parabola_x_intercepts",
            "Find where a parabola crosses the x-axis by setting y = 0 and solving the quadratic.",
        ),
    ),
    (
        (
            "behavior_sum_of_roots",
            "For ax^2 + bx + c = 0, get the sum of the roots directly as -b/a without solving.",
        ),
        (
            "behavior_product_of_roots",
            "For ax^2 + bx + c = 0, get the product of the roots directly as c/a without solving.",
        ),
    ),
    (
        (
            "behavior_log_product_to_sum",
            "Rewrite the log of a product as the sum of the logs of the factors.",
        ),
        (
            "behavior_log_to_exponential_form",
            "Convert log_b(x) = y into b^y = x to solve for the unknown.",
        ),
    ),
    (
        (
            "behavior_cross_multiply_proportion",
            "Solve a proportion a/b = c/d by cross-multiplying to get ad = bc.",
        ),
        (
            "behavior_stem_leaf_read_keys",
            "Read the key of a stem-and-leaf plot before converting leaves into data values.",
        ),
    ),
    (
        (
            "behavior_substitute_given_values",
            "Substitute the given numerical values for the variables and evaluate following the order of operations.",
        ),
        (
            "behavior_circle_area_formula",
            "Compute the area of a circle as pi times the radius squared.",
        ),
    ),
    (
        (
            "behavior_isolate_square_before_root",
            "Isolate the squared term before taking square roots, and include both the positive and the negative root.",
        ),
        (
            "behavior_count_handshakes_pairs",
            "Count handshakes among n people as n choose 2, since each handshake is an unordered pair.",
        ),
    ),
    (
        (
            "behavior_graph_to_check_intersection",
            "Sketch both graphs to see roughly where they intersect before solving the system algebraically.",
        ),
        (
            "behavior_divisibility_by_5",
            "Treat a number as divisible by 5 exactly when its last digit is 0 or 5.",
        ),
    ),
    (
        (
            "behavior_arithmetic_sequence_nth",
            "Find the nth term of an arithmetic sequence as the first term plus (n - 1) times the common difference.",
        ),
        (
            "behavior_mode_highest_frequency",
            "Identify the mode as the value that appears most often in the data.",
        ),
    ),
    (
        (
            "behavior_geometric_sequence_ratio",
            "Find the common ratio of a geometric sequence by dividing any term by the term before it.",
        ),
        (
            "behavior_angle_sum_polygon",
            "Find the sum of the interior angles of an n-sided polygon as (n - 2) times 180 degrees.",
        ),
    ),
    # --- geometry and measurement ---
    (
        (
            "behavior_rectangle_area_product",
            "Compute a rectangle's area by multiplying its length by its width.",
        ),
        (
            "behavior_rectangle_perimeter_sum",
            "Compute a rectangle's perimeter as twice the sum of its length and width.",
        ),
    ),
    (
        (
            "behavior_circumference_two_pi_r",
            "Use 2 pi r for the distance around a circle, for example the length of fence around a round garden.",
        ),
        (
            "behavior_circle_area_pi_r_squared",
            "Use pi r^2 for the region inside a circle, for example the amount of grass seed for a round lawn.",
        ),
    ),
    (
        (
            "behavior_box_volume_lwh",
            "Find how much a box holds by multiplying its length, width and height.",
        ),
        (
            "behavior_box_surface_area",
            "Find how much material covers a box by adding the areas of its six faces, 2(lw + lh + wh).",
        ),
    ),
    (
        (
            "behavior_compute_side_pythagoras",
            "Use a^2 + b^2 = c^2 to compute an unknown side length of a triangle already known to be right-angled.",
        ),
        (
            "behavior_test_right_angle_converse",
            "To decide whether a triangle with three given sides is right-angled, check whether the square of the longest side equals the sum of the other two squares.",
        ),
    ),
    (
        (
            "behavior_degrees_to_radians",
            "Convert an angle from degrees to radians by multiplying by pi/180.",
        ),
        (
            "behavior_radians_to_degrees",
            "Convert an angle from radians to degrees by multiplying by 180/pi.",
        ),
    ),
    (
        (
            "behavior_regular_interior_angle",
            "Find each interior angle of a regular n-gon as (n - 2) * 180 / n degrees.",
        ),
        (
            "behavior_regular_exterior_angle",
            "Find each exterior angle of a regular n-gon as 360 / n degrees.",
        ),
    ),
    (
        (
            "behavior_volume_scales_cube",
            "When all lengths of a solid are multiplied by k, multiply its volume by k cubed.",
        ),
        (
            "behavior_surface_scales_square",
            "When all lengths of a solid are multiplied by k, multiply its surface area by k squared.",
        ),
    ),
    (
        (
            "behavior_add_parts_for_total_area",
            "For a figure made by joining shapes together, add the areas of the parts.",
        ),
        (
            "behavior_subtract_hole_for_shaded",
            "For a shaded region left after cutting one shape out of another, subtract the inner area from the outer area.",
        ),
    ),
    (
        (
            "behavior_arc_length_fraction",
            "Find an arc's length as the central angle over 360 times the circumference.",
        ),
        (
            "behavior_sector_area_fraction",
            "Find a sector's area as the central angle over 360 times the area of the whole circle.",
        ),
    ),
    (
        (
            "behavior_midpoint_average_coords",
            "Find the midpoint of a segment by averaging the x-coordinates and averaging the y-coordinates of its endpoints.",
        ),
        (
            "behavior_segment_length_coords",
            "Find the length of a segment as the square root of the squared x-difference plus the squared y-difference.",
        ),
    ),
    (
        ("behavior_cylinder_volume", "Compute a cylinder's volume as pi r^2 h."),
        (
            "behavior_cone_volume_third",
            "Compute a cone's volume as one third of pi r^2 h, a third of the cylinder with the same base and height.",
        ),
    ),
    (
        (
            "behavior_vertical_angles_equal",
            "When two lines cross, set the vertically opposite angles equal.",
        ),
        (
            "behavior_lcm_common_denominator",
            "Add fractions by rewriting them over the lcm of their denominators.",
        ),
    ),
    (
        (
            "behavior_parallelogram_area",
            "Compute a parallelogram's area as base times perpendicular height, not base times slanted side.",
        ),
        (
            "behavior_sample_without_replacement_count",
            "Count ordered draws of k items without replacement from n as n(n-1)...(n-k+1).",
        ),
    ),
    (
        (
            "behavior_isosceles_base_angles",
            "In an isosceles triangle, set the two base angles equal.",
        ),
        (
            "behavior_interest_rate_decimal",
            "Convert a percentage interest rate to a decimal before using it in a formula.",
        ),
    ),
    (
        (
            "behavior_trapezoid_area",
            "Compute a trapezoid's area as the average of the parallel sides times the height.",
        ),
        (
            "behavior_mean_absolute_deviation",
            "Find the mean absolute deviation by averaging the absolute distances of the values from the mean.",
        ),
    ),
    (
        (
            "behavior_inscribed_angle_half",
            "Take an inscribed angle as half the central angle that subtends the same arc.",
        ),
        (
            "behavior_solve_linear_by_balancing",
            "Solve a one-variable linear equation by performing the same operation on both sides.",
        ),
    ),
    (
        ("behavior_cube_volume_side_cubed", "Compute a cube's volume by cubing its edge length."),
        (
            "behavior_percent_to_fraction",
            "Convert a percentage to a fraction over 100 and simplify before multiplying.",
        ),
    ),
    # --- number theory ---
    (
        (
            "behavior_gcd_for_largest_tile",
            "To find the largest square tile that exactly covers a rectangular floor, take the gcd of the floor's side lengths.",
        ),
        (
            "behavior_lcm_for_smallest_square",
            "To find the smallest square that identical rectangular tiles can form, take the lcm of the tile's side lengths.",
        ),
    ),
    (
        (
            "behavior_nine_test_digit_sum",
            "Test divisibility by 9 by checking whether the digit sum is a multiple of 9.",
        ),
        (
            "behavior_eleven_alternating_sum",
            "Test divisibility by 11 by checking whether the alternating sum of the digits is a multiple of 11.",
        ),
    ),
    (
        (
            "behavior_eight_last_three_digits",
            "Test divisibility by 8 using only the number formed by the last three digits.",
        ),
        (
            "behavior_two_last_digit_even",
            "Test divisibility by 2 by checking whether the last digit is even.",
        ),
    ),
    (
        (
            "behavior_number_of_divisors",
            "Find how many divisors n has by multiplying together one more than each prime exponent.",
        ),
        (
            "behavior_sum_of_divisors",
            "Find the sum of the divisors of n by multiplying, over each prime power p^a, the sums 1 + p + ... + p^a.",
        ),
    ),
    (
        (
            "behavior_factor_tree_split",
            "Build a prime factorisation by repeatedly dividing by the smallest prime that divides the current number.",
        ),
        (
            "behavior_multiply_factors_back",
            "After finding a prime factorisation, multiply the factors together to confirm they give the original number.",
        ),
    ),
    (
        (
            "behavior_nonnegative_remainder",
            "When a computed remainder is negative, add the divisor to bring it into the range 0 to d - 1.",
        ),
        (
            "behavior_remainder_of_product",
            "Find the remainder of a product by multiplying the remainders of the factors and reducing again.",
        ),
    ),
    (
        (
            "behavior_sieve_for_many_primes",
            "To list all primes below a bound, use the sieve of Eratosthenes, crossing out the multiples of each prime.",
        ),
        (
            "behavior_trial_division_single",
            "To decide whether one given number is prime, divide it by the primes up to its square root.",
        ),
    ),
    (
        (
            "behavior_coprime_via_gcd",
            "Decide whether two numbers are coprime by checking that their gcd is 1.",
        ),
        (
            "behavior_coprime_lcm_product",
            "When two numbers are known to be coprime, take their lcm to be simply their product.",
        ),
    ),
    (
        (
            "behavior_odd_product_all_odd",
            "Treat a product of integers as odd only when every factor is odd; one even factor makes it even.",
        ),
        (
            "behavior_odd_count_odd_sum",
            "Treat a sum of integers as odd exactly when it contains an odd number of odd terms.",
        ),
    ),
    (
        (
            "behavior_trailing_zeros_factorial",
            "Count the trailing zeros of n! by summing floor(n/5) + floor(n/25) + floor(n/125) and so on.",
        ),
        (
            "behavior_power_of_two_in_factorial",
            "Find the exponent of 2 in n! by summing floor(n/2) + floor(n/4) + floor(n/8) and so on.",
        ),
    ),
    (
        (
            "behavior_units_digit_product",
            "Get the units digit of a product by multiplying only the units digits of the factors.",
        ),
        (
            "behavior_last_two_digits_mod_100",
            "Get the last two digits of a number by working modulo 100.",
        ),
    ),
    (
        (
            "behavior_prime_check_small_divisors",
            "Check a number for the small prime divisors 2, 3, 5 and 7 before declaring it prime.",
        ),
        ("behavior_rate_times_time_work", "Compute the amount of work done as rate times time."),
    ),
    (
        (
            "behavior_gcd_simplify_fraction",
            "Reduce a fraction to lowest terms by dividing numerator and denominator by their gcd.",
        ),
        (
            "behavior_median_of_grouped_cumulative",
            "For grouped data, locate the median class from the cumulative frequencies.",
        ),
    ),
    (
        (
            "behavior_perfect_square_even_exponents",
            "Decide that a number is a perfect square exactly when all exponents in its prime factorisation are even.",
        ),
        (
            "behavior_probability_dice_sum_grid",
            "Use a 6 by 6 grid to count the ways two dice give each sum.",
        ),
    ),
    (
        (
            "behavior_consecutive_integers_variables",
            "Represent consecutive integers as n, n + 1, n + 2 when setting up the equation.",
        ),
        (
            "behavior_angle_bisector_halves",
            "When an angle is bisected, set each of the two new angles to half of the original angle.",
        ),
    ),
    (
        ("behavior_modular_clock_days", "Find the weekday n days from now by taking n mod 7."),
        (
            "behavior_solve_for_y_first",
            "Rewrite a linear equation in slope-intercept form by solving it for y.",
        ),
    ),
    (
        (
            "behavior_digit_place_value",
            "Write a two-digit number with digits a and b as 10a + b when forming equations about digits.",
        ),
        (
            "behavior_scale_multiplies_spread",
            "If every value is multiplied by a positive constant c, multiply the range and the mean by c as well.",
        ),
    ),
    # --- statistics ---
    (
        (
            "behavior_mean_for_average",
            "When asked for the mean, add all the values and divide by the number of values.",
        ),
        (
            "behavior_median_for_middle",
            "When asked for the median, sort the values and take the middle one.",
        ),
    ),
    (
        ("behavior_full_range", "Measure spread as the range: maximum minus minimum."),
        (
            "behavior_interquartile_range",
            "Measure spread as the interquartile range: upper quartile minus lower quartile, ignoring the extremes.",
        ),
    ),
    (
        (
            "behavior_add_constant_range_same",
            "When a constant is added to every value, keep the range and standard deviation unchanged.",
        ),
        (
            "behavior_multiply_constant_range_scales",
            "When every value is multiplied by a positive constant, multiply the range and standard deviation by that constant.",
        ),
    ),
    (
        (
            "behavior_compute_deviations",
            "Find each value's deviation by subtracting the mean from it.",
        ),
        (
            "behavior_deviations_sum_zero_check",
            "Check that the deviations from the mean add to zero; if they do not, the mean was miscalculated.",
        ),
    ),
    (
        (
            "behavior_population_variance_n",
            "For the variance of a whole population, divide the sum of squared deviations by n.",
        ),
        (
            "behavior_sample_variance_n_minus_1",
            "For the variance estimated from a sample, divide the sum of squared deviations by n - 1.",
        ),
    ),
    (
        (
            "behavior_missing_value_target_mean",
            "To find the value that makes the mean equal a target, compute target times count and subtract the sum of the other values.",
        ),
        (
            "behavior_missing_value_target_median",
            "To find a value that makes the median equal a target, sort the known values and place the unknown so the middle position holds the target.",
        ),
    ),
    (
        (
            "behavior_odd_count_middle_value",
            "With an odd number of sorted values, take the single middle value as the median.",
        ),
        (
            "behavior_even_count_average_pair",
            "With an even number of sorted values, average the two middle values to get the median.",
        ),
    ),
    (
        (
            "behavior_mode_for_categories",
            "For categorical data such as favourite colours, report the mode as the typical value, since mean and median do not apply.",
        ),
        (
            "behavior_median_for_skewed_numbers",
            "For skewed numerical data such as incomes, report the median as the typical value, since the mean is pulled by extremes.",
        ),
    ),
    (
        (
            "behavior_weighted_grade_average",
            "When categories carry different weights, multiply each score by its weight and divide by the sum of the weights.",
        ),
        (
            "behavior_plain_average_equal_weight",
            "When every score counts equally, add the scores and divide by how many there are.",
        ),
    ),
    (
        (
            "behavior_mean_after_removal",
            "When a value is removed, subtract it from the total and divide by the count minus one to get the new mean.",
        ),
        (
            "behavior_mean_after_replacement",
            "When one value is replaced by another, adjust the total by their difference and divide by the unchanged count.",
        ),
    ),
    (
        (
            "behavior_lower_quartile_lower_half",
            "Find the lower quartile as the median of the lower half of the sorted data.",
        ),
        (
            "behavior_upper_quartile_upper_half",
            "Find the upper quartile as the median of the upper half of the sorted data.",
        ),
    ),
    (
        (
            "behavior_read_axis_scale",
            "Read the scale on a graph's axis before reading values off the bars.",
        ),
        (
            "behavior_ratio_share_parts",
            "To split an amount in a ratio a:b, divide it into a + b equal parts and give a parts and b parts.",
        ),
    ),
    (
        (
            "behavior_box_plot_five_numbers",
            "Draw a box plot from the minimum, lower quartile, median, upper quartile and maximum.",
        ),
        (
            "behavior_factorial_zero_one",
            "Use 0! = 1 when a factorial of zero appears in a counting formula.",
        ),
    ),
    (
        (
            "behavior_standard_deviation_sqrt_variance",
            "Take the square root of the variance to get the standard deviation, in the original units.",
        ),
        (
            "behavior_exterior_angle_triangle",
            "Set a triangle's exterior angle equal to the sum of the two opposite interior angles.",
        ),
    ),
    (
        (
            "behavior_check_total_frequency",
            "Check that the frequencies in a table add up to the stated number of observations.",
        ),
        (
            "behavior_solve_two_step_equation",
            "Solve ax + b = c by subtracting b from both sides and then dividing by a.",
        ),
    ),
    (
        (
            "behavior_scatter_trend_direction",
            "Describe a scatter plot's correlation as positive if y tends to rise as x rises and negative if it tends to fall.",
        ),
        (
            "behavior_speed_ratio_time_inverse",
            "For the same distance, take the travel times to be in the inverse ratio of the speeds.",
        ),
    ),
    # --- probability and counting ---
    (
        (
            "behavior_permutations_ordered",
            "When the order of the chosen items matters, as in awarding gold, silver and bronze, count with n!/(n-k)!.",
        ),
        (
            "behavior_combinations_unordered",
            "When the order of the chosen items does not matter, as in picking a committee, count with n!/(k!(n-k)!).",
        ),
    ),
    (
        (
            "behavior_with_replacement_constant",
            "When drawing with replacement, keep the same probabilities for every draw.",
        ),
        (
            "behavior_without_replacement_adjust",
            "When drawing without replacement, lower the counts after each draw before computing the next probability.",
        ),
    ),
    (
        (
            "behavior_and_independent_multiply",
            "For the probability that independent events A and B both happen, multiply P(A) by P(B).",
        ),
        (
            "behavior_or_exclusive_add",
            "For the probability that one of the mutually exclusive events A or B happens, add P(A) and P(B).",
        ),
    ),
    (
        (
            "behavior_at_least_one_complement",
            "For at least one success in n trials, subtract the probability of zero successes from 1.",
        ),
        (
            "behavior_exactly_one_sum_positions",
            "For exactly one success in n trials, add up the probabilities of each arrangement with one success and n - 1 failures.",
        ),
    ),
    (
        ("behavior_condition_on_b", "To find P(A given B), divide P(A and B) by P(B)."),
        (
            "behavior_bayes_reverse_condition",
            "To find P(B given A) from P(A given B), use Bayes: multiply by P(B) and divide by P(A).",
        ),
    ),
    (
        (
            "behavior_probability_to_odds",
            "Convert a probability p into odds in favour as p : (1 - p).",
        ),
        (
            "behavior_odds_to_probability",
            "Convert odds in favour a : b into a probability as a / (a + b).",
        ),
    ),
    (
        (
            "behavior_line_arrangements_factorial",
            "Count the arrangements of n distinct people in a row as n!.",
        ),
        (
            "behavior_round_table_arrangements",
            "Count the arrangements of n distinct people around a round table as (n - 1)!.",
        ),
    ),
    (
        (
            "behavior_tree_multiply_along_branches",
            "In a probability tree, multiply the probabilities along a path to get that outcome's probability.",
        ),
        (
            "behavior_tree_branches_sum_one",
            "Check that the probabilities on the branches leaving each node of a tree add up to 1.",
        ),
    ),
    (
        (
            "behavior_stars_and_bars",
            "To distribute n identical items into k boxes, count C(n + k - 1, k - 1) arrangements of stars and bars.",
        ),
        (
            "behavior_distinct_items_power",
            "To distribute n distinct items into k boxes, count k^n, since each item picks its box independently.",
        ),
    ),
    (
        (
            "behavior_expected_successes_np",
            "For the expected number of successes in n trials with success chance p, compute n times p.",
        ),
        (
            "behavior_exact_k_binomial",
            "For the probability of exactly k successes in n trials, compute C(n,k) p^k (1-p)^(n-k).",
        ),
    ),
    (
        (
            "behavior_split_into_cases",
            "When a condition can be met in a few disjoint ways, count each case separately and add the counts.",
        ),
        (
            "behavior_count_forbidden_and_subtract",
            "When a condition can fail in only a few ways, count the failures and subtract them from the total.",
        ),
    ),
    (
        (
            "behavior_dice_independent_rolls",
            "Treat successive rolls of a fair die as independent, each face with probability 1/6.",
        ),
        (
            "behavior_round_money_to_cents",
            "Round money answers to two decimal places at the final step.",
        ),
    ),
    (
        (
            "behavior_gamblers_fallacy_guard",
            "Do not let earlier outcomes of independent trials change the probability of the next one.",
        ),
        (
            "behavior_rhombus_area_diagonals",
            "Compute a rhombus's area as half the product of its diagonals.",
        ),
    ),
    (
        (
            "behavior_choose_committee_roles",
            "When a committee has named roles, first fill the roles in order and then choose the remaining members.",
        ),
        (
            "behavior_quadratic_vertex_form",
            "Read the vertex of y = a(x - h)^2 + k as the point (h, k).",
        ),
    ),
    (
        (
            "behavior_geometric_probability_areas",
            "For a point chosen at random in a region, take the probability of landing in a sub-region as its area over the total area.",
        ),
        (
            "behavior_hcf_word_problem_cut",
            "To cut ropes of different lengths into equal pieces as long as possible, use the gcd of the lengths.",
        ),
    ),
    (
        (
            "behavior_label_outcomes_ordered",
            "Treat the two dice as distinguishable, for example red and blue, so each ordered pair is one outcome.",
        ),
        (
            "behavior_mean_of_consecutive",
            "Take the mean of equally spaced numbers as the average of the first and last terms.",
        ),
    ),
]
