import { startAzure } from '../sandbox-arm-helpers.js'
import type { AzureWorld } from '../sandbox-arm-helpers.js'
import { runAction } from './action.js'
import type { ActionRun } from './action.js'

export type { AzureWorld }

/** OIDC, Entra and ARM stand-ins, and the action run against them with fast polling. */
export async function startWorld(): Promise<AzureWorld> {
  return startAzure()
}

/** The inputs every run against the world needs; tests add what they are about. */
export function worldInputs(
  world: AzureWorld,
  cluster: 'arc' | 'aks' = 'arc'
): Record<string, string> {
  const c = cluster === 'arc' ? world.arc : world.aks
  return {
    'subscription-id': world.subscriptionId,
    'tenant-id': world.entra.tenantId,
    'client-id': world.entra.clientId,
    'resource-group': c.resourceGroup,
    'cluster-name': c.name,
    'cluster-type': c.type,
    'arm-endpoint': world.arm.endpoint,
    'authority-host': world.entra.authorityHost,
    'wait-for-pods': 'false',
    timeout: '2m'
  }
}

export function runIn(world: AzureWorld, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction(inputs, {
    ACTIONS_ID_TOKEN_REQUEST_URL: world.oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: world.oidc.requestToken,
    AZUREML_ACTION_POLL_MS: '10',
    AZUREML_ACTION_RETRY_MS: '10',
    NO_PROXY: '127.0.0.1,localhost'
  })
}

/** ARM requests that change something (PUT, PATCH, DELETE, POST other than listKeys). */
export function writes(world: AzureWorld) {
  return world.arm.requests.filter(
    r => r.method !== 'GET' && !(r.method === 'POST' && r.path.endsWith('/listKeys'))
  )
}
