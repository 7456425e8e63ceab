import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { EXAMPLE_TABS } from './example-queries.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => dirname(require.resolve(`${name}/package.json`));

/**
 * GraphiQL 3 and React 18 ship browser bundles in their npm packages: the playground
 * serves them from node_modules, so it works with no internet and no bundler.
 */
const ASSETS: Record<string, string> = {
  'react.js': join(packageDir('react'), 'umd', 'react.production.min.js'),
  'react-dom.js': join(packageDir('react-dom'), 'umd', 'react-dom.production.min.js'),
  'graphiql.js': join(packageDir('graphiql'), 'graphiql.min.js'),
  'graphiql.css': join(packageDir('graphiql'), 'graphiql.min.css'),
};

export const PLAYGROUND_ASSETS_PATH = '/playground';

function page(endpoint: string): string {
  // JSON inside a <script>: escape "<" so no query text can close the tag.
  const tabs = JSON.stringify(EXAMPLE_TABS.map(({ query, variables }) => ({ query, variables }))).replaceAll('<', '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Tributary playground</title>
  <link rel="stylesheet" href="${PLAYGROUND_ASSETS_PATH}/graphiql.css">
  <style>html, body, #playground { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="playground">Loading the playground…</div>
  <script src="${PLAYGROUND_ASSETS_PATH}/react.js"></script>
  <script src="${PLAYGROUND_ASSETS_PATH}/react-dom.js"></script>
  <script src="${PLAYGROUND_ASSETS_PATH}/graphiql.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
    const root = ReactDOM.createRoot(document.getElementById('playground'));
    root.render(React.createElement(GraphiQL, { fetcher, defaultTabs: ${tabs}, defaultEditorToolsVisibility: false }));
  </script>
</body>
</html>`;
}

/**
 * Express middleware in front of Apollo: a browser asking for GET /graphql gets the
 * playground; GraphQL GETs (with a query) and POSTs go on to Apollo.
 */
export function playgroundMiddleware(endpoint: string) {
  const html = page(endpoint);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' && req.path === endpoint && req.query.query === undefined && req.accepts(['application/json', 'text/html']) === 'text/html') {
      res.type('html').send(html);
      return;
    }
    if (req.method === 'GET' && req.path.startsWith(`${PLAYGROUND_ASSETS_PATH}/`)) {
      const file = ASSETS[req.path.slice(PLAYGROUND_ASSETS_PATH.length + 1)];
      if (file) {
        res.sendFile(file, { maxAge: '1d' });
        return;
      }
    }
    next();
  };
}
