// See workflow-schema.cjs.
module.exports = require('../../node_modules/@actions/workflow-parser/dist/action-v1.0.min.json')
