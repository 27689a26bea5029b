/**
 * spec/ holds copies of the ARM spec and the action contract so that any clone can test. Where the
 * originals sit beside the repository (../shared, as on the project's machines and CI), the copies
 * must still match them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('..', import.meta.url))
const shared = join(repo, '..', 'shared')

function files(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : [path]
  })
}

const pairs: [string, string][] = [
  [join(shared, 'design', 'action-contract.md'), join(repo, 'spec', 'action-contract.md')],
  [join(shared, 'reference', 'azureml-extension.md'), join(repo, 'spec', 'azureml-extension.md')],
  ...[join(shared, 'arm-spec', '2023-05-01'), join(shared, 'arm-spec', 'common')].flatMap(dir =>
    existsSync(dir)
      ? files(dir).map(
          f =>
            [f, join(repo, 'spec', 'arm', relative(join(shared, 'arm-spec'), f))] as [
              string,
              string
            ]
        )
      : []
  )
]

const originals = existsSync(shared)
;(originals ? test.each(pairs) : test.skip.each(pairs))(
  '%s is copied unchanged',
  (original, copy) => {
    expect(readFileSync(copy, 'utf8')).toBe(readFileSync(original, 'utf8'))
  }
)

test('the copies the tests and the sandbox read are in the repository', () => {
  expect(existsSync(join(repo, 'spec', 'action-contract.md'))).toBe(true)
  expect(existsSync(join(repo, 'spec', 'arm', '2023-05-01', 'extensions.json'))).toBe(true)
  expect(readdirSync(join(repo, 'spec', 'arm', '2023-05-01', 'examples')).length).toBeGreaterThan(5)
})
