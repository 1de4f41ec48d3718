/** ModelInputHandler: the model's input channels are data, never shrunk and never regularized. */
import type { GroupingHandler } from '../types.js';

/** Fixes the model input's channels. */
export const modelInputHandler: GroupingHandler = {
  name: 'ModelInputHandler',
  group(_op, context) {
    context.fix('model-input');
  },
};
