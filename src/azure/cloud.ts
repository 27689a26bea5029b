import type { CloudEnvironment } from '../inputs.js'

/** Where an Azure cloud's ARM and Entra ID live, and what a GitHub token must be issued for. */
export interface Cloud {
  armEndpoint: string
  authorityHost: string
  /** Audience of the GitHub OIDC token; the federated credential must list it. */
  audience: string
  /** Scope of the ARM access token. */
  scope: string
  /** The Azure portal of the cloud, for links in the job summary. */
  portal: string
}

const CLOUDS: Record<CloudEnvironment, Omit<Cloud, 'scope'>> = {
  AzureCloud: {
    armEndpoint: 'https://management.azure.com',
    authorityHost: 'https://login.microsoftonline.com',
    audience: 'api://AzureADTokenExchange',
    portal: 'https://portal.azure.com'
  },
  AzureUSGovernment: {
    armEndpoint: 'https://management.usgovcloudapi.net',
    authorityHost: 'https://login.microsoftonline.us',
    audience: 'api://AzureADTokenExchangeUSGov',
    portal: 'https://portal.azure.us'
  },
  AzureChinaCloud: {
    armEndpoint: 'https://management.chinacloudapi.cn',
    authorityHost: 'https://login.chinacloudapi.cn',
    audience: 'api://AzureADTokenExchangeChina',
    portal: 'https://portal.azure.cn'
  }
}

export interface CloudOverrides {
  armEndpoint?: string
  authorityHost?: string
  audience?: string
}

/**
 * The environment's endpoints with the user's overrides. The token scope follows the cloud's ARM
 * audience, not an overridden endpoint (a custom endpoint still serves the cloud's tokens), unless
 * no named cloud applies.
 */
export function resolveCloud(environment: CloudEnvironment, overrides: CloudOverrides = {}): Cloud {
  const base = CLOUDS[environment]
  const trim = (url: string) => url.replace(/\/+$/, '')
  return {
    armEndpoint: trim(overrides.armEndpoint ?? base.armEndpoint),
    authorityHost: trim(overrides.authorityHost ?? base.authorityHost),
    audience: overrides.audience ?? base.audience,
    scope: `${trim(base.armEndpoint)}/.default`,
    portal: base.portal
  }
}
