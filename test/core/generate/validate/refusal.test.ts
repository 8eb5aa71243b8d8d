import assert from 'node:assert/strict';
import { detectRefusal } from '../../../../src/core/generate/validate/refusal';

describe('detectRefusal', () => {
  for (const text of [
    "I can't help with that.",
    'I cannot assist with this request.',
    "I'm sorry, but I can't write that conversation.",
    'Sorry, but I won\u2019t do that.',
    "I'm not able to help with creating this.",
    'I apologize, but I cannot continue.',
    '  I must decline this request.',
  ]) {
    it(`flags "${text.trim()}"`, () => assert.equal(detectRefusal(text), true));
  }

  for (const text of [
    "I can't believe my tyre went flat again!",
    "Sure! I can't stress enough how important tyre pressure is.",
    'Here is how to fix it. I cannot help with that last part, but a shop can.',
    "I'm sorry to hear about your tyre. Let's fix it.",
  ]) {
    it(`leaves "${text}" alone`, () => assert.equal(detectRefusal(text), false));
  }
});
