/** Reads the `arcml-healthcheck` report (spec/azureml-extension.md §9.2) into problems with fixes. Pure. */
import { HEALTHCHECK_CODES, KNOWN_PROBLEMS } from './known-problems.js'
import { HEALTHCHECK_POD } from './model.js'
import type { ClusterProblem } from './model.js'

export type HealthcheckOperation = 'install' | 'upgrade' | 'delete' | 'test'

/** The keys a failed operation leaves: install adds pre-delete, upgrade adds pre-rollback. */
export const REPORT_KEYS: Record<HealthcheckOperation, readonly string[]> = {
  install: ['reports-pre-install', 'reports-pre-delete'],
  upgrade: ['reports-pre-upgrade', 'reports-pre-rollback'],
  delete: ['reports-pre-delete'],
  test: ['reports-test', 'reports-test-success']
}

const ALL_KEYS = [...new Set(Object.values(REPORT_KEYS).flat())]

export interface FailedCheck {
  checker: string
  code: string
  message: string
}

/** `Status: Failed` / `Name:` / `ErrorCode: E… ErrorMessage: …` blocks; passed checkers are skipped. */
export function failedChecks(report: string): FailedCheck[] {
  const found: FailedCheck[] = []
  let current: FailedCheck | undefined
  for (const raw of String(report ?? '').split(/\r?\n/)) {
    const line = raw.trim()
    const status = /^Status:\s*(\w+)/i.exec(line)
    if (status) {
      current = undefined
      if (status[1]!.toLowerCase() === 'failed')
        found.push((current = { checker: '', code: '', message: '' }))
      continue
    }
    if (!current) continue
    const name = /^Name:\s*(.+)$/i.exec(line)
    if (name) current.checker = name[1]!.trim()
    const code = /ErrorCode:\s*(E\d{5})/i.exec(line)
    if (code) current.code = code[1]!.toUpperCase()
    const message = /ErrorMessage:\s*(.*)$/i.exec(line)
    if (message) current.message = message[1]!.trim()
  }
  return found
}

function problemOf(check: FailedCheck, key: string): ClusterProblem {
  const known = HEALTHCHECK_CODES[check.code]
  const code = check.code || 'E40000'
  const name = known ? ` ${known.name}` : ''
  return {
    component: HEALTHCHECK_POD,
    pod: HEALTHCHECK_POD,
    reason: code,
    message: `${key}: checker "${check.checker || 'unknown'}" failed: ErrorCode: ${code}${name} ErrorMessage: "${check.message}"`,
    fix: known?.fix ?? KNOWN_PROBLEMS.healthcheckFailed.fix
  }
}

/**
 * Every failed checker in the reports `operation` leaves (all report keys when not given), one
 * problem per (checker, code): the same failure shows again under pre-delete/pre-rollback.
 */
export function healthcheckProblems(
  data: Record<string, string> | undefined,
  operation?: HealthcheckOperation
): ClusterProblem[] {
  const seen = new Set<string>()
  const problems: ClusterProblem[] = []
  for (const key of operation ? REPORT_KEYS[operation] : ALL_KEYS) {
    const report = data?.[key]
    if (typeof report !== 'string') continue
    for (const check of failedChecks(report)) {
      const id = `${check.checker}\0${check.code}`
      if (seen.has(id)) continue
      seen.add(id)
      problems.push(problemOf(check, key))
    }
  }
  return problems
}
