// A test of a user's suite, with the official OpenAI SDK pointed at the proxy modelcache.mjs started.
import { test } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";

const client = new OpenAI({
  baseURL: `${process.env.MODELCACHE_URL}/v1`,
  apiKey: process.env.OPENAI_API_KEY ?? "replay", // in replay nothing is sent anywhere
  defaultHeaders: { "X-Cache-Namespace": "checkout" },
});

test("the model says hi", async () => {
  const answer = await client.chat.completions.create({
    model: "gpt-5-mini",
    messages: [{ role: "user", content: "Say hi" }],
  });
  assert.ok(answer.choices[0].message.content);
});
