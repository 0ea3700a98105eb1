// The folder graph of each package's src/ is kept acyclic: a folder is a concept, and concepts depend one way
// (STYLE.md: `client → cache → watcher → rest`, shared vocabulary low). Run by `make lint`.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment:
        'Two folders import each other (directly or through others). Move the shared vocabulary into a lower ' +
        'folder that both import, or invert the dependency.',
      scope: 'folder',
      from: { path: '^(packages|examples)/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      severity: 'error',
      comment: 'A module imports itself through others; split out what both need.',
      from: { path: '^(packages|examples)/[^/]+/src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
  },
};
