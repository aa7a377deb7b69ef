"""A test of a user's suite. The README shows it with the OpenAI SDK:

    client = OpenAI(base_url=modelcache_url, api_key=os.environ.get("OPENAI_API_KEY", "replay"),
                    default_headers={"X-Cache-Namespace": "checkout"})
    answer = client.chat.completions.create(model="gpt-5-mini", messages=[{"role": "user", "content": "Say hi"}])

Here it speaks the same HTTP with httpx (the SDK is not installed where this is tested).
"""
import os

import httpx


def test_the_model_says_hi(modelcache_url):
    answer = httpx.post(
        modelcache_url + "/chat/completions",
        headers={"Authorization": "Bearer " + os.environ.get("OPENAI_API_KEY", "replay"),
                 "X-Cache-Namespace": "checkout"},
        json={"model": "gpt-5-mini", "messages": [{"role": "user", "content": "Say hi"}]},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["choices"][0]["message"]["content"]
