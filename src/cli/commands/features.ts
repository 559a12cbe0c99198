import { parseFlags } from '../args.js';
import { out, type Command } from '../context.js';
import { featuresDocument } from '../features-document.js';

export const command: Command = {
  usage: 'usage: berth features\n\nPrints the runtime-spec features document: what berth supports.\n',
  async run(args) {
    parseFlags(args, {}, 'features');
    out(JSON.stringify(featuresDocument(), null, 2) + '\n');
    return 0;
  },
};
