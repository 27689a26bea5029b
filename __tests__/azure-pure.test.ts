/** Pure Azure facts: cloud endpoints, the az CLI's resource names, sign-in hints. */
import { resolveCloud } from '../src/azure/cloud.js'
import { cliResourceName, relayNamespaceName } from '../src/azure/relay-name.js'
import { aadstsCode, decodeClaims, signInHint } from '../src/azure/signin-hints.js'

test.each([
  [
    'AzureCloud',
    'https://management.azure.com',
    'https://login.microsoftonline.com',
    'api://AzureADTokenExchange',
    'https://portal.azure.com'
  ],
  [
    'AzureUSGovernment',
    'https://management.usgovcloudapi.net',
    'https://login.microsoftonline.us',
    'api://AzureADTokenExchangeUSGov',
    'https://portal.azure.us'
  ],
  [
    'AzureChinaCloud',
    'https://management.chinacloudapi.cn',
    'https://login.chinacloudapi.cn',
    'api://AzureADTokenExchangeChina',
    'https://portal.azure.cn'
  ]
] as const)(
  '%s endpoints, audience, token scope and portal',
  (env, arm, authority, audience, portal) => {
    expect(resolveCloud(env)).toEqual({
      armEndpoint: arm,
      authorityHost: authority,
      audience,
      scope: `${arm}/.default`,
      portal
    })
  }
)

test('overrides replace endpoints and audience; the scope stays the cloud ARM audience without a double slash', () => {
  const c = resolveCloud('AzureCloud', {
    armEndpoint: 'https://127.0.0.1:8443/',
    authorityHost: 'https://127.0.0.1:9443//',
    audience: 'api://Custom'
  })
  expect(c).toEqual({
    armEndpoint: 'https://127.0.0.1:8443',
    authorityHost: 'https://127.0.0.1:9443',
    audience: 'api://Custom',
    scope: 'https://management.azure.com/.default',
    portal: 'https://portal.azure.com'
  })
})

describe('the az CLI resource-name rule', () => {
  test('keeps alphanumerics when short enough', () => {
    expect(cliResourceName('my-cluster_1.rg', 6, 50)).toBe('mycluster1rg')
  })
  test('cuts and appends the MD5 of the original text when too long', () => {
    const name = relayNamespaceName('arc-cluster', '11111111-2222-3333-4444-555555555555', 'rg-ml')
    // 'arccluster' + 32 hex of the subscription + 'rgmlrelay' is 51 characters: over 50.
    expect(name).toHaveLength(50)
    expect(name.slice(0, 44)).toBe('arccluster11111111222233334444555555555555rg')
    expect(name.slice(44)).toBe('444d34') // md5('arc-cluster-1111…-rg-ml-relay')
  })
})

describe('sign-in hints', () => {
  const claims = {
    iss: 'https://token.actions.githubusercontent.com',
    sub: 'repo:o/r:ref:refs/heads/main',
    aud: 'api://AzureADTokenExchange'
  }
  test('AADSTS700211 (issuer) names the issuer to set', () => {
    expect(signInHint('700211', claims, 'app', 'tenant')).toMatch(
      /Set its issuer to 'https:\/\/token.actions.githubusercontent.com'/
    )
  })
  test.each(['api://AzureADTokenExchangeUSGov', 'api://AzureADTokenExchangeChina'])(
    'an audience refusal with the sovereign default %s names the audience azure/login uses',
    aud => {
      expect(signInHint('700212', { ...claims, aud }, 'app', 'tenant')).toMatch(
        /azure\/login uses 'api:\/\/AzureADTokenExchange' in every cloud.*audience: api:\/\/AzureADTokenExchange\.$/
      )
    }
  )
  test('an audience refusal with the common audience does not suggest it again', () => {
    expect(signInHint('700212', claims, 'app', 'tenant')).not.toMatch(/azure\/login/)
  })
  test('an unknown code still shows the claims and the credential that would match', () => {
    expect(signInHint('12345', claims, 'app', 'tenant')).toMatch(
      /sub=repo:o\/r:ref:refs\/heads\/main[\s\S]*subject 'repo:o\/r:ref:refs\/heads\/main'/
    )
  })
  test('codes and claims are read without the token being kept', () => {
    expect(aadstsCode('AADSTS700213: No matching federated identity record found')).toBe('700213')
    const payload = Buffer.from(JSON.stringify({ ...claims, aud: ['a', 'b'] })).toString(
      'base64url'
    )
    expect(decodeClaims(`x.${payload}.y`)).toEqual({ ...claims, aud: 'a, b' })
    expect(decodeClaims('garbage')).toEqual({})
  })
})
