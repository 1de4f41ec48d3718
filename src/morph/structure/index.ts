export { expandStructure, scaleStructure, structureCost } from './expand.js';
export type { Expansion } from './expand.js';
export { groupCounts, withGroupCount } from './groups.js';
export { buildShrunkModel } from './rebuild.js';
export { isBuildable, shrunkTopology } from './shrunk-topology.js';
export { cheapestStructure, narrowestStructure } from './floor.js';
export type { PruneReport } from './shrunk-topology.js';
export { snapStructure, snapWindow } from './snap.js';
export type { Snap } from './snap.js';
