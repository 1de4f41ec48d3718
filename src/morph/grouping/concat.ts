/** ConcatHandler: Concatenate on channels maps each input onto its slice of the output, in input order. */
import { channelsOf } from '../../graph/layers/common.js';
import type { GroupingHandler } from '../types.js';

/** Ties each input's channels to its slice of the output. */
export const concatHandler: GroupingHandler = {
  name: 'ConcatHandler',
  group(op, context) {
    let offset = 0;
    op.inputShapes.forEach((shape, input) => {
      const width = channelsOf(shape);
      for (let c = 0; c < width; c++) context.tie(offset + c, input, c);
      offset += width;
    });
  },
};
