import { countInputTokens } from '../../src/sim';
import { BENCH_MODEL, type Scenario } from './scenarios';

/** One job = one Messages request. Every client sends exactly these bodies. */
export interface JobSpec {
  readonly id: string;
  readonly priority: 'high' | 'low' | 'normal';
  /** Milliseconds after the run's start at which the job is submitted. */
  readonly submitAtMs: number;
  readonly body: { model: string; max_tokens: number; messages: { role: 'user'; content: string }[] };
  /** Exactly what the simulator will count (same rule as count_tokens). */
  readonly inputTokens: number;
  /** Requests this job makes one after another (the same body each time); 1 for a single request. */
  readonly steps: number;
}

const FILLER = 'Write a short, friendly reply about the weather and the weekend plans. ';

function prompt(id: string, tokens: number): string {
  let text = `Job ${id}. `;
  while (text.length < tokens * 4) text += FILLER;
  return text.slice(0, Math.max(tokens * 4, 12));
}

export function makeJobs(s: Scenario): JobSpec[] {
  const late = s.priority?.lateHigh ?? 0;
  return Array.from({ length: s.jobs }, (_, i) => {
    const id = `job-${String(i).padStart(4, '0')}`;
    const isLate = i >= s.jobs - late;
    const body = {
      model: BENCH_MODEL,
      max_tokens: s.maxTokens,
      messages: [{ role: 'user' as const, content: prompt(id, s.promptTokens) }],
    };
    return {
      id,
      priority: s.priority ? (isLate ? 'high' : 'low') : 'normal',
      submitAtMs: isLate ? s.priority!.atMs : 0,
      body,
      inputTokens: countInputTokens(body),
      steps: s.steps ?? 1,
    };
  });
}
