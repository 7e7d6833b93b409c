"""Strict pricing is on in this folder's flujo.toml: every model used here needs a price there."""
from flujo import make_agent_async

triage = make_agent_async("openai:gpt-4.1-mini", "Classify the ticket as billing, outage or other.", str)
