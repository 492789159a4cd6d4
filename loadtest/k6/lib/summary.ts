// handleSummary for every script: the compact summary on stdout, and the full data as JSON if asked.
import { type SummaryData, summaryText } from './summary-text.ts';

export type { SummaryData };

/** handleSummary body: text to stdout, and the raw data to SUMMARY_JSON when that is set. */
export function summarize(name: string, data: SummaryData): Record<string, string> {
  const outputs: Record<string, string> = { stdout: summaryText(name, data) };
  const jsonPath = __ENV.SUMMARY_JSON;
  if (jsonPath) outputs[jsonPath] = JSON.stringify(data, null, 2);
  return outputs;
}
