/* global module */
/**
 * The house's layers, kept by `npm run lint` (dependency-cruiser). A folder may import folders of its own
 * layer or of a layer below it, never one above, and no file may reach itself again through imports (no
 * circles, type-only imports included). Top to bottom:
 */
const LAYERS = [
  { name: 'entry points', folders: ['src/cli', 'src/demo', 'bench'] },
  { name: 'HTTP API', folders: ['src/api'] },
  {
    name: 'features',
    folders: ['src/ledgers', 'src/audit', 'src/bulletins', 'src/evidence', 'src/rule-files'],
  },
  { name: 'composition root', folders: ['src/runtime'] },
  { name: 'services on the engine', folders: ['src/escalation', 'src/notifications'] },
  { name: 'engine', folders: ['src/engine'] },
  { name: 'persistence', folders: ['src/persistence'] },
  { name: 'pure core', folders: ['src/machines', 'src/rules'] },
  { name: 'vocabulary and shared', folders: ['src/vocabulary', 'src/shared'] },
];

const pathsOf = (folders) => `^(${folders.map((folder) => folder.replace(/[/.-]/g, '\\$&')).join('|')})/`;

const upward = LAYERS.slice(1).map((layer, index) => ({
  name: `no-upward-import-from-${layer.name.replace(/\W+/g, '-')}`,
  comment: `${layer.name} (${layer.folders.join(', ')}) may not import a layer above it`,
  severity: 'error',
  from: { path: pathsOf(layer.folders) },
  to: { path: pathsOf(LAYERS.slice(0, index + 1).flatMap((above) => above.folders)) },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'files that import each other in a loop: move what both need into a third file below them',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|web)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    moduleSystems: ['cjs', 'es6'],
  },
};
