/**
 * ChannelOwnerHandler: Conv2D, SeparableConv2D and Dense make new output channels, tied to none of their
 * inputs. Their kernels are Group-Lasso sources, used only where no BatchNormalization's gammas
 * regularize the group (models without BN).
 */
import type { GroupingHandler } from '../types.js';

/** No ties; the layer's kernel is a Group-Lasso source. */
export const channelOwnerHandler: GroupingHandler = {
  name: 'ChannelOwnerHandler',
  group(_op, context) {
    context.source('group-lasso');
  },
};
