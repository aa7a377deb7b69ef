modelcache-record 1
{
  "key" : "5958e16a57f1abcb3d2d7e327608908fbfe01b87ebf852df0d4a9c1179a9bfae",
  "request" : {
    "provider" : "openai",
    "method" : "POST",
    "path" : "/v1/chat/completions",
    "query" : "",
    "varyHeaders" : { },
    "partition" : "0123456789abcdef",
    "keyRecipe" : "modelcache-key-3",
    "model" : "gpt-4o",
    "namespace" : "",
    "bodyType" : "json",
    "body" : {
      "messages" : [
        {
          "content" : "hi",
          "role" : "user"
        }
      ],
      "model" : "gpt-4o",
      "temperature" : 0.7
    }
  },
  "response" : {
    "status" : 200,
    "headers" : [
      ["Content-Type","application/json"]
    ],
    "storedAt" : 1700000000000,
    "usage" : {
      "promptTokens" :-3,
      "completionTokens" : 1,
      "estimated" : false
    },
    "bodyLength" : 45,
    "bodySha256" : "0b2dbbca5e4dd0f06a5ae26e9a212645950d1d5b867a849cc3a1fbb8850ca44e",
    "chunks" : [
      [45, 5]
    ]
  }
}

{"choices":[{"message":{"content":"hello"}}]}