// The official OpenAI Node SDK talking to ModelCache: each request is made twice, the first answered by the
// provider (X-Cache: MISS), the second by the cache (X-Cache: HIT). Prints one JSON document with what the SDK
// handed to its caller each time, for OpenAiNodeSdkIT to compare.
//
// Usage: node stream-twice.mjs <proxy base URL ending in /v1>
// Exits non-zero on any error, with the error on stderr.
import OpenAI from 'openai';

const baseURL = process.argv[2];
if (!baseURL) {
  console.error('usage: node stream-twice.mjs <proxy base URL>/v1');
  process.exit(2);
}

// No retries: a failure must surface, and a retry would be a second upstream call.
const client = new OpenAI({ baseURL, apiKey: 'sk-test', maxRetries: 0, timeout: 20_000 });

async function chatStream() {
  const { data: stream, response } = await client.chat.completions
    .create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hi' }],
      stream: true,
      stream_options: { include_usage: true },
    })
    .withResponse();
  const chunks = [];
  for await (const chunk of stream) {
    chunks.push(chunk);
  }
  return { xcache: response.headers.get('x-cache'), chunks };
}

async function chatJson() {
  const { data: completion, response } = await client.chat.completions
    .create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hi' }],
    })
    .withResponse();
  return { xcache: response.headers.get('x-cache'), body: completion };
}

async function responsesStream() {
  const { data: stream, response } = await client.responses
    .create({ model: 'gpt-4.1', input: 'hi', stream: true })
    .withResponse();
  const events = [];
  for await (const event of stream) {
    events.push(event);
  }
  return { xcache: response.headers.get('x-cache'), events };
}

async function main() {
  const result = {};
  // One after the other: the second call of each pair must find the first one's entry stored.
  result.first = await chatStream();
  result.second = await chatStream();
  result.nonStream = { first: await chatJson(), second: await chatJson() };
  result.responses = { first: await responsesStream(), second: await responsesStream() };
  process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch((error) => {
  console.error(error && error.stack ? error.stack : String(error));
  if (error && error.status) {
    console.error(`HTTP status ${error.status}`, JSON.stringify(error.error ?? null));
  }
  process.exit(1);
});
