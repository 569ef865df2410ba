import { css } from 'lit';

/*
 * The design tokens (--pan-*) in two tiers, declared on `:host` by an outermost element (e.g.
 * <pan-marketplace>, or a <pan-settings-form> used on its own) and inherited by the elements
 * inside it, which must not declare them again.
 * - Primitives: the palette scales (--pan-color-neutral-0…950, -primary-, -danger-, -success-),
 *   font, size, radius, space, shadow. Their names are public since the first release.
 * - Semantic tokens (--pan-color-surface, -text, -accent, -border, ...): what components use.
 *   Each is defined from a primitive, so a host's override of either tier applies; the dark theme
 *   only switches semantic tokens to other primitives (one block of values, kept small because
 *   it ships in the catalog's first load).
 */

/** The declarations only, to put in an element's `:host { ... }` rule. */
export const tokenDeclarations = css`
  --pan-font-family: ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue',
    Arial, sans-serif;
  --pan-font-size-xs: 0.75rem;
  --pan-font-size-s: 0.875rem;
  --pan-font-size-m: 1rem;
  --pan-font-size-l: 1.25rem;
  --pan-font-size-xl: 1.75rem;
  --pan-color-primary-50: #eef2ff;
  --pan-color-primary-100: #e0e7ff;
  --pan-color-primary-300: #a5b4fc;
  --pan-color-primary-400: #818cf8;
  --pan-color-primary-600: #4f46e5;
  --pan-color-primary-700: #4338ca;
  --pan-color-primary-900: #312e81;
  --pan-color-primary-950: #1e1b4b;
  --pan-color-neutral-0: #ffffff;
  --pan-color-neutral-50: #f9fafb;
  --pan-color-neutral-100: #f3f4f6;
  --pan-color-neutral-200: #e5e7eb;
  --pan-color-neutral-300: #d1d5db;
  --pan-color-neutral-400: #9ca3af;
  --pan-color-neutral-500: #6b7280;
  --pan-color-neutral-600: #4b5563;
  --pan-color-neutral-700: #374151;
  --pan-color-neutral-800: #1f2937;
  --pan-color-neutral-900: #111827;
  --pan-color-danger-50: #fef2f2;
  --pan-color-danger-300: #fca5a5;
  --pan-color-danger-400: #f87171;
  --pan-color-danger-600: #dc2626;
  --pan-color-danger-700: #b91c1c;
  --pan-color-danger-950: #450a0a;
  --pan-color-success-50: #f0fdf4;
  --pan-color-success-300: #86efac;
  --pan-color-success-700: #166534;
  --pan-color-success-950: #052e16;
  --pan-radius-s: 0.375rem;
  --pan-radius-m: 0.5rem;
  --pan-radius-l: 0.875rem;
  --pan-radius-pill: 999px;
  --pan-space-2xs: 0.25rem;
  --pan-space-xs: 0.5rem;
  --pan-space-s: 0.75rem;
  --pan-space-m: 1rem;
  --pan-space-l: 1.5rem;
  --pan-space-xl: 2.5rem;
  --pan-shadow-s: 0 1px 2px rgb(17 24 39 / 0.06), 0 1px 3px rgb(17 24 39 / 0.08);
  --pan-shadow-m: 0 4px 8px -2px rgb(17 24 39 / 0.08), 0 12px 24px -6px rgb(17 24 39 / 0.12);
  --pan-color-surface: var(--pan-color-neutral-0);
  --pan-color-surface-alt: var(--pan-color-neutral-50);
  --pan-color-surface-muted: var(--pan-color-neutral-100);
  --pan-color-border: var(--pan-color-neutral-200);
  --pan-color-border-strong: var(--pan-color-neutral-300);
  --pan-color-text: var(--pan-color-neutral-900);
  --pan-color-text-secondary: var(--pan-color-neutral-700);
  --pan-color-text-muted: var(--pan-color-neutral-600);
  --pan-color-text-subtle: var(--pan-color-neutral-500);
  --pan-color-accent: var(--pan-color-primary-600);
  --pan-color-accent-strong: var(--pan-color-primary-700);
  --pan-color-accent-subtle: var(--pan-color-primary-50);
  --pan-color-accent-muted: var(--pan-color-primary-100);
  --pan-color-on-accent: var(--pan-color-neutral-0);
  --pan-color-danger: var(--pan-color-danger-600);
  --pan-color-danger-strong: var(--pan-color-danger-700);
  --pan-color-danger-subtle: var(--pan-color-danger-50);
  --pan-color-success: var(--pan-color-success-700);
  --pan-color-success-subtle: var(--pan-color-success-50);
  --pan-color-focus: var(--pan-color-accent);
  --pan-focus-ring: 2px solid var(--pan-color-focus);
  color-scheme: light;
`;

/**
 * The dark theme: semantic tokens switched to other primitives (WCAG AA on its surfaces). The
 * element paints its own surface, as its light text must not depend on the host page's background.
 */
export const darkTokenDeclarations = css`
  background: var(--pan-color-surface);
  --pan-color-surface: var(--pan-color-neutral-900);
  --pan-color-surface-alt: var(--pan-color-neutral-800);
  --pan-color-surface-muted: var(--pan-color-neutral-700);
  --pan-color-border: var(--pan-color-neutral-700);
  --pan-color-border-strong: var(--pan-color-neutral-600);
  --pan-color-text: var(--pan-color-neutral-50);
  --pan-color-text-secondary: var(--pan-color-neutral-300);
  --pan-color-text-muted: var(--pan-color-neutral-400);
  --pan-color-text-subtle: var(--pan-color-neutral-400);
  --pan-color-accent: var(--pan-color-primary-400);
  --pan-color-accent-strong: var(--pan-color-primary-300);
  --pan-color-accent-subtle: var(--pan-color-primary-950);
  --pan-color-accent-muted: var(--pan-color-primary-900);
  --pan-color-on-accent: var(--pan-color-neutral-900);
  --pan-color-danger: var(--pan-color-danger-400);
  --pan-color-danger-strong: var(--pan-color-danger-300);
  --pan-color-danger-subtle: var(--pan-color-danger-950);
  --pan-color-success: var(--pan-color-success-300);
  --pan-color-success-subtle: var(--pan-color-success-950);
  color-scheme: dark;
`;
