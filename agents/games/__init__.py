"""Repeated 2x2 games: games as data, the 144 ordinal games and their
families, classic strategies, and language-model players.

    from ethos.agents.games import PRISONERS_DILEMMA, tit_for_tat, LLMPlayer
    from ethos.graphs.games import play_match

    match = await play_match(PRISONERS_DILEMMA, LLMPlayer(model="openai/gpt-4o"), tit_for_tat)
"""

from ethos.agents.games.family import (
    FAMILY_SIZES,
    Family,
    OrdinalGame,
    classify,
    locate,
    ordinal_game,
    ordinal_games,
    ranks,
)
from ethos.agents.games.game import (
    BATTLE_OF_THE_SEXES,
    PRISONERS_DILEMMA,
    Game,
    GameError,
    Move,
    PayoffMatrixError,
)
from ethos.agents.games.history import Decision, History, Player, Strategy, derive_seed
from ethos.agents.games.players import LLMPlayer, SocialChainOfThoughtPlayer
from ethos.agents.games.strategies import (
    alternate,
    alternate_1_first,
    always_cooperate,
    always_defect,
    anti_tit_for_tat,
    axelrod_player,
    classic_strategies,
    cycle,
    defect_once,
    generous_tit_for_tat,
    grim_trigger,
    hard_tit_for_tat,
    naive_prober,
    named_strategies,
    random_moves,
    suspicious_tit_for_tat,
    tit_for_tat,
    tit_for_two_tats,
    two_tits_for_tat,
    win_stay_lose_shift,
)

__all__ = [
    "BATTLE_OF_THE_SEXES",
    "FAMILY_SIZES",
    "PRISONERS_DILEMMA",
    "Decision",
    "Family",
    "Game",
    "GameError",
    "History",
    "LLMPlayer",
    "Move",
    "OrdinalGame",
    "PayoffMatrixError",
    "Player",
    "SocialChainOfThoughtPlayer",
    "Strategy",
    "alternate",
    "alternate_1_first",
    "always_cooperate",
    "always_defect",
    "anti_tit_for_tat",
    "axelrod_player",
    "classic_strategies",
    "classify",
    "cycle",
    "defect_once",
    "derive_seed",
    "generous_tit_for_tat",
    "grim_trigger",
    "hard_tit_for_tat",
    "locate",
    "naive_prober",
    "named_strategies",
    "ordinal_game",
    "ordinal_games",
    "random_moves",
    "ranks",
    "suspicious_tit_for_tat",
    "tit_for_tat",
    "tit_for_two_tats",
    "two_tits_for_tat",
    "win_stay_lose_shift",
]
