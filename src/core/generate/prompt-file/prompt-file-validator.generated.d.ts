// The type of prompt-file-validator.generated.js (tools/schema/validator-source.ts writes both).
import type { ValidateFunction } from 'ajv';

declare const validate: ValidateFunction;
export default validate;
