// `npm run generate:schema`: writes the prompt file schema's precompiled validator (validator-source.ts).
import { writeFileSync } from 'node:fs';
import { validatorSource, VALIDATOR_FILE } from './validator-source';

writeFileSync(VALIDATOR_FILE, validatorSource());
console.log(`wrote ${VALIDATOR_FILE}`);
