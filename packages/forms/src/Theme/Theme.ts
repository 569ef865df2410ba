import type { ThemeProps } from '@rjsf/core';
import type { FormContextType, RJSFSchema, StrictRJSFSchema } from '@rjsf/utils';
import { generateTemplates } from '../Templates/Templates.ts';
import { generateWidgets } from '../Widgets/Widgets.ts';

/** The settings-form theme: `withTheme(generateTheme())`, or spread it into `<Form>`. */
export function generateTheme<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(): ThemeProps<T, S, F> {
  return { templates: generateTemplates<T, S, F>(), widgets: generateWidgets<T, S, F>() };
}

export default generateTheme();
