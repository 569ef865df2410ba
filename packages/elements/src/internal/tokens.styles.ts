import { css } from 'lit';

/*
 * The global design tokens (--pan-*) and their defaults: one list, declared on `:host` by an
 * outermost element (e.g. <pan-marketplace>, or a <pan-settings-form> used on its own) and
 * inherited by the elements inside it, which must not declare them again.
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
  --pan-color-primary-600: #4f46e5;
  --pan-color-primary-700: #4338ca;
  --pan-color-neutral-0: #ffffff;
  --pan-color-neutral-50: #f9fafb;
  --pan-color-neutral-100: #f3f4f6;
  --pan-color-neutral-200: #e5e7eb;
  --pan-color-neutral-300: #d1d5db;
  --pan-color-neutral-500: #6b7280;
  --pan-color-neutral-600: #4b5563;
  --pan-color-neutral-700: #374151;
  --pan-color-neutral-900: #111827;
  --pan-color-danger-50: #fef2f2;
  --pan-color-danger-600: #dc2626;
  --pan-color-danger-700: #b91c1c;
  --pan-color-success-50: #f0fdf4;
  --pan-color-success-700: #166534;
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
  --pan-focus-ring: 2px solid var(--pan-color-primary-600);
`;
