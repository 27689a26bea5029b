/** `kind: Status` failure objects, worded as the API server words them. */

export interface StatusObject {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure'
  message: string
  reason: string
  details?: { name?: string; group?: string; kind?: string }
  code: number
}

export function status(
  code: number,
  reason: string,
  message: string,
  details?: StatusObject['details']
): StatusObject {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code
  }
}

export function notFound(plural: string, group: string, name: string): StatusObject {
  const what = group ? `${plural}.${group}` : plural
  return status(404, 'NotFound', `${what} "${name}" not found`, { name, group, kind: plural })
}

export const unknownPath = (): StatusObject =>
  status(404, 'NotFound', 'the server could not find the requested resource')

export const unauthorized = (): StatusObject => status(401, 'Unauthorized', 'Unauthorized')

/** RBAC's refusal, worded as the API server words it for the sandbox's token user. */
export function forbidden(
  verb: string,
  plural: string,
  group: string,
  namespace: string | undefined
): StatusObject {
  const what = group ? `${plural}.${group}` : plural
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'
  return status(
    403,
    'Forbidden',
    `${what} is forbidden: User "sandbox-user" cannot ${verb} resource "${plural}" in API group "${group}" ${scope}`,
    { group, kind: plural }
  )
}

/** Watch (in-stream) and list (HTTP) answer to a resourceVersion older than the kept history. */
export function expired(message: string): StatusObject {
  return status(410, 'Expired', message)
}

export const badRequest = (message: string): StatusObject => status(400, 'BadRequest', message)
