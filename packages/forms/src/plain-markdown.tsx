import type { ReactNode } from 'react';

/**
 * Stands in for `markdown-to-jsx/react` (see `vite.aliases.ts`): rjsf's core fields import it for
 * markdown descriptions and a few messages, which settings forms never use. The text is shown as
 * plain text. Saves ~31 kB gzip of the lazy chunk.
 */
export function Markdown({ children }: { children?: ReactNode }) {
  return <>{children}</>;
}
