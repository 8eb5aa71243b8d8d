import Anthropic from '@anthropic-ai/sdk';

/**
 * The SDK alone doing what the CLI does per conversation, with no engine: one streamed Messages
 * request each, `workers` at a time. argv: url, requests, workers, maxTokens.
 */
async function main(): Promise<void> {
  const [url, requests, workers, maxTokens] = process.argv.slice(2);
  const client = new Anthropic({ apiKey: 'sk-ant-bench', baseURL: url, maxRetries: 2 });
  let next = 0;
  let ok = 0;
  const worker = async (): Promise<void> => {
    while (next < Number(requests)) {
      next++;
      const stream = client.messages.stream({
        model: 'claude-haiku-5-5',
        max_tokens: Number(maxTokens),
        messages: [{ role: 'user', content: 'A short exchange about tea.' }],
      });
      await stream.finalMessage();
      ok++;
    }
  };
  await Promise.all(Array.from({ length: Number(workers) }, worker));
  process.stdout.write(`${JSON.stringify({ ok })}\n`);
}

void main();
