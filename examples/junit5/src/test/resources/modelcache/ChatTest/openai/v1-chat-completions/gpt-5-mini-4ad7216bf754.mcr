modelcache-record 1
{
  "key" : "4ad7216bf7546076d79d46bef8c4800bd0efc5a49a16799d205c9dd138d74851",
  "request" : {
    "provider" : "openai",
    "method" : "POST",
    "path" : "/v1/chat/completions",
    "query" : "",
    "varyHeaders" : { },
    "partition" : "shared",
    "keyRecipe" : "modelcache-key-3",
    "model" : "gpt-5-mini",
    "namespace" : "ChatTest",
    "bodyType" : "json",
    "body" : {
      "messages" : [
        {
          "content" : "Say hi, in two words.",
          "role" : "user"
        }
      ],
      "model" : "gpt-5-mini"
    }
  },
  "response" : {
    "status" : 200,
    "headers" : [
      ["Content-Type","application/json"]
    ],
    "storedAt" : "2026-12-07T15:35:57.278Z",
    "usage" : {
      "promptTokens" : 13,
      "completionTokens" : 76,
      "estimated" : false
    },
    "bodyLength" : 618,
    "bodySha256" : "44a3636a8b030d2c4a2c54a449b5946a15ef73e9a885cd42655f3c49e73d8cfc",
    "chunks" : [
      [618, 0]
    ]
  }
}

{"id": "chatcmpl-CjR2p8Xb3kQe0Zt7uVwYmN4aLs9Df", "object": "chat.completion", "created": 1765090511, "model": "gpt-5-mini-2025-08-07", "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi there!", "refusal": null, "annotations": []}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 13, "completion_tokens": 76, "total_tokens": 89, "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0}, "completion_tokens_details": {"reasoning_tokens": 64, "audio_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}}, "service_tier": "default", "system_fingerprint": null}