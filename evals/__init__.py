"""The evaluation harness and its suites. (Filled by the harness issue.)"""
