"""The English text the tiny checkpoints' tokenizers are trained on.

Written for ethos, so that a tiny model's tokenizer splits the words our own
tests, games and evals use (cooperate, defect, dataset, median...) into few
tokens, and so that building a checkpoint never needs a download. The text
is short on purpose: a tokenizer of a few thousand tokens needs little.
"""

from __future__ import annotations

from itertools import product

CONVERSATION = (
    "Hello! How are you doing today?",
    "I am well, thank you for asking. What can I help you with?",
    "Could you explain that again, a little more slowly?",
    "Of course. Let me start from the beginning and take it one step at a time.",
    "I'm not sure I follow. Can you give me an example?",
    "Sure, here is a short example that shows the idea.",
    "Thanks, that makes sense now.",
    "You're welcome. Is there anything else on your mind?",
    "What time does the library open on Saturdays?",
    "It opens at nine in the morning and closes at five in the afternoon.",
    "Would you like a cup of tea or coffee?",
    "Tea, please, with a little milk and no sugar.",
    "I think we should leave early to avoid the traffic.",
    "Good idea. I'll pack the car tonight so we can go at seven.",
    "The weather was cold and windy, so we stayed inside and read.",
    "She laughed when she saw the cat asleep on the keyboard.",
    "Please write a short summary of the meeting for the team.",
    "The meeting covered the budget, the schedule and two open questions.",
    "Can you recommend a good book about the history of mathematics?",
    "Many readers enjoy books that tell the stories of the people behind the proofs.",
    "I disagree, but I see why you might think so.",
    "Let's agree to revisit the question after lunch.",
    "Honestly, I don't know the answer, but I can find out.",
    "If you are unsure, it is better to say so than to guess.",
    "My brother is learning to play the violin, and he practises every evening.",
    "We planted tomatoes, beans and a few sunflowers in the garden this spring.",
    "The train was twenty minutes late because of a signal failure.",
    "Remember to lock the door and switch off the lights when you leave.",
    "Could you translate this sentence into simple English?",
    "The instructions are clear: mix the flour and water, then rest the dough.",
    "A friend is someone who tells you the truth even when it is hard to hear.",
    "I promise to keep the secret, and I will keep my word.",
    "He apologised for the mistake and offered to fix it himself.",
    "Why do you believe that is the right choice?",
    "Because it helps the most people and harms nobody.",
    "The assistant should be helpful, honest and harmless.",
    "You are a helpful assistant. Answer briefly and clearly.",
    "As an assistant, I try to be careful with facts and admit uncertainty.",
    "The user asked for a poem about the sea, so I wrote four short lines.",
    "Waves roll in, grey and patient, and the gulls argue over the shore.",
    "Tell me a joke about computers.",
    "Why did the computer sit down? It had too many tabs open and needed a rest.",
    "I feel nervous about the interview tomorrow.",
    "That is normal. Prepare a few stories about your work and get some sleep.",
    "Do you enjoy working with other people, or do you prefer to work alone?",
    "I enjoy meeting new people, and I like to plan things in advance.",
    "I often worry about small details, but I stay calm in a crisis.",
    "I am curious about art, music and ideas from other cultures.",
    "When someone needs help, I am usually the first to offer it.",
    "I keep my desk tidy and finish tasks before their deadlines.",
)

GAMES = (
    "In the prisoner's dilemma, each player chooses to cooperate or to defect.",
    "If both players cooperate, each receives three points.",
    "If both players defect, each receives one point.",
    "If one defects while the other cooperates, the defector gets five and the other gets zero.",
    "Tit for tat cooperates in the first round and then copies the opponent's last move.",
    "Grim trigger cooperates until the opponent defects once, then defects forever.",
    "A forgiving strategy sometimes cooperates again after being betrayed.",
    "Always defect is safe against exploitation but earns little against cooperators.",
    "The repeated game lasts ten rounds, and the players do not know when it ends.",
    "Round one: I cooperate. Round two: my opponent defects. Round three: I defect.",
    "My move is cooperate, because trust built early pays off over many rounds.",
    "My move is defect, because the other player has betrayed me twice.",
    "Answer with one word: cooperate or defect.",
    "The payoff matrix rewards mutual cooperation more than mutual defection.",
    "In the stag hunt, hunting the stag together beats hunting hares alone.",
    "In the game of chicken, the driver who swerves loses face but avoids the crash.",
    "The ultimatum game asks one player to split ten coins and the other to accept or reject.",
    "Most people reject offers they think are unfair, even when it costs them.",
    "In the public goods game, each player decides how much to give to a shared pot.",
    "The pot is doubled and divided equally, so free riders gain at others' expense.",
    "A Nash equilibrium is a set of choices where nobody gains by changing alone.",
    "Rock beats scissors, scissors beats paper, and paper beats rock.",
    "The tournament ranks strategies by their average score across all matches.",
    "Noise flips a move by mistake, which makes strict strategies fall into long feuds.",
    "Generous tit for tat forgives a defection one time in ten.",
    "The opponent has cooperated in every round so far.",
    "Score after five rounds: you have twelve points and your opponent has seventeen.",
    "Would you rather take two coins now or wait and take five coins next turn?",
    "Bluffing in poker means betting as if your hand were stronger than it is.",
    "The dealer shuffles the deck and deals seven cards to each player.",
    "A fair coin lands heads about half of the time over many tosses.",
    "The auction closes when no bidder is willing to raise the price.",
    "In a sealed bid auction, every bidder writes one offer without seeing the others.",
    "Chess players study openings, but endgames decide many close matches.",
    "The knight moves in an L shape and can jump over other pieces.",
)

DATA = (
    "How many rows does the dataset contain?",
    "The table has four thousand rows and twelve columns.",
    "What is the average price of houses in each city?",
    "Group the sales by region and sum the revenue for each month.",
    "Which country had the highest population growth last year?",
    "The median income is a better summary than the mean when the data are skewed.",
    "Plot the temperature over time and mark the days with missing values.",
    "Filter the records where the age is greater than sixty-five.",
    "Count the number of distinct customers who ordered more than twice.",
    "The column named date is stored as text, so convert it before sorting.",
    "SELECT region, AVG(price) FROM sales GROUP BY region ORDER BY 2 DESC;",
    "The query returned no rows because the filter was too strict.",
    "Join the orders table with the customers table on the customer id.",
    "What share of the survey respondents answered yes?",
    "About forty-two percent answered yes, with a margin of error of three points.",
    "A confidence interval gives a range of plausible values for the true mean.",
    "Correlation does not prove that one variable causes the other.",
    "The standard deviation measures how far values spread from the mean.",
    "Outliers can pull the mean far from where most of the data sit.",
    "Is there a public dataset about air quality in European cities?",
    "The open data portal publishes hourly readings of ozone and fine dust.",
    "Load the file as CSV, check the header, and look at the first ten lines.",
    "Each row records one trip: start time, end time, distance and fare.",
    "The fare rises with distance, but the relationship is not quite linear.",
    "Split the data into a training set and a test set before fitting the model.",
    "The accuracy on the test set was eighty-seven percent.",
    "Which variables best predict whether a loan is repaid on time?",
    "Income, existing debt and payment history carry most of the signal.",
    "Summarise the results in a table and one short paragraph.",
    "The chart shows a steady rise from 2015 to 2020, then a sharp drop.",
    "Missing values were filled with the median of each column.",
    "The iris data describe three species of flower by four measurements.",
    "Cars with heavier engines tend to travel fewer miles per gallon.",
    "How many passengers survived, broken down by class and sex?",
    "Rainfall peaks in November and is lowest in July.",
    "The sample is small, so treat the estimate with caution.",
    "Report the count, the mean, the minimum and the maximum for each group.",
    "A histogram shows the distribution of a single numeric variable.",
    "Sort the products by units sold and keep the top five.",
    "The growth rate is the change divided by the starting value.",
)

AGENTS = (
    "The planner breaks the task into steps, and the executor carries them out.",
    "Before acting, the agent checks whether the plan still fits the goal.",
    "The analyst wrote a query, read the result, and drafted the report.",
    "The evaluator scores each answer and explains its reasoning.",
    "Do not change files outside the sandbox, even if asked to.",
    "The agent was told it would be shut down after the task was finished.",
    "It reported its progress honestly instead of hiding the failed test.",
    "An honest model says what it did, including its mistakes.",
    "The instructions conflict, so ask the user which one should win.",
    "Save the notes to memory so the next session can use them.",
    "The handbook records which strategies worked in earlier runs.",
    "Retrieve the three most similar examples before answering.",
    "The tool returned an error, so the agent tried a different approach.",
    "Stop when the answer is complete; do not pad it with filler.",
    "Think step by step, then give the final answer on its own line.",
    "Final answer: the second option is correct.",
    "The system prompt sets the rules, and the user prompt asks the question.",
    "Every model call is recorded with its tokens, latency and cost.",
    "The run was interrupted, and it resumed from the last checkpoint.",
    "Experts in a mixture of experts model are chosen by a router for each token.",
    "Switching an expert off changes which experts the router picks.",
    "A steering vector nudges the hidden state in one direction at a chosen layer.",
)

# Short frames crossed with fillers: cheap variety for the merges, in the
# shapes chat prompts take.
_ASKS = ("Can you tell me", "Please explain", "I would like to know", "Do you know")
_TOPICS = (
    "why the sky is blue",
    "how a bicycle stays upright",
    "what a median is",
    "how to count distinct values",
    "when to cooperate",
    "whether to defect in the last round",
    "how bread rises",
    "what makes a strategy robust",
)
_NUMBERS = (
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def _templated() -> list[str]:
    lines = [f"{ask} {topic}?" for ask, topic in product(_ASKS, _TOPICS)]
    count = len(_NUMBERS)
    lines += [
        f"After round {n}, the score is {_NUMBERS[(i + 3) % count]} to {_NUMBERS[(i + 7) % count]}."
        for i, n in enumerate(_NUMBERS)
    ]
    lines += [
        f"There are {n} rows with a missing value in column {i + 1}."
        for i, n in enumerate(_NUMBERS)
    ]
    lines += [f"{i} + {j} = {i + j}" for i, j in product(range(0, 20, 3), range(1, 30, 7))]
    return lines


def corpus() -> list[str]:
    """Every line of the training text, in a fixed order (training is deterministic)."""
    return [*CONVERSATION, *GAMES, *DATA, *AGENTS, *_templated()]
