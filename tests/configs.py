"""Config files the tests share."""

LLM_LIST = """\
timezone: UTC
arxiv: {timeout: 5, retries: 1, backoff: 0, delay: 0}
lists:
  - name: LLM Papers
    keywords: [LLM]
"""
"""One list (`llm-papers`, keyword LLM), arXiv asked once more on a fault, without waits."""
