import { createSign, createVerify, generateKeyPairSync, randomUUID } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

export type JwtClaims = Record<string, unknown>

/** An RS256 signing key with the `kid` that goes into token headers and the JWKS. */
export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
}

export function makeSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { kid: randomUUID(), privateKey, publicKey }
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url')

export function signJwt(claims: JwtClaims, key: SigningKey): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid }))
  const payload = b64url(JSON.stringify(claims))
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key.privateKey)
  return `${header}.${payload}.${b64url(signature)}`
}

/** The claims of a JWT-shaped string, or undefined when it is not one. Does not verify. */
export function decodeJwt(token: string): JwtClaims | undefined {
  const parts = token.split('.')
  if (parts.length !== 3) return undefined
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'))
    return claims !== null && typeof claims === 'object' ? (claims as JwtClaims) : undefined
  } catch {
    return undefined
  }
}

/** The claims when the signature is `key`'s, else undefined. */
export function verifyJwt(token: string, key: SigningKey): JwtClaims | undefined {
  const [header, payload, signature] = token.split('.')
  if (!header || !payload || !signature) return undefined
  const ok = createVerify('RSA-SHA256')
    .update(`${header}.${payload}`)
    .verify(key.publicKey, Buffer.from(signature, 'base64url'))
  return ok ? decodeJwt(token) : undefined
}

/** The JWKS entry for a key, as `jwks_uri` serves it. */
export function jwk(key: SigningKey): Record<string, unknown> {
  return { ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, use: 'sig', alg: 'RS256' }
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000)
