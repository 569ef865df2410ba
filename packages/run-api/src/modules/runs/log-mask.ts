import type { LogLine } from '../runner/types.ts';

/** What replaces a secret in a log line, as GitHub Actions prints it. */
export const MASK = '***';

/**
 * Hides the run's secrets in its log lines: each value as printed, and as JSON or URL encoding
 * would print it. Values shorter than 4 characters are left alone (masking "1" everywhere would
 * hide the log, not the secret).
 */
export function logMasker(secrets: readonly string[]): ((lines: LogLine[]) => LogLine[]) | undefined {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
    forms.add(encodeURIComponent(secret));
    forms.add(Buffer.from(secret).toString('base64'));
  }
  if (forms.size === 0) return undefined;
  // Longest first, so a secret that contains another is masked whole.
  const pattern = new RegExp([...forms].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
  return (lines) =>
    lines.map((l) => {
      const line = l.line.replace(pattern, MASK);
      return line === l.line ? l : { ...l, line };
    });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
