import type { OutputFormat } from '../../core/generate/types';

/** The commented template New Prompt File opens, using the default model and format settings. */
export function promptFileTemplate(name: string, model: string, format: OutputFormat): string {
  return `# Conversation Forge prompt file: one batch of synthetic conversations.
# Run "Conversation Forge: Generate from Current Prompt File" to generate it.

# Batch name: unique across prompt files (it keys resume state).
name: ${name}
# Model id (see the models table); rate limits are shared per model class.
model: ${model}
# How many conversations to generate.
count: 10
# Messages per conversation (user + assistant), or a range: { min: 4, max: 8 }.
turns: 6
# high | normal | low: which batch the queue serves first.
priority: normal
# single: one request writes the whole conversation as JSON; turns: one request per message.
strategy: single
# Optional system prompt for the generator.
system: |
  You write realistic, varied dialogues between a customer and a support agent.
# The prompt; {{name}} placeholders take values from variables (every combination is used in turn).
prompt: |
  Write a conversation in which a {{persona}} asks about {{topic}}.
variables:
  persona: [new customer, long-time customer]
  topic: [a refund, a late delivery, a damaged item]
output:
  # The dataset (JSONL), relative to this file; a dry run writes *.simulated.jsonl beside it.
  path: datasets/${name}.jsonl
  # openai | sharegpt | anthropic
  format: ${format}
`;
}

/** A batch name from what the user typed: lower-case, dashes, no extension. */
export function batchNameOf(input: string): string {
  return (
    input
      .trim()
      .replace(/\.forge\.ya?ml$/i, '')
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'new-batch'
  );
}
