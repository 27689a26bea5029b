// @actions/workflow-parser imports its JSON schemas without an import attribute, which jest warns
// about in every test file that loads it; jest.config.js maps those imports here, to the same JSON.
// The package exports no JSON subpath, so the file is named by its place in node_modules.
module.exports = require('../../node_modules/@actions/workflow-parser/dist/workflow-v1.0.min.json')
