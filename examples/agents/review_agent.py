"""A code review agent: Flujo + pydantic-ai style, and a plain OpenAI call."""
from openai import OpenAI
from flujo import make_agent_async

REVIEW_PROMPT = """You are a meticulous senior reviewer. Point out bugs, security issues and
missing tests in the diff. Be specific: quote the line, explain the problem, suggest a fix.
Do not comment on style unless it hides a bug."""

reviewer = make_agent_async("openai:gpt-4o", REVIEW_PROMPT, str)

summarizer = make_agent_async(
    "openai:gpt-4o-mini",
    "Summarize the review in three bullet points for the pull request description.",
    str,
)


def explain(code: str) -> str:
    client = OpenAI()
    response = client.chat.completions.create(
        model="gpt-4o-mini",
        messages=[
            {"role": "system", "content": "Explain what this function does in two sentences."},
            {"role": "user", "content": code},
        ],
    )
    return response.choices[0].message.content
