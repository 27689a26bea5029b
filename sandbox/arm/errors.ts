import { randomUUID } from 'node:crypto'
import type { SandboxResponse } from '../http.js'
import type { ArmErrorDetail } from '../contract.js'

/** An ARM failure on its way to the client as `{"error":{"code","message",…}}`. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: ArmErrorDetail[]
  ) {
    super(message)
  }

  reply(): SandboxResponse {
    const error: ArmErrorDetail = { code: this.code, message: this.message }
    if (this.details) error.details = this.details
    return { status: this.status, headers: this.headers, body: { error } }
  }
}

/** ARM's 404; `resource` is the id's tail after `/providers/` (`Microsoft.Relay/namespaces/x`). */
export const notFound = (resource: string, rg: string): ArmError =>
  new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${resource}' under resource group '${rg}' was not found. ` +
      'For more details please go to https://aka.ms/ARMResourceNotFoundFix'
  )

export const badRequest = (message: string): ArmError =>
  new ArmError(400, 'InvalidRequestContent', message)

/** What ARM's front door answers when a fault injects `status`. */
export function faultBody(status: number): unknown {
  const trackingId = randomUUID()
  const byStatus: Record<number, ArmErrorDetail> = {
    // The extension RP's answer while another operation runs on the resource.
    409: {
      code: 'Conflict',
      message:
        'Create or update failed for this resource, as there is a conflicting operation in progress. Please try after sometime.'
    },
    429: {
      code: 'TooManyRequests',
      message:
        "Number of requests for subscription exceeded the limit. Please try again after '1' seconds."
    },
    500: {
      code: 'InternalServerError',
      message: `Encountered internal server error. Diagnostic information: tracking id '${trackingId}'.`
    },
    502: { code: 'BadGateway', message: 'The gateway did not receive a response in time.' },
    503: {
      code: 'ServiceUnavailable',
      message: 'The server is currently unable to handle the request. Please retry the request.'
    },
    504: {
      code: 'GatewayTimeout',
      message: 'The gateway did not receive a response from the service within the timeout period.'
    }
  }
  return { error: byStatus[status] ?? { code: `Http${status}`, message: `HTTP ${status}` } }
}
