import type { ModelChoice } from '../capacity/model-choice.js';

/** One workload's model choice as a sentence: how its llms were chosen, who served what share, the quality. */
export function modelChoiceLine(choice: ModelChoice): string {
  const how =
    choice.llmChoice === 'first'
      ? `pinned ${choice.allowedLlms[0]} (llmChoice first)`
      : `${choice.minQuality === null ? 'cheapest' : `quality >= ${choice.minQuality}`} of ${choice.allowedLlms.length} allowed (${choice.allowedLlms.join(', ')})`;
  const shares = Object.entries(choice.servedShareByLlm)
    .map(([llm, share]) => `${llm} ${(100 * share).toFixed(1)}%`)
    .join(', ');
  const quality = choice.qualityServed === null ? '' : `; quality served ${choice.qualityServed.toFixed(2)}`;
  return `${choice.workload}: ${how}; served by ${shares || 'nothing'}${quality}`;
}
