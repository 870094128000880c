"""The graph runtime around LangGraph and the graphs that wire agents.
(Filled by the runtime issue.)"""
