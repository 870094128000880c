"""The model gateway: hosted models through litellm, the local MoE host,
expert interventions and activation steering. (Filled by the gateway issue.)"""
