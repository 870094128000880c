"""The behaviour handbook: recurring reasoning turned into named behaviours
that agents retrieve and reuse. (Filled by the handbook issue.)"""
