/** `npm run readme`: rewrites the README's generated sections (see readme-sections.ts). */
import { readFileSync, writeFileSync } from 'node:fs'
import { withSections } from './readme-sections.js'

const path = new URL('../README.md', import.meta.url)
writeFileSync(path, withSections(readFileSync(path, 'utf8')))
