"""Agents: typed building blocks that call the model gateway. Graphs make
them nodes. (Filled by the runtime issue.)"""
