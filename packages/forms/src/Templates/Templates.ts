import type { FormContextType, RJSFSchema, StrictRJSFSchema, TemplatesType } from '@rjsf/utils';
import ArrayFieldItemTemplate from './ArrayFieldItemTemplate.tsx';
import ArrayFieldTemplate from './ArrayFieldTemplate.tsx';
import BaseInputTemplate from './BaseInputTemplate.tsx';
import { generateButtonTemplates } from './ButtonTemplates.tsx';
import CyclicSchemaExpandTemplate from './CyclicSchemaExpandTemplate.tsx';
import DescriptionFieldTemplate from './DescriptionFieldTemplate.tsx';
import ErrorListTemplate from './ErrorListTemplate.tsx';
import FieldErrorTemplate from './FieldErrorTemplate.tsx';
import FieldHelpTemplate from './FieldHelpTemplate.tsx';
import FieldTemplate from './FieldTemplate.tsx';
import ObjectFieldTemplate from './ObjectFieldTemplate.tsx';
import TitleFieldTemplate from './TitleFieldTemplate.tsx';
import WrapIfAdditionalTemplate from './WrapIfAdditionalTemplate.tsx';

/** This theme's templates (rjsf's own fill in the rest). */
export function generateTemplates<
  T = any,
  S extends StrictRJSFSchema = RJSFSchema,
  F extends FormContextType = any,
>(): Partial<TemplatesType<T, S, F>> {
  return {
    ArrayFieldItemTemplate,
    ArrayFieldTemplate,
    BaseInputTemplate,
    ButtonTemplates: generateButtonTemplates<T, S, F>(),
    CyclicSchemaExpandTemplate,
    DescriptionFieldTemplate,
    ErrorListTemplate,
    FieldErrorTemplate,
    FieldHelpTemplate,
    FieldTemplate,
    ObjectFieldTemplate,
    TitleFieldTemplate,
    WrapIfAdditionalTemplate,
  };
}

export default generateTemplates();
